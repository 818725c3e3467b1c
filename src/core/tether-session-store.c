/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-store.h"
#include "tether-target.h"

#define STORE_GROUP   "Tether"
#define STORE_VERSION 1
#define SESSION_GROUP_PREFIX "Session "

/**
 * tether_session_store_default_path:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/tether/sessions.ini`
 */
char *
tether_session_store_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "tether", "sessions.ini", NULL);
}

/* Control characters would survive GKeyFile's escaping and then end up in
 * tab titles and terminals; a field holding one is treated as damage. */
static gboolean
field_is_clean (const char *text)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
definition_is_clean (const TetherSessionDefinition *def)
{
  return field_is_clean (def->instance_id) &&
         field_is_clean (def->name) &&
         field_is_clean (def->target) &&
         field_is_clean (def->configuration_name) &&
         field_is_clean (def->identity_file) &&
         field_is_clean (def->folder) &&
         strchr (def->instance_id, ']') == NULL;
}

static void
set_optional (GKeyFile   *key_file,
              const char *group,
              const char *key,
              const char *value)
{
  if (value != NULL)
    g_key_file_set_string (key_file, group, key, value);
}

static GKeyFile *
build_key_file (GPtrArray  *definitions,
                GError    **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_key_file_set_integer (key_file, STORE_GROUP, "Version", STORE_VERSION);

  for (guint i = 0; i < definitions->len; i++)
    {
      const TetherSessionDefinition *def = g_ptr_array_index (definitions, i);
      g_autofree char *group = NULL;

      g_return_val_if_fail (def->instance_id != NULL, NULL);
      g_return_val_if_fail (def->name != NULL, NULL);
      g_return_val_if_fail (def->target != NULL, NULL);

      /* Refuse rather than write a file that the next start would reject. */
      if (!definition_is_clean (def))
        {
          g_autofree char *shown = tether_error_escape (def->name);

          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                       _("The session “%s” contains a control character and was not saved: "
                         "rename it with letters, digits and punctuation only."),
                       shown);
          return NULL;
        }

      group = g_strconcat (SESSION_GROUP_PREFIX, def->instance_id, NULL);
      g_key_file_set_string (key_file, group, "Name", def->name);
      g_key_file_set_string (key_file, group, "ComputerName", def->target);
      set_optional (key_file, group, "ConfigurationName", def->configuration_name);
      set_optional (key_file, group, "IdentityFile", def->identity_file);
      set_optional (key_file, group, "Folder", def->folder);
    }

  return g_steal_pointer (&key_file);
}

static void
set_save_error (GError     **error,
                const char  *path,
                const char  *reason)
{
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
               _("Your sessions could not be saved to “%s” (%s): check that the folder "
                 "exists and is writable, and that the disk is not full."),
               path, reason);
}

/**
 * tether_session_store_save:
 * @path: the sessions file
 * @definitions: (element-type TetherSessionDefinition): the sessions, in list order
 * @error: return location for a #GError
 *
 * Writes the sessions file atomically: a crash leaves either the old file or
 * the new one, never half of each.  The file is private (mode 0600) and so is
 * a directory created for it (0700).
 *
 * Returns: %TRUE on success, otherwise %FALSE with @error set
 */
