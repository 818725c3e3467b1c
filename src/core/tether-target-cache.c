/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tether-target-private.h"

/*
 * `ssh -G` costs a process start (10 ms and more here: OpenSSL and GSSAPI
 * are loaded before anything is read), at every connect.  What it prints
 * depends only on the files it read, unless a `Match exec` ran or the host
 * name was canonicalized (DNS).  So its output is kept with the state of
 * every file it read (its `-v` log names them), of their directories (a
 * file added to an Include's glob changes its directory) and of the
 * configuration itself, and given again while all of them are unchanged.
 *
 * The outputs are also kept on disk, in the user's cache directory, for the
 * next Tether process: `tether --invoke-command` on fifty computer names
 * is a new process each time, and fifty `ssh -G` are most of its work.
 * What a file can hold that depends on more than files is not kept there:
 * `${VAR}` (the environment of the process that ran `ssh -G`); the local
 * user, host name and home directory (%u, %L, %d) are part of the key, and
 * the `ssh` program itself is watched like a file read.
 */

#define MAX_KEPT 500

typedef struct {
  char     *path;
  gboolean  exists;
  dev_t     device;
  ino_t     inode;
  off_t     size;
  struct timespec modified;
  struct timespec changed;
} Watched;

typedef struct {
  char   *output;
  GArray *watched;   /* Watched */
  gint64  stored;    /* real time, for dropping the oldest */
} Entry;

G_LOCK_DEFINE_STATIC (cache);
static GHashTable *cache;     /* key_of() → Entry */
static gboolean    loaded;    /* the file was read into @cache */
static guint       save_id;   /* an idle that writes @cache out */

static void
watched_clear (gpointer data)
{
  g_free (((Watched *) data)->path);
}

static void
entry_free (Entry *entry)
{
  g_free (entry->output);
  g_array_unref (entry->watched);
  g_free (entry);
}

static void
watch (GArray     *watched,
       const char *path)
{
  Watched w = { .path = g_strdup (path) };
  struct stat st;

  for (guint i = 0; i < watched->len; i++)
    if (g_str_equal (g_array_index (watched, Watched, i).path, path))
      {
        g_free (w.path);
        return;
      }

  w.exists = stat (path, &st) == 0;
  if (w.exists)
    {
      w.device = st.st_dev;
      w.inode = st.st_ino;
      w.size = st.st_size;
      w.modified = st.st_mtim;
      w.changed = st.st_ctim;
    }
  g_array_append_val (watched, w);
}

/* File times are taken from a coarse clock: a file written again within
 * the same tick keeps its times.  One modified in the last second could
 * still change unseen, so nothing read from it is kept (git's "racily
 * clean" files). */
static gboolean
is_recent (const Watched *w)
{
  gint64 now = g_get_real_time ();
  gint64 modified = (gint64) w->modified.tv_sec * G_USEC_PER_SEC + w->modified.tv_nsec / 1000;

  return w->exists && now - modified < G_USEC_PER_SEC;
}

static gboolean
unchanged (const Watched *w)
{
  struct stat st;

  if (stat (w->path, &st) != 0)
    return !w->exists;
  return w->exists && st.st_dev == w->device && st.st_ino == w->inode && st.st_size == w->size
         && st.st_mtim.tv_sec == w->modified.tv_sec && st.st_mtim.tv_nsec == w->modified.tv_nsec
         && st.st_ctim.tv_sec == w->changed.tv_sec && st.st_ctim.tv_nsec == w->changed.tv_nsec;
}

static void
watch_with_directory (GArray     *watched,
                      const char *path)
{
  g_autofree char *directory = g_path_get_dirname (path);

  watch (watched, path);
  watch (watched, directory);
}

/* The files the `-v` log says were read, or %NULL when the output depends
 * on more than files. */
