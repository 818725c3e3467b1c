/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tether-session.h"

G_BEGIN_DECLS

#define TETHER_TYPE_RECONNECT_BAR (tether_reconnect_bar_get_type ())
G_DECLARE_FINAL_TYPE (TetherReconnectBar, tether_reconnect_bar, TETHER, RECONNECT_BAR, GtkWidget)

/**
 * TetherReconnectBar:
 *
 * The bar across the top of a session's tab while its connection is lost:
 * « The connection to HOST was interrupted. Reconnecting… 3:52 » with
 * *Reconnect Now* and *Close Session* while Connecting, and *Reconnect*
 * once the session is Broken.  The buttons only ask: the bar emits
 * `response` ("reconnect-now", "reconnect" or "close") for whoever owns
 * the session's life (the window, through the manager).
 */

GtkWidget     *tether_reconnect_bar_new         (void);
void           tether_reconnect_bar_set_session (TetherReconnectBar *self,
                                                 TetherSession      *session);
TetherSession *tether_reconnect_bar_get_session (TetherReconnectBar *self);
gboolean       tether_reconnect_bar_get_shown   (TetherReconnectBar *self);
const char    *tether_reconnect_bar_get_text    (TetherReconnectBar *self);

G_END_DECLS
