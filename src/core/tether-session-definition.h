/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session.h"

G_BEGIN_DECLS

/**
 * TetherSessionDefinition:
 * @instance_id: (nullable): the session's InstanceId; %NULL for a new one
 * @name: (nullable): the session's name; %NULL or empty gives `Session<Id>`
 * @target: `[ssh://][user@]host[:port]` or a `~/.ssh/config` alias, as typed
 * @configuration_name: (nullable): %NULL gives `DefaultShell`
 * @identity_file: (nullable): a private key file to try before the defaults
 * @folder: (nullable): the folder the session is listed in; folders nest
 *   with `/` (`Prod/Staging` is Staging inside Prod)
 * @known_hosts_file: (nullable): an absolute path: the known hosts file
 *   this session's server key is checked against and saved in, instead of
 *   `~/.ssh/known_hosts` (the Demo session's, written by build-aux/run)
 * @jump_hosts: (nullable): jump hosts it goes through, as ProxyJump says
 *   them (`[user@]host[:port]` or aliases, comma-separated)
 * @forwards: (nullable): port forwards as ssh options write them
 *   (`-L 8080:localhost:80 -R 9000:localhost:22 -D 1080`)
 * @forward_agent: its programs reach the local agent (ssh -A)
 * @persistent: remembered in the sessions file (the Demo session is not)
 * @disconnected_on: when a tmux session was disconnected (Unix time), 0
 *   when it was not: it is listed Disconnected
 * @receive_mark: (nullable): where its pane stood at Disconnect
 *   (`HISTORY_SIZE CURSOR_Y CURSOR_X`), the start of what Receive gives
 *
 * What defines a named session: what New-PSSession is told, what Edit
 * changes and what the sessions file remembers (never a secret).
 *
 * One built on the stack borrows its strings; one from
 * tether_session_definition_new() or
 * tether_session_definition_new_for_session() owns them, and
 * tether_session_definition_free() frees them.
 */
typedef struct {
  const char *instance_id;
  const char *name;
  const char *target;
  const char *configuration_name;
  const char *identity_file;
  const char *folder;
  const char *known_hosts_file;
  const char *jump_hosts;
  const char *forwards;
  gboolean    forward_agent;
  gboolean    persistent;
  gint64      disconnected_on;
  const char *receive_mark;
} TetherSessionDefinition;

TetherSessionDefinition *tether_session_definition_new             (void);
TetherSessionDefinition *tether_session_definition_new_for_session (TetherSession           *session);
void                     tether_session_definition_free            (TetherSessionDefinition *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSessionDefinition, tether_session_definition_free)

/**
 * TETHER_SESSION_FIELD_MAX:
 *
 * The most bytes a field of a definition may hold: a name, a target, a
 * folder, a private key's path (PATH_MAX on Linux).  The sessions file is
 * refused line by line beyond a few times this, before it is parsed.
 */
#define TETHER_SESSION_FIELD_MAX 4096

gboolean tether_session_definition_check       (const TetherSessionDefinition  *def,
                                                GError                        **error);
gboolean tether_session_name_check             (const char                     *name,
                                                GError                        **error);
char    *tether_session_name_key               (const char                     *name);
gboolean tether_session_text_is_clean          (const char                     *text);
gboolean tether_session_identity_file_is_plain (const char                     *path);
char    *tether_session_folder_normalize       (const char                     *folder);
gboolean tether_session_folder_is_within       (const char                     *folder,
                                                const char                     *path);
gboolean tether_session_folder_name_check      (const char                     *name,
                                                GError                        **error);

G_END_DECLS
