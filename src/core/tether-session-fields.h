/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The fields of a session, for tether-session.c and its accessors
 * (tether-session-accessors.c) only: everything else goes through the
 * accessors and tether-session-private.h. */

#include "tether-forward.h"
#include "tether-session-private.h"
#include "tether-tmux-client.h"

G_BEGIN_DECLS

struct _TetherSession
{
  GObject                    parent_instance;

  guint                      id;
  char                      *instance_id;
  char                      *name;
  char                      *target;
  char                      *computer_name;
  char                      *user_name;
  guint                      port;
  char                      *configuration_name;
  char                      *identity_file;
  char                      *known_hosts_file;
  char                      *jump_hosts;
  TetherForwardSet          *forwards;
  gboolean                   forward_agent;
  gboolean                   config_forward_agent;  /* ForwardAgent, from the configuration */
  char                      *folder;
  char                      *last_error;
  TetherSessionState         state;
  gboolean                   temporary;
  gboolean                   persistent;
  /* Disconnected (tmux): when, and where its pane stood then. */
  gint64                     disconnected_on;
  char                      *receive_mark;
  /* How long its tmux session may stay detached (the manager's setting). */
  guint                      idle_timeout_s;
  /* Opened only to run commands (Receive, Remove): no shell, so that no
   * control client attaches (nor creates the tmux session again). */
  gboolean                   exec_only;

  /* Owned while Opened: the shared connection and the shell on it. */
  TetherConnection          *connection;
  /* Where it last connected (user@host:port): whose typed secrets are its. */
  char                      *connection_key;
  /* While Connecting: when the retries stop (monotonic µs), else 0. */
  gint64                     reconnect_deadline;
  TetherChannel             *shell;
  /* In the tmux configuration: the control client over @shell. */
  TetherTmuxClient          *tmux;
  /* The client ending its tmux session after a close, until it is done. */
  TetherTmuxClient          *ending_tmux;
  gboolean                   opening_shell;
  /* FALSE for Invoke-Command's temporary sessions: their exec channel is
   * all they need, a shell would only cost a channel and a login shell. */
  gboolean                   shell_on_open;
  /* Invoke-Command's (shell_on_open FALSE): what its configuration sets
   * that Tether does not apply, kept for the run, which says it once for
   * all its computers. */
  char                      *held_ignored;
  gboolean                   held_accept_new;
  TetherInteraction         *interaction;
  /* An Enter waiting for the shell to open. */
  GTask                     *attach_task;
  /* The one answer to "is this session entered?". */
  gboolean                   attached;
  /* The viewer's size, which the shell's PTY follows. */
  guint                      columns;
  guint                      rows;
};

G_END_DECLS
