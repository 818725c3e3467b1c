/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tether-window-private.h"

/*
 * The window and the list's folders: a session dropped in the list moves
 * to the folder it was dropped on, and Rename Folder asks for the new name
 * in a dialog that says at once why a name cannot be taken.
 */

static void
on_move_session (TetherSessionTree *tree,
                 TetherSession     *session,
                 const char        *folder,
                 TetherWindow      *self)
{
  tether_session_manager_move_session (self->manager, session, folder);
  tether_session_tree_select_session (self->session_tree, session);
}

/* The name is checked as it is typed: Rename is offered only for a name
 * the folder can take, and the reason shows under the field otherwise. */
static void
on_name_changed (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  GtkLabel *reason = g_object_get_data (G_OBJECT (dialog), "tether-reason");
  g_autoptr(GError) error = NULL;
  gboolean ok = tether_session_folder_name_check (gtk_editable_get_text (entry), &error);

  adw_message_dialog_set_response_enabled (dialog, "rename", ok);
  gtk_label_set_label (reason, ok ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (reason), !ok);
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TetherWindow     *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "tether-folder");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "tether-entry");
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "rename"))
    return;
  if (!tether_session_manager_rename_folder (self->manager, path, gtk_editable_get_text (entry), &error))
    tether_window_show_error (self, _("Could Not Rename the Folder"), error->message);
}

static void
rename_folder_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  const char *path = tether_session_tree_get_selected_folder (self->session_tree);
  const char *slash;
  AdwMessageDialog *dialog;
  GtkWidget *box, *entry, *reason;

  if (path == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Rename Folder"), NULL));
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-rename-folder-dialog");
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "rename");
  adw_message_dialog_set_close_response (dialog, "cancel");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = gtk_entry_new ();
  slash = strrchr (path, '/');
  gtk_editable_set_text (GTK_EDITABLE (entry), slash != NULL ? slash + 1 : path);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Folder name"), -1);
  reason = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
  gtk_label_set_xalign (GTK_LABEL (reason), 0);
  gtk_widget_add_css_class (reason, "error");
  gtk_widget_set_visible (reason, FALSE);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), reason);
  adw_message_dialog_set_extra_child (dialog, box);

  /* The folder's path, kept as it was when asked: the selection may move. */
  g_object_set_data_full (G_OBJECT (dialog), "tether-folder", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (dialog), "tether-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "tether-reason", reason);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_name_changed), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

void
_tether_window_watch_folders (TetherWindow *self)
{
  g_signal_connect_object (self->session_tree, "move-session", G_CALLBACK (on_move_session), self, 0);
}

void
_tether_window_class_install_folder_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.rename-folder", NULL, rename_folder_activated);
}
