/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-store.h"

/*
 * The sessions file.  Nothing in it is ever lost: a file that cannot be read
 * is left as it is (the manager then saves nothing until the user decides),
 * a damaged one is moved aside before anything is written, and a save
 * replaces the whole file or nothing.
 */

#define STORE_GROUP   "Tether"
#define STORE_VERSION 1
#define SESSION_GROUP_PREFIX "Session "

/* Sane bounds, checked before GKeyFile parses anything: a 50 MB name once
 * took 4.5 GB and 80 s.  A line holds a key and a field written escaped
 * (a backslash doubled, a byte of a path as %XX). */
#define STORE_MAX_BYTES (16 * 1024 * 1024)
#define STORE_MAX_LINE  (4 * TETHER_SESSION_FIELD_MAX)

/* What a save writes next to the file before renaming it over: a name no
 * user picks, so that one left by a save cut short can be removed. */
#define TEMPORARY_INFIX ".tether-save-"

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

/* The file itself when @path is a symbolic link (to a file kept in a synced
 * folder, say): it is read, written and moved aside there, and the link
 * stays.  A loop ends in the link itself, which then fails to open. */
static char *
resolve_path (const char *path)
{
  g_autofree char *current = g_strdup (path);

  for (guint depth = 0; depth < 40; depth++)
    {
      g_autofree char *target = g_file_read_link (current, NULL);
      g_autofree char *dir = NULL;

      if (target == NULL)
        break;
      if (g_path_is_absolute (target))
        {
          g_free (current);
          current = g_steal_pointer (&target);
          continue;
        }
      dir = g_path_get_dirname (current);
      g_free (current);
      current = g_build_filename (dir, target, NULL);
    }

  return g_steal_pointer (&current);
}

/* Save */

/* A path (a private key's, a known hosts file's) as the file keeps it: as
 * it is, or as a file:// URI when it is not clean text
 * (tether_session_identity_file_is_plain()). */
static char *
path_to_value (const char  *path,
               GError     **error)
{
  if (tether_session_identity_file_is_plain (path))
    return g_strdup (path);
  return g_filename_to_uri (path, NULL, error);
}

static gboolean
definition_is_savable (const TetherSessionDefinition  *def,
                       GHashTable                     *seen,
                       GError                        **error)
{
  g_autoptr(GError) reason = NULL;
  g_autofree char *shown = tether_error_escape (def->name);
  g_autofree char *key = NULL;
  g_autofree char *name_key = NULL;
  g_autofree char *id_key = NULL;

  if (def->name == NULL || *def->name == '\0' || !tether_session_definition_check (def, &reason))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                   _("The session “%s” cannot be saved: %s"),
                   shown, reason != NULL ? reason->message : _("it has no name."));
      return FALSE;
    }

  /* What the loader would drop as a second copy is not written at all. */
  key = tether_session_name_key (def->name);
  name_key = g_strconcat ("name:", key, NULL);
  id_key = g_strconcat ("id:", def->instance_id, NULL);
  if (!g_hash_table_add (seen, g_steal_pointer (&name_key)) ||
      !g_hash_table_add (seen, g_steal_pointer (&id_key)))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS,
                   _("Two sessions are named “%s” (or have the same InstanceId), and the sessions file keeps each once. Rename one of them."),
                   shown);
      return FALSE;
    }

  return TRUE;
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
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_key_file_set_integer (key_file, STORE_GROUP, "Version", STORE_VERSION);

  for (guint i = 0; i < definitions->len; i++)
    {
      const TetherSessionDefinition *def = g_ptr_array_index (definitions, i);
      g_autofree char *group = NULL;
      g_autofree char *identity_file = NULL;
      g_autofree char *known_hosts_file = NULL;

      g_return_val_if_fail (def->instance_id != NULL, NULL);

      /* Refuse rather than write a file that the next start would not read
       * back whole. */
      if (!definition_is_savable (def, seen, error))
        return NULL;
      if ((def->identity_file != NULL &&
           (identity_file = path_to_value (def->identity_file, error)) == NULL) ||
          (def->known_hosts_file != NULL &&
           (known_hosts_file = path_to_value (def->known_hosts_file, error)) == NULL))
        return NULL;

      group = g_strconcat (SESSION_GROUP_PREFIX, def->instance_id, NULL);
      g_key_file_set_string (key_file, group, "Name", def->name);
      g_key_file_set_string (key_file, group, "ComputerName", def->target);
      set_optional (key_file, group, "ConfigurationName", def->configuration_name);
      set_optional (key_file, group, "IdentityFile", identity_file);
      set_optional (key_file, group, "Folder", def->folder);
      set_optional (key_file, group, "KnownHostsFile", known_hosts_file);
      set_optional (key_file, group, "JumpHosts", def->jump_hosts);
      set_optional (key_file, group, "Forwards", def->forwards);
      if (def->forward_agent)
        g_key_file_set_boolean (key_file, group, "ForwardAgent", TRUE);
      if (def->disconnected_on > 0)
        g_key_file_set_int64 (key_file, group, "DisconnectedOn", def->disconnected_on);
      set_optional (key_file, group, "ReceiveMark", def->receive_mark);
    }

  return g_steal_pointer (&key_file);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= written;
    }
  return TRUE;
}

