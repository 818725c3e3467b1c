/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tether-test-sshd.h"

/*
 * Invoke-Command (issue "Many sessions at once", Benchmark): `hostname` on
 * 50 computers (50 loopback ports of 4 sshd, each an alias in
 * ~/.ssh/config), with the same clean HOME for everyone:
 *   - Tether's command line, a fresh instance, --computer-name (new
 *     connections), against `parallel-ssh -p 32` and `pdsh -R ssh -f 32`:
 *     cold (no `ssh -G` output kept on disk by an earlier process), then
 *     as any later run;
 *   - Tether on 50 Opened sessions of a running instance (`--session`),
 *     against parallel-ssh's time.
 * Rounds interleaved; each command's output must hold 50 lines, or the
 * bench fails.  Run by build-aux/bench under dbus-run-session and Xvfb;
 * never by `meson test`.  Numbers, no assertions:
 *
 *   bench-invoke TETHER ROUNDS
 *
 * prints `RESULT invoke-<who> wall_ms=… servers_cpu_ms=…` lines, one per
 * run: its time, and the processor time the sshd servers spent on it.
 */

#define N_HOSTS 50
#define N_SERVERS 4
#define WAIT_US (60 * G_USEC_PER_SEC)

static char *config_path;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* Runs @argv to its end; fails the bench unless it printed @lines lines
 * (@lines 0: any) or when @must_succeed and it did not. */
static double
time_run (const char * const *argv,
          const char         *label,
          guint               lines,
          gboolean            must_succeed)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  double start = now_ms ();
  double ms;
  guint n = 0;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error))
    g_error ("%s: %s", label, error->message);
  ms = now_ms () - start;
  for (const char *c = out; c != NULL && *c != '\0'; c++)
    n += *c == '\n';
  if ((must_succeed && !g_subprocess_get_successful (process)) || (lines > 0 && n != lines))
    g_error ("%s: exit status %d, %u lines of output (want %u); stderr: %s", label,
             g_subprocess_get_exit_status (process), n, lines, err);
  return ms;
}

/* The processor time the sshd servers' finished children took (their
 * listeners reap every connection's processes): what the servers spent on
 * the logins and commands, which no client can spend less of. */
static double
servers_cpu_ms (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  double ticks = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL) ||
          !g_str_has_prefix (strchr (stat, '('), "(sshd)") || (after = strrchr (stat, ')')) == NULL)
        continue;
      /* After the command: state, ppid, …; cutime and cstime are the
       * 14th and 15th from there. */
      fields = g_strsplit (after + 2, " ", -1);
      if (g_strv_length (fields) > 14 && atoi (fields[1]) == (int) getpid ())
        ticks += g_ascii_strtod (fields[13], NULL) + g_ascii_strtod (fields[14], NULL);
    }
  return ticks * 1000.0 / sysconf (_SC_CLK_TCK);
}

static double servers_before;   /* servers_cpu_ms() at the last result */

static void
result (const char *who,
        double      ms)
{
  double servers = servers_cpu_ms ();

  printf ("RESULT invoke-%s wall_ms=%.1f servers_cpu_ms=%.0f\n", who, ms, servers - servers_before);
  fflush (stdout);
  servers_before = servers;
}

/* host01 … host50, each a port of one of the servers, in ~/.ssh/config,
 * which Tether reads and the OpenSSH tools are given with -F. */
static void
write_ssh_config (TetherTestSshd **servers,
                  GString         *aliases)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint host = 0;

  for (guint s = 0; s < N_SERVERS; s++)
    for (guint i = 0; i < tether_test_sshd_get_n_ports (servers[s]); i++)
      {
        host++;
        g_string_append_printf (config, "Host host%02u\n  HostName 127.0.0.1\n  Port %u\n  User %s\n",
                                host, tether_test_sshd_get_nth_port (servers[s], i), g_get_user_name ());
        g_string_append_printf (aliases, "%shost%02u", host > 1 ? "," : "", host);
      }
  /* OpenSSH reads the account's ~/.ssh, not $HOME's: name the files. */
  g_string_append_printf (config, "Host *\n  UserKnownHostsFile %s/.ssh/known_hosts\n"
                          "  IdentityFile %s/.ssh/id_ed25519\n  BatchMode yes\n",
                          g_get_home_dir (), g_get_home_dir ());
  config_path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  if (!g_file_set_contents (config_path, config->str, -1, &error))
    g_error ("%s", error->message);
}

