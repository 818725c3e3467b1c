/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-forward.h"
#include "tether-window-private.h"

/*
 * Errors in sight: what happens to a session without the user asking (it
 * breaks, a forward cannot start), and
 * an error whose message ends with a command to run, are shown where the
 * user looks rather than in a tooltip.
 */

static void
copy_command (GtkButton  *button,
              const char *command)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), command);
}

/* The error dialog, with @command on a line of its own under @message: in
 * monospace, never wrapped (a wrapped command pasted back breaks), and a
 * button that copies it. */
void
_tether_window_show_error_with_command (TetherWindow *self,
                                        const char   *heading,
                                        const char   *message,
                                        const char   *command)
{
  AdwMessageDialog *dialog = _tether_window_new_message_dialog (self, heading, message);
  GtkWidget *label = adw_message_dialog_get_extra_child (dialog);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *command_label = gtk_label_new (command);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  g_object_ref (label);
  adw_message_dialog_set_extra_child (dialog, box);
  gtk_box_append (GTK_BOX (box), label);
  g_object_unref (label);

  gtk_label_set_selectable (GTK_LABEL (command_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (command_label), 0);
  gtk_widget_add_css_class (command_label, "monospace");
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), command_label);
  gtk_widget_set_hexpand (scroller, TRUE);
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (copy, _("Copy Command"));
  g_signal_connect_data (copy, "clicked", G_CALLBACK (copy_command), g_strdup (command),
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_box_append (GTK_BOX (line), scroller);
  gtk_box_append (GTK_BOX (line), copy);
  gtk_box_append (GTK_BOX (box), line);

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-error-dialog");
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

/* A session that breaks on its own (the network, the server) says so where
 * the user looks: in its tab's message bar when its tab is the one shown,
 * otherwise in a toast with the whole sentence (a title of its own, which
 * wraps: a toast's own title is one line, cut short). */
static void
on_any_session_state (TetherSession *session,
                      GParamSpec    *pspec,
                      TetherWindow  *self)
{
  TetherSessionTab *tab = g_hash_table_lookup (self->tabs, session);
  AdwTabPage *selected = adw_tab_view_get_selected_page (self->tab_view);
  const char *error = tether_session_get_last_error (session);
  g_autofree char *text = NULL;
  GtkWidget *label;
  AdwToast *toast;

  if (tether_session_get_state (session) != TETHER_SESSION_STATE_BROKEN)
    return;
  if (tab != NULL && selected != NULL && adw_tab_page_get_child (selected) == GTK_WIDGET (tab))
    return;

  text = g_strdup_printf (_("Session “%s” is broken: %s"), tether_session_get_name (session),
                          error != NULL ? error : _("The connection to the remote computer was lost."));
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  toast = adw_toast_new ("");
  adw_toast_set_custom_title (toast, label);
  /* Twice the usual time: a sentence to read, not a word. */
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A forward that cannot start (a port in use) leaves its session open:
 * the window says which, and why. */
static void
on_forward_failed (TetherSession *session,
                   TetherForward *forward,
                   TetherWindow  *self)
{
  g_autofree char *heading = g_strdup_printf (_("The forward “%s” of “%s” is off"),
                                              tether_forward_get_spec (forward),
                                              tether_session_get_name (session));

  _tether_window_add_details_toast (self, heading, tether_forward_get_error (forward),
                                    "tether-forward-dialog");
}

static void
on_sessions_changed (GListModel   *model,
                   guint         position,
                   guint         removed,
                   guint         added,
                   TetherWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (model, i);

      /* Watched once per window, however often it is listed again. */
      if (g_object_get_data (G_OBJECT (session), "tether-window") == self)
        continue;
      g_object_set_data (G_OBJECT (session), "tether-window", self);
      g_signal_connect_object (session, "notify::state", G_CALLBACK (on_any_session_state), self, 0);
      g_signal_connect_object (session, "forward-failed", G_CALLBACK (on_forward_failed), self, 0);
    }
}

void
_tether_window_watch_sessions (TetherWindow *self)
{
  GListModel *sessions = G_LIST_MODEL (self->manager);

  g_signal_connect_object (sessions, "items-changed", G_CALLBACK (on_sessions_changed), self, 0);
  on_sessions_changed (sessions, 0, 0, g_list_model_get_n_items (sessions), self);
}

/* Toasts and dialogs */

/**
 * tether_window_new_toast:
 * @text: plain text, which may quote a session name or what a server said
 *
 * AdwToast's title is Pango markup in libadwaita 1.2 (there is no
 * use-markup): the text is escaped, so that a name like `a & b` or
 * `<span size="60000">` shows as it is written.
 *
 * Returns: (transfer full): a toast showing @text
 */
AdwToast *
tether_window_new_toast (const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return adw_toast_new (markup);
}

void
tether_window_add_toast (TetherWindow *self,
                         const char   *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, tether_window_new_toast (text));
}

