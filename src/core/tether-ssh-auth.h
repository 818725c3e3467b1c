/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libssh/libssh.h>

#include "tether-connection-private.h"

G_BEGIN_DECLS

/* Both run on the connection's worker thread, with a blocking session. */
gboolean _tether_ssh_check_host_key (ssh_session              ssh,
                                     TetherConnectionShared  *shared,
                                     GError                 **error);
gboolean _tether_ssh_authenticate   (ssh_session              ssh,
                                     TetherConnectionShared  *shared,
                                     GError                 **error);

G_END_DECLS
