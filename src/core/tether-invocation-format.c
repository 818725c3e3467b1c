/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-invocation.h"

/* Results as text and JSON: one writer for the command line, Copy and Save. */

/**
 * tether_json_append_string:
 * @len: bytes of @text, or -1 when NUL-terminated
 *
 * Appends @text as a JSON string literal; bytes that are not UTF-8 become
 * U+FFFD, so that any remote output gives valid JSON.
 */
void
tether_json_append_string (GString    *out,
                           const char *text,
                           gssize      len)
{
  g_autofree char *valid = g_utf8_make_valid (text, len);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_end (GString                *out,
            TetherInvocationResult *result)
{
  TetherInvocationStatus status = tether_invocation_result_get_status (result);
  int exit_status = tether_invocation_result_get_exit_status (result);
  const char *message = tether_invocation_result_get_error_message (result);

  g_string_append (out, tether_invocation_status_to_display (status));
  if (exit_status >= 0)
    /* Translators: after a status, e.g. "Failed (exit status 3, 0.25 s)" */
    g_string_append_printf (out, _(" (exit status %d, %.2f s)"), exit_status,
                            tether_invocation_result_get_duration (result));
  else if (tether_invocation_status_is_final (status))
    g_string_append_printf (out, _(" (%.2f s)"), tether_invocation_result_get_duration (result));
  if (message != NULL)
    g_string_append_printf (out, ": %s", message);
  g_string_append_c (out, '\n');
}

/* The output as it came, each line of the standard error marked. */
static void
append_output (GString                *out,
               TetherInvocationResult *result)
{
  gboolean at_line_start = TRUE;

  for (guint i = 0; i < tether_invocation_result_get_n_chunks (result); i++)
    {
      const TetherInvocationChunk *chunk = tether_invocation_result_get_chunk (result, i);
      gsize len;
      const char *data = g_bytes_get_data (chunk->data, &len);
      g_autofree char *text = g_utf8_make_valid (data, len);

      for (const char *p = text; *p != '\0'; p++)
        {
          if (at_line_start && chunk->is_stderr)
            /* Translators: marks a line the command wrote on its standard error */
            g_string_append (out, _("[stderr] "));
          g_string_append_c (out, *p);
          at_line_start = *p == '\n';
        }
    }
  if (!at_line_start)
    g_string_append_c (out, '\n');
}

static void
append_block (GString                *out,
              GListModel             *results)
{
  g_autoptr(TetherInvocationResult) first = g_list_model_get_item (results, 0);
  guint n = g_list_model_get_n_items (results);

  g_string_append (out, "----------------\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);

      g_string_append_printf (out, "%s%s", i > 0 ? ", " : "",
                              tether_invocation_result_get_computer_name (result));
    }
  g_string_append_c (out, '\n');
  append_end (out, first);
  g_string_append (out, "----------------\n");
  append_output (out, first);
}

/**
 * tether_invocation_to_text:
 * @gathered: one block per group of identical hosts, else one per computer
 *
 * Returns: (transfer full): the results as `dshbak -c` prints them: a
 *   heading with the computers and how they ended, then the output once
 */
char *
tether_invocation_to_text (TetherInvocation *self,
                           gboolean          gathered)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (TETHER_IS_INVOCATION (self), NULL);

  if (gathered)
    {
      GListModel *groups = tether_invocation_get_groups (self);

      for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
        {
          g_autoptr(TetherInvocationGroup) group = g_list_model_get_item (groups, i);

          append_block (out, tether_invocation_group_get_results (group));
        }
    }
  else
    {
      GListModel *results = tether_invocation_get_results (self);

      for (guint i = 0; i < g_list_model_get_n_items (results); i++)
        {
          g_autoptr(GListStore) one = g_list_store_new (TETHER_TYPE_INVOCATION_RESULT);
          g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);

          g_list_store_append (one, result);
          append_block (out, G_LIST_MODEL (one));
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * tether_invocation_result_append_json_head:
 *
 * Opens a JSON record of @result with its `computer` and `session` (null
 * for a computer name with no session): every record starts so, the
 * results' and the command line's streamed lines alike.
 */
void
tether_invocation_result_append_json_head (GString                *out,
                                           TetherInvocationResult *result)
{
  TetherSession *session = tether_invocation_result_get_session (result);

  g_string_append (out, "{\"computer\":");
  tether_json_append_string (out, tether_invocation_result_get_computer_name (result), -1);
  g_string_append (out, ",\"session\":");
  if (session != NULL)
    tether_json_append_string (out, tether_session_get_name (session), -1);
  else
    g_string_append (out, "null");
}

static void
append_json_result (GString                *out,
                    TetherInvocationResult *result)
{
  const char *message = tether_invocation_result_get_error_message (result);
  char duration[G_ASCII_DTOSTR_BUF_SIZE];

  tether_invocation_result_append_json_head (out, result);
  g_string_append (out, ",\"status\":");
  tether_json_append_string (out, tether_invocation_status_to_string (tether_invocation_result_get_status (result)), -1);
  g_string_append_printf (out, ",\"exit_status\":%d", tether_invocation_result_get_exit_status (result));
  g_ascii_formatd (duration, sizeof duration, "%.3f", tether_invocation_result_get_duration (result));
  g_string_append_printf (out, ",\"duration\":%s,\"error\":", duration);
  if (message != NULL)
    tether_json_append_string (out, message, -1);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"output\":[");
  for (guint i = 0; i < tether_invocation_result_get_n_chunks (result); i++)
    {
      const TetherInvocationChunk *chunk = tether_invocation_result_get_chunk (result, i);
      gsize len;
      const char *data = g_bytes_get_data (chunk->data, &len);

      g_string_append_printf (out, "%s{\"stream\":\"%s\",\"text\":", i > 0 ? "," : "",
                              chunk->is_stderr ? "stderr" : "stdout");
      tether_json_append_string (out, data, len);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
}

/**
 * tether_invocation_to_json:
 *
 * Returns: (transfer full): an array of one object per computer, in list
 *   order (see tether-invocation.h)
 */
char *
tether_invocation_to_json (TetherInvocation *self)
{
  GString *out = g_string_new ("[");
  GListModel *results;

  g_return_val_if_fail (TETHER_IS_INVOCATION (self), NULL);

  results = tether_invocation_get_results (self);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);

      g_string_append (out, i > 0 ? ",\n " : "");
      append_json_result (out, result);
    }
  g_string_append (out, "]\n");
  return g_string_free (out, FALSE);
}
