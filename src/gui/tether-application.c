/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-about.h"
#include "tether-application.h"
#include "tether-dialog-interaction.h"
#include "tether-error.h"
#include "tether-preferences-window.h"
#include "tether-secrets.h"
#include "tether-session-store.h"
#include "tether-shortcuts.h"
#include "tether-window.h"

struct _TetherApplication
{
  AdwApplication        parent_instance;

  /* Owned references */
  TetherSessionManager *manager;
  GSettings            *settings;
  TetherInteraction    *interaction;

  /* The first thing that went wrong at start (a corrupt sessions file): the
   * window shows it once it exists. */
  char                 *startup_error;
  int                   local_exit_status;
};

G_DEFINE_FINAL_TYPE (TetherApplication, tether_application, ADW_TYPE_APPLICATION)

/* Every accelerator of the application, in one place.  The shortcuts window
 * (ui/gtk/help-overlay.ui) names the same actions, so it shows these.  The
 * terminal's and its tab's keys are theirs (tether-shortcuts.h). */
static const struct {
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.shortcuts", { "<Control>question", NULL } },
  { "win.new-session", { "<Control><Shift>n", NULL } },
  { "win.enter", { "<Control><Shift>e", NULL } },
  { "win.exit", { "<Control><Shift>d", NULL } },
  /* Far from Copy and Paste (Shift+Ctrl+C, V): Close ends a shell. */
  { "win.close-session", { "<Control><Shift>w", NULL } },
  { "win.remove-session", { "<Control><Shift>Delete", NULL } },
  { "win.edit-session", { "<Control><Shift>i", NULL } },
  { "win.duplicate-session", { "<Control><Shift>m", NULL } },
  { "win.focus-list", { "<Control><Shift>l", NULL } },
  { "win.quick-connect", { "<Control><Shift>k", NULL } },
  { "win.search", { "<Control><Shift>s", NULL } },
  { "win.broadcast", { "<Control><Shift>b", NULL } },
  { "win.run-command", { "<Control><Shift>r", NULL } },
};

/* Connections opened from now on follow the settings (whichever key
 * changed: the core's configuration reads the ones it needs).  The size
 * shells start at stays the one the window measured on its terminals. */
static void
on_setting_changed (TetherApplication *self,
                    const char        *key,
                    GSettings         *settings)
{
  const TetherConfig *current = tether_session_manager_get_config (self->manager);
  TetherConfig config;

  tether_config_init_from_settings (&config, self->settings);
  config.columns = current->columns;
  config.rows = current->rows;
  tether_session_manager_set_config (self->manager, &config);
}

static void
add_demo_session (TetherApplication *self)
{
  const char *target = g_getenv ("TETHER_DEMO_TARGET");
  g_autoptr(GError) error = NULL;
  TetherSessionDefinition def = {
    .target = target,
    .name = "Demo",
    .identity_file = g_getenv ("TETHER_DEMO_IDENTITY"),
    /* build-aux/run started that server and wrote its key there: trusted
     * without a question, and nothing added to ~/.ssh/known_hosts. */
    .known_hosts_file = g_getenv ("TETHER_DEMO_KNOWN_HOSTS"),
    .persistent = FALSE,
  };

  if (target == NULL || *target == '\0')
    return;

  /* A sessions file may already hold a session named Demo: the user's wins. */
  if (tether_session_manager_add_session (self->manager, &def, &error) == NULL)
    g_message ("No Demo session: %s", error->message);
}

/* Whether sessions are Opened; @n_tmux counts those in the tmux
 * configuration, which quitting disconnects rather than closes. */
static gboolean
has_opened_sessions (TetherApplication *self,
                     guint             *n_tmux)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->manager));
  gboolean other = FALSE;

  *n_tmux = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->manager), i);

      if (tether_session_get_state (session) != TETHER_SESSION_STATE_OPENED)
        continue;
      if (tether_session_get_idle_timeout (session) > 0)
        (*n_tmux)++;
      else
        other = TRUE;
    }

  /* Temporary sessions are not listed by the manager, only by their tabs. */
  return other || *n_tmux > 0
         || (TETHER_IS_WINDOW (window) && tether_window_has_temporary_sessions (TETHER_WINDOW (window)));
}

static void
really_quit (TetherApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  tether_session_manager_close_all (self->manager);

  /* Destroying the windows drops the application's last use: it quits.  A
   * copy, because destroying one changes the list. */
  windows = g_list_copy (windows);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  g_application_quit (G_APPLICATION (self));
}

static gboolean
really_quit_idle (gpointer data)
{
  really_quit (data);
  return G_SOURCE_REMOVE;
}

static void
on_quit_response (AdwMessageDialog  *dialog,
                  const char        *response,
                  TetherApplication *self)
{
  /* Once the dialog is gone: it is transient for the window we destroy. */
  if (g_strcmp0 (response, "quit") == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, really_quit_idle, g_object_ref (self), g_object_unref);
}

/**
 * tether_application_request_quit:
 *
 * Quits, first asking the user when sessions are Opened (unless the
 * confirm-quit setting is off).  Closing the window ends up here too.
 */
