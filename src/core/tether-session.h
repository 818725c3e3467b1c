/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-channel.h"

G_BEGIN_DECLS

/**
 * TetherSessionState:
 *
 * The states of a PSSession, with PowerShell's English names (see
 * tether_session_state_to_string()).
 */
typedef enum {
  TETHER_SESSION_STATE_OPENING,
  TETHER_SESSION_STATE_OPENED,
  TETHER_SESSION_STATE_CLOSING,
  TETHER_SESSION_STATE_CLOSED,
  TETHER_SESSION_STATE_BROKEN,
  /* PowerShell's states of a disconnected session, kept for parity: nothing
   * sets them yet; the reconnection work (Disconnect-/Connect-PSSession)
   * will. */
  TETHER_SESSION_STATE_DISCONNECTING,
  TETHER_SESSION_STATE_DISCONNECTED,
  TETHER_SESSION_STATE_CONNECTING,
} TetherSessionState;

typedef enum {
  TETHER_SESSION_AVAILABILITY_NONE,
  TETHER_SESSION_AVAILABILITY_AVAILABLE,
  TETHER_SESSION_AVAILABILITY_BUSY,
} TetherSessionAvailability;

#define TETHER_DEFAULT_CONFIGURATION_NAME "DefaultShell"

#define TETHER_TYPE_SESSION (tether_session_get_type ())
G_DECLARE_FINAL_TYPE (TetherSession, tether_session, TETHER, SESSION, GObject)

/**
 * TetherSession:
 *
 * A named (or temporary) remote session: a share of a #TetherConnection plus
 * its own PTY shell, which keeps running while nobody views it.
 *
 * Signals, on the main thread:
 * - `gboolean output (TetherChannel *shell, GBytes *data)`: the shell's
 *   output, from the first attach on, whether or not a viewer is attached
 *   now.  A handler that returns %TRUE took @data and gives every byte of it
 *   back with tether_channel_consume() on @shell once used (the flow
 *   control: the shell waits while its output is held); when no handler
 *   takes it, the session gives it back at once.
 * - `shell-exited (int status)`: the shell ended (e.g. `exit`).  The session
 *   stays Opened and is no longer attached; the next attach starts a fresh
 *   shell.
 * - `reconnected (gboolean same_shell)`: the session is back after its
 *   connection was lost (Connecting → Opened) and its viewer stayed.
 */

const char               *tether_session_state_to_string        (TetherSessionState state);
const char               *tether_session_state_to_display       (TetherSessionState state);

guint                     tether_session_get_id                 (TetherSession *self);
const char               *tether_session_get_instance_id        (TetherSession *self);
const char               *tether_session_get_name               (TetherSession *self);
void                      tether_session_set_name               (TetherSession *self,
                                                                 const char    *name);
const char               *tether_session_get_target             (TetherSession *self);
const char               *tether_session_get_computer_name      (TetherSession *self);
const char               *tether_session_get_user_name          (TetherSession *self);
guint                     tether_session_get_port               (TetherSession *self);
const char               *tether_session_get_configuration_name (TetherSession *self);
const char               *tether_session_get_identity_file      (TetherSession *self);
const char               *tether_session_get_known_hosts_file   (TetherSession *self);
const char               *tether_session_get_jump_hosts         (TetherSession *self);
const char               *tether_session_get_forwards_spec      (TetherSession *self);
GListModel               *tether_session_get_forwards           (TetherSession *self);
gboolean                  tether_session_get_forward_agent      (TetherSession *self);
const char               *tether_session_get_folder             (TetherSession *self);
void                      tether_session_set_folder             (TetherSession *self,
                                                                 const char    *folder);
TetherSessionState        tether_session_get_state              (TetherSession *self);
TetherSessionAvailability tether_session_get_availability       (TetherSession *self);
gboolean                  tether_session_get_temporary          (TetherSession *self);
gboolean                  tether_session_get_persistent         (TetherSession *self);
const char               *tether_session_get_last_error         (TetherSession *self);
gint64                    tether_session_get_disconnected_on    (TetherSession *self);
guint                     tether_session_get_idle_timeout       (TetherSession *self);
char                     *tether_session_dup_destination        (TetherSession *self);
char                     *tether_session_dup_shown_computer     (TetherSession *self);
gboolean                  tether_session_get_attached           (TetherSession *self);
gboolean                  tether_session_get_has_shell          (TetherSession *self);
TetherChannel            *tether_session_get_shell              (TetherSession *self);
gint64                    tether_session_get_reconnect_deadline (TetherSession *self);

void                      tether_session_attach_async           (TetherSession        *self,
                                                                 guint                 columns,
                                                                 guint                 rows,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
gboolean                  tether_session_attach_finish          (TetherSession        *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
void                      tether_session_detach                 (TetherSession        *self);
void                      tether_session_write                  (TetherSession        *self,
                                                                 const void           *data,
                                                                 gsize                 len);
void                      tether_session_resize                 (TetherSession        *self,
                                                                 guint                 columns,
                                                                 guint                 rows);
void                      tether_session_exec_async             (TetherSession        *self,
                                                                 const char           *command,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
TetherChannel            *tether_session_exec_finish            (TetherSession        *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

G_END_DECLS
