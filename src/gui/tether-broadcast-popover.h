/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-broadcast.h"

G_BEGIN_DECLS

#define TETHER_TYPE_BROADCAST_POPOVER (tether_broadcast_popover_get_type ())
G_DECLARE_FINAL_TYPE (TetherBroadcastPopover, tether_broadcast_popover, TETHER, BROADCAST_POPOVER, GtkPopover)

/**
 * TetherBroadcastPopover:
 *
 * Broadcast to…: a check box per tab of @tab_view (those whose session is
 * entered can be picked) and one for all of them, `broadcast.all` (the
 * `all-picked` property).  The picks are @broadcast's.
 */

GtkWidget *tether_broadcast_popover_new (AdwTabView      *tab_view,
                                         TetherBroadcast *broadcast);

G_END_DECLS
