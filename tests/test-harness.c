/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The harness is what every other test stands on: when it is wrong, they all
 * fail or, worse, pass for the wrong reason.  These tests check it against
 * OpenSSH's own tools and raw sockets, with GLib and GIO only. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-test-sshd.h"

static GSocketConnection *
connect_raw (TetherTestSshd *sshd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  GSocketConnection *conn;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", tether_test_sshd_get_port (sshd),
                                          NULL, &error);
  g_assert_no_error (error);

  return conn;
}

/* Reads until the end of the server's identification line. */
static char *
read_banner (GSocketConnection *conn)
{
  g_autoptr(GError) error = NULL;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  g_autoptr(GString) banner = g_string_new (NULL);
  char c;

  while (!g_str_has_suffix (banner->str, "\n"))
    {
      gssize n = g_input_stream_read (in, &c, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, ==, 1);
      g_string_append_c (banner, c);
      g_assert_cmpuint (banner->len, <, 256);
    }

  return g_string_free (g_steal_pointer (&banner), FALSE);
}

static char *
run (const char * const *argv,
     const char * const *envp,
     int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL,
                NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (err[0] != '\0')
    g_test_message ("%s: %s", argv[0], err);
  *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;

  return out;
}

static void
test_environment (void)
{
  const char *tmpdir = tether_test_get_tmpdir ();
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  const char *vars[] = { "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
                         "XDG_RUNTIME_DIR" };
  GStatBuf st;

  g_assert_nonnull (tmpdir);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_assert_true (g_str_has_prefix (g_getenv (vars[i]), tmpdir));
  g_assert_cmpstr (g_get_home_dir (), ==, g_getenv ("HOME"));
  g_assert_null (g_getenv ("SSH_AUTH_SOCK"));

  g_assert_cmpint (g_stat (g_getenv ("XDG_RUNTIME_DIR"), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_true (g_file_test (pub, G_FILE_TEST_IS_REGULAR));
}

static void
test_server (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(GSocketConnection) conn = NULL;
  g_autofree char *banner = NULL;
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *host = g_strdup_printf ("[127.0.0.1]:%u", tether_test_sshd_get_port (sshd));
  g_autofree char *found = NULL;
  g_autofree char *expected_target = NULL;
  g_autofree char *first_fingerprint = NULL;
  const char *argv[] = { "ssh-keygen", "-F", host, "-f", known_hosts, NULL };
  int status;

  expected_target = g_strdup_printf ("%s@127.0.0.1:%u", g_get_user_name (),
                                     tether_test_sshd_get_port (sshd));
  g_assert_cmpstr (tether_test_sshd_get_target (sshd), ==, expected_target);
  g_assert_cmpstr (tether_test_sshd_get_user (sshd), ==, g_get_user_name ());
  g_assert_true (g_str_has_prefix (tether_test_sshd_get_fingerprint (sshd), "SHA256:"));

  tether_test_sshd_trust (sshd);
  found = run (argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (found, host));
  g_assert_nonnull (strstr (found, "ssh-ed25519"));

  g_assert_cmpuint (tether_test_sshd_count_connections (sshd), ==, 0);
  conn = connect_raw (sshd);
  banner = read_banner (conn);
  g_assert_true (g_str_has_prefix (banner, "SSH-2.0-"));
  tether_test_sshd_wait_connections (sshd, 1, 5000);

  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  tether_test_sshd_wait_connections (sshd, 0, 5000);

  first_fingerprint = g_strdup (tether_test_sshd_get_fingerprint (sshd));
  tether_test_sshd_change_host_key (sshd);
  g_assert_cmpstr (tether_test_sshd_get_fingerprint (sshd), !=, first_fingerprint);
  g_clear_object (&conn);
  conn = connect_raw (sshd);
  g_clear_pointer (&banner, g_free);
  banner = read_banner (conn);
  g_assert_true (g_str_has_prefix (banner, "SSH-2.0-"));
}

/* The fingerprint the harness computes is the one OpenSSH prints. */
static void
test_fingerprint (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", tether_test_sshd_get_port (sshd));
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  g_autofree char *scanned = NULL;
  g_autofree char *out = NULL;
  g_autofree char *keys_path = g_build_filename (tether_test_get_tmpdir (), "scanned", NULL);
  const char *scan_argv[] = { "ssh-keyscan", "-t", "ed25519", "-p", port, "127.0.0.1", NULL };
  const char *lf_argv[] = { "ssh-keygen", "-l", "-f", keys_path, NULL };
  int status;

  scanned = run (scan_argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_set_contents (keys_path, scanned, -1, NULL));
  out = run (lf_argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, tether_test_sshd_get_fingerprint (sshd)));
}

static char **
ssh_argv (TetherTestSshd *sshd,
          const char     *user,
          const char     *identity,
          const char     *command)
{
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *known_hosts_option = g_strconcat ("UserKnownHostsFile=", known_hosts, NULL);
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  g_autofree char *destination = g_strconcat (user, "@127.0.0.1", NULL);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **argv;

  /* OpenSSH takes ~ from the password database, not from $HOME: every file
   * is named explicitly so that it sees only the test's home. */
  g_strv_builder_add_many (builder, "ssh", "-F", "/dev/null",
                           "-o", "StrictHostKeyChecking=yes", NULL);
  g_strv_builder_add (builder, "-o");
  g_strv_builder_add (builder, known_hosts_option);
  g_strv_builder_add_many (builder, "-o", "GlobalKnownHostsFile=/dev/null",
                           "-o", "ConnectTimeout=20", "-p", NULL);
  g_strv_builder_add (builder, port);
  if (identity != NULL)
    g_strv_builder_add_many (builder, "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                             "-i", identity, NULL);
  else
    g_strv_builder_add_many (builder, "-o", "PubkeyAuthentication=no",
                             "-o", "PreferredAuthentications=password,keyboard-interactive",
                             "-o", "NumberOfPasswordPrompts=1", NULL);
  g_strv_builder_add (builder, destination);
  g_strv_builder_add (builder, command);
  argv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return argv;
}

/* OpenSSH's client logs in with the test key: the config, the
 * AuthorizedKeysFile and the host key all work as the other tests expect. */
static void
test_pubkey_login (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  g_autofree char *other = tether_test_make_key ("other", NULL);
  g_autofree char *other_pub = g_strconcat (other, ".pub", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) argv = NULL;
  int status;

  tether_test_sshd_trust (sshd);
  argv = ssh_argv (sshd, g_get_user_name (), key, "echo logged-in");
  out = run ((const char * const *) argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "logged-in\n");

  /* A key not yet authorized is refused, then accepted once it is. */
  g_clear_pointer (&argv, g_strfreev);
  g_clear_pointer (&out, g_free);
  argv = ssh_argv (sshd, g_get_user_name (), other, "true");
  out = run ((const char * const *) argv, NULL, &status);
  g_assert_cmpint (status, ==, 255);
  tether_test_sshd_authorize_key (sshd, other_pub);
  g_clear_pointer (&out, g_free);
  out = run ((const char * const *) argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);

  /* A sibling authorizes the same keys under another host key. */
  {
    g_autoptr(TetherTestSshd) sibling = tether_test_sshd_new_sibling (sshd);

    g_assert_cmpuint (tether_test_sshd_get_port (sibling), !=, tether_test_sshd_get_port (sshd));
    g_assert_cmpstr (tether_test_sshd_get_fingerprint (sibling), !=,
                     tether_test_sshd_get_fingerprint (sshd));
    tether_test_sshd_trust (sibling);
    g_clear_pointer (&argv, g_strfreev);
    g_clear_pointer (&out, g_free);
    argv = ssh_argv (sibling, g_get_user_name (), other, "true");
    out = run ((const char * const *) argv, NULL, &status);
    g_assert_cmpint (status, ==, 0);
  }
}

/* The password account logs in through PAM with the password it was given,
 * answered by an askpass script since there is no terminal. */
static void
test_password_login (void)
{
  const char *password = "harness-Secret-1";
  const char *user = tether_test_password_user (password);
  g_autoptr(TetherTestSshd) sshd = NULL;
  g_autofree char *askpass = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) envp = NULL;
  int status;

  if (user == NULL)
    {
      g_test_skip ("creating a local account with a password needs root");
      return;
    }
  g_assert_cmpstr (tether_test_password_user (password), ==, user);

  sshd = tether_test_sshd_new ("UsePAM yes\n"
                               "PasswordAuthentication yes\n"
                               "KbdInteractiveAuthentication yes");
  tether_test_sshd_trust (sshd);

  askpass = g_build_filename (tether_test_get_tmpdir (), "askpass", NULL);
  script = g_strdup_printf ("#!/bin/sh\necho '%s'\n", password);
  g_assert_true (g_file_set_contents (askpass, script, -1, NULL));
  g_chmod (askpass, 0700);
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "SSH_ASKPASS", askpass, TRUE);
  envp = g_environ_setenv (envp, "SSH_ASKPASS_REQUIRE", "force", TRUE);

  argv = ssh_argv (sshd, user, NULL, "id -un");
  out = run ((const char * const *) argv, (const char * const *) envp, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, user);
}

