/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tether-session.h"

G_BEGIN_DECLS

/*
 * The pieces of the session tree's GtkColumnView: the folder rows and the
 * seed's columns (cells that follow their session, sorters that keep
 * folders first).
 */

#define TETHER_TYPE_SESSION_FOLDER (tether_session_folder_get_type ())
G_DECLARE_FINAL_TYPE (TetherSessionFolder, tether_session_folder, TETHER, SESSION_FOLDER, GObject)

TetherSessionFolder *tether_session_folder_new            (const char          *path,
                                                           GListModel          *sessions);
const char          *tether_session_folder_get_name       (TetherSessionFolder *self);
const char          *tether_session_folder_get_path       (TetherSessionFolder *self);
GListStore          *tether_session_folder_get_subfolders (TetherSessionFolder *self);
GListModel          *tether_session_folder_get_children   (TetherSessionFolder *self);
void                 tether_session_folder_refilter       (TetherSessionFolder *self);

typedef enum {
  TETHER_SESSION_COLUMN_ID,
  TETHER_SESSION_COLUMN_NAME,
  TETHER_SESSION_COLUMN_COMPUTER_NAME,
  TETHER_SESSION_COLUMN_STATE,
  TETHER_SESSION_COLUMN_CONFIGURATION_NAME,
} TetherSessionColumn;

/* A secondary click on the row at @position, at (@x, @y) in @cell. */
typedef void (*TetherSessionMenuFunc) (GtkWidget *cell,
                                       guint      position,
                                       double     x,
                                       double     y,
                                       gpointer   user_data);

/* @session was dropped on a row: to be filed in @folder (%NULL: none). */
typedef void (*TetherSessionDropFunc) (TetherSession *session,
                                       const char    *folder,
                                       gpointer       user_data);

GtkColumnViewColumn *tether_session_column_new (TetherSessionColumn    column,
                                                const char            *title,
                                                TetherSessionMenuFunc  menu_func,
                                                TetherSessionDropFunc  drop_func,
                                                gpointer               user_data);

G_END_DECLS