/* The one place the sessions file is written: a private temporary file next
 * to it (mode 0600 whatever the umask), flushed to disk, then renamed over
 * it.  A crash leaves the old file or the new one, never half of each.
 * Returns an errno, or 0. */
static int
write_atomically (const char *path,
                  const char *data,
                  gsize       length)
{
  g_autofree char *temporary = g_strconcat (path, TEMPORARY_INFIX "XXXXXX", NULL);
  int fd = g_mkstemp_full (temporary, O_WRONLY | O_CLOEXEC, 0600);
  int saved_errno;

  if (fd < 0)
    return errno;

  if (fchmod (fd, 0600) == 0 && write_all (fd, data, length) && fsync (fd) == 0)
    {
      if (close (fd) == 0 && g_rename (temporary, path) == 0)
        return 0;
      saved_errno = errno;
    }
  else
    {
      saved_errno = errno;
      close (fd);
    }

  g_unlink (temporary);
  return saved_errno != 0 ? saved_errno : EIO;
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
 * a directory created for it (0700).  When @path is a symbolic link, the
 * file it leads to is written and the link stays.
 *
 * Every definition is checked first (tether_session_definition_check(),
 * names unique under tether_session_name_key()): a list the next start
 * would not read back whole is not written.
 *
 * Returns: %TRUE on success, otherwise %FALSE with @error set
 */
gboolean
tether_session_store_save (const char  *path,
                           GPtrArray   *definitions,
                           GError     **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autofree char *real_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize length;
  int saved_errno;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (definitions != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key_file = build_key_file (definitions, error);
  if (key_file == NULL)
    return FALSE;

  real_path = resolve_path (path);
  dir = g_path_get_dirname (real_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_save_error (error, path, g_strerror (errno));
      return FALSE;
    }

  data = g_key_file_to_data (key_file, &length, NULL);
  saved_errno = write_atomically (real_path, data, length);
  if (saved_errno != 0)
    {
      set_save_error (error, path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Load */

/* A save cut short (a crash, kill -9, a full disk) leaves its temporary
 * file: removed at the next start. */
static void
remove_stray_temporaries (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, TEMPORARY_INFIX, NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *stray = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (entry, prefix) || strlen (entry) != strlen (prefix) + 6)
        continue;
      stray = g_build_filename (dir, entry, NULL);
      if (g_lstat (stray, &st) == 0 && S_ISREG (st.st_mode))
        g_unlink (stray);
    }
}

/* Renames the file to a name no other file has, so that neither the next
 * save nor an earlier copy is ever overwritten.  Returns an errno, or 0. */
static int
move_aside (const char  *path,
            const char  *why,
            char       **aside_out)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.%s-%s", path, why, stamp);
  g_autofree char *aside = g_strdup (base);
  GStatBuf st;

  for (guint counter = 2; g_lstat (aside, &st) == 0; counter++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s-%u", base, counter);
    }

  if (g_rename (path, aside) != 0)
    return errno;

  *aside_out = g_steal_pointer (&aside);
  return 0;
}

/**
 * tether_session_store_move_aside:
 * @path: the sessions file
 * @error: return location for a #GError
 *
 * What the user chooses for a sessions file Tether cannot read: it goes to
 * `sessions.ini.aside-YYYYMMDD-HHMMSS` (with a counter if that exists), and
 * the next save starts a new one.
 *
 * Returns: (transfer full): where it went, or %NULL with @error set
 */
char *
tether_session_store_move_aside (const char  *path,
                                 GError     **error)
{
  g_autofree char *real_path = NULL;
  char *aside = NULL;
  int saved_errno;

  g_return_val_if_fail (path != NULL, NULL);

  real_path = resolve_path (path);
  saved_errno = move_aside (real_path, "aside", &aside);
  if (saved_errno != 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Your sessions file “%s” could not be moved aside (%s). Check the folder’s permissions and try again."),
                   path, g_strerror (saved_errno));
      return NULL;
    }
  return aside;
}

static void
set_unreadable_error (GError     **error,
                      const char  *path,
                      const char  *reason)
{
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE,
               _("Your sessions file “%s” could not be read (%s). Tether left it untouched and saves no session until it can read it: make it readable and try again, or move it aside to start a new list."),
               path, reason);
}

