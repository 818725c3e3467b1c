/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TetherTerminal TetherTerminal;

#define TETHER_TYPE_BROADCAST (tether_broadcast_get_type ())
G_DECLARE_FINAL_TYPE (TetherBroadcast, tether_broadcast, TETHER, BROADCAST, GObject)

/**
 * TetherBroadcast:
 *
 * Broadcast input: the terminals picked to receive it.  Whatever is typed
 * or pasted into one of them goes to the shells of all of them
 * (tether_broadcast_write(), called from the terminal's one input path).
 * Only terminals whose session is entered can be picked, and a terminal
 * leaves when its session is left.  Nothing joins by itself.
 *
 * This object is the one record of who is picked; a terminal's
 * `broadcasting` property reads it.
 *
 * Properties: `n-members`.
 */

TetherBroadcast *tether_broadcast_new           (void);
gboolean         tether_broadcast_contains      (TetherBroadcast *self,
                                                 TetherTerminal  *terminal);
gboolean         tether_broadcast_set_member    (TetherBroadcast *self,
                                                 TetherTerminal  *terminal,
                                                 gboolean         member);
guint            tether_broadcast_get_n_members (TetherBroadcast *self);
void             tether_broadcast_stop          (TetherBroadcast *self);
void             tether_broadcast_write         (TetherBroadcast *self,
                                                 const char      *data,
                                                 gsize            size);

G_END_DECLS
