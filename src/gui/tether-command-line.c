/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-application.h"
#include "tether-error.h"
#include "tether-session-format.h"
#include "tether-window.h"

/*
 * The command line.  GApplication parses the options in the process the user
 * started and hands them to the running instance, which carries the command
 * out and prints through the GApplicationCommandLine: the text and the exit
 * status reach the caller's terminal.  An async command keeps a reference on
 * the command line (the caller waits until it is dropped) and a hold on the
 * application (a fresh instance with no window must not quit meanwhile).
 */

static const GOptionEntry options[] = {
  { "new-session", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Create and open a session to TARGET ([user@]host[:port]) and print it"), N_("TARGET") },
  { "name", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The new session’s name"), N_("NAME") },
  { "configuration-name", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The new session’s configuration name"), N_("CFG") },
  { "identity-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("A private key for the new session"), N_("FILE") },
  { "enter", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Enter the session with this name or Id"), N_("NAME|ID") },
  { "enter-computer", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Enter a temporary session to TARGET"), N_("TARGET") },
  { "exit", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Exit the session shown in the active tab"), NULL },
  { "close", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Close the session with this name or Id"), N_("NAME|ID") },
  { "remove", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Close and forget the session with this name or Id"), N_("NAME|ID") },
  { "disconnect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Disconnect the tmux session with this name or Id; its shell keeps running"), N_("NAME|ID") },
  { "connect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Connect the disconnected session with this name or Id again"), N_("NAME|ID") },
  { "receive", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print what the disconnected session with this name or Id printed since"), N_("NAME|ID") },
  { "get-session", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("List the sessions as Get-PSSession does"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --get-session: print JSON with every property"), NULL },
  { NULL }
};

void
_tether_application_add_options (TetherApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage named remote shell sessions over SSH."));
}

typedef struct {
  TetherApplication       *app;
  GApplicationCommandLine *command_line;
} Command;

static Command *
command_new (TetherApplication       *app,
             GApplicationCommandLine *command_line)
{
  Command *command = g_new0 (Command, 1);

  command->app = g_object_ref (app);
  command->command_line = g_object_ref (command_line);
  g_application_hold (G_APPLICATION (app));
  return command;
}

static void
command_finish (Command *command,
                int      status)
{
  g_application_command_line_set_exit_status (command->command_line, status);
  if (!g_application_command_line_get_is_remote (command->command_line))
    _tether_application_set_local_exit_status (command->app, status);

  /* Dropping the command line tells a remote caller the status. */
  g_application_release (G_APPLICATION (command->app));
  g_object_unref (command->command_line);
  g_object_unref (command->app);
  g_free (command);
}

static void
command_fail (Command      *command,
              const GError *error)
{
  g_application_command_line_printerr (command->command_line, "%s\n", error->message);
  command_finish (command, 1);
}

static int
fail_now (TetherApplication       *app,
          GApplicationCommandLine *command_line,
          const GError            *error)
{
  g_application_command_line_printerr (command_line, "%s\n", error->message);
  g_application_command_line_set_exit_status (command_line, 1);
  if (!g_application_command_line_get_is_remote (command_line))
    _tether_application_set_local_exit_status (app, 1);
  return 1;
}

/* A command that changed the sessions, or listed them, fails after its
 * output while the sessions file does not hold them (a save that failed, a
 * file that could not be read): the user knows what the next start finds. */
static const GError *
store_error (TetherApplication *app)
{
  return tether_session_manager_get_store_error (tether_application_get_manager (app));
}

static TetherSession *
lookup (TetherApplication  *app,
        const char         *name_or_id,
        GError            **error)
{
  TetherSession *session = tether_session_manager_lookup (tether_application_get_manager (app), name_or_id);

  if (session == NULL)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND,
                 _("There is no session named or numbered “%s”. "
                   "Run “tether --get-session” to list the sessions."),
                 name_or_id);
  return session;
}

static TetherWindow *
find_window (TetherApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (TETHER_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
new_session_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autofree char *table = NULL;

  session = tether_session_manager_new_session_finish (TETHER_SESSION_MANAGER (source), result, &error);
  if (session == NULL)
    {
      command_fail (command, error);
      return;
    }

  table = tether_session_format_table (&session, 1);
  g_application_command_line_print (command->command_line, "%s", table);

  /* An Opened session needs a running Tether to stay Opened: a fresh
   * instance shows its window rather than quit and close it. */
  if (find_window (command->app) == NULL)
    gtk_window_present (tether_application_ensure_window (command->app));

  if (store_error (command->app) != NULL)
    command_fail (command, store_error (command->app));
  else
    command_finish (command, 0);
}

static void
enter_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_window_enter_session_finish (TETHER_WINDOW (source), result, &error))
    command_fail (command, error);
  else
    command_finish (command, 0);
}

static void
enter_computer_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;

  session = tether_window_enter_computer_finish (TETHER_WINDOW (source), result, &error);
  if (session == NULL)
    command_fail (command, error);
  else
    command_finish (command, 0);
}

static void
disconnect_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_session_manager_disconnect_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    command_fail (command, error);
  else if (store_error (command->app) != NULL)
    command_fail (command, store_error (command->app));
  else
    command_finish (command, 0);
}

static void
connect_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_session_manager_open_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    {
      command_fail (command, error);
      return;
    }
  /* A Connected session needs a running Tether to stay so. */
  if (find_window (command->app) == NULL)
    gtk_window_present (tether_application_ensure_window (command->app));
  command_finish (command, 0);
}

static void
receive_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = tether_session_manager_receive_session_finish (TETHER_SESSION_MANAGER (source), result, &error);
  if (text == NULL)
    {
      command_fail (command, error);
      return;
    }
  g_application_command_line_print (command->command_line, "%s", text);
  command_finish (command, 0);
}

/* --disconnect, --connect, --receive: what a tmux session can do. */
static int
handle_tmux_command (TetherApplication       *app,
                     GApplicationCommandLine *command_line,
                     const char              *disconnect,
                     const char              *connect,
                     const char              *receive)
{
  TetherSessionManager *manager = tether_application_get_manager (app);
  g_autoptr(GError) error = NULL;
  TetherSession *session = lookup (app, disconnect ? disconnect : connect ? connect : receive, &error);

  if (session == NULL)
    return fail_now (app, command_line, error);

  if (disconnect != NULL)
    tether_session_manager_disconnect_session_async (manager, session, NULL, disconnect_done,
                                                     command_new (app, command_line));
  else if (connect != NULL)
    tether_session_manager_open_session_async (manager, session, NULL, connect_done,
                                               command_new (app, command_line));
  else
    tether_session_manager_receive_session_async (manager, session, NULL, receive_done,
                                                  command_new (app, command_line));
  return 0;
}

int
_tether_application_handle_command_line (TetherApplication       *app,
                                         GApplicationCommandLine *command_line)
{
  GVariantDict *dict = g_application_command_line_get_options_dict (command_line);
  TetherSessionManager *manager = tether_application_get_manager (app);
  g_autoptr(GError) error = NULL;
  const char *new_session = NULL;
  const char *name = NULL;
  const char *configuration_name = NULL;
  g_autofree char *identity_file = NULL;
  const char *enter = NULL;
  const char *enter_computer = NULL;
  const char *close = NULL;
  const char *remove = NULL;
  const char *disconnect = NULL;
  const char *connect = NULL;
  const char *receive = NULL;
  gboolean exit_ = FALSE;
  gboolean get_session = FALSE;
  gboolean json = FALSE;
  guint n_commands;

  g_variant_dict_lookup (dict, "new-session", "&s", &new_session);
  g_variant_dict_lookup (dict, "name", "&s", &name);
  g_variant_dict_lookup (dict, "configuration-name", "&s", &configuration_name);
  g_variant_dict_lookup (dict, "identity-file", "^ay", &identity_file);
  g_variant_dict_lookup (dict, "enter", "&s", &enter);
  g_variant_dict_lookup (dict, "enter-computer", "&s", &enter_computer);
  g_variant_dict_lookup (dict, "exit", "b", &exit_);
  g_variant_dict_lookup (dict, "close", "&s", &close);
  g_variant_dict_lookup (dict, "remove", "&s", &remove);
  g_variant_dict_lookup (dict, "disconnect", "&s", &disconnect);
  g_variant_dict_lookup (dict, "connect", "&s", &connect);
  g_variant_dict_lookup (dict, "receive", "&s", &receive);
  g_variant_dict_lookup (dict, "get-session", "b", &get_session);
  g_variant_dict_lookup (dict, "json", "b", &json);

  n_commands = (new_session != NULL) + (enter != NULL) + (enter_computer != NULL) +
               exit_ + (close != NULL) + (remove != NULL) + get_session +
               (disconnect != NULL) + (connect != NULL) + (receive != NULL);

  if (n_commands > 1)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Give one command at a time: --new-session, --enter, --enter-computer, "
                             "--exit, --close, --remove, --disconnect, --connect, --receive "
                             "or --get-session."));
      return fail_now (app, command_line, error);
    }
  if ((name != NULL || configuration_name != NULL || identity_file != NULL) && new_session == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--name, --configuration-name and --identity-file go with --new-session."));
      return fail_now (app, command_line, error);
    }
  if (json && !get_session)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--json goes with --get-session."));
      return fail_now (app, command_line, error);
    }

  if (n_commands == 0)
    {
      g_application_activate (G_APPLICATION (app));
      return 0;
    }

  if (get_session)
    {
      g_autofree char *text = NULL;

      if (json)
        text = tether_session_format_json_model (G_LIST_MODEL (manager));
      else
        text = tether_session_format_table_model (G_LIST_MODEL (manager));
      g_application_command_line_print (command_line, "%s", text);
      if (store_error (app) != NULL)
        return fail_now (app, command_line, store_error (app));
      return 0;
    }

  if (new_session != NULL)
    {
      TetherSessionDefinition def = { .target = new_session, .name = name,
                                      .configuration_name = configuration_name,
                                      .persistent = TRUE };
      g_autofree char *absolute_identity = NULL;

      /* The file is relative to the caller's directory, not ours. */
      if (identity_file != NULL)
        {
          g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, identity_file);

          absolute_identity = g_file_get_path (file);
        }

      def.identity_file = absolute_identity;
      tether_session_manager_new_session_async (manager, &def, NULL, new_session_done,
                                                command_new (app, command_line));
      return 0;
    }

  if (enter != NULL)
    {
      TetherSession *session = lookup (app, enter, &error);
      GtkWindow *window;

      if (session == NULL)
        return fail_now (app, command_line, error);

      window = tether_application_ensure_window (app);
      gtk_window_present (window);
      tether_window_enter_session_async (TETHER_WINDOW (window), session, NULL, enter_done,
                                         command_new (app, command_line));
      return 0;
    }

  if (enter_computer != NULL)
    {
      GtkWindow *window = tether_application_ensure_window (app);

      gtk_window_present (window);
      tether_window_enter_computer_async (TETHER_WINDOW (window), enter_computer, NULL,
                                          enter_computer_done, command_new (app, command_line));
      return 0;
    }

  if (exit_)
    {
      TetherWindow *window = find_window (app);

      if (window == NULL || !tether_window_exit_active (window))
        {
          g_set_error_literal (&error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND,
                               _("No session is entered, so there is nothing to exit."));
          return fail_now (app, command_line, error);
        }
      return 0;
    }

  if (disconnect != NULL || connect != NULL || receive != NULL)
    return handle_tmux_command (app, command_line, disconnect, connect, receive);

  if (close != NULL || remove != NULL)
    {
      TetherSession *session = lookup (app, close != NULL ? close : remove, &error);

      if (session == NULL)
        return fail_now (app, command_line, error);

      if (close != NULL)
        tether_session_manager_close_session (manager, session);
      else
        tether_session_manager_remove_session (manager, session);
      if (remove != NULL && store_error (app) != NULL)
        return fail_now (app, command_line, store_error (app));
      return 0;
    }

  g_assert_not_reached ();
}