static void
test_kill_connections (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(GSocketConnection) conn = connect_raw (sshd);
  g_autofree char *banner = read_banner (conn);
  g_autoptr(GError) error = NULL;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  char buf[64];
  gssize n;

  tether_test_sshd_wait_connections (sshd, 1, 5000);
  tether_test_sshd_kill_connections (sshd);
  /* The server side is gone: the read ends at once, by EOF or reset. */
  n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);
  g_assert_cmpint (n, <=, 0);
  tether_test_sshd_wait_connections (sshd, 0, 5000);

  /* The listener itself survives and serves the next client. */
  g_clear_object (&conn);
  conn = connect_raw (sshd);
  g_clear_pointer (&banner, g_free);
  banner = read_banner (conn);
  g_assert_true (g_str_has_prefix (banner, "SSH-2.0-"));
}

static gboolean
readable_within (GSocketConnection *conn,
                 guint              timeout_ms)
{
  GSocket *socket = g_socket_connection_get_socket (conn);

  return g_socket_condition_timed_wait (socket, G_IO_IN, timeout_ms * 1000, NULL, NULL);
}

/* A stopped server side stays connected but silent, and talks again once
 * continued: the shape of a network that drops packets. */
static void
test_stop_connections (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(GSocketConnection) conn = connect_raw (sshd);
  g_autofree char *banner = read_banner (conn);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  const char hello[] = "SSH-2.0-TetherHarness\r\n";
  g_autoptr(GError) error = NULL;

  tether_test_sshd_wait_connections (sshd, 1, 5000);
  tether_test_sshd_stop_connections (sshd, TRUE);
  g_output_stream_write_all (out, hello, strlen (hello), NULL, NULL, &error);
  g_assert_no_error (error);
  /* A running server answers a client identification with its KEXINIT. */
  g_assert_false (readable_within (conn, 300));
  g_assert_cmpuint (tether_test_sshd_count_connections (sshd), ==, 1);

  tether_test_sshd_stop_connections (sshd, FALSE);
  g_assert_true (readable_within (conn, 5000));
}

