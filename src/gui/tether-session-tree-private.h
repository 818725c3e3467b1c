/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-tree.h"

G_BEGIN_DECLS

/* For the tests: the widgets the tree is made of. */

GtkColumnView *tether_session_tree_get_column_view  (TetherSessionTree *self);
GtkEditable   *tether_session_tree_get_search_entry (TetherSessionTree *self);

G_END_DECLS
