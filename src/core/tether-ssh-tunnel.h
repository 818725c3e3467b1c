/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib-unix.h>
#include <libssh/libssh.h>
#include <poll.h>

G_BEGIN_DECLS

/* A `direct-tcpip` channel bridged to a local descriptor, on the worker
 * thread (tether-ssh-tunnel.c). */
typedef struct _TetherTunnel TetherTunnel;

TetherTunnel *_tether_tunnel_new         (ssh_session    ssh,
                                          guint          id,
                                          const char    *host,
                                          guint          port,
                                          int            fd,
                                          GBytes        *reply);
void          _tether_tunnel_free        (TetherTunnel  *t);
guint         _tether_tunnel_get_id      (TetherTunnel  *t);
gboolean      _tether_tunnel_is_open     (TetherTunnel  *t);
void          _tether_tunnel_get_pollfd  (TetherTunnel  *t,
                                          struct pollfd *pfd);
void          _tether_tunnel_set_revents (TetherTunnel  *t,
                                          short          revents);
gboolean      _tether_tunnel_service     (TetherTunnel  *t,
                                          const char    *via,
                                          gboolean      *opened,
                                          GError       **error);

TetherTunnel *_tether_tunnel_new_accepted (ssh_session    ssh,
                                          ssh_channel    channel,
                                          int            fd);

typedef struct _TetherRemoteListener TetherRemoteListener;

TetherRemoteListener *_tether_remote_listen           (ssh_session            ssh,
                                                       guint                  id,
                                                       const char            *bind_address,
                                                       guint                  listen_port,
                                                       const char            *host,
                                                       guint                  port,
                                                       const char            *via,
                                                       GError               **error);
guint                 _tether_remote_listener_get_port (TetherRemoteListener  *l);
void                  _tether_remote_cancel            (ssh_session            ssh,
                                                        GPtrArray             *listeners,
                                                        guint                  id);
void                  _tether_remote_listener_free     (TetherRemoteListener  *l);
void                  _tether_remote_accept            (ssh_session            ssh,
                                                        GPtrArray             *listeners,
                                                        GPtrArray             *tunnels,
                                                        guint                  timeout_s);

ssh_channel   _tether_tunnel_get_channel   (TetherTunnel  *t);
TetherTunnel *_tether_tunnel_new_for_agent (ssh_session    ssh,
                                            const char    *path);

GSubprocess  *_tether_proxy_spawn          (const char    *command,
                                            const char    *alias,
                                            int           *fd,
                                            GError       **error);
void          _tether_proxy_explain        (GSubprocess   *proxy,
                                            const char    *alias,
                                            GError       **error);

G_END_DECLS
