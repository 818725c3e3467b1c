/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-inventory.h"
#include "tether-invoke-dialog.h"
#include "tether-invoke-runs.h"
#include "tether-invoke-view.h"
#include "tether-window-private.h"

/*
 * Many sessions at once, in the window: Run Command on the selection (a
 * session, a folder's sessions), its results in a window of their own, and
 * the list of this process's runs, which reopens any of them.  A run
 * belongs to the manager, not to its view: closing the view leaves it
 * going.  And a folder exported as an Ansible inventory, for when a fleet
 * outgrows one desktop.
 */

static void
on_view_destroyed (TetherWindow *self,
                   GObject      *view)
{
  GHashTableIter iter;
  gpointer shown;

  g_hash_table_iter_init (&iter, self->invoke_views);
  while (g_hash_table_iter_next (&iter, NULL, &shown))
    if (shown == (gpointer) view)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

/**
 * _tether_window_show_invocation:
 *
 * Presents @invocation's results: its open view, or a new one.
 *
 * Returns: (transfer none): the view
 */
GtkWindow *
_tether_window_show_invocation (TetherWindow     *self,
                                TetherInvocation *invocation)
{
  GtkWindow *view = g_hash_table_lookup (self->invoke_views, invocation);

  if (view == NULL)
    {
      view = GTK_WINDOW (tether_invoke_view_new (GTK_WINDOW (self), invocation));
      g_hash_table_insert (self->invoke_views, g_object_ref (invocation), view);
      g_signal_connect_object (view, "destroy", G_CALLBACK (on_view_destroyed), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (view);
  return view;
}

/* The results say how it went; the run's own sentence is for the
 * command line. */
static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  tether_invocation_run_finish (TETHER_INVOCATION (source), result, &error);
}

static void
on_dialog_run (TetherInvokeDialog *dialog,
               TetherInvocation   *invocation,
               TetherWindow       *self)
{
  tether_invocation_run_async (invocation, NULL, on_run_done, NULL);
  _tether_window_show_invocation (self, invocation);
}

/* The selection as the dialog's targets: the selected sessions and those
 * of the selected folders, by name. */
static char *
selection_targets (TetherWindow *self)
{
  g_autoptr(GPtrArray) sessions = tether_session_tree_dup_selected_sessions (self->session_tree);
  g_autoptr(GString) targets = g_string_new (NULL);

  for (guint i = 0; i < sessions->len; i++)
    g_string_append_printf (targets, "%s%s", i > 0 ? ", " : "",
                            tether_session_get_name (g_ptr_array_index (sessions, i)));
  return g_string_free (g_steal_pointer (&targets), FALSE);
}

void
_tether_window_run_command (TetherWindow *self)
{
  g_autofree char *targets = selection_targets (self);
  TetherInvokeDialog *dialog = tether_invoke_dialog_new (GTK_WINDOW (self), self->manager, targets);

  g_signal_connect_object (dialog, "run", G_CALLBACK (on_dialog_run), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_runs_open (TetherInvokeRuns *runs,
              TetherInvocation *invocation,
              TetherWindow     *self)
{
  _tether_window_show_invocation (self, invocation);
}

/* Built when it first opens, like the other menus. */
static void
create_runs_popup (GtkMenuButton *button,
                   gpointer       user_data)
{
  TetherWindow *self = user_data;
  GtkWidget *runs;

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  runs = tether_invoke_runs_new (self->manager);
  g_signal_connect_object (runs, "open", G_CALLBACK (on_runs_open), self, 0);
  gtk_menu_button_set_popover (button, runs);
}

/* Export as Ansible Inventory */

static void
on_inventory_saved (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * _tether_window_export_inventory_async:
 * @folder: the folder whose sessions go in it
 * @file: where; YAML when its name ends in .yml or .yaml, INI otherwise
 *
 * The core's inventory (tether_inventory_export()) written to @file.
 */
void
_tether_window_export_inventory_async (TetherWindow        *self,
                                       const char          *folder,
                                       GFile               *file,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *name = g_file_get_basename (file);
  TetherInventoryFormat format = TETHER_INVENTORY_FORMAT_INI;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  char *inventory;

  g_task_set_source_tag (task, _tether_window_export_inventory_async);
  if (g_str_has_suffix (name, ".yml") || g_str_has_suffix (name, ".yaml"))
    format = TETHER_INVENTORY_FORMAT_YAML;
  inventory = tether_inventory_export (self->manager, folder, format, &error);
  if (inventory == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bytes = g_bytes_new_take (inventory, strlen (inventory));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_inventory_saved, g_steal_pointer (&task));
}

gboolean
_tether_window_export_inventory_finish (TetherWindow  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!_tether_window_export_inventory_finish (self, result, &error))
    {
      tether_window_show_error (self, _("Could Not Export the Inventory"), error->message);
      return;
    }
  tether_window_add_toast (self, _("Ansible inventory saved"));
}

static void
on_inventory_chooser_response (GtkNativeDialog *chooser,
                               int              response,
                               TetherWindow    *self)
{
  const char *folder = g_object_get_data (G_OBJECT (chooser), "tether-folder");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    _tether_window_export_inventory_async (self, folder, file, on_exported, g_object_ref (self));
  g_object_unref (chooser);
}

void
_tether_window_export_inventory (TetherWindow *self)
{
  const char *folder = tether_session_tree_get_selected_folder (self->session_tree);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (folder == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export as Ansible Inventory"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* INI, Ansible's own default; a name ending in .yml gives YAML. */
  name = g_strdup_printf ("%s.ini", folder); /* no-i18n: a file name */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "tether-folder", g_strdup (folder), g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_inventory_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_tether_window_init_invoke (TetherWindow *self)
{
  self->invoke_views = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  gtk_menu_button_set_create_popup_func (self->runs_button, create_runs_popup, self, NULL);
}

/* The views go with the window; the runs stay the manager's. */
void
_tether_window_dispose_invoke (TetherWindow *self)
{
  if (self->invoke_views == NULL)
    return;
  while (g_hash_table_size (self->invoke_views) > 0)
    {
      GHashTableIter iter;
      gpointer view;

      g_hash_table_iter_init (&iter, self->invoke_views);
      g_hash_table_iter_next (&iter, NULL, &view);
      g_hash_table_iter_remove (&iter);
      gtk_window_destroy (view);
    }
  g_clear_pointer (&self->invoke_views, g_hash_table_unref);
}
