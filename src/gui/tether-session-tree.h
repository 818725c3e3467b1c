/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-session.h"

G_BEGIN_DECLS

#define TETHER_TYPE_SESSION_TREE (tether_session_tree_get_type ())
G_DECLARE_FINAL_TYPE (TetherSessionTree, tether_session_tree, TETHER, SESSION_TREE, GtkWidget)

/**
 * TetherSessionTree:
 *
 * The session list: a search entry over a #GtkColumnView with the seed's
 * columns (Id, Name, ComputerName, State, ConfigurationName), folders as
 * parent rows, and an empty state when there is no session at all.
 *
 * Several rows can be selected (Ctrl, Shift); the actions on one session
 * act on the first, Run Command on all (tether_session_tree_dup_selected_sessions()).
 *
 * Signals: `session-activated (TetherSession *session)` on double-click or
 * Enter on a session's row; `move-session (TetherSession *session, const
 * char *folder)` when a session is dropped on a folder's row (into it), on
 * a session's row (into its folder) or on no row (%NULL: out of every
 * folder).  Folders nest: a session filed in `Prod/Staging` shows under
 * Staging, under Prod.  Its context menu holds the window's `win.*`
 * session actions, which act on the selected session.
 */

void            tether_session_tree_set_model            (TetherSessionTree *self,
                                                          GListModel        *sessions);
TetherSession  *tether_session_tree_get_selected_session (TetherSessionTree *self);
const char     *tether_session_tree_get_selected_folder  (TetherSessionTree *self);
GPtrArray      *tether_session_tree_dup_selected_sessions (TetherSessionTree *self);
gboolean        tether_session_tree_select_session       (TetherSessionTree *self,
                                                          TetherSession     *session);
GListModel     *tether_session_tree_get_rows             (TetherSessionTree *self);
void            tether_session_tree_focus_list           (TetherSessionTree *self);
void            tether_session_tree_focus_search         (TetherSessionTree *self);

G_END_DECLS
