/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
 */

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
} Entry;

G_LOCK_DEFINE_STATIC (cache);
static GHashTable *cache;   /* the argv, joined → Entry */

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

static char *
key_of (const char * const *argv)
{
  return g_strjoinv ("\n", (char **) argv);
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
 * next resolution runs `ssh -G` again.
 */
void
_tether_target_cache_store (const char * const *argv,
                            const char         *config,
                            const char         *output,
                            const char         *log)
{
  GArray *watched;
  Entry *entry;

  if (strstr (output, "\ncanonicalizehostname false\n") == NULL ||
      (watched = files_of (log, config)) == NULL)
    return;

  entry = g_new0 (Entry, 1);
  entry->output = g_strdup (output);
  entry->watched = watched;
  G_LOCK (cache);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  g_hash_table_replace (cache, key_of (argv), entry);
  G_UNLOCK (cache);
}
