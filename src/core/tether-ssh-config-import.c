/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glob.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-session-definition.h"
#include "tether-ssh-config-import.h"
#include "tether-target.h"
#include "tether-util.h"

/*
 * Import from an SSH configuration: every concrete `Host` alias becomes a
 * session whose target is the alias, so that `ssh -G` resolves it at every
 * connect (tether-target-resolve.c).  Only the `Host` lines and `Include`
 * are read here: what a host resolves to is never decided by this file.
 */

/* OpenSSH's own limit on nested Include. */
#define MAX_INCLUDE_DEPTH 16

typedef struct {
  char      *folder;
  GPtrArray *aliases;   /* in file order, each once */
  GPtrArray *skipped;
} Scan;

static void
scan_free (Scan *scan)
{
  g_free (scan->folder);
  g_clear_pointer (&scan->aliases, g_ptr_array_unref);
  g_clear_pointer (&scan->skipped, g_ptr_array_unref);
  g_free (scan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scan, scan_free)

static void
add_once (GPtrArray  *array,
          const char *text)
{
  if (!g_ptr_array_find_with_equal_func (array, text, g_str_equal, NULL))
    g_ptr_array_add (array, g_strdup (text));
}

/* Words separated by blanks, "double quotes" keeping blanks, as ssh_config
 * reads arguments. */
static GPtrArray *
split_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *end;

      p += strspn (p, " \t");
      if (*p == '\0')
        break;
      if (*p == '"')
        {
          end = strchr (p + 1, '"');
          end = end != NULL ? end : p + strlen (p);
          g_ptr_array_add (words, g_strndup (p + 1, end - p - 1));
          p = *end != '\0' ? end + 1 : end;
          continue;
        }
      end = p + strcspn (p, " \t");
      g_ptr_array_add (words, g_strndup (p, end - p));
      p = end;
    }
  return words;
}

/* A Host pattern that names one host Tether can connect to. */
static gboolean
is_concrete_alias (const char *word)
{
  g_autoptr(TetherTarget) target = NULL;

  if (strpbrk (word, "*?!%") != NULL)
    return FALSE;
  target = tether_target_parse (word, NULL);
  return target != NULL && target->user == NULL && target->port == 0;
}

static void read_config (Scan *scan, const char *path, const char *base_dir, guint depth);

/* Include: "~" is $HOME, a relative path is under the directory of the
 * file first read (~/.ssh for the user's), and globs are expanded in
 * order, as OpenSSH does. */
static void
follow_include (Scan       *scan,
                const char *word,
                const char *base_dir,
                guint       depth)
{
  g_autofree char *pattern = NULL;
  glob_t matches = { 0 };

  if (word[0] == '~' && (word[1] == '/' || word[1] == '\0'))
    pattern = g_strconcat (g_get_home_dir (), word + 1, NULL);
  else if (g_path_is_absolute (word))
    pattern = g_strdup (word);
  else
    pattern = g_build_filename (base_dir, word, NULL);

  if (glob (pattern, 0, NULL, &matches) == 0)
    for (gsize i = 0; i < matches.gl_pathc; i++)
      read_config (scan, matches.gl_pathv[i], base_dir, depth + 1);
  globfree (&matches);
}

static void
read_line (Scan       *scan,
           char       *line,
           const char *base_dir,
           guint       depth)
{
  g_autoptr(GPtrArray) words = NULL;
  char *p = g_strstrip (line);
  char *keyword_end;

  if (*p == '\0' || *p == '#')
    return;
  keyword_end = p + strcspn (p, " \t=");
  words = split_words (keyword_end + strspn (keyword_end, " \t="));
  *keyword_end = '\0';

  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);

      if (g_ascii_strcasecmp (p, "include") == 0)
        follow_include (scan, word, base_dir, depth);
      else if (g_ascii_strcasecmp (p, "host") == 0)
        add_once (is_concrete_alias (word) ? scan->aliases : scan->skipped, word);
    }
}

static void
read_config (Scan       *scan,
             const char *path,
             const char *base_dir,
             guint       depth)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  /* Like OpenSSH, an included file that cannot be read is skipped. */
  if (depth > MAX_INCLUDE_DEPTH || !g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    read_line (scan, lines[i], base_dir, depth);
}

/* "~/.ssh/config" for a file under the home directory: the folder's name. */
static char *
folder_for (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize length = strlen (home);

  if (strncmp (path, home, length) == 0 && path[length] == '/')
    return g_strconcat ("~", path + length, NULL);
  return g_strdup (path);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(Scan) scan = g_new0 (Scan, 1);
  g_autofree char *base_dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_FAILED,
                               _("The SSH configuration “%s” could not be read (%s). Choose another file, or check that this one is readable."),
                               path, error->message);
      return;
    }

  scan->folder = folder_for (path);
  scan->aliases = g_ptr_array_new_with_free_func (g_free);
  scan->skipped = g_ptr_array_new_with_free_func (g_free);
  read_config (scan, path, base_dir, 0);
  g_task_return_pointer (task, g_steal_pointer (&scan), (GDestroyNotify) scan_free);
}

/* Applying it to the list */

static gboolean
set_target (TetherSessionManager  *self,
            TetherSession         *session,
            const char            *alias,
            GError               **error)
{
  g_autoptr(TetherSessionDefinition) def = tether_session_definition_new_for_session (session);

  g_free ((char *) def->target);
  def->target = g_strdup (alias);
  return tether_session_manager_update_session (self, session, def, error);
}

/* The folder's sessions: each matched to its alias by target, or else by
 * name (its target edited since); those matching none are reported. */
