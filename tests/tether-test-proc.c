/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tether-test-proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every process there is now (pid_t).  Processes come and go while the
 * callers read about them: one gone meanwhile is no error, only skipped. */
static GArray *
list_pids (void)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    if (g_ascii_isdigit (name[0]))
      {
        pid_t pid = atoi (name);

        g_array_append_val (pids, pid);
      }
  return pids;
}

/* Its state letter and parent, from /proc/PID/stat; FALSE once it is gone. */
static gboolean
read_stat (pid_t  pid,
           char  *state,
           pid_t *ppid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *after_comm;
  int parent;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* The command name may hold spaces and parentheses: the fields after it
   * start at the last ')'. */
  after_comm = strrchr (stat, ')');
  if (after_comm == NULL || sscanf (after_comm + 1, " %c %d", state, &parent) != 2)
    return FALSE;
  *ppid = parent;
  return TRUE;
}

/* Every process below @root, found through the parent pids in /proc: the
 * per-connection processes call setsid(), so neither process groups nor
 * sessions find them. */
GArray *
tether_test_proc_descendants (pid_t root)
{
  g_autoptr(GArray) pids = list_pids ();
  g_autoptr(GArray) parents = g_array_sized_new (FALSE, FALSE, sizeof (pid_t), pids->len);
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pid_t));

  for (guint j = 0; j < pids->len; j++)
    {
      char state;
      pid_t ppid = 0;

      if (!read_stat (g_array_index (pids, pid_t, j), &state, &ppid))
        ppid = 0;
      g_array_append_val (parents, ppid);
    }

  g_array_append_val (found, root);
  for (guint i = 0; i < found->len; i++)
    {
      pid_t parent = g_array_index (found, pid_t, i);

      for (guint j = 0; j < pids->len; j++)
        if (g_array_index (parents, pid_t, j) == parent)
          g_array_append_val (found, g_array_index (pids, pid_t, j));
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

/* Whether @pid has one of the sockets in @inodes open. */
static gboolean
holds_socket (pid_t       pid,
              GHashTable *inodes)
{
  g_autofree char *fd_path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) fds = g_dir_open (fd_path, 0, NULL);
  const char *fd;

  while (fds != NULL && (fd = g_dir_read_name (fds)) != NULL)
    {
      g_autofree char *link_path = g_build_filename (fd_path, fd, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);
      g_autofree char *inode = NULL;

      if (target == NULL || !g_str_has_prefix (target, "socket:["))
        continue;
      inode = g_strndup (target + strlen ("socket:["), strlen (target) - strlen ("socket:[]"));
      if (g_hash_table_contains (inodes, inode))
        return TRUE;
    }
  return FALSE;
}

GArray *
tether_test_proc_socket_holders (GHashTable *inodes)
{
  g_autoptr(GArray) pids = list_pids ();
  GArray *holders = g_array_new (FALSE, FALSE, sizeof (pid_t));

  for (guint i = 0; i < pids->len; i++)
    if (holds_socket (g_array_index (pids, pid_t, i), inodes))
      g_array_append_val (holders, g_array_index (pids, pid_t, i));
  return holders;
}

/* Whether @pid is named @comm and its environment holds @assignment. */
static gboolean
matches (pid_t       pid,
         const char *comm,
         const char *assignment)
{
  g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", (int) pid);
  g_autofree char *environ_path = g_strdup_printf ("/proc/%d/environ", (int) pid);
  g_autofree char *name = NULL;
  g_autofree char *environ = NULL;
  gsize len = 0;

  if (!g_file_get_contents (comm_path, &name, NULL, NULL) || !g_str_has_prefix (name, comm) ||
      !g_file_get_contents (environ_path, &environ, &len, NULL))
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
  g_autoptr(GArray) pids = list_pids ();
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pid_t));

  for (guint i = 0; i < pids->len; i++)
    if (matches (g_array_index (pids, pid_t, i), comm, assignment))
      g_array_append_val (found, g_array_index (pids, pid_t, i));
  return found;
}

char
tether_test_proc_get_state (pid_t pid)
{
  char state;
  pid_t ppid;

  return read_stat (pid, &state, &ppid) ? state : 0;
}