static void
test_agent (void)
{
  g_autofree char *key = tether_test_make_key ("agent-key", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *listed = NULL;
  g_autofree char *expected = NULL;
  const char *list_argv[] = { "ssh-add", "-l", NULL };
  const char *lf_argv[] = { "ssh-keygen", "-l", "-f", pub, NULL };
  int status;

  tether_test_start_agent (key);
  g_assert_nonnull (g_getenv ("SSH_AUTH_SOCK"));
  g_assert_true (g_str_has_prefix (g_getenv ("SSH_AUTH_SOCK"), tether_test_get_tmpdir ()));

  listed = run (list_argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  expected = run (lf_argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (listed, ==, expected);
}

static void
test_encrypted_key (void)
{
  g_autofree char *key = tether_test_make_key ("locked", "a passphrase");
  g_autofree char *contents = NULL;
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  const char *wrong_argv[] = { "ssh-keygen", "-y", "-P", "wrong", "-f", key, NULL };
  const char *right_argv[] = { "ssh-keygen", "-y", "-P", "a passphrase", "-f", key, NULL };
  g_autofree char *out = NULL;
  int status;

  g_assert_true (g_file_test (pub, G_FILE_TEST_IS_REGULAR));
  out = run (wrong_argv, NULL, &status);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&out, g_free);
  out = run (right_argv, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "ssh-ed25519 "));
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

static gpointer
set_flag_later (gpointer data)
{
  g_usleep (50 * 1000);
  g_atomic_int_set ((int *) data, TRUE);

  return NULL;
}

static gboolean
flag_is_set (gpointer data)
{
  return g_atomic_int_get ((int *) data);
}

static void
test_wait (void)
{
  gboolean flag = FALSE;
  gboolean from_thread = FALSE;
  g_autoptr(GThread) thread = NULL;
  gint64 start;

  g_timeout_add (20, set_flag, &flag);
  tether_test_wait_for_flag (&flag, 5000);
  g_assert_true (flag);

  /* A condition that changes with no event on the main context is still
   * seen soon, not at the timeout. */
  start = g_get_monotonic_time ();
  thread = g_thread_new ("set-flag", set_flag_later, &from_thread);
  tether_test_wait_until (flag_is_set, &from_thread, 5000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_thread_join (g_steal_pointer (&thread));
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *p = contents; *p != '\0'; p++)
    n += *p == '\n';

  return n;
}

/* A g_test_trap_subprocess() child works in its parent's environment: same
 * home, same known_hosts, and it may start servers of its own. */
static void
test_subprocess (void)
{
  g_autoptr(TetherTestSshd) sshd = NULL;
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *pattern = NULL;
  guint before;

  if (g_test_subprocess ())
    {
      g_autoptr(TetherTestSshd) own = tether_test_sshd_new (NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (known_hosts, &contents, NULL, NULL));
      g_print ("%s", contents);
      tether_test_sshd_trust (own);
      return;
    }

  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  before = count_lines (known_hosts);
  pattern = g_strdup_printf ("*[127.0.0.1]:%u ssh-ed25519 *", tether_test_sshd_get_port (sshd));

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (pattern);
  /* The child's server was added next to the parent's, and the child left
   * the shared directory in place. */
  g_assert_cmpuint (count_lines (known_hosts), ==, before + 1);
  g_assert_true (g_file_test (tether_test_get_tmpdir (), G_FILE_TEST_IS_DIR));
}

int
main (int    argc,
      char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/harness/environment", test_environment);
  g_test_add_func ("/harness/server", test_server);
  g_test_add_func ("/harness/fingerprint", test_fingerprint);
  g_test_add_func ("/harness/pubkey-login", test_pubkey_login);
  g_test_add_func ("/harness/password-login", test_password_login);
  g_test_add_func ("/harness/kill-connections", test_kill_connections);
  g_test_add_func ("/harness/stop-connections", test_stop_connections);
  g_test_add_func ("/harness/agent", test_agent);
  g_test_add_func ("/harness/encrypted-key", test_encrypted_key);
  g_test_add_func ("/harness/wait", test_wait);
  g_test_add_func ("/harness/trapped-child", test_subprocess);

  return g_test_run ();
}
