/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-forward.h"
#include "tether-session-format-private.h"

/*
 * The widths PowerShell's PSSession table view declares, as the seed's
 * example shows them:
 *
 *   Id Name            ComputerName    State    ConfigurationName
 *   -- ----            ------------    -----    -----------------
 *   1  Session1        Server01        Opened   Microsoft.PowerShell
 *
 * Each column but the last is padded to its width plus one space; a longer
 * value is cut and ends with "…" (PowerShell 7).  The one exception is Id:
 * a cut number would name another session, so that column grows instead.
 */
typedef struct {
  const char *header;
  guint       width;   /* 0: the last column, never padded or cut */
} Column;

static const Column columns[] = {
  { "Id", 2 },
  { "Name", 15 },
  { "ComputerName", 15 },
  { "State", 8 },
  { "ConfigurationName", 0 },
};

#define N_COLUMNS G_N_ELEMENTS (columns)

static void
append_cell (GString    *line,
             const char *text,
             guint       width,
             gboolean    may_cut)
{
  glong len = g_utf8_strlen (text, -1);

  if (width == 0)
    {
      g_string_append (line, text);
      return;
    }

  if (len > (glong) width && may_cut)
    {
      const char *end = g_utf8_offset_to_pointer (text, width - 1);

      g_string_append_len (line, text, end - text);
      g_string_append (line, "…");
      len = width;
    }
  else
    g_string_append (line, text);

  for (glong i = len; i < (glong) width + 1; i++)
    g_string_append_c (line, ' ');
}

static void
session_cells (TetherSession *session,
               char          *cells[N_COLUMNS])
{
  cells[0] = g_strdup_printf ("%u", tether_session_get_id (session));
  cells[1] = g_strdup (tether_session_get_name (session));
  cells[2] = g_strdup (tether_session_get_computer_name (session));
  cells[3] = g_strdup (tether_session_state_to_string (tether_session_get_state (session)));
  cells[4] = g_strdup (tether_session_get_configuration_name (session));

  for (guint i = 0; i < N_COLUMNS; i++)
    if (cells[i] == NULL)
      cells[i] = g_strdup ("");
}

/**
 * tether_session_format_table:
 * @sessions: (array length=n_sessions): the sessions, in the order to print
 * @n_sessions: how many
 *
 * Returns: (transfer full): the table as Get-PSSession prints it, one line per
 *   session under the header and its dashes; "" when there is no session (as
 *   PowerShell prints nothing then)
 */
char *
tether_session_format_table (TetherSession * const *sessions,
                             guint                  n_sessions)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint id_width = columns[0].width;

  if (n_sessions == 0)
    return g_string_free (out, FALSE);

  for (guint i = 0; i < n_sessions; i++)
    {
      char **cells = g_new0 (char *, N_COLUMNS + 1);

      session_cells (sessions[i], cells);
      id_width = MAX (id_width, (guint) strlen (cells[0]));
      g_ptr_array_add (rows, cells);
    }

  for (guint c = 0; c < N_COLUMNS; c++)
    append_cell (out, columns[c].header, c == 0 ? id_width : columns[c].width, TRUE);
  g_string_append_c (out, '\n');

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_autofree char *dashes = g_strnfill (strlen (columns[c].header), '-');

      append_cell (out, dashes, c == 0 ? id_width : columns[c].width, TRUE);
    }
  g_string_append_c (out, '\n');

  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      for (guint c = 0; c < N_COLUMNS; c++)
        append_cell (out, cells[c], c == 0 ? id_width : columns[c].width, c != 0);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static GPtrArray *
model_to_array (GListModel *model)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, g_list_model_get_item (model, i));

  return array;
}

/**
 * tether_session_format_table_model:
 * @sessions: a #GListModel of #TetherSession
 *
 * Returns: (transfer full): tether_session_format_table() of every item
 */
char *
tether_session_format_table_model (GListModel *sessions)
{
  g_autoptr(GPtrArray) array = model_to_array (sessions);

  return tether_session_format_table ((TetherSession * const *) array->pdata, array->len);
}

/**
 * tether_session_format_json_string:
 * @out: where to append
 * @str: (nullable): text, UTF-8 or not
 *
 * Appends @str as a JSON string (RFC 8259), or `null`.
 */
void
tether_session_format_json_string (GString    *out,
                                   const char *str)
{
  g_autofree char *valid = NULL;

  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  /* JSON is UTF-8; a private key's path need not be (a file name is bytes):
   * what is not UTF-8 shows as U+FFFD, as a file manager shows it. */
  if (!g_utf8_validate (str, -1, NULL))
    str = valid = g_utf8_make_valid (str, -1);

  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          /* Other control characters have no short form.  DEL and non-ASCII
           * are valid in a JSON string as they are (UTF-8). */
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static const char *
availability_to_string (TetherSessionAvailability availability)
{
  switch (availability)
    {
    case TETHER_SESSION_AVAILABILITY_AVAILABLE:
      return "Available";
    case TETHER_SESSION_AVAILABILITY_BUSY:
      return "Busy";
    case TETHER_SESSION_AVAILABILITY_NONE:
    default:
      return "None";
    }
}

static void
append_member (GString    *out,
               const char *name,
               gboolean    first)
{
  g_string_append (out, first ? "\n    " : ",\n    ");
  tether_session_format_json_string (out, name);
  g_string_append (out, ": ");
}

/* Its forwards with their state: "Forward" as typed, the port it listens
 * on while Active, and why it is off when Failed. */
static void
append_forwards (GString       *out,
                 TetherSession *session)
{
  GListModel *forwards = tether_session_get_forwards (session);
  guint n = g_list_model_get_n_items (forwards);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherForward) forward = g_list_model_get_item (forwards, i);

      g_string_append (out, i == 0 ? "{ " : ", { ");
      tether_session_format_json_string (out, "Forward");
      g_string_append (out, ": ");
      tether_session_format_json_string (out, tether_forward_get_spec (forward));
      g_string_append (out, ", \"State\": ");
      tether_session_format_json_string (out, tether_forward_state_to_string (tether_forward_get_state (forward)));
      g_string_append_printf (out, ", \"BoundPort\": %u, \"Error\": ", tether_forward_get_bound_port (forward));
      tether_session_format_json_string (out, tether_forward_get_error (forward));
      g_string_append (out, " }");
    }
  g_string_append_c (out, ']');
}

