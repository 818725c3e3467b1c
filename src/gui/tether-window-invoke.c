/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-invoke-dialog.h"
#include "tether-invoke-runs.h"
#include "tether-invoke-view.h"
#include "tether-window-private.h"

/*
 * Invoke-Command in the window: Run Command on the selection (a session,
 * a folder's sessions), its results in a window of their own, and the list
 * of this process's runs, which reopens any of them.  A run belongs to the
 * manager, not to its view: closing the view leaves it going.
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

/* The selection as the dialog's targets: a session's name, or the names
 * of a folder's sessions. */
static char *
selection_targets (TetherWindow *self)
{
  TetherSession *session = tether_session_tree_get_selected_session (self->session_tree);
  const char *folder = tether_session_tree_get_selected_folder (self->session_tree);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GString) targets = g_string_new (NULL);

  if (session != NULL)
    return g_strdup (tether_session_get_name (session));
  if (folder == NULL)
    return NULL;
  sessions = tether_session_manager_list_folder (self->manager, folder);
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
