/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-error.h"
#include "tether-output-window.h"
#include "tether-window-private.h"

/*
 * What the window adds for sessions in the tmux configuration, whose shell
 * outlives the connection: what a Disconnected session printed meanwhile,
 * offered as it is entered and on demand (the core's Receive, the one place
 * that knows where that output starts), and Remove of one whose server
 * cannot be reached, which asks before it forgets.
 */

/* Output while disconnected */

static void
show_output (TetherWindow *self,
             const char   *session_name,
             const char   *text)
{
  TetherOutputWindow *view = tether_output_window_new (GTK_WINDOW (self), session_name, text);

  gtk_widget_set_name (GTK_WIDGET (view), "tether-output-window");
  gtk_window_present (GTK_WINDOW (view));
}

static void
on_show_output (AdwToast     *toast,
                TetherWindow *self)
{
  show_output (self, g_object_get_data (G_OBJECT (toast), "tether-session-name"),
               g_object_get_data (G_OBJECT (toast), "tether-output"));
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* As the session is entered the terminal shows all of it again, scrollback
 * included, with no sign of where the absence began: the toast offers just
 * that part, for longer than a toast usually stays, since it is news the
 * user came back for. */
static void
offer_output (TetherWindow  *self,
              TetherSession *session,
              const char    *text)
{
  guint n = count_lines (text);
  g_autofree char *title = NULL;
  AdwToast *toast;

  title = g_strdup_printf (ngettext ("“%s” printed %u line while disconnected",
                                     "“%s” printed %u lines while disconnected", n),
                           tether_session_get_name (session), n);
  toast = tether_window_new_toast (title);
  adw_toast_set_button_label (toast, _("_Show Output"));
  adw_toast_set_timeout (toast, 15);
  g_object_set_data_full (G_OBJECT (toast), "tether-session-name",
                          g_strdup (tether_session_get_name (session)), g_free);
  g_object_set_data_full (G_OBJECT (toast), "tether-output", g_strdup (text), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_show_output), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (tether_session_manager_open_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Connected, with what was printed meanwhile read on the way, before the
 * control client re-attaches at Enter. */
static void
on_connected_receiving (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherWindow *self = g_task_get_source_object (task);
  TetherSession *session = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *text = NULL;

  text = tether_session_manager_connect_session_finish (self->manager, result, &error);
  if (text == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (*text != '\0')
    offer_output (self, session, text);
  g_task_return_boolean (task, TRUE);
}

/**
 * _tether_window_open_session_async:
 *
 * Opens @session for Enter.  A Disconnected one first gives what it
 * printed meanwhile, which a toast offers to show, then connects.
 */
void
_tether_window_open_session_async (TetherWindow        *self,
                                   TetherSession       *session,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _tether_window_open_session_async);
  g_task_set_task_data (task, g_object_ref (session), g_object_unref);
  if (tether_session_get_state (session) == TETHER_SESSION_STATE_DISCONNECTED)
    tether_session_manager_connect_session_async (self->manager, session, cancellable,
                                                  on_connected_receiving, g_steal_pointer (&task));
  else
    tether_session_manager_open_session_async (self->manager, session, cancellable, on_connected,
                                               g_steal_pointer (&task));
}

gboolean
_tether_window_open_session_finish (TetherWindow  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A Receive asked for: the window, and the name to show with the output
 * (the session may be renamed or removed meanwhile). */
typedef struct {
  TetherWindow *self;
  char         *name;
} Receiving;

static void
receiving_free (Receiving *receiving)
{
  g_object_unref (receiving->self);
  g_free (receiving->name);
  g_free (receiving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Receiving, receiving_free)

static void
on_receive_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Receiving) receiving = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = tether_session_manager_receive_session_finish (TETHER_SESSION_MANAGER (source), result, &error);
  if (text == NULL)
    _tether_window_report_error (receiving->self, _("Could Not Receive the Output"), error);
  else if (*text == '\0')
    {
      g_autofree char *said = g_strdup_printf (_("“%s” has printed nothing new since it was disconnected"),
                                               receiving->name);

      tether_window_add_toast (receiving->self, said);
    }
  else
    show_output (receiving->self, receiving->name, text);
}

/**
 * _tether_window_receive:
 *
 * Receive-PSSession: what the Disconnected @session printed since it was
 * disconnected (or last received), in a window; it stays Disconnected.
 */
void
_tether_window_receive (TetherWindow  *self,
                        TetherSession *session)
{
  Receiving *receiving = g_new0 (Receiving, 1);

  receiving->self = g_object_ref (self);
  receiving->name = g_strdup (tether_session_get_name (session));
  tether_session_manager_receive_session_async (self->manager, session, NULL, on_receive_done, receiving);
}

/* Remove of a Disconnected session */

static void
on_forget_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TetherWindow     *self)
{
  TetherSession *session = g_object_get_data (G_OBJECT (dialog), "tether-session");

  /* Still as it was when asked: not entered or removed meanwhile. */
  if (g_strcmp0 (response, "forget") != 0
      || tether_session_get_state (session) != TETHER_SESSION_STATE_DISCONNECTED)
    return;
  /* Its shell runs on: Undo lists it Disconnected again, with its mark. */
  _tether_window_remove_with_undo (self, session);
}

/* The server is out of reach: forgetting the session here leaves its
 * shell running there until tmux ends it, which the user decides. */
static void
ask_forget (TetherWindow  *self,
            TetherSession *session,
            const GError  *error)
{
  g_autofree char *heading = g_strdup_printf (_("Forget “%s”?"), tether_session_get_name (session));
  AdwMessageDialog *dialog = _tether_window_new_question (self, session, heading, error->message, "forget",
                                                          _("_Forget"), G_CALLBACK (on_forget_response));

  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-forget-session-dialog");
  _tether_window_present_dialog (self, GTK_WINDOW (dialog));
}

/* A Remove under way: the window and the session. */
typedef struct {
  TetherWindow  *self;
  TetherSession *session;
} Removing;

static void
removing_free (Removing *removing)
{
  g_object_unref (removing->self);
  g_object_unref (removing->session);
  g_free (removing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Removing, removing_free)

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Removing) removing = user_data;
  g_autoptr(GError) error = NULL;

  /* Its tmux session ended: Undo lists it Closed. */
  if (tether_session_manager_remove_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    _tether_window_offer_undo_remove (removing->self, removing->session);
  else
    ask_forget (removing->self, removing->session, error);
}

/**
 * _tether_window_remove_disconnected:
 *
 * Remove-PSSession of a Disconnected session: its tmux session ended on
 * the server, then forgotten; when the server cannot be reached, the user
 * is asked whether to forget it anyway.
 */
void
_tether_window_remove_disconnected (TetherWindow  *self,
                                    TetherSession *session)
{
  Removing *removing = g_new0 (Removing, 1);

  removing->self = g_object_ref (self);
  removing->session = g_object_ref (session);
  tether_session_manager_remove_session_async (self->manager, session, NULL, on_removed, removing);
}
