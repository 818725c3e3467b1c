/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-command-line-private.h"
#include "tether-error.h"
#include "tether-inventory.h"

/*
 * tether --invoke-command COMMAND (--session … | --computer-name … |
 * --folder F): each line as it comes, prefixed with its computer (or one
 * JSON record per line), then the exit status: 0 only if every computer
 * succeeded, otherwise a summary of the others on standard error.
 */

typedef struct {
  TetherCommand    *command;
  TetherInvocation *invocation;
  gboolean          json;
  GHashTable       *partial;  /* result → GString: a line not ended yet, per stream */
} Invoke;

static void
print_record (Invoke                 *invoke,
              TetherInvocationResult *result,
              gboolean                is_stderr,
              const char             *text,
              gssize                  len)
{
  GApplicationCommandLine *command_line = invoke->command->command_line;
  g_autoptr(GString) out = g_string_new (NULL);

  if (!invoke->json)
    {
      g_autofree char *line = g_utf8_make_valid (text, len);

      if (is_stderr)
        g_application_command_line_printerr (command_line, "%s: %s",
                                             tether_invocation_result_get_computer_name (result), line);
      else
        g_application_command_line_print (command_line, "%s: %s",
                                          tether_invocation_result_get_computer_name (result), line);
      return;
    }

  tether_invocation_result_append_json_head (out, result);
  g_string_append_printf (out, ",\"stream\":\"%s\",\"text\":", is_stderr ? "stderr" : "stdout");
  tether_json_append_string (out, text, len);
  g_string_append (out, "}\n");
  g_application_command_line_print (command_line, "%s", out->str);
}

static GString *
partial_line (Invoke                 *invoke,
              TetherInvocationResult *result,
              gboolean                is_stderr)
{
  GString **lines = g_hash_table_lookup (invoke->partial, result);

  if (lines == NULL)
    {
      lines = g_new0 (GString *, 2);
      lines[0] = g_string_new (NULL);
      lines[1] = g_string_new (NULL);
      g_hash_table_insert (invoke->partial, result, lines);
    }
  return lines[is_stderr ? 1 : 0];
}

/* Prints every whole line; keeps the rest until its end comes. */
static void
output_cb (TetherInvocationResult *result,
           GBytes                 *data,
           gboolean                is_stderr,
           Invoke                 *invoke)
{
  GString *line = partial_line (invoke, result, is_stderr);
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  const char *newline;
  gsize start = 0;

  g_string_append_len (line, bytes, len);
  while ((newline = memchr (line->str + start, '\n', line->len - start)) != NULL)
    {
      gsize end = newline - line->str + 1;

      print_record (invoke, result, is_stderr, line->str + start, end - start);
      start = end;
    }
  g_string_erase (line, 0, start);
}

static void
flush_partial (Invoke                 *invoke,
               TetherInvocationResult *result)
{
  for (int stream = 0; stream < 2; stream++)
    {
      GString *line = partial_line (invoke, result, stream);

      if (line->len > 0)
        {
          g_string_append_c (line, '\n');
          print_record (invoke, result, stream, line->str, line->len);
          g_string_truncate (line, 0);
        }
    }
}

static void
print_end (Invoke                 *invoke,
           TetherInvocationResult *result)
{
  TetherInvocationStatus status = tether_invocation_result_get_status (result);
  const char *message = tether_invocation_result_get_error_message (result);
  g_autoptr(GString) out = g_string_new (NULL);
  char duration[G_ASCII_DTOSTR_BUF_SIZE];

  if (!invoke->json)
    return;

  tether_invocation_result_append_json_head (out, result);
  g_ascii_formatd (duration, sizeof duration, "%.3f", tether_invocation_result_get_duration (result));
  g_string_append_printf (out, ",\"status\":\"%s\",\"exit_status\":%d,\"duration\":%s,\"error\":",
                          tether_invocation_status_to_string (status),
                          tether_invocation_result_get_exit_status (result), duration);
  if (message != NULL)
    tether_json_append_string (out, message, -1);
  else
    g_string_append (out, "null");
  g_string_append (out, "}\n");
  g_application_command_line_print (invoke->command->command_line, "%s", out->str);
}

static void
status_cb (TetherInvocationResult *result,
           GParamSpec             *pspec,
           Invoke                 *invoke)
{
  if (!tether_invocation_status_is_final (tether_invocation_result_get_status (result)))
    return;
  flush_partial (invoke, result);
  print_end (invoke, result);
}

/* One line per computer that did not succeed, on standard error. */
static void
print_summary (Invoke *invoke)
{
  GListModel *results = tether_invocation_get_results (invoke->invocation);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);
      TetherInvocationStatus status = tether_invocation_result_get_status (result);
      const char *message = tether_invocation_result_get_error_message (result);
      int exit_status = tether_invocation_result_get_exit_status (result);
      g_autofree char *detail = NULL;

      if (!tether_invocation_status_is_failure (status))
        continue;
      if (message != NULL)
        detail = g_strdup (message);
      else if (exit_status >= 0)
        detail = g_strdup_printf (_("exit status %d"), exit_status);
      else
        detail = g_strdup (_("the server did not say how the command ended"));
      g_application_command_line_printerr (invoke->command->command_line, "%s: %s: %s\n",
                                           tether_invocation_result_get_computer_name (result),
                                           tether_invocation_status_to_display (status), detail);
    }
}

static void
invoke_free (Invoke *invoke)
{
  GListModel *results = tether_invocation_get_results (invoke->invocation);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);

      g_signal_handlers_disconnect_by_data (result, invoke);
    }
  g_hash_table_unref (invoke->partial);
  g_object_unref (invoke->invocation);
  g_free (invoke);
}