static gboolean
update_folder (TetherSessionManager  *self,
               const Scan            *scan,
               GHashTable            *matched,
               TetherImportReport    *report,
               GPtrArray             *removed,
               GError               **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self), i);
      const char *target = tether_session_get_target (session);
      const char *name = tether_session_get_name (session);

      if (g_strcmp0 (tether_session_get_folder (session), scan->folder) != 0)
        continue;
      if (g_ptr_array_find_with_equal_func (scan->aliases, target, g_str_equal, NULL) &&
          !g_hash_table_contains (matched, target))
        {
          g_hash_table_add (matched, g_strdup (target));
          report->n_unchanged++;
        }
      else if (g_ptr_array_find_with_equal_func (scan->aliases, name, g_str_equal, NULL) &&
               !g_hash_table_contains (matched, name))
        {
          g_hash_table_add (matched, g_strdup (name));
          if (!set_target (self, session, name, error))
            return FALSE;
          report->n_updated++;
        }
      else
        g_ptr_array_add (removed, g_strdup (name));
    }
  return TRUE;
}

static gboolean
add_new (TetherSessionManager  *self,
         const Scan            *scan,
         GHashTable            *matched,
         TetherImportReport    *report,
         GError               **error)
{
  for (guint i = 0; i < scan->aliases->len; i++)
    {
      const char *alias = g_ptr_array_index (scan->aliases, i);
      TetherSessionDefinition def = {
        .target = alias,
        .folder = scan->folder,
        .persistent = TRUE,
      };

      if (g_hash_table_contains (matched, alias))
        continue;
      /* Named after the alias, unless another session has that name. */
      if (tether_session_manager_lookup (self, alias) == NULL)
        def.name = alias;
      if (tether_session_manager_add_session (self, &def, error) == NULL)
        return FALSE;
      report->n_added++;
    }
  return TRUE;
}

static TetherImportReport *
apply_scan (TetherSessionManager  *self,
            const Scan            *scan,
            GError               **error)
{
  g_autoptr(TetherImportReport) report = g_new0 (TetherImportReport, 1);
  g_autoptr(GHashTable) matched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *removed = g_ptr_array_new_with_free_func (g_free);
  gboolean ok;

  report->folder = g_strdup (scan->folder);
  ok = update_folder (self, scan, matched, report, removed, error) &&
       add_new (self, scan, matched, report, error);
  report->removed = tether_strv_steal (removed);
  report->skipped = g_new0 (char *, scan->skipped->len + 1);
  for (guint i = 0; i < scan->skipped->len; i++)
    report->skipped[i] = g_strdup (g_ptr_array_index (scan->skipped, i));
  return ok ? g_steal_pointer (&report) : NULL;
}

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = g_task_get_source_object (task);
  g_autoptr(Scan) scan = NULL;
  TetherImportReport *report;
  GError *error = NULL;

  if ((scan = g_task_propagate_pointer (G_TASK (result), &error)) == NULL ||
      (report = apply_scan (self, scan, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) tether_import_report_free);
}

/**
 * tether_session_manager_import_ssh_config_async:
 * @path: (nullable): an ssh_config file, or %NULL for `~/.ssh/config`
 *
 * Lists every concrete `Host` alias of @path, and of the files it
 * includes, as a Closed session in a folder named after @path, with the
 * alias as its target.  Importing again updates that folder instead of
 * duplicating it; a session whose alias left the file is reported, never
 * removed.  The file is read in a thread.
 */
void
tether_session_manager_import_ssh_config_async (TetherSessionManager *self,
                                                const char           *path,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) scan = NULL;
  g_autofree char *ssh_dir = tether_get_ssh_dir ();

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_import_ssh_config_async);

  scan = g_task_new (NULL, cancellable, scanned_cb, g_steal_pointer (&task));
  g_task_set_task_data (scan, path != NULL ? g_strdup (path)
                                           : g_build_filename (ssh_dir, "config", NULL), g_free);
  g_task_run_in_thread (scan, scan_thread);
}

/**
 * tether_session_manager_import_ssh_config_finish:
 *
 * Returns: (transfer full) (nullable): what the import did, or %NULL with
 *   @error set (the file could not be read, or the list not saved)
 */
TetherImportReport *
tether_session_manager_import_ssh_config_finish (TetherSessionManager  *self,
                                                 GAsyncResult          *result,
                                                 GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tether_session_manager_import_ssh_config_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tether_import_report_free (TetherImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->folder);
  g_strfreev (report->skipped);
  g_strfreev (report->removed);
  g_free (report);
}

/**
 * tether_import_report_to_string:
 *
 * Returns: (transfer full): what the import did, in sentences for the user
 */
char *
tether_import_report_to_string (const TetherImportReport *report)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, NULL);

  g_string_append_printf (text, ngettext ("Imported into the folder “%s”: %u new session, ",
                                          "Imported into the folder “%s”: %u new sessions, ",
                                          report->n_added),
                          report->folder, report->n_added);
  g_string_append_printf (text, ngettext ("%u updated, ", "%u updated, ", report->n_updated),
                          report->n_updated);
  g_string_append_printf (text, ngettext ("%u already up to date.", "%u already up to date.",
                                          report->n_unchanged),
                          report->n_unchanged);
  if (report->skipped[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", report->skipped);

      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Skipped, as they name no single computer: %s."), list);
    }
  if (report->removed[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", report->removed);

      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("No longer in the file, and kept: %s. Remove them yourself if you no longer need them."),
                              list);
    }
  return g_string_free (text, FALSE);
}
