/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-error.h"
#include "tether-window-private.h"

/*
 * The window and the sessions file: a save that failed, or a file that could
 * not be read, is a dialog that offers Retry (and Move Aside for a file
 * Tether cannot read), and stays until the user answers or the file holds
 * the list again.  libadwaita 1.2 has no AdwBanner.
 */

static void show_store_error     (TetherWindow *self,
                                  const GError *error);
static void present_store_dialog (TetherWindow *self,
                                  const char   *heading,
                                  const char   *message,
                                  gboolean      unreadable);

static void
on_moved_aside (TetherWindow *self,
                const char   *aside)
{
  g_autofree char *text = g_strdup_printf (_("Your sessions file was moved to “%s”. New sessions are saved in a new one."),
                                           aside);

  tether_window_add_toast (self, text);
}

static void
on_store_response (AdwMessageDialog *dialog,
                   const char       *response,
                   TetherWindow     *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  /* It closes itself; a dialog for what comes next is another one. */
  if (self->store_dialog == dialog)
    {
      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->store_dialog);
      self->store_dialog = NULL;
    }

  if (g_str_equal (response, "retry"))
    {
      if (!tether_session_manager_retry_store (self->manager, &error))
        show_store_error (self, error);
    }
  else if (g_str_equal (response, "move-aside"))
    {
      aside = tether_session_manager_move_store_aside (self->manager, &error);
      if (aside != NULL)
        on_moved_aside (self, aside);
      else
        present_store_dialog (self, _("Your Sessions File Could Not Be Read"), error->message, TRUE);
    }
}

/* One at a time: a new failure replaces the dialog of the last one. */
static void
present_store_dialog (TetherWindow *self,
                      const char   *heading,
                      const char   *message,
                      gboolean      unreadable)
{
  AdwMessageDialog *dialog = _tether_window_new_message_dialog (self, heading, message);

  _tether_window_close_store_dialog (self);

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  if (unreadable)
    adw_message_dialog_add_response (dialog, "move-aside", _("_Move Aside"));
  adw_message_dialog_add_response (dialog, "retry", _("_Retry"));
  adw_message_dialog_set_response_appearance (dialog, "retry", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "retry");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-store-dialog");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_store_response), self, 0);

  self->store_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->store_dialog);
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

static void
show_store_error (TetherWindow *self,
                  const GError *error)
{
  /* Read after all, but damaged: moved aside, the good sessions kept. */
  if (g_error_matches (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT))
    tether_window_show_error (self, _("The Sessions File Was Unreadable"), error->message);
  else if (g_error_matches (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE))
    present_store_dialog (self, _("Your Sessions File Could Not Be Read"), error->message, TRUE);
  else
    present_store_dialog (self, _("Your Sessions Were Not Saved"), error->message, FALSE);
}

static void
on_store_error (TetherSessionManager *manager,
                const GError         *error,
                TetherWindow         *self)
{
  show_store_error (self, error);
}

/* The file holds the list again (a Retry, or the next change saved). */
static void
on_saved (TetherSessionManager *manager,
          GParamSpec           *pspec,
          TetherWindow         *self)
{
  if (!tether_session_manager_get_saved (manager))
    return;
  _tether_window_close_store_dialog (self);
  tether_window_add_toast (self, _("Your sessions are saved."));
}

void
_tether_window_close_store_dialog (TetherWindow *self)
{
  AdwMessageDialog *dialog = self->store_dialog;

  if (dialog == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->store_dialog);
  self->store_dialog = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* What went wrong before the window existed (a file that could not be read
 * at start) is shown as it opens; what goes wrong later, when it does. */
void
_tether_window_watch_store (TetherWindow *self)
{
  const GError *error = tether_session_manager_get_store_error (self->manager);

  g_signal_connect_object (self->manager, "store-error", G_CALLBACK (on_store_error), self, 0);
  g_signal_connect_object (self->manager, "notify::saved", G_CALLBACK (on_saved), self, 0);
  if (error != NULL)
    show_store_error (self, error);
}