static gboolean
name_owned (void)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

int
main (int   argc,
      char *argv[])
{
  TetherTestSshd *servers[N_SERVERS];
  g_autoptr(GString) aliases = g_string_new (NULL);
  g_autoptr(GString) sessions = g_string_new (NULL);
  g_autoptr(GSubprocess) primary = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) hosts = NULL;
  g_autofree char *pdsh_args = NULL;
  g_autofree char *cache_file = g_build_filename (g_get_user_cache_dir (), "tether", "ssh-config.ini",
                                                  NULL);
  const char *tether;
  guint rounds;

  tether_test_init (&argc, &argv);
  if (argc < 3)
    g_error ("usage: bench-invoke TETHER ROUNDS");
  tether = argv[1];
  rounds = MAX (atoi (argv[2]), 1);

  for (guint s = 0; s < N_SERVERS; s++)
    {
      servers[s] = tether_test_sshd_new_multi (NULL, N_HOSTS / N_SERVERS + (s < N_HOSTS % N_SERVERS));
      tether_test_sshd_trust (servers[s]);
    }
  write_ssh_config (servers, aliases);
  hosts = g_strsplit (aliases->str, ",", -1);
  pdsh_args = g_strdup_printf ("-F %s -2 -a -x -l%%u %%h", config_path);
  g_setenv ("PDSH_SSH_ARGS", pdsh_args, TRUE);

  servers_before = servers_cpu_ms ();
  for (guint round = 0; round < rounds; round++)
    {
      const char *tether_argv[] = { tether, "--invoke-command", "hostname", "--computer-name", aliases->str,
                                    NULL };
      g_autoptr(GPtrArray) pssh = g_ptr_array_new ();
      const char *pdsh[] = { "pdsh", "-R", "ssh", "-f", "32", "-w", aliases->str, "hostname", NULL };
      g_autofree char *ssh_config = g_strdup_printf ("-F %s", config_path);

      g_ptr_array_add (pssh, "parallel-ssh");
      g_ptr_array_add (pssh, "-p");
      g_ptr_array_add (pssh, "32");
      g_ptr_array_add (pssh, "-x");
      g_ptr_array_add (pssh, ssh_config);
      g_ptr_array_add (pssh, "-i");
      for (guint i = 0; hosts[i] != NULL; i++)
        {
          g_ptr_array_add (pssh, "-H");
          g_ptr_array_add (pssh, hosts[i]);
        }
      g_ptr_array_add (pssh, "hostname");
      g_ptr_array_add (pssh, NULL);

      /* parallel-ssh -i prints a status line and the output per host. */
      result ("pssh", time_run ((const char * const *) pssh->pdata, "parallel-ssh", 2 * N_HOSTS, TRUE));
      result ("pdsh", time_run (pdsh, "pdsh", N_HOSTS, TRUE));
      /* Cold: no `ssh -G` output kept from an earlier process (the first
       * run after the configuration changed); then as every later run. */
      g_remove (cache_file);
      result ("tether-cold", time_run (tether_argv, "tether --computer-name", N_HOSTS, TRUE));
      result ("tether", time_run (tether_argv, "tether --computer-name", N_HOSTS, TRUE));
    }

  /* Opened sessions: a running Tether holds them; each command line asks
   * it over D-Bus. */
  primary = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, tether, NULL);
  g_assert_no_error (error);
  {
    gint64 deadline = g_get_monotonic_time () + WAIT_US;

    while (!name_owned ())
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("the running Tether did not appear on the bus");
        g_usleep (20000);
      }
  }
  for (guint i = 0; hosts[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%02u", i + 1);
      const char *new_argv[] = { tether, "--new-session", hosts[i], "--name", name, NULL };

      time_run (new_argv, "tether --new-session", 0, TRUE);
      g_string_append_printf (sessions, "%s%s", i > 0 ? "," : "", name);
    }
  servers_before = servers_cpu_ms ();
  for (guint round = 0; round < rounds; round++)
    {
      const char *tether_argv[] = { tether, "--invoke-command", "hostname", "--session", sessions->str, NULL };

      result ("tether-sessions", time_run (tether_argv, "tether --session", N_HOSTS, TRUE));
    }

  g_subprocess_send_signal (primary, SIGTERM);
  g_subprocess_wait (primary, NULL, NULL);
  for (guint s = 0; s < N_SERVERS; s++)
    tether_test_sshd_free (servers[s]);
  return 0;
}