static void
free_lines (gpointer data)
{
  GString **lines = data;

  g_string_free (lines[0], TRUE);
  g_string_free (lines[1], TRUE);
  g_free (lines);
}

static void
invoke_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Invoke *invoke = user_data;
  TetherCommand *command = invoke->command;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = tether_invocation_run_finish (TETHER_INVOCATION (source), result, &error);
  if (!ok)
    {
      print_summary (invoke);
      g_application_command_line_printerr (command->command_line, "%s\n", error->message);
    }
  invoke_free (invoke);
  _tether_command_finish (command, ok ? 0 : 1);
}

static gboolean
add_sessions (TetherSessionManager  *manager,
              TetherInvocation      *invocation,
              const char            *list,
              GError               **error)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      TetherSession *session;

      if (*name == '\0')
        continue;
      if ((session = tether_session_manager_lookup (manager, name)) == NULL)
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND,
                       _("There is no session named or numbered “%s”. "
                         "Run “tether --get-session” to list the sessions."), name);
          return FALSE;
        }
      tether_invocation_add_session (invocation, session);
    }
  return TRUE;
}

static gboolean
add_targets (TetherSessionManager  *manager,
             TetherInvocation      *invocation,
             GVariantDict          *options,
             GError               **error)
{
  const char *sessions = NULL;
  const char *computers = NULL;
  const char *folder = NULL;

  g_variant_dict_lookup (options, "session", "&s", &sessions);
  g_variant_dict_lookup (options, "computer-name", "&s", &computers);
  g_variant_dict_lookup (options, "folder", "&s", &folder);

  if (sessions != NULL && !add_sessions (manager, invocation, sessions, error))
    return FALSE;
  if (computers != NULL)
    {
      g_auto(GStrv) targets = g_strsplit (computers, ",", -1);

      for (guint i = 0; targets[i] != NULL; i++)
        if (*g_strstrip (targets[i]) != '\0')
          tether_invocation_add_computer (invocation, targets[i]);
    }
  if (folder != NULL)
    {
      g_autoptr(GPtrArray) in_folder = tether_session_manager_list_folder (manager, folder);

      if (in_folder->len == 0)
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND,
                       _("No session is in the folder “%s”. Check the folder’s name in the session list."),
                       folder);
          return FALSE;
        }
      for (guint i = 0; i < in_folder->len; i++)
        tether_invocation_add_session (invocation, g_ptr_array_index (in_folder, i));
    }
  if (tether_invocation_get_n_targets (invocation) == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Say where to run the command: --session, --computer-name or --folder."));
      return FALSE;
    }
  return TRUE;
}

int
_tether_command_line_invoke (TetherApplication       *app,
                             GApplicationCommandLine *command_line,
                             GVariantDict            *options)
{
  TetherSessionManager *manager = tether_application_get_manager (app);
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;
  const char *command_text = NULL;
  gint32 throttle_limit = -1;
  gint32 timeout = -1;
  Invoke *invoke;
  GListModel *results;

  g_variant_dict_lookup (options, "invoke-command", "&s", &command_text);
  g_variant_dict_lookup (options, "throttle-limit", "i", &throttle_limit);
  g_variant_dict_lookup (options, "timeout", "i", &timeout);

  if (*command_text == '\0')
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("The command to run is empty. Give it after --invoke-command."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (g_variant_dict_contains (options, "throttle-limit") && throttle_limit < 1)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--throttle-limit must be 1 or more."));
      return _tether_command_fail_now (app, command_line, error);
    }
  if (g_variant_dict_contains (options, "timeout") && timeout < 0)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--timeout must be 0 (no limit) or a number of seconds."));
      return _tether_command_fail_now (app, command_line, error);
    }

  invocation = tether_session_manager_new_invocation (manager, command_text);
  if (!add_targets (manager, invocation, options, &error))
    {
      /* Never run: not worth keeping in the list of runs. */
      tether_session_manager_clear_invocations (manager);
      return _tether_command_fail_now (app, command_line, error);
    }
  if (throttle_limit > 0)
    tether_invocation_set_throttle_limit (invocation, throttle_limit);
  if (timeout >= 0)
    tether_invocation_set_timeout (invocation, timeout);

  invoke = g_new0 (Invoke, 1);
  invoke->invocation = g_object_ref (invocation);
  invoke->json = g_variant_dict_contains (options, "json");
  invoke->partial = g_hash_table_new_full (NULL, NULL, NULL, free_lines);
  results = tether_invocation_get_results (invocation);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);

      g_signal_connect (result, "output", G_CALLBACK (output_cb), invoke);
      g_signal_connect (result, "notify::status", G_CALLBACK (status_cb), invoke);
    }
  invoke->command = _tether_command_new (app, command_line);
  tether_invocation_run_async (invocation, NULL, invoke_done, invoke);
  return 0;
}

int
_tether_command_line_export_inventory (TetherApplication       *app,
                                       GApplicationCommandLine *command_line,
                                       GVariantDict            *options)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) arguments = NULL;
  g_autofree char *text = NULL;
  const char *format_text = NULL;
  const char *folder = NULL;
  TetherInventoryFormat format;

  g_variant_dict_lookup (options, "format", "&s", &format_text);
  g_variant_dict_lookup (options, "folder", "&s", &folder);
  /* The FOLDER after --export-inventory is what the options left. */
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &arguments);
  if (folder == NULL && arguments != NULL)
    folder = arguments[0];

  if (!tether_inventory_format_from_string (format_text, &format, &error))
    return _tether_command_fail_now (app, command_line, error);
  text = tether_inventory_export (tether_application_get_manager (app), folder, format, &error);
  if (text == NULL)
    return _tether_command_fail_now (app, command_line, error);
  g_application_command_line_print (command_line, "%s", text);
  return 0;
}
