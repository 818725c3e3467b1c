/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-window.h"

G_BEGIN_DECLS

struct _TetherWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkEntry             *quick_connect_entry;
  GtkStack             *content_stack;
  GtkPaned             *paned;
  TetherSessionTree    *session_tree;
  AdwTabBar            *tab_bar;
  GtkStack             *terminal_stack;
  GtkLabel             *terminal_empty_description;
  AdwTabView           *tab_view;
  GtkMenuButton        *primary_menu_button;
  GMenuModel           *primary_menu;

  /* Borrowed references */
  TetherSessionManager *manager;
  AdwMessageDialog     *store_dialog;   /* weak: what the sessions file needs */

  /* Owned references */
  GSettings            *settings;
  /* TetherSession → TetherSessionTab, both ref'd.  A tab outlives its page:
   * after Exit its terminal keeps reading the shell, so Enter again puts
   * back the same screen. */
  GHashTable           *tabs;
};

/* For the tests: what the window shows, without searching its widgets. */
TetherSessionTree *tether_window_get_session_tree (TetherWindow  *self);
AdwTabView       *tether_window_get_tab_view      (TetherWindow  *self);
TetherSessionTab *tether_window_lookup_tab        (TetherWindow  *self,
                                                   TetherSession *session);

/* tether-window.c */
AdwMessageDialog *_tether_window_new_message_dialog (TetherWindow *self,
                                                     const char   *heading,
                                                     const char   *message);
void              _tether_window_add_details_toast  (TetherWindow *self,
                                                     const char   *heading,
                                                     const char   *message,
                                                     const char   *dialog_name);
void              _tether_window_present_dialog     (TetherWindow *self,
                                                     GtkWindow    *dialog);

/* tether-window-store.c */
void _tether_window_watch_store        (TetherWindow *self);
void _tether_window_close_store_dialog (TetherWindow *self);

/* tether-window-actions.c */
void _tether_window_class_install_actions (GtkWidgetClass *widget_class);
void _tether_window_update_actions        (TetherWindow   *self);
void _tether_window_quick_connect         (TetherWindow   *self,
                                           const char     *target);
void _tether_window_enter                 (TetherWindow   *self,
                                           TetherSession  *session);

G_END_DECLS