static GArray *
files_of (const char *log,
          const char *config)
{
  g_autoptr(GArray) watched = g_array_new (FALSE, FALSE, sizeof (Watched));
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);

  g_array_set_clear_func (watched, watched_clear);
  watch_with_directory (watched, config);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* ssh ends its log lines with "\r\n", for terminals in raw mode. */
      const char *line = g_strchomp (lines[i]);
      const char *found;

      if (g_str_has_prefix (line, "debug1: Executing command:"))
        return NULL;
      if (g_str_has_prefix (line, "debug1: Reading configuration data "))
        {
          const char *path = line + strlen ("debug1: Reading configuration data ");

          if (!g_path_is_absolute (path))
            return NULL;
          watch_with_directory (watched, path);
        }
      else if ((found = strstr (line, ": include ")) != NULL &&
               g_str_has_suffix (line, " matched no files"))
        {
          g_autofree char *pattern = g_strndup (found + strlen (": include "),
                                                strlen (found) - strlen (": include ")
                                                - strlen (" matched no files"));

          if (!g_path_is_absolute (pattern))
            return NULL;
          watch_with_directory (watched, pattern);
        }
    }
  for (guint i = 0; i < watched->len; i++)
    if (is_recent (&g_array_index (watched, Watched, i)))
      return NULL;
  return g_steal_pointer (&watched);
}

/* The command line, and what of the process OpenSSH's %-tokens take. */
static char *
key_of (const char * const *argv)
{
  g_autofree char *joined = g_strjoinv ("\n", (char **) argv);

  return g_strdup_printf ("%s\n%s\n%s\n%s", joined, g_get_user_name (), g_get_host_name (),
                          g_get_home_dir ());
}

static GHashTable *
ensure_cache (void)
{
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  return cache;
}

/* On disk */

static char *
cache_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "tether", "ssh-config.ini", NULL);
}

static char *
watched_to_string (const Watched *w)
{
  return g_strdup_printf ("%d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %ld %" G_GINT64_FORMAT " %ld %s",
                          w->exists, (guint64) w->device, (guint64) w->inode, (gint64) w->size,
                          (gint64) w->modified.tv_sec, w->modified.tv_nsec,
                          (gint64) w->changed.tv_sec, w->changed.tv_nsec, w->path);
}

static gboolean
watched_from_string (const char *text,
                     Watched    *w)
{
  int exists, offset = 0;
  guint64 device, inode;
  gint64 size, msec, csec;
  long mnsec, cnsec;

  if (sscanf (text, "%d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %"
              G_GINT64_FORMAT " %ld %" G_GINT64_FORMAT " %ld %n",
              &exists, &device, &inode, &size, &msec, &mnsec, &csec, &cnsec, &offset) != 8 ||
      offset == 0 || !g_path_is_absolute (text + offset))
    return FALSE;
  *w = (Watched) {
    .path = g_strdup (text + offset), .exists = exists != 0, .device = device, .inode = inode,
    .size = size, .modified = { msec, mnsec }, .changed = { csec, cnsec },
  };
  return TRUE;
}

/* Called with the lock held: the entries of the file not in @cache yet (a
 * corrupt file only costs `ssh -G` runs). */
static void
load_locked (void)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = cache_path ();
  g_auto(GStrv) groups = NULL;

  loaded = TRUE;
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *key = g_key_file_get_string (file, groups[i], "key", NULL);
      g_autofree char *output = g_key_file_get_string (file, groups[i], "output", NULL);
      g_auto(GStrv) files = g_key_file_get_string_list (file, groups[i], "files", NULL, NULL);
      g_autoptr(GArray) watched = g_array_new (FALSE, FALSE, sizeof (Watched));
      Entry *entry;

      g_array_set_clear_func (watched, watched_clear);
      if (key == NULL || output == NULL || files == NULL || g_hash_table_contains (ensure_cache (), key))
        continue;
      for (guint j = 0; files[j] != NULL; j++)
        {
          Watched w;

          if (!watched_from_string (files[j], &w))
            break;
          g_array_append_val (watched, w);
        }
      if (watched->len != g_strv_length (files))
        continue;
      entry = g_new0 (Entry, 1);
      entry->output = g_steal_pointer (&output);
      entry->watched = g_steal_pointer (&watched);
      entry->stored = g_key_file_get_int64 (file, groups[i], "stored", NULL);
      g_hash_table_insert (cache, g_steal_pointer (&key), entry);
    }
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const Entry *x = g_hash_table_lookup (cache, *(const char **) a);
  const Entry *y = g_hash_table_lookup (cache, *(const char **) b);

  return (x->stored < y->stored) - (x->stored > y->stored);
}

/* Writes the newest MAX_KEPT entries out, once the resolutions that stored
 * them are done: one write for Invoke-Command's fifty. */
