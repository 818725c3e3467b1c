/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-error.h"
#include "tether-new-session-dialog.h"
#include "tether-session-tab.h"
#include "tether-ssh-config-import.h"
#include "tether-target.h"
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

void
_tether_window_report_error (TetherWindow *self,
                             const char   *heading,
                             const GError *error)
{
  const char *command = NULL;

  /* A changed host key's message ends with the command that forgets the
   * old key, as a paragraph of its own (tether-ssh-auth.c). */
  if (g_error_matches (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED))
    command = g_strrstr (error->message, "\n\n");

  /* The user said no to a question: no need to tell them what they did. */
  if (is_user_decline (error))
    tether_window_add_toast (self, error->message);
  else if (command != NULL)
    {
      g_autofree char *message = g_strndup (error->message, command - error->message);

      _tether_window_show_error_with_command (self, heading, message, command + 2);
    }
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
    _tether_window_report_error (self, _("Could Not Enter the Session"), error);
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
      _tether_window_report_error (self, _("Could Not Connect"), error);
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

/* The session Close, Remove, Edit, Duplicate and Forget Password act on:
 * the one whose tab has the keyboard (its terminal, its search, its tab in
 * the bar), else the one selected in the list.  Their keys are the
 * window's, so they reach it from anywhere, and a key typed in one
 * session's terminal must not act on another that the list happens to
 * select. */
static TetherSession *
session_in_focus (TetherWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);
  GtkWidget *tab;

  if (focus == NULL || page == NULL)
    return selected_session (self);
  if (gtk_widget_is_ancestor (focus, GTK_WIDGET (self->tab_view)))
    tab = gtk_widget_get_ancestor (focus, TETHER_TYPE_SESSION_TAB);
  else if (gtk_widget_is_ancestor (focus, GTK_WIDGET (self->tab_bar)))
    tab = adw_tab_page_get_child (page);
  else
    return selected_session (self);

  return tab != NULL ? tether_session_tab_get_session (TETHER_SESSION_TAB (tab)) : NULL;
}

void
_tether_window_update_actions (TetherWindow *self)
{
  gboolean has_session;
  gboolean in_focus;
  GtkWidget *widget = GTK_WIDGET (self);

  /* The focus moves while the window's widgets go. */
  if (self->session_tree == NULL || self->tab_view == NULL)
    return;
  has_session = selected_session (self) != NULL;
  in_focus = session_in_focus (self) != NULL;

  gtk_widget_action_set_enabled (widget, "win.enter", has_session);
  gtk_widget_action_set_enabled (widget, "win.close-session", in_focus);
  gtk_widget_action_set_enabled (widget, "win.remove-session", in_focus);
  gtk_widget_action_set_enabled (widget, "win.edit-session", in_focus);
  gtk_widget_action_set_enabled (widget, "win.duplicate-session", in_focus);
  gtk_widget_action_set_enabled (widget, "win.duplicate-and-enter", has_session);
  gtk_widget_action_set_enabled (widget, "win.forget-password", in_focus);
  gtk_widget_action_set_enabled (widget, "win.disconnect-session", in_focus);
  gtk_widget_action_set_enabled (widget, "win.receive-session", in_focus);
  gtk_widget_action_set_enabled (widget, "win.exit",
                                 adw_tab_view_get_selected_page (self->tab_view) != NULL);
  gtk_widget_action_set_enabled (widget, "win.broadcast", adw_tab_view_get_n_pages (self->tab_view) > 0);
  gtk_widget_action_set_enabled (widget, "win.export-inventory",
                                 tether_session_tree_get_selected_folder (self->session_tree) != NULL);
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

/* A Create under way: the window, and the dialog, which the user may close
 * meanwhile. */
typedef struct {
  TetherWindow *self;
  GWeakRef      dialog;
} Creating;

static void
creating_free (Creating *creating)
{
  g_object_unref (creating->self);
  g_weak_ref_clear (&creating->dialog);
  g_free (creating);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Creating, creating_free)

/* @opened: connected, or only saved */
static void
session_listed (TetherWindow  *self,
                TetherSession *session,
                gboolean       opened)
{
  const char *name = tether_session_get_name (session);
  g_autofree char *text = opened ? g_strdup_printf (_("Session “%s” opened"), name)
                                 : g_strdup_printf (_("Session “%s” saved"), name);

  tether_window_add_toast (self, text);
  tether_session_tree_select_session (self->session_tree, session);
}

static void
on_session_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Creating) creating = user_data;
  g_autoptr(TetherNewSessionDialog) dialog = g_weak_ref_get (&creating->dialog);
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;

  session = tether_session_manager_new_session_finish (TETHER_SESSION_MANAGER (source), result, &error);
  if (session != NULL)
    {
      if (dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (dialog));
      session_listed (creating->self, session, TRUE);
      return;
    }

  /* What was typed stays, with the reason beside it: the user corrects it,
   * or saves the session to open later. */
  if (dialog != NULL)
    tether_new_session_dialog_show_failure (dialog, error->message);
  else
    _tether_window_report_error (creating->self, _("Could Not Open the Session"), error);
}