/* The whole file, or %NULL with @error set: TETHER_ERROR_STORE_UNREADABLE
 * for a file that exists but cannot be read, G_FILE_ERROR_NOENT for none.
 * A file that is not a regular one, or too big, is not read at all (nor is a
 * FIFO waited on). */
static char *
read_file (const char  *path,
           const char  *shown_path,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GString) contents = NULL;
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, g_strerror (saved_errno));
      else
        set_unreadable_error (error, shown_path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      set_unreadable_error (error, shown_path, g_strerror (errno));
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_unreadable_error (error, shown_path,
                            S_ISDIR (st.st_mode) ? _("it is a folder") : _("it is not a regular file"));
      close (fd);
      return NULL;
    }

  /* Its size first, and what it holds after (a file that grows). */
  contents = g_string_sized_new (MIN (st.st_size, STORE_MAX_BYTES) + 1);
  while (st.st_size <= STORE_MAX_BYTES && contents->len <= STORE_MAX_BYTES)
    {
      char buffer[65536];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_unreadable_error (error, shown_path, g_strerror (errno));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      g_string_append_len (contents, buffer, n);
    }
  close (fd);

  if (st.st_size > STORE_MAX_BYTES || contents->len > STORE_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (MAX ((guint64) st.st_size, contents->len));
      g_autofree char *limit = g_format_size (STORE_MAX_BYTES);

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE,
                   _("Your sessions file “%s” is %s, more than a sessions file can be (%s). Tether left it untouched and saves no session until it is smaller: check what wrote it, or move it aside to start a new list."),
                   shown_path, size, limit);
      return NULL;
    }

  *length = contents->len;
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

/* What reading the file found. */
typedef struct {
  GKeyFile   *key_file;
  GHashTable *bad_groups;    /* groups that lost a line: left out */
  guint       n_bad;         /* sessions left out */
  guint       n_twice;       /* sessions whose group came again: the later left out */
  gboolean    damaged;       /* lines left out that held no session */
} Reading;

