/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-channel.h"
#include "tether-config.h"
#include "tether-interaction.h"
#include "tether-target.h"

G_BEGIN_DECLS

typedef enum {
  TETHER_CONNECTION_STATE_NEW,
  TETHER_CONNECTION_STATE_CONNECTING,
  TETHER_CONNECTION_STATE_READY,
  TETHER_CONNECTION_STATE_BROKEN,
  TETHER_CONNECTION_STATE_CLOSED,
} TetherConnectionState;

typedef enum {
  TETHER_CHANNEL_FLAGS_NONE          = 0,
  TETHER_CHANNEL_FLAGS_FORWARD_AGENT = 1 << 0,
} TetherChannelFlags;

#define TETHER_TYPE_CONNECTION (tether_connection_get_type ())
G_DECLARE_FINAL_TYPE (TetherConnection, tether_connection, TETHER, CONNECTION, GObject)

/**
 * TetherConnection:
 *
 * One authenticated SSH connection to user@host:port, shared by every session
 * that goes there.  All of libssh runs on the connection's own thread, which
 * also connects and authenticates, so the main loop never waits on the
 * network.  The object itself lives on the main thread.
 *
 * Signals: `broken (GError *error)` when the connection dies under the
 * sessions (socket error, keepalive not answered).
 */

TetherConnection      *tether_connection_new              (const TetherResolvedTarget *target,
                                                           const char                 *ssh_dir,
                                                           const TetherConfig         *config);
const char            *tether_connection_get_key          (TetherConnection           *self);
const char            *tether_connection_get_user         (TetherConnection           *self);
guint                  tether_connection_get_port         (TetherConnection           *self);
TetherConnectionState  tether_connection_get_state        (TetherConnection           *self);
void                   tether_connection_set_interaction  (TetherConnection           *self,
                                                           TetherInteraction          *interaction);
void                   tether_connection_set_identity_file (TetherConnection          *self,
                                                           const char                 *path);
void                   tether_connection_set_known_hosts_file (TetherConnection       *self,
                                                              const char             *path);
const char            *tether_connection_get_known_hosts_file (TetherConnection       *self);
void                   tether_connection_connect_async    (TetherConnection           *self,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
gboolean               tether_connection_connect_finish   (TetherConnection           *self,
                                                           GAsyncResult               *result,
                                                           GError                    **error);
void                   tether_connection_open_channel_async (TetherConnection         *self,
                                                           const char                 *command,
                                                           guint                       columns,
                                                           guint                       rows,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
void                   tether_connection_open_channel_full_async (TetherConnection    *self,
                                                           const char                 *command,
                                                           guint                       columns,
                                                           guint                       rows,
                                                           TetherChannelFlags          flags,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
TetherChannel         *tether_connection_open_channel_finish (TetherConnection        *self,
                                                           GAsyncResult               *result,
                                                           GError                    **error);
void                   tether_connection_check            (TetherConnection           *self);
void                   tether_connection_set_tunnel       (TetherConnection           *self,
                                                           int                         fd,
                                                           const char                 *via);
void                   tether_connection_set_proxy_command (TetherConnection          *self,
                                                           const char                 *command);
void                   tether_connection_open_tunnel_async (TetherConnection          *self,
                                                           const char                 *host,
                                                           guint                       port,
                                                           int                         fd,
                                                           GBytes                     *reply,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
gboolean               tether_connection_open_tunnel_finish (TetherConnection         *self,
                                                           GAsyncResult               *result,
                                                           GError                    **error);
guint                  tether_connection_listen_remote_async (TetherConnection        *self,
                                                           const char                 *bind_address,
                                                           guint                       listen_port,
                                                           const char                 *host,
                                                           guint                       port,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
guint                  tether_connection_listen_remote_finish (TetherConnection       *self,
                                                           GAsyncResult               *result,
                                                           GError                    **error);
void                   tether_connection_cancel_remote    (TetherConnection           *self,
                                                           guint                       id);
void                   tether_connection_close            (TetherConnection           *self);

G_END_DECLS
