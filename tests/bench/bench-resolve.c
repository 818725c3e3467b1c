/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <utime.h>

#include "tether-session-manager.h"
#include "tether-target.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/*
 * What resolving a target costs at each connect (issue "Everything the
 * user's OpenSSH configuration says", Benchmark): tether_target_resolve_async()
 * with the configuration unchanged since the last resolution (ssh -G's
 * output kept, tether-target-cache.c), just after it changed (`ssh -G`
 * runs), and through libssh's parser with `ssh` out of PATH, against the
 * open time of a new session (new connection) to the same alias measured in
 * the same run, which includes one resolution.  The configuration is a
 * user's typical one, last changed 10 s ago: an Include, a Match block, a
 * few hosts.  Medians over N interleaved runs; numbers, no asserts.
 */

#define RUNS 20

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, samples->len / 2);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static char *
config_path (void)
{
  return g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
}

/* @seconds ago, or now for 0. */
static void
set_modified (const char *path,
              int         seconds)
{
  struct utimbuf when = { .actime = time (NULL) - seconds, .modtime = time (NULL) - seconds };

  g_assert_cmpint (utime (path, seconds != 0 ? &when : NULL), ==, 0);
}

static void
write_config (guint port)
{
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *dir = g_build_filename (ssh_dir, "config.d", NULL);
  g_autofree char *included = g_build_filename (dir, "work.conf", NULL);
  g_autofree char *config = config_path ();
  g_autofree char *text = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (included, "Host build-*\n  User builder\n"
                                      "Host db1 db2\n  HostName 192.0.2.7\n", -1, NULL));
  text = g_strdup_printf ("Include ~/.ssh/config.d/*.conf\n"
                          "Host benchbox\n  HostName 127.0.0.1\n  Port %u\n"
                          "Match host bench* exec \"true\"\n  ServerAliveInterval 30\n"
                          "Host *.example.org !bastion.example.org\n  ProxyJump bastion.example.org\n"
                          "Host *\n  IdentityFile ~/.ssh/id_ed25519\n", port);
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  set_modified (included, 10);
  set_modified (dir, 10);
  set_modified (config, 10);
  set_modified (ssh_dir, 10);
}

static double
time_resolve (const char *alias)
{
  g_autoptr(TetherTarget) target = tether_target_parse (alias, NULL);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  TetherTestWait wait = { 0 };
  double start = now_ms ();
  double elapsed;

  tether_target_resolve_async (target, NULL, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  elapsed = now_ms () - start;
  resolved = tether_target_resolve_finish (wait.result, NULL);
  g_object_unref (wait.result);
  g_assert_nonnull (resolved);
  return elapsed;
}

static double
time_new_session (TetherSessionManager *manager,
                  const char           *alias)
{
  g_autoptr(TetherSession) session = NULL;
  double start = now_ms ();
  double elapsed;

  session = tether_test_new_session (manager, alias, NULL, NULL);
  g_assert_nonnull (session);
  elapsed = now_ms () - start;
  tether_session_manager_remove_session (manager, session);
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(GArray) opened = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cached = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ssh_g = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fallback = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = g_strdup (g_getenv ("PATH"));
  g_autofree char *empty = NULL;
  g_autofree char *config = NULL;
  TetherTestSshd *sshd;
  double first;

  tether_test_init (&argc, &argv);
  config = config_path ();
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  write_config (tether_test_sshd_get_port (sshd));
  manager = tether_session_manager_new (NULL, tether_test_config ());
  empty = g_build_filename (tether_test_get_tmpdir (), "no-ssh", NULL);
  g_mkdir_with_parents (empty, 0700);

  /* The first resolution also runs `ssh -G` for OpenSSH's defaults, once
   * per process. */
  first = time_resolve ("benchbox");

  /* Interleaved, so that machine noise hits every series alike. */
  for (int i = 0; i < RUNS; i++)
    {
      double t;

      /* Just changed: ssh -G runs (and its output is not kept: too recent). */
      set_modified (config, 0);
      t = time_resolve ("benchbox");
      g_array_append_val (ssh_g, t);
      /* Unchanged for 10 s again: once more to keep the output, then the
       * connect and a resolution as every connect does them. */
      set_modified (config, 10);
      time_resolve ("benchbox");
      t = time_new_session (manager, "benchbox");
      g_array_append_val (opened, t);
      t = time_resolve ("benchbox");
      g_array_append_val (cached, t);
      g_setenv ("PATH", empty, TRUE);
      t = time_resolve ("benchbox");
      g_setenv ("PATH", path, TRUE);
      g_array_append_val (fallback, t);
    }

  printf ("RESULT resolve resolve_ms=%.2f ssh_g_ms=%.2f fallback_ms=%.2f first_ms=%.2f "
          "open_ms=%.2f\n", median (cached), median (ssh_g), median (fallback), first,
          median (opened));

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (sshd);
  return 0;
}