static void
reading_clear (Reading *reading)
{
  g_clear_pointer (&reading->key_file, g_key_file_unref);
  g_clear_pointer (&reading->bad_groups, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reading, reading_clear)

/* Whether a line opens a group, as GKeyFile reads it (spaces around
 * ignored); @name is then the group's name, not nul-terminated. */
static gboolean
line_opens_group (const char  *line,
                  gsize        length,
                  const char **name,
                  gsize       *name_length)
{
  while (length > 0 && g_ascii_isspace (*line))
    line++, length--;
  while (length > 0 && g_ascii_isspace (line[length - 1]))
    length--;
  if (length < 2 || line[0] != '[' || line[length - 1] != ']')
    return FALSE;
  *name = line + 1;
  *name_length = length - 2;
  return TRUE;
}

/* Where a group that cannot be read as one goes: it is left out, whole. */
static void
count_left_out (Reading    *reading,
                const char *name,
                gsize       name_length,
                gboolean    again)
{
  gsize prefix_length = strlen (SESSION_GROUP_PREFIX);

  if (name_length < prefix_length || memcmp (name, SESSION_GROUP_PREFIX, prefix_length) != 0)
    reading->damaged = TRUE;
  else if (again)
    reading->n_twice++;
  else
    reading->n_bad++;
}

/* The text GKeyFile is given: @contents without a UTF-8 byte order mark,
 * without lines longer than STORE_MAX_LINE (the session they are in is left
 * out), and without a group that comes again (GKeyFile would merge the two
 * without a word) or whose name is too long or not text. */
static GString *
filter_lines (const char *contents,
              gsize       length,
              Reading    *reading)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GString *out = g_string_sized_new (length);
  const char *end = contents + length;
  const char *current = NULL;   /* the group kept that lines go to */
  gboolean skipping = FALSE;    /* in a group left out */

  if (length >= 3 && memcmp (contents, "\xef\xbb\xbf", 3) == 0)
    contents += 3;

  for (const char *line = contents; line < end;)
    {
      const char *newline = memchr (line, '\n', end - line);
      gsize line_length = (newline != NULL ? newline : end) - line;
      const char *name;
      gsize name_length;
      gboolean keep;

      if (line_opens_group (line, line_length, &name, &name_length))
        {
          g_autofree char *group = line_length <= STORE_MAX_LINE ? g_strndup (name, name_length) : NULL;

          skipping = group == NULL || !g_utf8_validate (group, -1, NULL) ||
                     g_hash_table_contains (groups, group);
          if (skipping)
            count_left_out (reading, name, name_length, group != NULL && g_hash_table_contains (groups, group));
          else
            {
              current = group;
              g_hash_table_add (groups, g_steal_pointer (&group));
            }
          keep = !skipping;
        }
      else if (!skipping && line_length > STORE_MAX_LINE)
        {
          /* The line goes, and so does its session (read_definitions()). */
          if (current != NULL && g_str_has_prefix (current, SESSION_GROUP_PREFIX))
            g_hash_table_add (reading->bad_groups, g_strdup (current));
          else
            reading->damaged = TRUE;
          keep = FALSE;
        }
      else
        keep = !skipping;

      if (keep)
        {
          g_string_append_len (out, line, line_length);
          g_string_append_c (out, '\n');
        }
      line += line_length + (newline != NULL ? 1 : 0);
    }

  return out;
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
            char       **value)
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

/* A file:// URI back to the path it was made from (path_to_value()). */
static gboolean
read_path (GKeyFile   *key_file,
           const char *group,
           const char *key,
           char      **path)
{
  g_autofree char *value = NULL;
  g_autofree char *hostname = NULL;

  if (!read_field (key_file, group, key, &value))
    return FALSE;
  if (value == NULL || !g_str_has_prefix (value, "file:"))
    {
      *path = g_steal_pointer (&value);
      return TRUE;
    }
  *path = g_filename_from_uri (value, &hostname, NULL);
  return *path != NULL && hostname == NULL;
}

