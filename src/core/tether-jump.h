/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-target.h"

G_BEGIN_DECLS

/*
 * Jump hosts, as OpenSSH's ProxyJump writes them: `[user@]host[:port]` or
 * `ssh://[user@]host[:port]`, or `~/.ssh/config` aliases, separated by
 * commas, the first one connected to first; `none` is none.
 */

gboolean    tether_jump_hosts_check   (const char  *jump_hosts,
                                       GError     **error);
GPtrArray  *tether_jump_hosts_resolve (const char  *jump_hosts,
                                       const char  *ssh_dir,
                                       GError     **error);

void        tether_jump_hosts_resolve_async  (const char           *jump_hosts,
                                              const char           *ssh_dir,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GPtrArray  *tether_jump_hosts_resolve_finish (GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