void
tether_application_request_quit (TetherApplication *self)
{
  GtkWindow *parent;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  guint n_tmux;

  if (!has_opened_sessions (self, &n_tmux) || !g_settings_get_boolean (self->settings, "confirm-quit"))
    {
      really_quit (self);
      return;
    }

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (n_tmux == 0)
    body = g_strdup (_("Opened sessions will be closed, and the programs running in them will end."));
  else
    body = g_strdup_printf (ngettext ("Opened DefaultShell sessions will be closed, and the programs running in them will end. %u tmux session will be disconnected: its shell keeps running on the server, and Connect gives it back.",
                                      "Opened DefaultShell sessions will be closed, and the programs running in them will end. %u tmux sessions will be disconnected: their shells keep running on the server, and Connect gives them back.",
                                      n_tmux),
                            n_tmux);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Quit Tether?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "quit", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_widget_set_name (GTK_WIDGET (dialog), "tether-quit-dialog");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_quit_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  tether_application_request_quit (TETHER_APPLICATION (user_data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TetherApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (tether_preferences_window_new (parent)));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TetherApplication *self = user_data;

  tether_about_present (gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TetherApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!GTK_IS_APPLICATION_WINDOW (window))
    return;

  /* Built the first time it is asked for, not with the window: it costs
   * milliseconds before the first frame for a window few open.  Setting it
   * installs win.show-help-overlay. */
  if (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/tetherapp/Tether/ui/help-overlay.ui");
      GtkShortcutsWindow *overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

      tether_shortcuts_describe (overlay, tether_terminal_shortcuts);
      tether_shortcuts_describe (overlay, tether_session_tab_shortcuts);
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (window), overlay);
    }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "shortcuts", shortcuts_activated },
};

static void
tether_application_startup (GApplication *app)
{
  TetherApplication *self = TETHER_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (tether_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->settings = g_settings_new (APP_ID);
  tether_style_follow_settings (self->settings);

  {
    g_autofree char *path = tether_session_store_default_path ();
    TetherConfig config;

    tether_config_init_from_settings (&config, self->settings);
    self->manager = tether_session_manager_new (path, &config);
  }
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed),
                           self, G_CONNECT_SWAPPED);
  self->interaction = tether_dialog_interaction_new (GTK_APPLICATION (self));
  tether_session_manager_set_interaction (self->manager, self->interaction);

  /* A corrupt file was moved aside by the core; the app starts anyway and
   * the window says what happened.  One that could not be read is left as
   * it is: the window asks what to do (tether-window-store.c). */
  if (!tether_session_manager_load (self->manager, &error))
    {
      g_debug ("%s", error->message);
      if (!g_error_matches (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE))
        self->startup_error = g_strdup (error->message);
    }

  add_demo_session (self);
}

static void
tether_application_shutdown (GApplication *app)
{
  TetherApplication *self = TETHER_APPLICATION (app);

  if (self->manager != NULL)
    tether_session_manager_close_all (self->manager);
  tether_secrets_shutdown ();

  G_APPLICATION_CLASS (tether_application_parent_class)->shutdown (app);
}

/**
 * tether_application_ensure_window:
 *
 * Returns: (transfer none): the main window, created (not presented) if
 *   there is none yet
 */
GtkWindow *
tether_application_ensure_window (TetherApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (TETHER_IS_WINDOW (l->data))
      return l->data;

  {
    TetherWindow *window = tether_window_new (self);

    if (self->startup_error != NULL)
      {
        tether_window_show_error (window, _("The Sessions File Was Unreadable"), self->startup_error);
        g_clear_pointer (&self->startup_error, g_free);
      }

    return GTK_WINDOW (window);
  }
}

static void
tether_application_activate (GApplication *app)
{
  gtk_window_present (tether_application_ensure_window (TETHER_APPLICATION (app)));
}

static int
tether_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *command_line)
{
  return _tether_application_handle_command_line (TETHER_APPLICATION (app), command_line);
}

static int
tether_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  return _tether_application_handle_local_options (TETHER_APPLICATION (app), options);
}

static void
tether_application_dispose (GObject *object)
{
  TetherApplication *self = TETHER_APPLICATION (object);

  /* A setting written from now on has no manager to reach. */
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->interaction);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tether_application_parent_class)->dispose (object);
}

static void
tether_application_finalize (GObject *object)
{
  TetherApplication *self = TETHER_APPLICATION (object);

  g_free (self->startup_error);

  G_OBJECT_CLASS (tether_application_parent_class)->finalize (object);
}

static void
tether_application_class_init (TetherApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tether_application_dispose;
  object_class->finalize = tether_application_finalize;
  app_class->startup = tether_application_startup;
  app_class->shutdown = tether_application_shutdown;
  app_class->activate = tether_application_activate;
  app_class->command_line = tether_application_command_line;
  app_class->handle_local_options = tether_application_handle_local_options;
}

static void
tether_application_init (TetherApplication *self)
{
  _tether_application_add_options (self);
}

TetherApplication *
tether_application_new (void)
{
  return g_object_new (TETHER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/tetherapp/Tether",
                       NULL);
}

/**
 * tether_application_get_manager:
 *
 * Returns: (transfer none): the sessions, once the application started up
 */
TetherSessionManager *
tether_application_get_manager (TetherApplication *self)
{
  g_return_val_if_fail (TETHER_IS_APPLICATION (self), NULL);

  return self->manager;
}

/**
 * tether_application_get_settings:
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
tether_application_get_settings (TetherApplication *self)
{
  g_return_val_if_fail (TETHER_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * tether_application_get_local_exit_status:
 *
 * GApplication reports 0 for a command carried out by this very process
 * once the main loop ran (its use count went up), whatever the command set:
 * main() returns this instead when it is not 0.
 */
int
tether_application_get_local_exit_status (TetherApplication *self)
{
  return self->local_exit_status;
}

void
_tether_application_set_local_exit_status (TetherApplication *self,
                                           int                status)
{
  self->local_exit_status = status;
}
