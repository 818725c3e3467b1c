/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-connection.h"
#include "tether-session-definition.h"
#include "tether-tmux-client.h"

G_BEGIN_DECLS

/* What the manager, which drives a session's life, may do to it. */

TetherSession    *_tether_session_new            (const TetherSessionDefinition *def,
                                                  gboolean                       temporary);
guint             _tether_session_peek_next_id   (void);
void              _tether_session_set_id         (TetherSession      *self,
                                                  guint               id);
void              _tether_session_set_target     (TetherSession      *self,
                                                  const char         *target,
                                                  const char         *configuration_name,
                                                  const char         *identity_file);
void              _tether_session_set_ssh_options (TetherSession                 *self,
                                                  const TetherSessionDefinition *def);
void              _tether_session_set_config_forwards (TetherSession *self,
                                                  const char         *forwards);
void              _tether_session_set_state      (TetherSession      *self,
                                                  TetherSessionState  state);
void              _tether_session_set_last_error (TetherSession      *self,
                                                  const char         *message);
void              _tether_session_set_resolved   (TetherSession      *self,
                                                  const char         *user_name,
                                                  guint               port);
void              _tether_session_set_connection (TetherSession      *self,
                                                  TetherConnection   *connection,
                                                  guint               columns,
                                                  guint               rows);
TetherConnection *_tether_session_get_connection (TetherSession      *self);
const char       *_tether_session_get_connection_key (TetherSession  *self);
void              _tether_session_set_reconnect_deadline (TetherSession *self,
                                                  gint64              deadline);
TetherChannelFlags _tether_session_get_channel_flags (TetherSession  *self);
void              _tether_session_set_config_forward_agent (TetherSession *self,
                                                  gboolean            forward_agent);
/* Closes the shell and gives the connection back (transfer full). */
TetherConnection *_tether_session_release        (TetherSession      *self);
TetherTmuxClient *_tether_session_steal_ending_tmux (TetherSession    *self);
gboolean          _tether_session_get_is_tmux    (TetherSession      *self);
gboolean          _tether_session_get_makes_tmux (TetherSession      *self,
                                                  TetherSessionState  previous);
const char       *_tether_session_get_receive_mark (TetherSession    *self);
void              _tether_session_set_exec_only  (TetherSession      *self,
                                                  gboolean            exec_only);
void              _tether_session_set_idle_timeout (TetherSession    *self,
                                                  guint               idle_timeout_s);
void              _tether_session_set_disconnected (TetherSession    *self,
                                                  gint64              disconnected_on,
                                                  const char         *receive_mark);

/* Who asks the user while it opens, instead of the manager's (a run's
 * queue); NULL for the manager's. */
void              _tether_session_set_interaction (TetherSession     *self,
                                                  TetherInteraction  *interaction);
TetherInteraction *_tether_session_get_interaction (TetherSession    *self);
/* Whether joining a connection starts the shell (TRUE unless told). */
void              _tether_session_set_shell_on_open (TetherSession   *self,
                                                  gboolean            shell_on_open);
/* Invoke-Command's sessions keep their configuration warning for the run
 * (tether-invocation.c) instead of saying it each. */
gboolean          _tether_session_get_hold_warnings (TetherSession   *self);
void              _tether_session_hold_warning   (TetherSession      *self,
                                                  const char         *ignored,
                                                  gboolean            accept_new);
const char       *_tether_session_get_held_warning (TetherSession    *self,
                                                  gboolean           *accept_new);

G_END_DECLS
