/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-session-private.h"

/* Commands run on a session's connection, each on its own exec channel. */

static void
exec_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TetherChannel *channel;

  channel = tether_connection_open_channel_finish (TETHER_CONNECTION (object), result, &error);
  if (channel == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, channel, g_object_unref);
}

/**
 * tether_session_exec_async:
 * @command: a command line for the remote shell
 *
 * Runs @command on its own channel of the session's connection, with
 * stdout, stderr and the exit status kept apart (see #TetherChannel; its
 * output flows once tether_channel_start() is called).
 */
void
tether_session_exec_async (TetherSession       *self,
                           const char          *command,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TetherConnection *connection;
  TetherSessionState state;

  g_return_if_fail (TETHER_IS_SESSION (self));
  g_return_if_fail (command != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_exec_async);

  connection = _tether_session_get_connection (self);
  state = tether_session_get_state (self);
  if (state != TETHER_SESSION_STATE_OPENED || connection == NULL)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                               _("The session “%s” is not open (it is %s). Open it, then run the command again."),
                               tether_session_get_name (self), tether_session_state_to_display (state));
      return;
    }

  tether_connection_open_channel_async (connection, command, 0, 0, cancellable,
                                        exec_cb, g_steal_pointer (&task));
}

/**
 * tether_session_exec_finish:
 *
 * Returns: (transfer full): the command's channel
 */
TetherChannel *
tether_session_exec_finish (TetherSession  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_session_exec_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