static void
on_dialog_save (TetherNewSessionDialog *dialog,
                TetherWindow           *self)
{
  TetherSessionDefinition def;
  g_autoptr(GError) error = NULL;
  TetherSession *session;

  tether_new_session_dialog_get_definition (dialog, &def);
  def.persistent = TRUE;
  session = tether_session_manager_add_session (self->manager, &def, &error);
  if (session == NULL)
    {
      tether_new_session_dialog_set_error (dialog, error->message);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (dialog));
  session_listed (self, session, FALSE);
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
      /* New-PSSession: the dialog stays until the session is Opened. */
      Creating *creating = g_new0 (Creating, 1);

      creating->self = g_object_ref (self);
      g_weak_ref_init (&creating->dialog, dialog);
      def.persistent = TRUE;
      tether_session_manager_new_session_async (self->manager, &def, NULL, on_session_created, creating);
      tether_new_session_dialog_set_connecting (dialog, TRUE);
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
  g_signal_connect_object (dialog, "save", G_CALLBACK (on_dialog_save), self, 0);
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
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    present_session_dialog (self, session);
}

/* Receive-PSSession: refused, with the reason, for a session that is not
 * Disconnected. */
static void
receive_session_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    _tether_window_receive (self, session);
}

static void
on_disconnected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_session_manager_disconnect_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    _tether_window_report_error (self, _("Could Not Disconnect the Session"), error);
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
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    tether_session_manager_disconnect_session_async (self->manager, session, NULL,
                                                     on_disconnected, g_object_ref (self));
}

/* A Remove the user may undo while its toast is up: the session as it
 * was, and what the keyring remembered for it, taken out (wiped when the
 * toast goes) so that Undo can put it back. */
typedef struct {
  GWeakRef                 window;   /* to say what went wrong */
  TetherSessionDefinition *def;
  guint                    id;
  TetherTakenSecrets      *taken;
  gboolean                 undone;
} Removal;

static void
removal_clear (Removal *removal)
{
  g_weak_ref_clear (&removal->window);
  tether_session_definition_free (removal->def);
  tether_taken_secrets_free (removal->taken);
}

static void
removal_release (Removal *removal)
{
  g_rc_box_release_full (removal, (GDestroyNotify) removal_clear);
}

static void
given_back_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_secrets_give_back_finish (result, &error) && self != NULL)
    tether_window_add_toast (self, error->message);
}

static void
give_back (Removal *removal)
{
  if (removal->taken != NULL && !tether_taken_secrets_is_empty (removal->taken))
    tether_secrets_give_back_async (g_steal_pointer (&removal->taken), NULL, given_back_cb,
                                    g_weak_ref_get (&removal->window));
  g_clear_pointer (&removal->taken, tether_taken_secrets_free);
}

static void
secrets_taken_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Removal *removal = user_data;
  g_autoptr(GError) error = NULL;

  removal->taken = tether_session_manager_take_secrets_finish (TETHER_SESSION_MANAGER (source), result, &error);
  /* Without a keyring there was nothing to take. */
  if (removal->taken == NULL)
    g_debug ("Nothing taken from the keyring: %s", error->message);
  /* Undone before the keyring answered. */
  if (removal->undone)
    give_back (removal);
  removal_release (removal);
}

/* Undo lists the removed session again from its definition, InstanceId
 * and Id included, and puts back what the keyring remembered for it: the
 * same session comes back, or the user is told what could not be given
 * back. */
static void
on_undo_remove (AdwToast     *toast,
                TetherWindow *self)
{
  Removal *removal = g_object_get_data (G_OBJECT (toast), "tether-removal");
  TetherSessionDefinition *def = removal->def;
  guint id = removal->id;
  g_autoptr(GError) error = NULL;
  TetherSession *session;

  session = tether_session_manager_restore_session (self->manager, def, id, &error);
  if (session == NULL)
    {
      tether_window_show_error (self, _("Could Not Restore the Session"), error->message);
      return;
    }
  removal->undone = TRUE;
  give_back (removal);

  tether_session_tree_select_session (self->session_tree, session);
  if (tether_session_get_id (session) != id)
    {
      g_autofree char *text = g_strdup_printf (_("Session “%s” is back with Id %u: another session "
                                                 "has taken Id %u."),
                                               def->name, tether_session_get_id (session), id);

      tether_window_add_toast (self, text);
    }
}

static void
offer_undo (TetherWindow *self,
            Removal      *removal)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  title = g_strdup_printf (_("Session “%s” removed"), removal->def->name);
  toast = tether_window_new_toast (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "tether-removal", removal, (GDestroyNotify) removal_release);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_remove), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static Removal *
