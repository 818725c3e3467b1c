/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-application.h"
#include "tether-command-line-private.h"
#include "tether-error.h"
#include "tether-session-format.h"
#include "tether-ssh-config-import.h"
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
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print Tether’s version and exit"), NULL },
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
  { "force", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --close or --remove: end the session even when it is entered; with --remove, forget it even when its server cannot be reached"), NULL },
  { "disconnect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Disconnect the tmux session with this name or Id; its shell keeps running"), N_("NAME|ID") },
  { "connect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Connect the disconnected session with this name or Id again"), N_("NAME|ID") },
  { "receive", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print what the disconnected session with this name or Id printed since"), N_("NAME|ID") },
  { "get-session", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("List the sessions as Get-PSSession does"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --get-session or --invoke-command: print JSON"), NULL },
  { "invoke-command", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Run COMMAND on the sessions, computers or folder given, each line of output prefixed with its computer"),
    N_("COMMAND") },
  { "session", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --invoke-command: Opened sessions, by name or Id, separated by commas"), N_("N1,N2,…") },
  { "computer-name", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --invoke-command: computers ([user@]host[:port]), separated by commas"), N_("T1,T2,…") },
  { "folder", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --invoke-command: the sessions of this folder"), N_("FOLDER") },
  { "throttle-limit", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("With --invoke-command: how many computers run it at once (the setting by default)"), N_("N") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("With --invoke-command: seconds each computer may take (the setting by default; 0 for none)"),
    N_("S") },
  { "export-inventory", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the sessions (of the FOLDER given after it, or all) as an Ansible inventory"), NULL },
  { "format", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --export-inventory: ini (the default) or yaml"), N_("ini|yaml") },
  { "import-ssh-config", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Add a session for each host of FILE (~/.ssh/config if none is given)"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL,
    NULL, N_("[FILE|FOLDER]") },
  { NULL }
};

/* GApplication prints a parse error (an unknown option, a missing value)
 * and exits before any of our code sees the command line; GOptionContext
 * calls every group's error hook first, so an empty group of ours (hidden
 * from --help, having no entries) adds the way out to that message. */
static void
on_parse_error (GOptionContext  *context,
                GOptionGroup    *group,
                gpointer         data,
                GError         **error)
{
  char *message;

  if (error == NULL || *error == NULL)
    return;
  message = g_strdup_printf (_("%s. Run “%s --help” to see the options."),
                             (*error)->message, g_get_prgname ());
  g_free ((*error)->message);
  (*error)->message = message;
}

void
_tether_application_add_options (TetherApplication *self)
{
  GOptionGroup *hints = g_option_group_new ("tether-hints", "", "", NULL, NULL); /* no-i18n: never shown */

  g_option_group_set_error_hook (hints, on_parse_error);
  g_application_add_option_group (G_APPLICATION (self), hints);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage named remote shell sessions over SSH."));
}

typedef TetherCommand Command;

Command *
_tether_command_new (TetherApplication       *app,
                     GApplicationCommandLine *command_line)
{
  Command *command = g_new0 (Command, 1);

  command->app = g_object_ref (app);
  command->command_line = g_object_ref (command_line);
  g_application_hold (G_APPLICATION (app));
  return command;
}

void
_tether_command_finish (Command *command,
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
  _tether_command_finish (command, 1);
}

int
_tether_command_fail_now (TetherApplication       *app,
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

/* Ends @command: 0, or failed with the store's sentence when the sessions
 * file does not hold what it changed. */
static void
finish_saved (Command *command)
{
  if (store_error (command->app) != NULL)
    command_fail (command, store_error (command->app));
  else
    _tether_command_finish (command, 0);
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

  finish_saved (command);
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
    _tether_command_finish (command, 0);
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
    _tether_command_finish (command, 0);
}

/* In the process the user started, before any instance is looked for:
 * --version needs neither the bus nor a window. */
int
_tether_application_handle_local_options (TetherApplication *self,
                                          GVariantDict      *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tether %s\n", PACKAGE_VERSION); /* no-i18n: a name and a number */
      return 0;
    }
  return -1;
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherImportReport) report = NULL;
  g_autofree char *text = NULL;

  report = tether_session_manager_import_ssh_config_finish (TETHER_SESSION_MANAGER (source), result,
                                                            &error);
  if (report == NULL)
    {
      command_fail (command, error);
      return;
    }

  text = tether_import_report_to_string (report);
  g_application_command_line_print (command->command_line, "%s\n", text);
  finish_saved (command);
}

/* --import-ssh-config [FILE]: FILE relative to the caller's directory. */
static int
import_ssh_config (TetherApplication       *app,
                   GApplicationCommandLine *command_line,
                   char                   **files)
{
  g_autofree char *path = NULL;

  if (files != NULL && files[0] != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, files[0]);

      path = g_file_get_path (file);
    }
  tether_session_manager_import_ssh_config_async (tether_application_get_manager (app), path, NULL,
                                                  import_done, _tether_command_new (app, command_line));
  return 0;
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
  else
    finish_saved (command);
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
  _tether_command_finish (command, 0);
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
  _tether_command_finish (command, 0);
}

/* --remove: the session, and whether --force was given. */
typedef struct {
  Command       *command;
  TetherSession *session;
  gboolean       force;
} Removing;

/* A Disconnected session whose server cannot be reached: forgotten here
 * only with --force, the sentence saying what keeps running either way. */
static void
remove_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Removing *removing = user_data;
  Command *command = removing->command;
  TetherSessionManager *manager = TETHER_SESSION_MANAGER (source);
  g_autoptr(TetherSession) session = removing->session;
  gboolean force = removing->force;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = NULL;

  g_free (removing);
  if (tether_session_manager_remove_session_finish (manager, result, &error))
    {
      finish_saved (command);
      return;
    }
  if (!force)
    {
      refused = g_error_new (error->domain, error->code,
                             _("%s Run the command again once the server can be reached, or add --force to forget the session anyway."),
                             error->message);
      command_fail (command, refused);
      return;
    }
  g_application_command_line_printerr (command->command_line, "%s\n", error->message);
  tether_session_manager_remove_session (manager, session);
  finish_saved (command);
}

static void
remove_session (TetherApplication       *app,
                GApplicationCommandLine *command_line,
                TetherSession           *session,
                gboolean                 force)
{
  Removing *removing = g_new0 (Removing, 1);

  removing->command = _tether_command_new (app, command_line);
  removing->session = g_object_ref (session);
  removing->force = force;
  tether_session_manager_remove_session_async (tether_application_get_manager (app), session, NULL,
                                               remove_done, removing);
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
    return _tether_command_fail_now (app, command_line, error);

  if (disconnect != NULL)
    tether_session_manager_disconnect_session_async (manager, session, NULL, disconnect_done,
                                                     _tether_command_new (app, command_line));
  else if (connect != NULL)
    tether_session_manager_open_session_async (manager, session, NULL, connect_done,
                                               _tether_command_new (app, command_line));
  else
    tether_session_manager_receive_session_async (manager, session, NULL, receive_done,
                                                  _tether_command_new (app, command_line));
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
  gboolean force = FALSE;
  gboolean get_session = FALSE;
  gboolean json = FALSE;
  const char *invoke_command = NULL;
  gboolean export_inventory = FALSE;
  gboolean import = FALSE;
  g_auto(GStrv) files = NULL;
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
  g_variant_dict_lookup (dict, "force", "b", &force);
  g_variant_dict_lookup (dict, "disconnect", "&s", &disconnect);
  g_variant_dict_lookup (dict, "connect", "&s", &connect);
  g_variant_dict_lookup (dict, "receive", "&s", &receive);
  g_variant_dict_lookup (dict, "get-session", "b", &get_session);
  g_variant_dict_lookup (dict, "json", "b", &json);
  g_variant_dict_lookup (dict, "invoke-command", "&s", &invoke_command);
  g_variant_dict_lookup (dict, "export-inventory", "b", &export_inventory);
  g_variant_dict_lookup (dict, "import-ssh-config", "b", &import);
  g_variant_dict_lookup (dict, G_OPTION_REMAINING, "^aay", &files);

  n_commands = (new_session != NULL) + (enter != NULL) + (enter_computer != NULL) +
               exit_ + (close != NULL) + (remove != NULL) + get_session +
               (invoke_command != NULL) + export_inventory + import +
               (disconnect != NULL) + (connect != NULL) + (receive != NULL);

  if (n_commands > 1)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Give one command at a time: --new-session, --enter, --enter-computer, "
                             "--exit, --close, --remove, --disconnect, --connect, --receive, "
                             "--get-session, --invoke-command, --export-inventory or "
                             "--import-ssh-config."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (files != NULL && files[0] != NULL && (!(import || export_inventory) || files[1] != NULL))
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Only --import-ssh-config takes a file and --export-inventory a folder, "
                             "and only one."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if ((name != NULL || configuration_name != NULL || identity_file != NULL) && new_session == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--name, --configuration-name and --identity-file go with --new-session."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (force && close == NULL && remove == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--force goes with --close or --remove."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (json && !get_session && invoke_command == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--json goes with --get-session or --invoke-command."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (invoke_command == NULL
      && (g_variant_dict_contains (dict, "session") || g_variant_dict_contains (dict, "computer-name")
          || g_variant_dict_contains (dict, "throttle-limit") || g_variant_dict_contains (dict, "timeout")
          || (g_variant_dict_contains (dict, "folder") && !export_inventory)))
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--session, --computer-name, --folder, --throttle-limit and --timeout go "
                             "with --invoke-command."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (g_variant_dict_contains (dict, "format") && !export_inventory)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--format goes with --export-inventory."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (invoke_command != NULL)
    return _tether_command_line_invoke (app, command_line, dict);
  if (export_inventory)
    return _tether_command_line_export_inventory (app, command_line, dict);

  if (n_commands == 0)
    {
      g_application_activate (G_APPLICATION (app));
      return 0;
    }

  if (import)
    return import_ssh_config (app, command_line, files);

  if (get_session)
    {
      g_autofree char *text = NULL;

      if (json)
        text = tether_session_format_json_model (G_LIST_MODEL (manager));
      else
        text = tether_session_format_table_model (G_LIST_MODEL (manager));
      g_application_command_line_print (command_line, "%s", text);
      if (store_error (app) != NULL)
        return _tether_command_fail_now (app, command_line, store_error (app));
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
                                                _tether_command_new (app, command_line));
      return 0;
    }

  if (enter != NULL)
    {
      TetherSession *session = lookup (app, enter, &error);
      GtkWindow *window;

      if (session == NULL)
        return _tether_command_fail_now (app, command_line, error);

      window = tether_application_ensure_window (app);
      gtk_window_present (window);
      tether_window_enter_session_async (TETHER_WINDOW (window), session, NULL, enter_done,
                                         _tether_command_new (app, command_line));
      return 0;
    }

  if (enter_computer != NULL)
    {
      GtkWindow *window = tether_application_ensure_window (app);

      gtk_window_present (window);
      tether_window_enter_computer_async (TETHER_WINDOW (window), enter_computer, NULL,
                                          enter_computer_done, _tether_command_new (app, command_line));
      return 0;
    }

  if (exit_)
    {
      TetherWindow *window = find_window (app);

      if (window == NULL || !tether_window_exit_active (window))
        {
          g_set_error_literal (&error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND,
                               _("No session is entered, so there is nothing to exit."));
          return _tether_command_fail_now (app, command_line, error);
        }
      return 0;
    }

  if (disconnect != NULL || connect != NULL || receive != NULL)
    return handle_tmux_command (app, command_line, disconnect, connect, receive);

  if (close != NULL || remove != NULL)
    {
      TetherSession *session = lookup (app, close != NULL ? close : remove, &error);

      if (session == NULL)
        return _tether_command_fail_now (app, command_line, error);

      /* The window asks before it ends a shell; a command has nobody to
       * ask (the running instance has no terminal of the caller's), so the
       * one the user is looking at ends only when the command says so. */
      if (!force && tether_session_get_attached (session))
        {
          g_set_error (&error, TETHER_ERROR, TETHER_ERROR_FAILED,
                       close != NULL
                       ? _("“%s” is entered: closing it ends its shell and anything running in it. "
                           "Exit it first, or add --force to close it anyway.")
                       : _("“%s” is entered: removing it ends its shell and anything running in it. "
                           "Exit it first, or add --force to remove it anyway."),
                       tether_session_get_name (session));
          return _tether_command_fail_now (app, command_line, error);
        }

      if (close != NULL)
        {
          tether_session_manager_close_session (manager, session);
          return 0;
        }
      remove_session (app, command_line, session, force);
      return 0;
    }

  g_assert_not_reached ();
}
