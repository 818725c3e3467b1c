/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <unistd.h>

#include "tether-connection-private.h"
#include "tether-error.h"
#include "tether-util.h"

/*
 * Tunnels on a connection: `direct-tcpip` channels bridged to a local
 * descriptor (a jump host's next connection, a local or SOCKS forward's
 * client) and the server's listeners of remote forwards.  The worker's
 * side is tether-ssh-tunnel.c.
 */

static gboolean
check_ready (TetherConnection *self,
             GTask            *task)
{
  if (tether_connection_get_state (self) == TETHER_CONNECTION_STATE_READY)
    return TRUE;
  g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                           _("The connection to %s is not open. Open the session again."),
                           tether_connection_get_key (self));
  return FALSE;
}

/**
 * tether_connection_set_tunnel:
 * @fd: (transfer full): the socket to speak SSH on, instead of a TCP
 *   connection: a tunnel through @via (tether_connection_open_tunnel_async())
 * @via: the jump connection's key, for messages
 */
void
tether_connection_set_tunnel (TetherConnection *self,
                              int               fd,
                              const char       *via)
{
  TetherConnectionShared *shared;

  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (tether_connection_get_state (self) == TETHER_CONNECTION_STATE_NEW);
  g_return_if_fail (fd >= 0);

  shared = _tether_connection_get_shared (self);
  if (shared->tunnel_fd >= 0)
    close (shared->tunnel_fd);
  shared->tunnel_fd = fd;
  tether_set_str (&shared->via, via);
}

/**
 * tether_connection_set_proxy_command:
 * @command: (nullable): the user's ProxyCommand, tokens expanded: run with
 *   `/bin/sh -c`, SSH is spoken on its standard input and output
 *
 * Connects through the user's own command instead of TCP, as OpenSSH
 * does; its standard error is shown when the connection fails.
 */
void
tether_connection_set_proxy_command (TetherConnection *self,
                                     const char       *command)
{
  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (tether_connection_get_state (self) == TETHER_CONNECTION_STATE_NEW);

  tether_set_str (&_tether_connection_get_shared (self)->proxy_command, command);
}

/**
 * tether_connection_open_tunnel_async:
 * @host: where the server connects on to
 * @port: its port
 * @fd: (transfer full): the local descriptor the channel's bytes go to and
 *   come from; closed when the tunnel ends (or fails)
 * @reply: (nullable): bytes written to @fd once the channel is open, before
 *   any from the channel (a SOCKS reply)
 *
 * Opens a `direct-tcpip` channel from the server to @host:@port and lets
 * the connection's worker copy bytes between it and @fd until either side
 * closes.  The task returns once the channel is open.
 */
void
tether_connection_open_tunnel_async (TetherConnection    *self,
                                     const char          *host,
                                     guint                port,
                                     int                  fd,
                                     GBytes              *reply,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TetherCommand *cmd;

  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (fd >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_connection_open_tunnel_async);

  if (!check_ready (self, task))
    {
      close (fd);
      return;
    }

  cmd = g_new0 (TetherCommand, 1);
  cmd->type = TETHER_COMMAND_OPEN_TUNNEL;
  cmd->command = g_strdup (host);
  cmd->port = port;
  cmd->fd = fd;
  cmd->data = reply != NULL ? g_bytes_ref (reply) : NULL;
  _tether_connection_send_tunnel (self, cmd, task);
}

gboolean
tether_connection_open_tunnel_finish (TetherConnection  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_connection_open_tunnel_async, FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

/**
 * tether_connection_listen_remote_async:
 * @bind_address: (nullable): where the server listens (its loopback for
 *   %NULL, as ssh -R)
 * @listen_port: the server's port, 0 for one it chooses
 * @host: where each connection the server accepts goes, from here
 * @port: its port
 *
 * Asks the server to listen (`tcpip-forward`), as `ssh -R` does.  The
 * task returns the port the server listens on.
 *
 * Returns: the listener's id, for tether_connection_cancel_remote()
 */
guint
tether_connection_listen_remote_async (TetherConnection    *self,
                                       const char          *bind_address,
                                       guint                listen_port,
                                       const char          *host,
                                       guint                port,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TetherCommand *cmd;

  g_return_val_if_fail (TETHER_IS_CONNECTION (self), 0);
  g_return_val_if_fail (host != NULL, 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_connection_listen_remote_async);

  if (!check_ready (self, task))
    return 0;

  cmd = g_new0 (TetherCommand, 1);
  cmd->type = TETHER_COMMAND_LISTEN_REMOTE;
  cmd->bind_address = g_strdup (bind_address);
  cmd->listen_port = listen_port;
  cmd->command = g_strdup (host);
  cmd->port = port;
  return _tether_connection_send_tunnel (self, cmd, task);
}

/**
 * tether_connection_listen_remote_finish:
 *
 * Returns: the port the server listens on, or 0 with @error
 */
guint
tether_connection_listen_remote_finish (TetherConnection  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  gssize port;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_connection_listen_remote_async, 0);

  port = g_task_propagate_int (G_TASK (result), error);
  return port > 0 ? (guint) port : 0;
}

/**
 * tether_connection_cancel_remote:
 * @id: from tether_connection_listen_remote_async()
 *
 * Stops a remote listener; connections it already brought stay.
 */
void
tether_connection_cancel_remote (TetherConnection *self,
                                 guint             id)
{
  TetherCommand *cmd;

  g_return_if_fail (TETHER_IS_CONNECTION (self));

  cmd = g_new0 (TetherCommand, 1);
  cmd->type = TETHER_COMMAND_CANCEL_REMOTE;
  cmd->tunnel_id = id;
  _tether_connection_send (self, cmd);
}