static TetherSessionDefinition *
read_definition (GKeyFile   *key_file,
                 const char *group,
                 GHashTable *seen_names)
{
  g_autoptr(TetherSessionDefinition) def = tether_session_definition_new ();
  char *name = NULL, *target = NULL, *configuration_name = NULL;
  char *identity_file = NULL, *folder = NULL, *known_hosts_file = NULL;
  char *jump_hosts = NULL, *forwards = NULL, *receive_mark = NULL;
  g_autofree char *forward_agent = NULL, *disconnected_on = NULL;
  gboolean read;

  /* Everything in the file is remembered, by definition. */
  def->persistent = TRUE;
  def->instance_id = g_strdup (group + strlen (SESSION_GROUP_PREFIX));
  read = read_field (key_file, group, "Name", &name) &&
         read_field (key_file, group, "ComputerName", &target) &&
         read_field (key_file, group, "ConfigurationName", &configuration_name) &&
         read_path (key_file, group, "IdentityFile", &identity_file) &&
         read_field (key_file, group, "Folder", &folder) &&
         read_path (key_file, group, "KnownHostsFile", &known_hosts_file) &&
         read_field (key_file, group, "JumpHosts", &jump_hosts) &&
         read_field (key_file, group, "Forwards", &forwards) &&
         read_field (key_file, group, "ForwardAgent", &forward_agent) &&
         read_field (key_file, group, "DisconnectedOn", &disconnected_on) &&
         read_field (key_file, group, "ReceiveMark", &receive_mark);
  def->name = name;
  def->target = target;
  def->configuration_name = configuration_name;
  def->identity_file = identity_file;
  def->folder = folder;
  def->known_hosts_file = known_hosts_file;
  def->jump_hosts = jump_hosts;
  def->forwards = forwards;
  /* Only what this file writes: anything else is not dropped silently. */
  def->forward_agent = g_strcmp0 (forward_agent, "true") == 0;
  read = read && (forward_agent == NULL || def->forward_agent || g_strcmp0 (forward_agent, "false") == 0);
  def->receive_mark = receive_mark;
  if (disconnected_on != NULL
      && !g_ascii_string_to_signed (disconnected_on, 10, 1, G_MAXINT64, &def->disconnected_on, NULL))
    return NULL;

  /* The rules every way in follows: what is read here could be saved. */
  if (!read || name == NULL || *name == '\0' || !tether_session_definition_check (def, NULL))
    return NULL;
  if (!g_hash_table_add (seen_names, tether_session_name_key (name)))
    return NULL;

  return g_steal_pointer (&def);
}

/* Reads the text as a sessions file.  Returns the good definitions (those
 * left out are counted in @reading), or %NULL when it is not a sessions
 * file at all; @version is what the file says, 0 when nothing. */
static GPtrArray *
read_definitions (const char *contents,
                  gsize       length,
                  Reading    *reading,
                  gint64     *version)
{
  g_autoptr(GString) text = filter_lines (contents, length, reading);
  g_autoptr(GPtrArray) definitions = NULL;
  g_autoptr(GHashTable) seen_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) groups = NULL;

  *version = 0;
  if (!g_key_file_load_from_data (reading->key_file, text->str, text->len, G_KEY_FILE_NONE, NULL))
    return NULL;
  *version = g_key_file_get_int64 (reading->key_file, STORE_GROUP, "Version", NULL);
  if (*version != STORE_VERSION)
    return NULL;

  definitions = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);
  groups = g_key_file_get_groups (reading->key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      TetherSessionDefinition *def = NULL;

      if (g_str_equal (groups[i], STORE_GROUP))
        continue;

      if (g_str_has_prefix (groups[i], SESSION_GROUP_PREFIX) &&
          !g_hash_table_contains (reading->bad_groups, groups[i]))
        def = read_definition (reading->key_file, groups[i], seen_names);
      if (def != NULL)
        g_ptr_array_add (definitions, def);
      else
        reading->n_bad++;
    }

  return g_steal_pointer (&definitions);
}

