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
void              _tether_session_set_target     (TetherSession      *self,
                                                  const char         *target,
                                                  const char         *configuration_name,
                                                  const char         *identity_file);
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
/* Closes the shell and gives the connection back (transfer full). */
TetherConnection *_tether_session_release        (TetherSession      *self);
TetherTmuxClient *_tether_session_steal_ending_tmux (TetherSession    *self);
gboolean          _tether_session_get_is_tmux    (TetherSession      *self);
const char       *_tether_session_get_receive_mark (TetherSession    *self);
void              _tether_session_set_exec_only  (TetherSession      *self,
                                                  gboolean            exec_only);
void              _tether_session_set_idle_timeout (TetherSession    *self,
                                                  guint               idle_timeout_s);
void              _tether_session_set_disconnected (TetherSession    *self,
                                                  gint64              disconnected_on,
                                                  const char         *receive_mark);

/* For the tests and benchmarks, until a command of the application runs
 * commands on sessions (Invoke-Command). */
void              tether_session_exec_async      (TetherSession        *self,
                                                  const char           *command,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
TetherChannel    *tether_session_exec_finish     (TetherSession        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
