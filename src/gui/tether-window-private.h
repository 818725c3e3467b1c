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
  GtkRevealer          *quick_connect_revealer;
  GtkLabel             *quick_connect_error;
  GtkStack             *content_stack;
  GtkPaned             *paned;
  TetherSessionTree    *session_tree;
  AdwTabBar            *tab_bar;
  GtkMenuButton        *broadcast_button;
  GtkStack             *terminal_stack;
  GtkLabel             *terminal_empty_description;
  AdwTabView           *tab_view;
  GtkMenuButton        *primary_menu_button;
  GtkMenuButton        *runs_button;
  GMenuModel           *primary_menu;

  /* Borrowed references */
  TetherSessionManager *manager;
  AdwMessageDialog     *store_dialog;   /* weak: what the sessions file needs */

  /* Owned references */
  GSettings            *settings;
  GtkFileChooserNative *import_chooser;
  /* TetherSession → TetherSessionTab, both ref'd.  A tab outlives its page:
   * after Exit its terminal keeps reading the shell, so Enter again puts
   * back the same screen. */
  GHashTable           *tabs;
  /* Broadcast input among this window's tabs. */
  TetherBroadcast      *broadcast;
  /* TetherInvocation (ref'd) → its TetherInvokeView while one is open. */
  GHashTable           *invoke_views;
};

/* For the tests: what the window shows, without searching its widgets. */
TetherSessionTree *tether_window_get_session_tree (TetherWindow  *self);
AdwTabView       *tether_window_get_tab_view      (TetherWindow  *self);
TetherBroadcast  *tether_window_get_broadcast     (TetherWindow  *self);
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
AdwMessageDialog *_tether_window_new_question       (TetherWindow  *self,
                                                     TetherSession *session,
                                                     const char    *heading,
                                                     const char    *body,
                                                     const char    *response,
                                                     const char    *label,
                                                     GCallback      callback);


/* tether-window-errors.c */
void _tether_window_watch_sessions          (TetherWindow *self);
void _tether_window_watch_warnings          (TetherWindow *self);
void _tether_window_show_error_with_command (TetherWindow *self,
                                             const char   *heading,
                                             const char   *message,
                                             const char   *command);

/* tether-window-store.c */
void _tether_window_watch_store        (TetherWindow *self);
void _tether_window_close_store_dialog (TetherWindow *self);

/* tether-window-folders.c */
void _tether_window_watch_folders               (TetherWindow   *self);
void _tether_window_class_install_folder_actions (GtkWidgetClass *widget_class);
/* tether-window-invoke.c: Invoke-Command */
void              _tether_window_init_invoke      (TetherWindow     *self);
void              _tether_window_dispose_invoke   (TetherWindow     *self);
void              _tether_window_run_command      (TetherWindow     *self);
GtkWindow        *_tether_window_show_invocation  (TetherWindow     *self,
                                                   TetherInvocation *invocation);
void              _tether_window_export_inventory (TetherWindow     *self);
void              _tether_window_export_inventory_async  (TetherWindow        *self,
                                                          const char          *folder,
                                                          GFile               *file,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean          _tether_window_export_inventory_finish (TetherWindow        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* tether-window-actions.c */
void _tether_window_class_install_actions (GtkWidgetClass *widget_class);
void _tether_window_update_actions        (TetherWindow   *self);
void _tether_window_quick_connect         (TetherWindow   *self,
                                           const char     *target);
void _tether_window_enter                 (TetherWindow   *self,
                                           TetherSession  *session);
void _tether_window_offer_duplicate       (TetherWindow   *self,
                                           TetherSession  *session);
void _tether_window_offer_undo_remove    (TetherWindow   *self,
                                           TetherSession  *session);
void _tether_window_remove_with_undo     (TetherWindow   *self,
                                           TetherSession  *session);
void _tether_window_report_error          (TetherWindow   *self,
                                           const char     *heading,
                                           const GError   *error);

/* tether-window-tmux.c: what a session in the tmux configuration adds */
void     _tether_window_open_session_async   (TetherWindow        *self,
                                              TetherSession       *session,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean _tether_window_open_session_finish  (TetherWindow        *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void     _tether_window_receive              (TetherWindow        *self,
                                              TetherSession       *session);
void     _tether_window_remove_disconnected  (TetherWindow        *self,
                                              TetherSession       *session);

G_END_DECLS
