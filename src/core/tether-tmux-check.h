/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-connection.h"

G_BEGIN_DECLS

/* The oldest tmux whose control mode has all Tether uses. */
#define TETHER_TMUX_MINIMUM_MAJOR 3
#define TETHER_TMUX_MINIMUM_MINOR 2

/* Prefixed to every command that runs tmux: exit status 127 then means
 * "no tmux", whatever the login shell says when a command is missing. */
#define TETHER_TMUX_FIND "command -v tmux >/dev/null 2>&1 || exit 127; "

gboolean tether_tmux_version_supported (const char        *version);
gboolean tether_tmux_check_version     (const char        *host,
                                        int                status,
                                        const char        *version,
                                        GError           **error);
void     tether_tmux_check_async       (TetherConnection  *connection,
                                        const char        *host,
                                        GCancellable      *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer           user_data);
gboolean tether_tmux_check_finish      (TetherConnection  *connection,
                                        GAsyncResult      *result,
                                        GError           **error);

G_END_DECLS