static gboolean
present_dialog (gpointer dialog)
{
  gtk_window_present (dialog);
  return G_SOURCE_REMOVE;
}

static void
present_when_mapped (TetherWindow *self,
                     GtkWindow    *dialog)
{
  g_signal_handlers_disconnect_by_func (self, present_when_mapped, dialog);
  /* After the window's own surface is shown, so that the dialog is above
   * it even with no window manager to stack them. */
  g_idle_add_full (G_PRIORITY_LOW, present_dialog, g_object_ref (dialog), g_object_unref);
}

/* A dialog saying @message, plain text in a selectable label, with no
 * response yet. */
AdwMessageDialog *
_tether_window_new_message_dialog (TetherWindow *self,
                                   const char   *heading,
                                   const char   *message)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  GtkWidget *label = gtk_label_new (message);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  adw_message_dialog_set_extra_child (dialog, label);
  return dialog;
}

/* A question about @session with Cancel (Enter's and Escape's answer) and
 * one destructive answer, @response labelled @label; @callback gets the
 * "response" signal, the session under "tether-session". */
AdwMessageDialog *
_tether_window_new_question (TetherWindow  *self,
                             TetherSession *session,
                             const char    *heading,
                             const char    *body,
                             const char    *response,
                             const char    *label,
                             GCallback      callback)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "tether-session", g_object_ref (session), g_object_unref);
  g_signal_connect_object (dialog, "response", callback, self, 0);
  return dialog;
}

void
_tether_window_present_dialog (TetherWindow *self,
                               GtkWindow    *dialog)
{
  /* An error from before the window shows (a corrupt sessions file) waits
   * for it: presented first, the dialog would end up beneath it. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_window_present (dialog);
  else
    g_signal_connect_object (self, "map", G_CALLBACK (present_when_mapped), dialog, 0);
}

/**
 * tether_window_show_error:
 * @message: the core's sentence
 *
 * A dialog, because these sentences are long and some hold a command to
 * copy (the `ssh-keygen -R` line of a changed host key): the text is
 * selectable.
 */
void
tether_window_show_error (TetherWindow *self,
                          const char   *heading,
                          const char   *message)
{
  AdwMessageDialog *dialog = _tether_window_new_message_dialog (self, heading, message);

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-error-dialog");
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

/* What the manager says without stopping anything (the settings of the
 * SSH configuration Tether does not apply): a toast, and the whole sentence
 * behind its button, since a toast shows one line. */
static void
on_manager_warning (TetherSessionManager *manager,
                    TetherSession        *session,
                    const char           *message,
                    TetherWindow         *self)
{
  g_autofree char *heading = NULL;

  /* No session: a run of Invoke-Command, said once for its computers. */
  if (session != NULL)
    heading = g_strdup_printf (_("How Tether applies your SSH configuration to “%s”"),
                               tether_session_get_name (session));
  else
    heading = g_strdup (_("How Tether applies your SSH configuration"));

  _tether_window_add_details_toast (self, heading, message, "tether-warning-dialog");
}

static void
on_toast_details (AdwToast     *toast,
                  TetherWindow *self)
{
  AdwMessageDialog *dialog =
    _tether_window_new_message_dialog (self, g_object_get_data (G_OBJECT (toast), "tether-heading"),
                                       g_object_get_data (G_OBJECT (toast), "tether-message"));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_widget_set_name (GTK_WIDGET (dialog), g_object_get_data (G_OBJECT (toast), "tether-dialog-name"));
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

/**
 * _tether_window_add_details_toast:
 * @heading: plain text, one line
 * @message: the whole sentence, behind the toast's Details button (a
 *   toast shows one line)
 * @dialog_name: the widget name of the dialog Details opens
 */
void
_tether_window_add_details_toast (TetherWindow *self,
                                  const char   *heading,
                                  const char   *message,
                                  const char   *dialog_name)
{
  AdwToast *toast = tether_window_new_toast (heading);

  adw_toast_set_button_label (toast, _("_Details"));
  g_object_set_data_full (G_OBJECT (toast), "tether-heading", g_strdup (heading), g_free);
  g_object_set_data_full (G_OBJECT (toast), "tether-message", g_strdup (message), g_free);
  g_object_set_data_full (G_OBJECT (toast), "tether-dialog-name", g_strdup (dialog_name), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_details), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* What the manager says without stopping anything (the settings of the
 * SSH configuration Tether does not apply): a toast with Details. */
void
_tether_window_watch_warnings (TetherWindow *self)
{
  g_signal_connect_object (self->manager, "warning", G_CALLBACK (on_manager_warning), self, 0);
}
