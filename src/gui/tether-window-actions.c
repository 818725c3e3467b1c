/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-error.h"
#include "tether-new-session-dialog.h"
#include "tether-window-private.h"

/*
 * The window's actions.  Their accelerators are set in one place, the
 * application's startup; the shortcuts window names the same actions.
 */

static gboolean
is_user_decline (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED);
}

static void
report_error (TetherWindow *self,
              const char   *heading,
              const GError *error)
{
  /* The user said no to a question: no need to tell them what they did. */
  if (is_user_decline (error))
    tether_window_add_toast (self, error->message);
  else
    tether_window_show_error (self, heading, error->message);
}

static void
on_enter_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_window_enter_session_finish (self, result, &error))
    report_error (self, _("Could Not Enter the Session"), error);
}

void
_tether_window_enter (TetherWindow  *self,
                      TetherSession *session)
{
  tether_window_enter_session_async (self, session, NULL, on_enter_done, g_object_ref (self));
}

static void
on_quick_connect_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;

  session = tether_window_enter_computer_finish (self, result, &error);
  if (session == NULL)
    {
      report_error (self, _("Could Not Connect"), error);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->quick_connect_entry), "");
}

void
_tether_window_quick_connect (TetherWindow *self,
                              const char   *target)
{
  tether_window_enter_computer_async (self, target, NULL, on_quick_connect_done, g_object_ref (self));
}

static TetherSession *
selected_session (TetherWindow *self)
{
  return tether_session_tree_get_selected_session (self->session_tree);
}

void
_tether_window_update_actions (TetherWindow *self)
{
  gboolean has_session = selected_session (self) != NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.enter", has_session);
  gtk_widget_action_set_enabled (widget, "win.close-session", has_session);
  gtk_widget_action_set_enabled (widget, "win.disconnect-session", has_session);
  gtk_widget_action_set_enabled (widget, "win.remove-session", has_session);
  gtk_widget_action_set_enabled (widget, "win.edit-session", has_session);
  gtk_widget_action_set_enabled (widget, "win.duplicate-session", has_session);
  gtk_widget_action_set_enabled (widget, "win.forget-password", has_session);
  gtk_widget_action_set_enabled (widget, "win.exit",
                                 adw_tab_view_get_selected_page (self->tab_view) != NULL);
}

static void
enter_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);

  if (session != NULL)
    _tether_window_enter (self, session);
}

static void
exit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);

  tether_window_exit_active (self);
}

static void
on_session_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autofree char *text = NULL;

  session = tether_session_manager_new_session_finish (TETHER_SESSION_MANAGER (source), result, &error);
  if (session == NULL)
    {
      report_error (self, _("Could Not Open the Session"), error);
      return;
    }

  text = g_strdup_printf (_("Session “%s” opened"), tether_session_get_name (session));
  tether_window_add_toast (self, text);
  tether_session_tree_select_session (self->session_tree, session);
}

static void
on_dialog_create (TetherNewSessionDialog *dialog,
                  TetherWindow           *self)
{
  TetherSessionDefinition def;
  TetherSession *session = tether_new_session_dialog_get_session (dialog);
  g_autoptr(GError) error = NULL;

  tether_new_session_dialog_get_definition (dialog, &def);

  if (session == NULL)
    {
      /* New-PSSession: listed at once as Opening, Opened when connected. */
      def.persistent = TRUE;
      tether_session_manager_new_session_async (self->manager, &def, NULL,
                                                on_session_created, g_object_ref (self));
      gtk_window_destroy (GTK_WINDOW (dialog));
      return;
    }

  if (!tether_session_manager_update_session (self->manager, session, &def, &error))
    {
      tether_new_session_dialog_set_error (dialog, error->message);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (dialog));
  tether_window_add_toast (self, _("Session saved"));
}

static void
present_session_dialog (TetherWindow  *self,
                        TetherSession *session)
{
  TetherNewSessionDialog *dialog = tether_new_session_dialog_new (GTK_WINDOW (self), self->manager, session);

  g_signal_connect_object (dialog, "create", G_CALLBACK (on_dialog_create), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_session_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  present_session_dialog (TETHER_WINDOW (widget), NULL);
}

static void
edit_session_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);

  if (session != NULL)
    present_session_dialog (self, session);
}

static void
close_session_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);

  if (session != NULL)
    tether_session_manager_close_session (self->manager, session);
}

