/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "tether-session-manager.h"
#include "tether-session-private.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

#include "bench-common.h"

/*
 * How long New-PSSession takes against a private sshd on loopback, as ratios
 * to OpenSSH's `ssh -o BatchMode=yes host true` measured in the same run:
 * - a new session on a new connection (connect, key exchange, login);
 * - the same plus running `true` on it (what ssh's figure includes);
 * - a second session to the same host (reuses the open connection), alone
 *   and with `true` run on it, and `true` on an already open session.
 * Medians over N runs.  Never part of the test suite: numbers, no asserts.
 */

#define RUNS 20

static void
exec_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
run_true (TetherSession *session)
{
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(TetherExecResult) exec = NULL;
  GAsyncResult *result = NULL;

  tether_session_exec_async (session, "true", NULL, exec_done, &result);
  tether_test_wait_until (result_set, &result, 20000);
  channel = tether_session_exec_finish (session, result, NULL);
  g_clear_object (&result);
  g_assert_nonnull (channel);
  tether_channel_collect_async (channel, NULL, exec_done, &result);
  tether_test_wait_until (result_set, &result, 20000);
  exec = tether_channel_collect_finish (channel, result, NULL);
  g_clear_object (&result);
  g_assert_nonnull (exec);
  g_assert_cmpint (exec->exit_status, ==, 0);
}

static double
time_new_session (TetherSessionManager *manager,
                  const char           *target,
                  gboolean              with_exec)
{
  g_autoptr(TetherSession) session = NULL;
  double start = bench_now_ms ();
  double elapsed;

  session = tether_test_new_session (manager, target, NULL, NULL);
  g_assert_nonnull (session);
  if (with_exec)
    run_true (session);
  elapsed = bench_now_ms () - start;
  tether_session_manager_remove_session (manager, session);
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) anchor = NULL;
  g_autoptr(GArray) openssh = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fresh_exec = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) second = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) second_exec = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) exec_open = g_array_new (FALSE, FALSE, sizeof (double));
  TetherTestSshd *sshd;
  const char *target;
  double ref;

  tether_test_init (&argc, &argv);
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  target = tether_test_sshd_get_target (sshd);
  manager = tether_session_manager_new (NULL, tether_test_config ());

  /* Interleaved, so that machine noise hits every series alike. */
  for (int i = 0; i < RUNS; i++)
    {
      double t;

      t = bench_time_openssh (sshd);
      g_array_append_val (openssh, t);
      t = time_new_session (manager, target, FALSE);
      g_array_append_val (fresh, t);
      t = time_new_session (manager, target, TRUE);
      g_array_append_val (fresh_exec, t);
    }

  anchor = tether_test_new_session (manager, target, "Anchor", NULL);
  g_assert_nonnull (anchor);
  for (int i = 0; i < RUNS; i++)
    {
      double t = time_new_session (manager, target, FALSE);
      double start;

      g_array_append_val (second, t);
      t = time_new_session (manager, target, TRUE);
      g_array_append_val (second_exec, t);
      start = bench_now_ms ();
      run_true (anchor);
      t = bench_now_ms () - start;
      g_array_append_val (exec_open, t);
    }

  ref = bench_median (openssh);
  printf ("open: medians over %d runs, loopback sshd\n", RUNS);
  printf ("  %-44s %8.1f ms  1.00x\n", "ssh -o BatchMode=yes host true (reference)", ref);
  printf ("  %-44s %8.1f ms  %.2fx\n", "Tether: new session (new connection)", bench_median (fresh), bench_median (fresh) / ref);
  printf ("  %-44s %8.1f ms  %.2fx\n", "Tether: new session + exec true", bench_median (fresh_exec), bench_median (fresh_exec) / ref);
  printf ("  %-44s %8.1f ms  %.3fx\n", "Tether: second session, same host", bench_median (second), bench_median (second) / ref);
  printf ("  %-44s %8.1f ms  %.2fx\n", "Tether: second session + exec true", bench_median (second_exec), bench_median (second_exec) / ref);
  printf ("  %-44s %8.1f ms  %.2fx\n", "Tether: exec true on an open session", bench_median (exec_open), bench_median (exec_open) / ref);

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (sshd);
  return 0;
}
