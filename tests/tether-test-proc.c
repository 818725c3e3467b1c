/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tether-test-proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  pid_t pid;
  pid_t ppid;
} ProcEntry;

static GArray *
read_process_table (void)
{
  GArray *table = g_array_new (FALSE, FALSE, sizeof (ProcEntry));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *after_comm;
      ProcEntry entry;
      char state;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      /* Processes come and go while we read: a vanished one is no error. */
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* The command name may hold spaces and parentheses: the fields after
       * it start at the last ')'. */
      after_comm = strrchr (stat, ')');
      if (after_comm == NULL || sscanf (after_comm + 1, " %c %d", &state, &entry.ppid) != 2)
        continue;
      entry.pid = atoi (name);
      g_array_append_val (table, entry);
    }

  return table;
}

/* Every process below @root, found through the parent pids in /proc: the
 * per-connection processes call setsid(), so neither process groups nor
 * sessions find them. */
GArray *
tether_test_proc_descendants (pid_t root)
{
  g_autoptr(GArray) table = read_process_table ();
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pid_t));

  g_array_append_val (found, root);
  for (guint i = 0; i < found->len; i++)
    {
      pid_t parent = g_array_index (found, pid_t, i);

      for (guint j = 0; j < table->len; j++)
        {
          ProcEntry *entry = &g_array_index (table, ProcEntry, j);

          if (entry->ppid == parent)
            g_array_append_val (found, entry->pid);
        }
    }
  g_array_remove_index (found, 0);

  return found;
}

/* Adds to @seen the inode of each established connection whose local end
 * is @port. */
static void
add_established (GHashTable *seen,
                 const char *path,
                 guint       port)
{
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &table, NULL, NULL))
    return;
  lines = g_strsplit (table, "\n", -1);
  /* "sl local_address rem_address st …", addresses as HEXADDR:HEXPORT; the
   * first line is the header. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char local[128];
      unsigned int state;
      unsigned long inode;
      const char *colon;

      /* sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode */
      if (sscanf (lines[i], " %*s %127s %*s %x %*s %*s %*s %*s %*s %lu", local, &state, &inode) != 3)
        continue;
      colon = strrchr (local, ':');
      if (colon != NULL && state == 0x01 && strtoul (colon + 1, NULL, 16) == port)
        g_hash_table_add (seen, g_strdup_printf ("%lu", inode));
    }
}

static GHashTable *
read_established (const guint *ports,
                  guint        n_ports)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_ports; i++)
    {
      add_established (seen, "/proc/net/tcp", ports[i]);
      add_established (seen, "/proc/net/tcp6", ports[i]);
    }
  return seen;
}

static gboolean
same_set (GHashTable *a,
          GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

GHashTable *
tether_test_proc_established (const guint *ports,
                              guint        n_ports)
{
  GHashTable *before = read_established (ports, n_ports);

  /* /proc/net/tcp is read a page at a time, not as one snapshot: while the
   * other tests open and close connections, a socket can be listed twice
   * or not at all.  Hence a set, and two reads that agree. */
  for (guint tries = 0; tries < 20; tries++)
    {
      GHashTable *after = read_established (ports, n_ports);

      if (same_set (before, after))
        {
          g_hash_table_unref (after);
          break;
        }
      g_hash_table_unref (before);
      before = after;
    }
  return before;
}

GArray *
tether_test_proc_socket_holders (GHashTable *inodes)
{
  GArray *holders = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *fd_path = NULL;
      g_autoptr(GDir) fds = NULL;
      const char *fd;

      if (!g_ascii_isdigit (name[0]))
        continue;
      fd_path = g_build_filename ("/proc", name, "fd", NULL);
      /* Processes come and go while we read: a vanished one is no error. */
      if ((fds = g_dir_open (fd_path, 0, NULL)) == NULL)
        continue;
      while ((fd = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link_path = g_build_filename (fd_path, fd, NULL);
          g_autofree char *target = g_file_read_link (link_path, NULL);
          g_autofree char *inode = NULL;

          if (target == NULL || !g_str_has_prefix (target, "socket:["))
            continue;
          inode = g_strndup (target + strlen ("socket:["), strlen (target) - strlen ("socket:[]"));
          if (g_hash_table_contains (inodes, inode))
            {
              pid_t pid = atoi (name);

              g_array_append_val (holders, pid);
              break;
            }
        }
    }
  return holders;
}

static gboolean
environ_holds (const char *name,
               const char *assignment)
{
  g_autofree char *path = g_build_filename ("/proc", name, "environ", NULL);
  g_autofree char *environ = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &environ, &len, NULL))
    return FALSE;
  /* NUL-separated; the last one may lack its NUL. */
  for (gsize at = 0; at < len; at += strlen (environ + at) + 1)
    if (g_str_equal (environ + at, assignment))
      return TRUE;
  return FALSE;
}

GArray *
tether_test_proc_find_with_env (const char *comm,
                                const char *assignment)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "comm", NULL);
      if (!g_file_get_contents (path, &text, NULL, NULL) || !g_str_has_prefix (text, comm))
        continue;
      if (environ_holds (name, assignment))
        {
          pid_t pid = atoi (name);

          g_array_append_val (found, pid);
        }
    }
  return found;
}

char
tether_test_proc_get_state (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *after_comm;
  char state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return 0;
  after_comm = strrchr (stat, ')');
  if (after_comm == NULL || sscanf (after_comm + 1, " %c", &state) != 1)
    return 0;
  return state;
}
