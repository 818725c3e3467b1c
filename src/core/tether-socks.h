/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The server side of a SOCKS 4, 4a or 5 CONNECT handshake, for dynamic
 * forwards (tether-socks.c). */
typedef struct {
  GSocketConnection *client;
  char              *host;
  guint              port;
  GBytes            *reply;   /* the success reply, sent once connected */
} TetherSocksRequest;

void                _tether_socks_request_free     (TetherSocksRequest  *request);
void                _tether_socks_handshake_async  (GObject             *source,
                                                    GSocketConnection   *client,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
TetherSocksRequest *_tether_socks_handshake_finish (GAsyncResult        *result,
                                                    GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSocksRequest, _tether_socks_request_free)

G_END_DECLS
