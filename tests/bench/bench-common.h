/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tether-test-sshd.h"

/* What the core benchmarks share: medians, a clock, and OpenSSH's
 * `ssh -o BatchMode=yes host true`, their reference. */

static inline int
bench_compare_doubles (gconstpointer a,
                       gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static inline double
bench_median (GArray *samples)
{
  g_array_sort (samples, bench_compare_doubles);
  return g_array_index (samples, double, samples->len / 2);
}

static inline double
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* OpenSSH's client to @sshd with the harness's key and known hosts, no
 * configuration of the user's, a PTY on the server when @tty, running
 * @command there.
 * Returns: (transfer full): its argv */
static inline char **
bench_openssh_argv (TetherTestSshd     *sshd,
                    gboolean            tty,
                    const char * const *command)
{
  g_autofree char *home_ssh = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *known = g_build_filename (home_ssh, "known_hosts", NULL);
  g_autofree char *key = g_build_filename (home_ssh, "id_ed25519", NULL);
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  g_autofree char *kh_option = g_strconcat ("UserKnownHostsFile=", known, NULL);
  g_autofree char *dest = g_strconcat (tether_test_sshd_get_user (sshd), "@127.0.0.1", NULL);
  const char *options[] = {
    "ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", kh_option,
    "-o", "IdentitiesOnly=yes", "-i", key, "-p", port, NULL
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_addv (builder, options);
  if (tty)
    g_strv_builder_add (builder, "-t");
  g_strv_builder_add (builder, dest);
  g_strv_builder_addv (builder, (const char **) command);
  return g_strv_builder_end (builder);
}

/* One `ssh -o BatchMode=yes host true` to @sshd, in ms. */
static inline double
bench_time_openssh (TetherTestSshd *sshd)
{
  const char *command[] = { "true", NULL };
  g_auto(GStrv) argv = bench_openssh_argv (sshd, FALSE, command);
  g_autoptr(GError) error = NULL;
  double start = bench_now_ms ();
  int status = -1;

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return bench_now_ms () - start;
}