gboolean
tether_session_store_save (const char  *path,
                           GPtrArray   *definitions,
                           GError     **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (definitions != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key_file = build_key_file (definitions, error);
  if (key_file == NULL)
    return FALSE;

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_save_error (error, path, g_strerror (errno));
      return FALSE;
    }

  data = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      set_save_error (error, path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Renames the damaged file to a name no other file has, so that neither the
 * next save nor an earlier damaged copy is ever overwritten. */
static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  g_autofree char *aside = g_strdup (base);

  for (guint counter = 2; g_file_test (aside, G_FILE_TEST_EXISTS); counter++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s-%u", base, counter);
    }

  if (g_rename (path, aside) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                   _("Your sessions file “%s” could not be read, nor moved aside (%s): Tether "
                     "started with an empty list. Copy the file somewhere safe before you "
                     "change any session."),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&aside);
}

/* A key the group lacks reads as NULL.  One it has that does not read (text
 * that is not UTF-8) makes the session damage: read as absent, it would be
 * lost at the next save.  An unknown escape reads as it is written
 * (GKeyFile's own choice: "C:\keys" stays so).  A value that ends in an
 * escape is damage, refused before GKeyFile reads it: with an unknown
 * escape too, GLib 2.74 sets its error twice and warns. */
static gboolean
read_field (GKeyFile    *key_file,
            const char  *group,
            const char  *key,
            const char **value)
{
  g_autofree char *raw = g_key_file_get_value (key_file, group, key, NULL);
  gsize backslashes = 0;

  if (raw == NULL)
    return TRUE;
  for (gsize i = strlen (raw); i > 0 && raw[i - 1] == '\\'; i--)
    backslashes++;
  if (backslashes % 2 == 1)
    return FALSE;

  /* NULL only when it does not read at all: an unknown escape sets the
   * error and still gives the text. */
  *value = g_key_file_get_string (key_file, group, key, NULL);
  return *value != NULL;
}

static TetherSessionDefinition *
read_definition (GKeyFile   *key_file,
                 const char *group,
                 GPtrArray  *seen_names)
{
  g_autoptr(TetherSessionDefinition) def = tether_session_definition_new ();
  g_autoptr(TetherTarget) target = NULL;
  g_autofree char *folded = NULL;

  if (!g_str_has_prefix (group, SESSION_GROUP_PREFIX) ||
      group[strlen (SESSION_GROUP_PREFIX)] == '\0')
    return NULL;

  /* Everything in the file is remembered, by definition. */
  def->persistent = TRUE;
  def->instance_id = g_strdup (group + strlen (SESSION_GROUP_PREFIX));
  if (!read_field (key_file, group, "Name", &def->name) ||
      !read_field (key_file, group, "ComputerName", &def->target) ||
      !read_field (key_file, group, "ConfigurationName", &def->configuration_name) ||
      !read_field (key_file, group, "IdentityFile", &def->identity_file) ||
      !read_field (key_file, group, "Folder", &def->folder))
    return NULL;

  if (def->name == NULL || *def->name == '\0' || def->target == NULL)
    return NULL;
  if (!definition_is_clean (def))
    return NULL;

  target = tether_target_parse (def->target, NULL);
  if (target == NULL)
    return NULL;

  /* Session names are case-insensitive, as in PowerShell. */
  folded = g_utf8_casefold (def->name, -1);
  if (g_ptr_array_find_with_equal_func (seen_names, folded, g_str_equal, NULL))
    return NULL;
  g_ptr_array_add (seen_names, g_steal_pointer (&folded));

  return g_steal_pointer (&def);
}

/* Returns the good definitions and counts the bad ones, or NULL when the file
 * as a whole is not a sessions file. */
static GPtrArray *
read_definitions (const char *contents,
                  gsize       length,
                  guint      *n_bad)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GPtrArray) definitions = NULL;
  g_autoptr(GPtrArray) seen_names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) groups = NULL;

  *n_bad = 0;

  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_NONE, NULL))
    return NULL;
  if (g_key_file_get_integer (key_file, STORE_GROUP, "Version", NULL) != STORE_VERSION)
    return NULL;

  definitions = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);
  groups = g_key_file_get_groups (key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      TetherSessionDefinition *def;

      if (g_str_equal (groups[i], STORE_GROUP))
        continue;

      def = read_definition (key_file, groups[i], seen_names);
      if (def != NULL)
        g_ptr_array_add (definitions, def);
      else
        (*n_bad)++;
    }

  return g_steal_pointer (&definitions);
}

/**
 * tether_session_store_load:
 * @path: the sessions file
 * @moved_aside_to: (out) (optional) (nullable) (transfer full): where a
 *   damaged file was moved, or %NULL
 * @error: return location for a #GError
 *
 * Reads the sessions file.  A missing file is an empty list, not an error.
 *
 * A damaged file is never lost nor overwritten: it is renamed to
 * `sessions.ini.corrupt-YYYYMMDD-HHMMSS` (with a counter if that exists) and
 * @moved_aside_to says where.  Then there are two outcomes:
 *
 * - nothing could be read: returns %NULL with %TETHER_ERROR_STORE_CORRUPT;
 * - only some sessions were bad: returns the good ones **and** sets @error to
 *   %TETHER_ERROR_STORE_CORRUPT.  A non-%NULL return with @error set is a
 *   warning to show, not a failure.
 *
 * A file that exists but cannot be opened (permissions) is left alone and
 * gives %NULL with %TETHER_ERROR_FAILED.
 *
 * Returns: (transfer full) (element-type TetherSessionDefinition) (nullable):
 *   the sessions in list order, or %NULL with @error set
 */
GPtrArray *
tether_session_store_load (const char  *path,
                           char       **moved_aside_to,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) definitions = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *aside = NULL;
  gsize length;
  guint n_bad;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (moved_aside_to != NULL)
    *moved_aside_to = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Your sessions file could not be opened (%s): check its permissions, "
                     "then restart Tether."),
                   local_error->message);
      return NULL;
    }

  definitions = read_definitions (contents, length, &n_bad);
  if (definitions != NULL && n_bad == 0)
    return g_steal_pointer (&definitions);

  aside = move_aside (path, error);
  if (aside == NULL)
    return NULL;

  if (definitions == NULL || definitions->len == 0)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                 _("Your sessions file could not be read: it was moved to “%s” and Tether "
                   "started with an empty list. Open that file to recover your sessions."),
                 aside);
  else
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                 ngettext ("%u session could not be read and was left out: the file was "
                           "kept as “%s”. Open it to recover that session.",
                           "%u sessions could not be read and were left out: the file was "
                           "kept as “%s”. Open it to recover those sessions.",
                           n_bad),
                 n_bad, aside);

  if (moved_aside_to != NULL)
    *moved_aside_to = g_steal_pointer (&aside);

  if (definitions != NULL && definitions->len == 0)
    return NULL;
  return g_steal_pointer (&definitions);
}