/* The sentence for a file that was read in part, now kept as @aside. */
static void
set_partial_error (GError     **error,
                   const Reading *reading,
                   const char  *aside)
{
  guint n = reading->n_bad + reading->n_twice;

  if (n == 0)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                 _("Lines of your sessions file that held no session could not be read and were left out: every session was kept, and the file as it was is in “%s”."),
                 aside);
  else if (reading->n_bad == 0)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                 ngettext ("%u session was in the sessions file twice: the first copy was kept, and the file "
                           "as it was is in “%s”. Open it to compare the copies.",
                           "%u sessions were in the sessions file twice: the first copies were kept, and the "
                           "file as it was is in “%s”. Open it to compare the copies.",
                           n),
                 n, aside);
  else
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                 ngettext ("%u session could not be read and was left out: the file was "
                           "kept as “%s”. Open it to recover that session.",
                           "%u sessions could not be read and were left out: the file was "
                           "kept as “%s”. Open it to recover those sessions.",
                           n),
                 n, aside);
}

/**
 * tether_session_store_load:
 * @path: the sessions file
 * @moved_aside_to: (out) (optional) (nullable) (transfer full): where a
 *   damaged file was moved, or %NULL
 * @error: return location for a #GError
 *
 * Reads the sessions file.  A missing file is an empty list, not an error.
 * Temporary files left by a save cut short are removed first.
 *
 * A file that exists but cannot be read (permissions, a folder, an I/O
 * error), one over 16 MB, and one from a newer Tether are left as they are:
 * %NULL with %TETHER_ERROR_STORE_UNREADABLE.  Nothing may be saved over them
 * until the user decides (tether_session_store_move_aside(), or reading
 * again).
 *
 * A damaged file is never lost nor overwritten: it is renamed to
 * `sessions.ini.corrupt-YYYYMMDD-HHMMSS` (with a counter if that exists) and
 * @moved_aside_to says where.  Then there are two outcomes:
 *
 * - nothing could be read: returns %NULL with %TETHER_ERROR_STORE_CORRUPT;
 * - only some sessions were bad (a field that breaks the rules of
 *   tether_session_definition_check(), a line over a few KB, a name that
 *   another session has under tether_session_name_key(), a group given
 *   twice, whose first copy is kept): returns the good ones **and** sets
 *   @error to %TETHER_ERROR_STORE_CORRUPT.  A non-%NULL return with @error
 *   set is a warning to show, not a failure.
 *
 * When the damaged file cannot be moved aside, it is left as it is, as an
 * unreadable one: %TETHER_ERROR_STORE_UNREADABLE.
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
  g_auto(Reading) reading = { 0 };
  g_autofree char *real_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *aside = NULL;
  gsize length = 0;
  gint64 version;
  int saved_errno;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (moved_aside_to != NULL)
    *moved_aside_to = NULL;

  real_path = resolve_path (path);
  remove_stray_temporaries (real_path);

  contents = read_file (real_path, path, &length, &local_error);
  if (contents == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  reading.key_file = g_key_file_new ();
  reading.bad_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  definitions = read_definitions (contents, length, &reading, &version);
  if (definitions != NULL && reading.n_bad == 0 && reading.n_twice == 0 && !reading.damaged)
    return g_steal_pointer (&definitions);

  /* Not damaged: written by a Tether that knows more.  Left for it. */
  if (version > STORE_VERSION)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE,
                   _("Your sessions file “%s” was written by a newer Tether (format %d; this one reads format %d). It was left untouched and no session is saved: use the newer Tether, or move the file aside to start a new list."),
                   path, (int) MIN (version, G_MAXINT), STORE_VERSION);
      return NULL;
    }

  saved_errno = move_aside (real_path, "corrupt", &aside);
  if (saved_errno != 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE,
                   _("Your sessions file “%s” is damaged and could not be moved aside (%s). Tether left it untouched and saves no session until it can: check the folder’s permissions and try again."),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  if (definitions == NULL || definitions->len == 0)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT,
                 _("Your sessions file could not be read: it was moved to “%s” and Tether "
                   "started with an empty list. Open that file to recover your sessions."),
                 aside);
  else
    set_partial_error (error, &reading, aside);

  if (moved_aside_to != NULL)
    *moved_aside_to = g_steal_pointer (&aside);

  if (definitions != NULL && definitions->len == 0)
    return NULL;
  return g_steal_pointer (&definitions);
}