/* A Unix time in UTC (ISO 8601), or null for 0. */
static void
append_time (GString *out,
             gint64   when)
{
  g_autoptr(GDateTime) time = when > 0 ? g_date_time_new_from_unix_utc (when) : NULL;
  g_autofree char *text = time != NULL ? g_date_time_format_iso8601 (time) : NULL;

  tether_session_format_json_string (out, text);
}

/* Every property of each session, named as PowerShell's ConvertTo-Json names
 * a PSSession's (PascalCase), with State and Availability as their English
 * names: a JSON array, ending with a newline. */
static char *
format_json (TetherSession * const *sessions,
             guint                  n_sessions)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < n_sessions; i++)
    {
      TetherSession *session = sessions[i];

      g_string_append (out, i == 0 ? "\n  {" : ",\n  {");
      append_member (out, "Id", TRUE);
      g_string_append_printf (out, "%u", tether_session_get_id (session));
      append_member (out, "InstanceId", FALSE);
      tether_session_format_json_string (out, tether_session_get_instance_id (session));
      append_member (out, "Name", FALSE);
      tether_session_format_json_string (out, tether_session_get_name (session));
      append_member (out, "ComputerName", FALSE);
      tether_session_format_json_string (out, tether_session_get_computer_name (session));
      append_member (out, "Target", FALSE);
      tether_session_format_json_string (out, tether_session_get_target (session));
      append_member (out, "UserName", FALSE);
      tether_session_format_json_string (out, tether_session_get_user_name (session));
      append_member (out, "Port", FALSE);
      g_string_append_printf (out, "%u", tether_session_get_port (session));
      append_member (out, "State", FALSE);
      tether_session_format_json_string (out, tether_session_state_to_string (tether_session_get_state (session)));
      append_member (out, "Availability", FALSE);
      tether_session_format_json_string (out, availability_to_string (tether_session_get_availability (session)));
      append_member (out, "ConfigurationName", FALSE);
      tether_session_format_json_string (out, tether_session_get_configuration_name (session));
      append_member (out, "IdentityFile", FALSE);
      tether_session_format_json_string (out, tether_session_get_identity_file (session));
      append_member (out, "Folder", FALSE);
      tether_session_format_json_string (out, tether_session_get_folder (session));
      append_member (out, "JumpHosts", FALSE);
      tether_session_format_json_string (out, tether_session_get_jump_hosts (session));
      append_member (out, "ForwardAgent", FALSE);
      g_string_append (out, tether_session_get_forward_agent (session) ? "true" : "false");
      append_member (out, "Forwards", FALSE);
      append_forwards (out, session);
      append_member (out, "Temporary", FALSE);
      g_string_append (out, tether_session_get_temporary (session) ? "true" : "false");
      append_member (out, "Persistent", FALSE);
      g_string_append (out, tether_session_get_persistent (session) ? "true" : "false");
      append_member (out, "Attached", FALSE);
      g_string_append (out, tether_session_get_attached (session) ? "true" : "false");
      append_member (out, "HasShell", FALSE);
      g_string_append (out, tether_session_get_has_shell (session) ? "true" : "false");
      append_member (out, "LastError", FALSE);
      tether_session_format_json_string (out, tether_session_get_last_error (session));
      append_member (out, "DisconnectedOn", FALSE);
      append_time (out, tether_session_get_disconnected_on (session));
      /* A Disconnected session's tmux session ends by itself then. */
      append_member (out, "ExpiresOn", FALSE);
      append_time (out, tether_session_get_disconnected_on (session) > 0
                        ? tether_session_get_disconnected_on (session) + tether_session_get_idle_timeout (session)
                        : 0);
      append_member (out, "IdleTimeout", FALSE);
      g_string_append_printf (out, "%u", tether_session_get_idle_timeout (session));
      g_string_append (out, "\n  }");
    }

  g_string_append (out, n_sessions > 0 ? "\n]\n" : "]\n");
  return g_string_free (out, FALSE);
}

/**
 * tether_session_format_json_model:
 * @sessions: a #GListModel of #TetherSession
 *
 * Returns: (transfer full): every item as format_json() writes it
 */
char *
tether_session_format_json_model (GListModel *sessions)
{
  g_autoptr(GPtrArray) array = model_to_array (sessions);

  return format_json ((TetherSession * const *) array->pdata, array->len);
}