removal_new (TetherWindow  *self,
             TetherSession *session)
{
  Removal *removal = g_rc_box_new0 (Removal);

  g_weak_ref_init (&removal->window, self);
  removal->def = tether_session_definition_new_for_session (session);
  removal->id = tether_session_get_id (session);
  return removal;
}

/**
 * _tether_window_remove_with_undo:
 *
 * Remove, offered back by the toast's Undo.  The definition is taken
 * before the removal: a Disconnected session's still says so, and Undo
 * lists it Disconnected (its shell still runs on the server).  What the
 * keyring remembered goes with it, and comes back with Undo.
 */
void
_tether_window_remove_with_undo (TetherWindow  *self,
                                 TetherSession *session)
{
  Removal *removal = removal_new (self, session);

  tether_session_manager_take_secrets_async (self->manager, session, NULL, secrets_taken_cb,
                                             g_rc_box_acquire (removal));
  tether_session_manager_remove_session_keeping_secrets (self->manager, session);
  offer_undo (self, removal);
}

/**
 * _tether_window_offer_undo_remove:
 *
 * For a removal already done (its tmux session ended on the server, the
 * keyring forgotten): Undo lists @session again, Closed.
 */
void
_tether_window_offer_undo_remove (TetherWindow  *self,
                                  TetherSession *session)
{
  offer_undo (self, removal_new (self, session));
}

/* A Disconnected session's shell runs on the server, which must be
 * reached to end it. */
static void
remove_session (TetherWindow  *self,
                TetherSession *session)
{
  g_autoptr(TetherSession) keep = g_object_ref (session);

  if (tether_session_get_state (session) == TETHER_SESSION_STATE_DISCONNECTED)
    {
      _tether_window_remove_disconnected (self, session);
      return;
    }
  _tether_window_remove_with_undo (self, session);
}

static void
end_session (TetherWindow  *self,
             TetherSession *session,
             gboolean       remove)
{
  if (remove)
    remove_session (self, session);
  else
    tether_session_manager_close_session (self->manager, session);
}

static void
on_end_response (AdwMessageDialog *dialog,
                 const char       *response,
                 TetherWindow     *self)
{
  TetherSession *session = g_object_get_data (G_OBJECT (dialog), "tether-session");

  if (g_strcmp0 (response, "close") == 0)
    end_session (self, session, FALSE);
  else if (g_strcmp0 (response, "remove") == 0)
    end_session (self, session, TRUE);
}

/* Close and Remove end the session's shell and whatever runs in it, which
 * no Undo gives back: as GNOME Console before closing a tab with a running
 * command, an Opened session is ended only once the user says so.  Enter
 * alone answers Cancel. */
static void
confirm_end_session (TetherWindow  *self,
                     TetherSession *session,
                     gboolean       remove)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  const char *response = remove ? "remove" : "close";

  if (tether_session_get_state (session) != TETHER_SESSION_STATE_OPENED)
    {
      end_session (self, session, remove);
      return;
    }

  heading = g_strdup_printf (remove ? _("Remove “%s”?") : _("Close “%s”?"), tether_session_get_name (session));
  dialog = _tether_window_new_question (self, session, heading,
                                        _("The session’s shell and anything running in it will end."),
                                        response, remove ? _("_Remove Session") : _("C_lose Session"),
                                        G_CALLBACK (on_end_response));
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-end-session-dialog");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_session_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    confirm_end_session (self, session, FALSE);
}

static void
remove_session_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    confirm_end_session (self, session, TRUE);
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
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    tether_session_manager_forget_secrets_async (self->manager, session, NULL,
                                                 on_password_forgotten, g_object_ref (self));
}

/* Duplicate: a new session with the same definition and the first free
 * "Name-N" (names are unique), listed and selected.  NULL once the error is
 * shown. */
static TetherSession *
duplicate_session (TetherWindow  *self,
                   TetherSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr(TetherSessionDefinition) original = NULL;
  TetherSessionDefinition def;
  TetherSession *copy;

  for (guint i = 2; name == NULL && i < 10000; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", tether_session_get_name (session), i);

      if (tether_session_manager_check_name (self->manager, candidate, NULL, NULL))
        name = g_steal_pointer (&candidate);
    }

  if (name == NULL)
    return NULL;

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
      return NULL;
    }
  tether_session_tree_select_session (self->session_tree, copy);
  return copy;
}

static void
duplicate_session_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = session_in_focus (self);

  if (session != NULL)
    duplicate_session (self, session);
}

/* A second shell on the same computer: a session of its own, since a
 * session has one interactive view (Enter-PSSession's semantics). */