static gboolean
save_cb (gpointer data)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = cache_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  gsize length;

  GHashTableIter iter;
  gpointer key;

  G_LOCK (cache);
  save_id = 0;
  keys = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, ensure_cache ());
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, newest_first);
  for (guint i = 0; i < MIN (keys->len, MAX_KEPT); i++)
    {
      const Entry *entry = g_hash_table_lookup (cache, g_ptr_array_index (keys, i));
      g_autofree char *group = g_strdup_printf ("entry%u", i);
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

      for (guint j = 0; j < entry->watched->len; j++)
        g_ptr_array_add (files, watched_to_string (&g_array_index (entry->watched, Watched, j)));
      g_key_file_set_string (file, group, "key", g_ptr_array_index (keys, i));
      g_key_file_set_int64 (file, group, "stored", entry->stored);
      g_key_file_set_string (file, group, "output", entry->output);
      g_key_file_set_string_list (file, group, "files", (const char * const *) files->pdata, files->len);
    }
  G_UNLOCK (cache);

  text = g_key_file_to_data (file, &length, NULL);
  /* No fsync: losing the file only costs `ssh -G` runs. */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, text, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("The SSH configuration cache was not saved: %s", error != NULL ? error->message : dir);
  return G_SOURCE_REMOVE;
}

/* `${VAR}` takes the environment of the process that ran `ssh -G`. */
static gboolean
uses_environment (GArray *watched)
{
  for (guint i = 0; i < watched->len; i++)
    {
      const Watched *w = &g_array_index (watched, Watched, i);
      g_autofree char *contents = NULL;

      if (w->exists && g_file_test (w->path, G_FILE_TEST_IS_REGULAR) &&
          g_file_get_contents (w->path, &contents, NULL, NULL) && strstr (contents, "${") != NULL)
        return TRUE;
    }
  return FALSE;
}

/**
 * _tether_target_cache_lookup:
 * @argv: the `ssh -G` command line
 *
 * Returns: (transfer full) (nullable): what it printed last time, if no
 *   file it read has changed since
 */
char *
_tether_target_cache_lookup (const char * const *argv)
{
  g_autofree char *key = key_of (argv);
  char *output = NULL;
  Entry *entry;

  G_LOCK (cache);
  if (!loaded)
    load_locked ();
  entry = cache != NULL ? g_hash_table_lookup (cache, key) : NULL;
  if (entry != NULL)
    {
      gboolean valid = TRUE;

      for (guint i = 0; valid && i < entry->watched->len; i++)
        valid = unchanged (&g_array_index (entry->watched, Watched, i));
      if (valid)
        output = g_strdup (entry->output);
      else
        g_hash_table_remove (cache, key);
    }
  G_UNLOCK (cache);
  return output;
}

/**
 * _tether_target_cache_store:
 * @argv: the `ssh -G -v` command line
 * @config: the configuration file it was given, or would have been
 * @output: what it printed
 * @log: its `-v` log
 *
 * Keeps @output, unless a `Match exec` ran, the host name was
 * canonicalized, or a file it read changed in the last second: then the
 * next resolution runs `ssh -G` again.  Kept on disk too, unless a file
 * it read uses the environment.
 */
void
_tether_target_cache_store (const char * const *argv,
                            const char         *config,
                            const char         *output,
                            const char         *log)
{
  GArray *watched;
  Entry *entry;

  gboolean keep_on_disk;

  if (strstr (output, "\ncanonicalizehostname false\n") == NULL ||
      (watched = files_of (log, config)) == NULL)
    return;
  /* An upgraded OpenSSH may resolve differently. */
  watch (watched, argv[0]);
  keep_on_disk = !uses_environment (watched);

  entry = g_new0 (Entry, 1);
  entry->output = g_strdup (output);
  entry->watched = watched;
  entry->stored = g_get_real_time ();
  G_LOCK (cache);
  g_hash_table_replace (ensure_cache (), key_of (argv), entry);
  if (keep_on_disk && save_id == 0)
    save_id = g_idle_add_full (G_PRIORITY_LOW, save_cb, NULL, NULL);
  G_UNLOCK (cache);
}

/**
 * _tether_target_cache_forget_memory:
 *
 * Drops what this process keeps, so that the next lookup reads the file:
 * what a new process would find.  For the tests.
 */
void
_tether_target_cache_forget_memory (void)
{
  G_LOCK (cache);
  g_clear_pointer (&cache, g_hash_table_unref);
  loaded = FALSE;
  G_UNLOCK (cache);
}
