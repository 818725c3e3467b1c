/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tether-session-manager.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

#include "bench-common.h"

/*
 * Recovery (issue #11, Benchmark): the server side of an entered session's
 * connection is killed while the server stays up; the time until the
 * session is Opened again, against OpenSSH's `ssh -o BatchMode=yes host
 * true` measured in the same run.  Medians over ROUNDS (argv[1], 10 by
 * default).  Never part of the test suite: numbers, no asserts.
 */

static gboolean
is_opened (gpointer data)
{
  return tether_session_get_state (data) == TETHER_SESSION_STATE_OPENED;
}

static gboolean
is_lost (gpointer data)
{
  return tether_session_get_state (data) != TETHER_SESSION_STATE_OPENED;
}

/* From the kill to Opened again (the new shell follows on its own). */
static double
time_recovery (TetherTestSshd *sshd,
               TetherSession  *session)
{
  double start = bench_now_ms ();

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_until (is_lost, session, 20000);
  tether_test_wait_until (is_opened, session, 20000);
  return bench_now_ms () - start;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GArray) openssh = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) recovery = g_array_new (FALSE, FALSE, sizeof (double));
  TetherConfig config;
  TetherTestSshd *sshd;
  int rounds;
  double ref, rec;

  tether_test_init (&argc, &argv);
  rounds = argc > 1 ? MAX (atoi (argv[1]), 1) : 10;
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  config = *tether_test_config ();
  manager = tether_session_manager_new (NULL, &config);
  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Recovery", NULL);
  g_assert_nonnull (session);
  tether_test_attach (session);
  tether_test_wait_for_any_output (session);

  /* Interleaved, so that machine noise hits both series alike. */
  for (int i = 0; i < rounds; i++)
    {
      double t = bench_time_openssh (sshd);

      g_array_append_val (openssh, t);
      t = time_recovery (sshd, session);
      g_array_append_val (recovery, t);
    }

  ref = bench_median (openssh);
  rec = bench_median (recovery);
  printf ("recovery: medians over %d rounds, loopback sshd, connection killed on the server\n", rounds);
  printf ("  %-44s %8.1f ms  1.00x\n", "ssh -o BatchMode=yes host true (reference)", ref);
  printf ("  %-44s %8.1f ms  %.2fx\n", "Tether: killed until Opened again", rec, rec / ref);
  printf ("goal recovery: %.2fx a fresh ssh (< 0.5) %s\n", rec / ref, rec / ref < 0.5 ? "PASS" : "MISS");

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (sshd);
  return 0;
}