static void
on_disconnected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_session_manager_disconnect_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    report_error (self, _("Could Not Disconnect the Session"), error);
  else
    tether_window_add_toast (self, _("Session disconnected; its shell keeps running on the server"));
}

/* Disconnect-PSSession: refused, with the reason, for DefaultShell. */
static void
disconnect_session_activated (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);

  if (session != NULL)
    tether_session_manager_disconnect_session_async (self->manager, session, NULL,
                                                     on_disconnected, g_object_ref (self));
}

/* Undo lists the removed session again from its definition, InstanceId
 * included: the same session comes back. */
static void
on_undo_remove (AdwToast     *toast,
                TetherWindow *self)
{
  TetherSessionDefinition *def = g_object_get_data (G_OBJECT (toast), "tether-definition");
  g_autoptr(GError) error = NULL;
  TetherSession *session;

  session = tether_session_manager_add_session (self->manager, def, &error);
  if (session == NULL)
    tether_window_show_error (self, _("Could Not Restore the Session"), error->message);
  else
    tether_session_tree_select_session (self->session_tree, session);
}

static void
remove_session_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);
  g_autoptr(TetherSession) keep = NULL;
  g_autofree char *title = NULL;
  TetherSessionDefinition *def;
  AdwToast *toast;

  if (session == NULL)
    return;

  keep = g_object_ref (session);
  def = tether_session_definition_new_for_session (session);
  tether_session_manager_remove_session (self->manager, session);

  title = g_strdup_printf (_("Session “%s” removed"), def->name);
  toast = tether_window_new_toast (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "tether-definition", def,
                          (GDestroyNotify) tether_session_definition_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_remove), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_password_forgotten (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (tether_session_manager_forget_secrets_finish (TETHER_SESSION_MANAGER (source), result, &error))
    tether_window_add_toast (self, _("Password forgotten: Tether will ask for it next time"));
  else
    tether_window_add_toast (self, _("The keyring could not be reached, so no password was forgotten"));
}

static void
forget_password_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);

  if (session != NULL)
    tether_session_manager_forget_secrets_async (self->manager, session, NULL,
                                                 on_password_forgotten, g_object_ref (self));
}

static void
duplicate_session_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr(TetherSessionDefinition) original = NULL;
  TetherSessionDefinition def;
  TetherSession *copy;

  if (session == NULL)
    return;

  /* The first free "Name-N": names must stay unique. */
  for (guint i = 2; name == NULL && i < 10000; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", tether_session_get_name (session), i);

      if (tether_session_manager_check_name (self->manager, candidate, NULL, NULL))
        name = g_steal_pointer (&candidate);
    }

  if (name == NULL)
    return;

  /* The same definition under the new name, as a session of its own. */
  original = tether_session_definition_new_for_session (session);
  def = *original;
  def.instance_id = NULL;
  def.name = name;
  def.persistent = TRUE;

  copy = tether_session_manager_add_session (self->manager, &def, &error);
  if (copy == NULL)
    {
      tether_window_show_error (self, _("Could Not Duplicate the Session"), error->message);
      return;
    }
  tether_session_tree_select_session (self->session_tree, copy);
}

static void
focus_list_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  tether_session_tree_focus_list (TETHER_WINDOW (widget)->session_tree);
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  tether_session_tree_focus_search (TETHER_WINDOW (widget)->session_tree);
}

static void
quick_connect_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);

  /* The field connects when activated; the action moves the focus there. */
  gtk_widget_grab_focus (GTK_WIDGET (self->quick_connect_entry));
}

void
_tether_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.enter", NULL, enter_activated);
  gtk_widget_class_install_action (widget_class, "win.exit", NULL, exit_activated);
  gtk_widget_class_install_action (widget_class, "win.new-session", NULL, new_session_activated);
  gtk_widget_class_install_action (widget_class, "win.close-session", NULL, close_session_activated);
  gtk_widget_class_install_action (widget_class, "win.disconnect-session", NULL, disconnect_session_activated);
  gtk_widget_class_install_action (widget_class, "win.remove-session", NULL, remove_session_activated);
  gtk_widget_class_install_action (widget_class, "win.edit-session", NULL, edit_session_activated);
  gtk_widget_class_install_action (widget_class, "win.duplicate-session", NULL, duplicate_session_activated);
  gtk_widget_class_install_action (widget_class, "win.forget-password", NULL, forget_password_activated);
  gtk_widget_class_install_action (widget_class, "win.focus-list", NULL, focus_list_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "win.quick-connect", NULL, quick_connect_activated);
}
