/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-connection.h"
#include "tether-session.h"
#include "tether-target.h"

G_BEGIN_DECLS

/*
 * The manager's pool of connections: every session to the same
 * user@host:port (through the same jump hosts) with the same identity
 * files (its own and the configuration's) shares one TetherConnection,
 * opened by the first session, closed after the last.  Sessions that ask
 * while it connects wait for it.  A connection through a jump host has a
 * parent, the jump host's pooled connection, which it counts as one user
 * and reaches over a `direct-tcpip` tunnel (tether-ssh-tunnel.c).
 */

typedef struct _TetherConnectionPool TetherConnectionPool;

/* Called when a pooled connection dies under its sessions, before the pool
 * forgets it. */
typedef void (*TetherConnectionBrokenFunc) (TetherConnection *connection,
                                            const GError     *error,
                                            gpointer          user_data);

TetherConnectionPool *_tether_connection_pool_new      (TetherConnectionBrokenFunc  broken,
                                                        gpointer                    user_data);
void                  _tether_connection_pool_free     (TetherConnectionPool       *pool);
guint                 _tether_connection_pool_size     (TetherConnectionPool       *pool);
/* Opens @session on a shared connection (a new one made with @interaction
 * and @config, whose terminal size the shell starts at), through the jump
 * hosts @jumps (NULL-terminated, nullable) in order, each one's connection
 * pooled too; @task (owned by the caller) returns a boolean once the
 * session is Opened, or the error. */
void                  _tether_connection_pool_open     (TetherConnectionPool        *pool,
                                                        TetherSession               *session,
                                                        TetherSessionState           previous,
                                                        const TetherResolvedTarget  *resolved,
                                                        const TetherResolvedTarget **jumps,
                                                        TetherInteraction           *interaction,
                                                        const TetherConfig          *config,
                                                        GTask                       *task);
/* Takes the session's connection back (closing it if it was the last). */
void                  _tether_connection_pool_release  (TetherConnectionPool       *pool,
                                                        TetherSession              *session);
void                  _tether_connection_pool_clear    (TetherConnectionPool       *pool);
void                  _tether_connection_pool_forget_secrets (TetherConnectionPool *pool,
                                                        const char                 *key);
void                  _tether_connection_pool_check_all (TetherConnectionPool      *pool);

G_END_DECLS