static void
duplicate_and_enter_activated (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  TetherSession *session = selected_session (self);
  TetherSession *copy;

  if (session != NULL && (copy = duplicate_session (self, session)) != NULL)
    _tether_window_enter (self, copy);
}

/* Enter on a session whose tab is already in front: the user wants another
 * view of it, which a session does not have.  Say so, and offer the way to
 * get a second shell. */
void
_tether_window_offer_duplicate (TetherWindow  *self,
                                TetherSession *session)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  title = g_strdup_printf (_("Session “%s” is entered already"), tether_session_get_name (session));
  toast = tether_window_new_toast (title);
  adw_toast_set_button_label (toast, _("Duplicate and _Enter"));
  adw_toast_set_action_name (toast, "win.duplicate-and-enter");
  /* The answer to what the user just did: at once, before older news. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

static void
on_import_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TetherWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherImportReport) report = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;

  report = tether_session_manager_import_ssh_config_finish (TETHER_SESSION_MANAGER (source), result,
                                                            &error);
  if (report == NULL)
    {
      tether_window_show_error (self, _("Could Not Import the SSH Configuration"), error->message);
      return;
    }

  /* A dialog rather than a toast: the sessions kept although their alias
   * left the file are named, and the user must be able to read them. */
  text = tether_import_report_to_string (report);
  dialog = _tether_window_new_message_dialog (self, _("SSH Configuration Imported"), text);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-import-dialog");
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

static void
on_import_chooser_response (GtkNativeDialog *chooser,
                            int              response,
                            TetherWindow    *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    tether_session_manager_import_ssh_config_async (self->manager, path, NULL, on_import_done,
                                                    g_object_ref (self));
  g_clear_object (&self->import_chooser);
}

/* The chooser opens on ~/.ssh/config, the file nearly everyone imports. */
static void
import_ssh_config_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autofree char *config = g_build_filename (ssh_dir, "config", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);
  g_autoptr(GFile) file = g_file_new_for_path (config);

  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);
  self->import_chooser = gtk_file_chooser_native_new (_("Import from SSH Configuration"),
                                                      GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                                      _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->import_chooser), TRUE);
  if (g_file_query_exists (file, NULL))
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->import_chooser), file, NULL);
  else if (g_file_query_exists (folder, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->import_chooser), folder, NULL);
  g_signal_connect_object (self->import_chooser, "response",
                           G_CALLBACK (on_import_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

/* Always there: with nothing selected, the dialog takes computer names. */
static void
run_command_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  _tether_window_run_command (TETHER_WINDOW (widget));
}

static void
export_inventory_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  _tether_window_export_inventory (TETHER_WINDOW (widget));
}

/* One key starts and stops: with a broadcast on it stops it, otherwise it
 * opens Broadcast to… to pick the tabs. */
static void
broadcast_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TetherWindow *self = TETHER_WINDOW (widget);

  if (tether_broadcast_get_n_members (self->broadcast) > 0)
    tether_broadcast_stop (self->broadcast);
  /* Not with one tab (tether-window.c, update_broadcast_button()). */
  else if (gtk_widget_get_sensitive (GTK_WIDGET (self->broadcast_button)))
    gtk_menu_button_popup (self->broadcast_button);
}

void
_tether_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-ssh-config", NULL,
                                   import_ssh_config_activated);
  gtk_widget_class_install_action (widget_class, "win.enter", NULL, enter_activated);
  gtk_widget_class_install_action (widget_class, "win.exit", NULL, exit_activated);
  gtk_widget_class_install_action (widget_class, "win.new-session", NULL, new_session_activated);
  gtk_widget_class_install_action (widget_class, "win.close-session", NULL, close_session_activated);
  gtk_widget_class_install_action (widget_class, "win.disconnect-session", NULL, disconnect_session_activated);
  gtk_widget_class_install_action (widget_class, "win.receive-session", NULL, receive_session_activated);
  gtk_widget_class_install_action (widget_class, "win.remove-session", NULL, remove_session_activated);
  gtk_widget_class_install_action (widget_class, "win.edit-session", NULL, edit_session_activated);
  gtk_widget_class_install_action (widget_class, "win.duplicate-session", NULL, duplicate_session_activated);
  gtk_widget_class_install_action (widget_class, "win.duplicate-and-enter", NULL, duplicate_and_enter_activated);
  gtk_widget_class_install_action (widget_class, "win.forget-password", NULL, forget_password_activated);
  gtk_widget_class_install_action (widget_class, "win.focus-list", NULL, focus_list_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "win.quick-connect", NULL, quick_connect_activated);
  gtk_widget_class_install_action (widget_class, "win.broadcast", NULL, broadcast_activated);
  gtk_widget_class_install_action (widget_class, "win.run-command", NULL, run_command_activated);
  gtk_widget_class_install_action (widget_class, "win.export-inventory", NULL, export_inventory_activated);
}
