/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-store.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/*
 * The command line, as a user runs it: the built `tether` binary, a running
 * instance (started here as a child, with its window under the test's X
 * server) that carries the commands out, and each command as one more child
 * whose output and exit status are checked.  A D-Bus session bus of our own
 * keeps the single-instance name away from other tests.
 */

#define WAIT_MS 20000

static TetherTestSshd *sshd;
static GTestDBus *bus;
static GSubprocess *primary;
static char *tether_path;

typedef struct {
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
run_argv (Result      *result,
          const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, tether_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  child = g_subprocess_newv ((const char * const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  result->status = g_subprocess_get_exit_status (child);
}

#define run(result, ...) G_STMT_START {                          \
    const char *args_[] = { __VA_ARGS__, NULL };                 \
    result_clear (result);                                       \
    run_argv (result, args_);                                    \
  } G_STMT_END

static void
assert_ok (Result *result)
{
  if (result->status != 0)
    g_error ("exit status %d, stderr: %s", result->status, result->err);
  g_assert_cmpstr (result->err, ==, "");
}

static void
assert_fails_with (Result     *result,
                   const char *sentence)
{
  g_assert_cmpint (result->status, ==, 1);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_true (g_str_has_suffix (result->err, "\n"));
  if (sentence != NULL)
    g_assert_cmpstr (result->err, ==, sentence);
  else
    g_assert_cmpuint (strlen (result->err), >, 20);
}

/* The Get-PSSession line of @name, or NULL. */
static char *
row_of (const char *table,
        const char *name)
{
  g_auto(GStrv) lines = g_strsplit (table, "\n", -1);

  for (guint i = 2; lines[0] != NULL && lines[1] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = g_strsplit_set (lines[i], " ", -1);
      guint n = 0;

      /* The second non-empty cell is the name. */
      for (guint c = 0; cells[c] != NULL; c++)
        if (*cells[c] != '\0' && ++n == 2)
          {
            if (g_str_equal (cells[c], name))
              return g_strdup (lines[i]);
            break;
          }
    }
  return NULL;
}

static gboolean
primary_owns_name (gpointer data)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (connection == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
start_primary (void)
{
  g_autoptr(GError) error = NULL;
  /* As root (CI), without the two capabilities that read and write past
   * file permissions: a `chmod 000` sessions file is then unreadable to
   * Tether, as it is to a user. */
  const char *as_root[] = { "setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--",
                            tether_path, NULL };
  const char *as_user[] = { tether_path, NULL };
  const char * const *argv = geteuid () == 0 ? as_root : as_user;

  primary = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  tether_test_wait_until (primary_owns_name, NULL, WAIT_MS);
}

static void
stop_primary (void)
{
  g_autoptr(GError) error = NULL;

  if (primary == NULL)
    return;
  g_subprocess_send_signal (primary, SIGTERM);
  g_subprocess_wait (primary, NULL, &error);
  g_assert_no_error (error);
  /* Alive until now: a GLib warning or critical (fatal under the tests'
   * G_DEBUG) would have ended it before, and fails the test here. */
  g_assert_true (g_subprocess_get_if_signaled (primary));
  g_assert_cmpint (g_subprocess_get_term_sig (primary), ==, SIGTERM);
  g_clear_object (&primary);
}

static void
test_get_session_empty (void)
{
  g_auto(Result) r = { 0 };

  run (&r, "--get-session");
  assert_ok (&r);
  /* As Get-PSSession: nothing at all when there is no session. */
  g_assert_cmpstr (r.out, ==, "");

  run (&r, "--get-session", "--json");
  assert_ok (&r);
  g_assert_cmpstr (r.out, ==, "[]\n");
}

static void
test_new_session (void)
{
  g_auto(Result) r = { 0 };
  g_auto(GStrv) lines = NULL;
  g_autofree char *row = NULL;

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Web",
       "--configuration-name", "Cfg");
  assert_ok (&r);

  lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "Id Name            ComputerName    State    ConfigurationName");
  g_assert_cmpstr (lines[1], ==, "-- ----            ------------    -----    -----------------");
  row = row_of (r.out, "Web");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (row, " Web             127.0.0.1       Opened   Cfg"));
  g_assert_cmpstr (lines[3], ==, "");
}

static void
test_new_session_identity_file (void)
{
  g_autofree char *key = tether_test_make_key ("cli-key", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_auto(Result) r = { 0 };
  g_autofree char *row = NULL;

  tether_test_sshd_authorize_key (sshd, pub);
  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Keyed", "--identity-file", key);
  assert_ok (&r);
  row = row_of (r.out, "Keyed");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (row, " Opened   DefaultShell"));

  run (&r, "--get-session", "--json");
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, key));
}

static void
test_new_session_errors (void)
{
  g_auto(Result) r = { 0 };

  run (&r, "--new-session", "a@@b:x", "--name", "Bad");
  assert_fails_with (&r, NULL);

  /* The same name twice: the core's sentence, as the window shows it. */
  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Web");
  assert_fails_with (&r, NULL);
  g_assert_nonnull (strstr (r.err, "“Web”"));

  run (&r, "--get-session");
  assert_ok (&r);
  g_assert_null (row_of (r.out, "Bad"));
}

/* A server without tmux: --new-session in the tmux configuration fails
 * with the sentence that says what to install, and lists nothing. */
static void
test_new_session_no_tmux (void)
{
  TetherTestSshd *bare = tether_test_sshd_new_with_path ("/nonexistent");
  g_auto(Result) r = { 0 };

  tether_test_sshd_trust (bare);
  run (&r, "--new-session", tether_test_sshd_get_target (bare), "--name", "NoTmux",
       "--configuration-name", "tmux");
  assert_fails_with (&r, "There is no tmux on 127.0.0.1. Install the “tmux” package there "
                         "(version 3.2 or later), or use the DefaultShell configuration.\n");

  run (&r, "--get-session");
  assert_ok (&r);
  g_assert_null (row_of (r.out, "NoTmux"));

  tether_test_sshd_free (bare);
}

static void
test_get_session (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *row = NULL;

  run (&r, "--get-session");
  assert_ok (&r);
  g_assert_true (g_str_has_prefix (r.out, "Id Name            ComputerName    State    ConfigurationName\n"));
  row = row_of (r.out, "Web");
  g_assert_nonnull (strstr (row, " Opened   Cfg"));

  run (&r, "--get-session", "--json");
  assert_ok (&r);
  g_assert_true (g_str_has_prefix (r.out, "[\n  {"));
  g_assert_nonnull (strstr (r.out, "\"Name\": \"Web\""));
  g_assert_nonnull (strstr (r.out, "\"State\": \"Opened\""));
  g_assert_nonnull (strstr (r.out, "\"ConfigurationName\": \"Cfg\""));
}

static void
test_enter_exit (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *row = NULL;

  run (&r, "--enter", "Web");
  assert_ok (&r);
  run (&r, "--exit");
  assert_ok (&r);

  /* Exit-PSSession: the named session stays Opened. */
  run (&r, "--get-session");
  assert_ok (&r);
  row = row_of (r.out, "Web");
  g_assert_nonnull (strstr (row, " Opened "));

  /* By Id too (case-insensitive names are the core's business). */
  {
    g_autofree char *id = g_strndup (row, strcspn (row, " "));

    run (&r, "--enter", id);
    assert_ok (&r);
    run (&r, "--exit");
    assert_ok (&r);
  }

  run (&r, "--exit");
  assert_fails_with (&r, "No session is entered, so there is nothing to exit.\n");
}

static void
test_unknown_name (void)
{
  const char *commands[] = { "--enter", "--close", "--remove" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Result) r = { 0 };

      run (&r, commands[i], "NoSuchSession");
      assert_fails_with (&r, "There is no session named or numbered “NoSuchSession”. "
                             "Run “tether --get-session” to list the sessions.\n");
    }
}

static void
test_enter_computer (void)
{
  g_auto(Result) r = { 0 };
  g_auto(Result) listed = { 0 };
  g_auto(Result) after = { 0 };

  run (&listed, "--get-session");
  run (&r, "--enter-computer", tether_test_sshd_get_target (sshd));
  assert_ok (&r);

  /* Temporary: never listed, gone after Exit. */
  run (&after, "--get-session");
  g_assert_cmpstr (after.out, ==, listed.out);
  run (&r, "--exit");
  assert_ok (&r);

  run (&r, "--enter-computer", "a@@b:x");
  assert_fails_with (&r, NULL);
}

static void
test_close_remove (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *row = NULL;

  /* Entered: nobody to ask, so its shell ends only with --force. */
  run (&r, "--enter", "Web");
  assert_ok (&r);
  run (&r, "--close", "Web");
  assert_fails_with (&r, "“Web” is entered: closing it ends its shell and anything running in it. "
                         "Exit it first, or add --force to close it anyway.\n");
  run (&r, "--remove", "Web");
  assert_fails_with (&r, "“Web” is entered: removing it ends its shell and anything running in it. "
                         "Exit it first, or add --force to remove it anyway.\n");
  run (&r, "--get-session");
  row = row_of (r.out, "Web");
  g_assert_nonnull (strstr (row, " Opened "));
  g_clear_pointer (&row, g_free);
  run (&r, "--close", "Web", "--force");
  assert_ok (&r);
  run (&r, "--get-session");
  row = row_of (r.out, "Web");
  g_assert_nonnull (strstr (row, " Closed "));
  g_clear_pointer (&row, g_free);

  /* Not entered: as PowerShell's Remove-PSSession, at once. */
  run (&r, "--enter", "Web");
  assert_ok (&r);
  run (&r, "--exit");
  assert_ok (&r);
  run (&r, "--close", "Web");
  assert_ok (&r);
  run (&r, "--get-session");
  row = row_of (r.out, "Web");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (row, " Closed "));

  run (&r, "--remove", "Web");
  assert_ok (&r);
  run (&r, "--get-session");
  g_assert_null (row_of (r.out, "Web"));
}

static void
test_usage_errors (void)
{
  g_auto(Result) r = { 0 };

  run (&r, "--json");
  assert_fails_with (&r, NULL);
  run (&r, "--get-session", "--close", "Keyed");
  assert_fails_with (&r, NULL);
  run (&r, "--enter", "Keyed", "--force");
  assert_fails_with (&r, "--force goes with --close or --remove.\n");
  run (&r, "--name", "X");
  assert_fails_with (&r, NULL);
}

/* --version answers without a window or a bus; a mistyped option says
 * where the options are listed. */
static void
test_version_and_unknown_option (void)
{
  g_auto(Result) r = { 0 };

  run (&r, "--version");
  assert_ok (&r);
  g_assert_cmpstr (r.out, ==, "tether " PACKAGE_VERSION "\n");

  run (&r, "--no-such-option");
  assert_fails_with (&r, "Unknown option --no-such-option. Run “tether --help” to see the options.\n");
  run (&r, "--enter");
  assert_fails_with (&r, NULL);
  g_assert_nonnull (strstr (r.err, "--enter"));
  g_assert_nonnull (strstr (r.err, "“tether --help”"));

  run (&r, "--help");
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, "--version"));
  g_assert_null (strstr (r.out, "tether-hints"));
}

/* Every option `tether --help` prints is in the README's section on the
 * command line. */
static void
test_readme_lists_options (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TETHER_TEST_SRCDIR"), "..", "README.md", NULL);
  g_autofree char *readme = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) option = g_regex_new ("^\\s+(?:-\\w, )?(--[a-z-]+)", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_auto(Result) r = { 0 };
  const char *section;
  const char *end;
  guint n_options = 0;

  g_assert_true (g_file_get_contents (path, &readme, NULL, &error));
  g_assert_no_error (error);
  section = strstr (readme, "\n## Command line\n");
  g_assert_nonnull (section);
  end = strstr (section + 1, "\n## ");
  if (end != NULL)
    readme[end - readme] = '\0';

  run (&r, "--help");
  assert_ok (&r);
  /* The application's options, after GLib's own (--help, --gapplication-…). */
  g_assert_nonnull (strstr (r.out, "\n  --version"));
  g_regex_match (option, strstr (r.out, "\n  --version"), 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      g_autofree char *quoted = g_strdup_printf ("`%s", name);

      if (strstr (section, quoted) == NULL)
        g_error ("The README's command line section does not say what %s does", name);
      n_options++;
    }
  g_assert_cmpuint (n_options, >=, 20);
}

/* Invoke-Command from the command line, against four ports of one sshd and
 * a closed one. */
static TetherTestSshd *fleet;

static char *
fleet_target (guint index)
{
  return g_strdup_printf ("%s@127.0.0.1:%u", g_get_user_name (), tether_test_sshd_get_nth_port (fleet, index));
}

static gboolean
has_line (const char *text,
          const char *line)
{
  g_autofree char *needle = g_strdup_printf ("\n%s\n", line);
  g_autofree char *haystack = g_strdup_printf ("\n%s", text);

  return strstr (haystack, needle) != NULL;
}

static void
test_invoke_command (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *t0 = fleet_target (0);
  g_autofree char *t1 = fleet_target (1);
  g_autofree char *t2 = fleet_target (2);
  g_autofree char *closed = g_strdup_printf ("127.0.0.1:%u", tether_test_closed_port ());
  g_autofree char *all = g_strdup_printf ("%s,%s,%s,%s", t0, t1, t2, closed);
  g_autofree char *good = g_strdup_printf ("%s,%s", t0, t1);
  g_autofree char *command = g_strdup_printf ("p=${SSH_CONNECTION##* }; case $p in %u) echo bad; exit 3;; esac; "
                                              "echo hello; printf partial",
                                              tether_test_sshd_get_nth_port (fleet, 2));
  g_autofree char *line = NULL;

  /* Each line prefixed with its computer; the failures told on stderr, one
   * line each, and the exit status says not all succeeded. */
  run (&r, "--invoke-command", command, "--computer-name", all);
  g_assert_cmpint (r.status, ==, 1);
  line = g_strdup_printf ("%s: hello", t0);
  g_assert_true (has_line (r.out, line));
  g_free (line), line = g_strdup_printf ("%s: partial", t0);
  g_assert_true (has_line (r.out, line));
  g_free (line), line = g_strdup_printf ("%s: hello", t1);
  g_assert_true (has_line (r.out, line));
  g_free (line), line = g_strdup_printf ("%s: bad", t2);
  g_assert_true (has_line (r.out, line));
  g_free (line), line = g_strdup_printf ("%s: Failed: exit status 3", t2);
  g_assert_true (has_line (r.err, line));
  g_free (line), line = g_strdup_printf ("%s: Could not run: ", closed);
  g_assert_nonnull (strstr (r.err, line));
  g_assert_true (g_str_has_suffix (r.err, "The command failed on 2 of 4 computers. See their results.\n"));

  /* All succeed: 0, nothing on stderr, one at a time too. */
  run (&r, "--invoke-command", "echo ok-$((1+1))", "--computer-name", good, "--throttle-limit", "1",
       "--timeout", "30");
  assert_ok (&r);
  g_free (line), line = g_strdup_printf ("%s: ok-2", t0);
  g_assert_true (has_line (r.out, line));
  g_free (line), line = g_strdup_printf ("%s: ok-2", t1);
  g_assert_true (has_line (r.out, line));

  /* JSON: one record per line, then one per computer's end. */
  run (&r, "--invoke-command", "echo out; echo err >&2", "--computer-name", good, "--json");
  assert_ok (&r);
  {
    g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), "invoke.jsonl", NULL);
    g_autofree char *summary = NULL;
    g_autofree char *expected = g_strdup_printf ("%s stdout out\n;%s stderr err\n;%s 0", t0, t0, t0);
    const char *argv[] = { "python3", "-c",
                           "import json,sys\n"
                           "r=[json.loads(l) for l in open(sys.argv[1])]\n"
                           "first=[x for x in r if x['computer']==sys.argv[2]]\n"
                           "print(';'.join(f\"{x['computer']} {x['stream']} {x['text']}\" if 'stream' in x else\n"
                           "               f\"{x['computer']} {x['exit_status']}\" for x in first), end='')\n",
                           path, t0, NULL };
    int wait_status;

    g_assert_true (g_file_set_contents (path, r.out, -1, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &summary,
                                 NULL, &wait_status, NULL));
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    /* The stderr record may come before or after the stdout one. */
    if (g_strcmp0 (summary, expected) != 0)
      {
        g_free (expected);
        expected = g_strdup_printf ("%s stderr err\n;%s stdout out\n;%s 0", t0, t0, t0);
      }
    g_assert_cmpstr (summary, ==, expected);
  }

  /* Usage. */
  run (&r, "--computer-name", good);
  assert_fails_with (&r, "--session, --computer-name, --folder, --throttle-limit and --timeout go "
                         "with --invoke-command.\n");
  run (&r, "--invoke-command", "true");
  assert_fails_with (&r, "Say where to run the command: --session, --computer-name or --folder.\n");
  run (&r, "--invoke-command", "true", "--session", "NoSuchSession");
  assert_fails_with (&r, "There is no session named or numbered “NoSuchSession”. "
                         "Run “tether --get-session” to list the sessions.\n");
}

/* Opened sessions by name, and the same sessions as an Ansible inventory
 * that Ansible reads and pings through. */
static void
test_invoke_sessions_and_inventory (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *t0 = fleet_target (0);
  g_autofree char *t3 = fleet_target (3);
  g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), "inventory.ini", NULL);
  g_autofree char *line = NULL;

  run (&r, "--new-session", t0, "--name", "inv1");
  assert_ok (&r);
  run (&r, "--new-session", t3, "--name", "inv2");
  assert_ok (&r);

  run (&r, "--invoke-command", "echo from-session", "--session", "inv1,inv2");
  assert_ok (&r);
  g_assert_true (has_line (r.out, "inv1: from-session"));
  g_assert_true (has_line (r.out, "inv2: from-session"));

  run (&r, "--export-inventory");
  assert_ok (&r);
  g_free (line), line = g_strdup_printf ("inv1 ansible_host=127.0.0.1 ansible_port=%u ansible_user=%s",
                                         tether_test_sshd_get_nth_port (fleet, 0), g_get_user_name ());
  g_assert_true (has_line (r.out, line));
  g_assert_true (g_file_set_contents (path, r.out, -1, NULL));
  {
    const char *list[] = { "ansible-inventory", "-i", path, "--list", NULL };
    const char *ping[] = { "ansible", "all", "-i", path, "-m", "ping",
                           "-e", "ansible_python_interpreter=/usr/bin/python3", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *ssh_args = NULL;
    g_auto(GStrv) env = g_get_environ ();
    int wait_status;

    /* OpenSSH reads ~/.ssh from the account's home, not $HOME: point it at
     * the test's, as Tether's own known_hosts and default key are there. */
    ssh_args = g_strdup_printf ("-F /dev/null -o BatchMode=yes -o UserKnownHostsFile=%s/.ssh/known_hosts "
                                "-o IdentityFile=%s/.ssh/id_ed25519",
                                g_get_home_dir (), g_get_home_dir ());
    env = g_environ_setenv (env, "ANSIBLE_SSH_ARGS", ssh_args, TRUE);
    env = g_environ_setenv (env, "ANSIBLE_LOCAL_TEMP", tether_test_get_tmpdir (), TRUE);

    g_assert_true (g_spawn_sync (NULL, (char **) list, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                                 &err, &wait_status, NULL));
    if (!g_spawn_check_wait_status (wait_status, NULL))
      g_error ("ansible-inventory: %s", err);
    g_assert_nonnull (strstr (out, "\"inv1\""));
    g_assert_nonnull (strstr (out, "\"ansible_port\": "));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    g_assert_true (g_spawn_sync (NULL, (char **) ping, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                                 &err, &wait_status, NULL));
    if (!g_spawn_check_wait_status (wait_status, NULL))
      g_error ("ansible ping: %s%s", out, err);
    g_assert_nonnull (strstr (out, "inv1 | SUCCESS"));
    g_assert_nonnull (strstr (out, "inv2 | SUCCESS"));
  }

  run (&r, "--export-inventory", "--format", "xml");
  assert_fails_with (&r, "“xml” is not an inventory format. Use ini or yaml.\n");

  run (&r, "--remove", "inv1");
  assert_ok (&r);
  run (&r, "--remove", "inv2");
  assert_ok (&r);
}

typedef struct {
  gboolean  done;
  Result   *result;
} Pending;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  GSubprocess *child = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (child, res, &pending->result->out, &pending->result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  pending->result->status = g_subprocess_get_exit_status (child);
  pending->done = TRUE;
}

static gboolean
key_exchange_done (gpointer data)
{
  g_autofree char *log = NULL;

  return g_file_get_contents (tether_test_sshd_get_log_path (data), &log, NULL, NULL) &&
         strstr (log, "KEX done") != NULL;
}

/* The server dies while the window asks whether to trust its key: the
 * question is withdrawn and the command fails at once, instead of waiting
 * for an answer that can no longer matter. */
static void
test_new_session_server_dies_at_question (void)
{
  g_autoptr(TetherTestSshd) stranger = tether_test_sshd_new ("LogLevel DEBUG1\n");
  const char *argv[] = { tether_path, "--new-session", tether_test_sshd_get_target (stranger),
                         "--name", "Stranger", NULL };
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Result) r = { 0 };
  Pending pending = { .result = &r };

  child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (child, NULL, NULL, communicated_cb, &pending);

  /* The unknown key is asked about right after the key exchange. */
  tether_test_wait_until (key_exchange_done, stranger, WAIT_MS);
  tether_test_sshd_kill_connections (stranger);
  tether_test_wait_for_flag (&pending.done, WAIT_MS);

  assert_fails_with (&r, NULL);
  g_assert_nonnull (strstr (r.err, "withdrawn"));
  run (&r, "--get-session");
  assert_ok (&r);
  g_assert_null (row_of (r.out, "Stranger"));
}

static void
test_without_running_instance (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *row = NULL;

  stop_primary ();
  g_assert_false (primary_owns_name (NULL));

  /* A fresh instance carries the command out and exits: the sessions file
   * lists Keyed (Closed, as every session at start). */
  run (&r, "--get-session");
  assert_ok (&r);
  row = row_of (r.out, "Keyed");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (row, " Closed "));

  run (&r, "--close", "NoSuchSession");
  assert_fails_with (&r, "There is no session named or numbered “NoSuchSession”. "
                         "Run “tether --get-session” to list the sessions.\n");

  /* Async work in a fresh instance: held until done, then the exit status. */
  run (&r, "--new-session", "a@@b:x");
  assert_fails_with (&r, NULL);

  run (&r, "--remove", "Keyed");
  assert_ok (&r);
  run (&r, "--get-session");
  assert_ok (&r);
  g_assert_cmpstr (r.out, ==, "");
}

/* The value of "@key": "…" in the JSON object of the session @name. */
static char *
json_field (const char *json,
            const char *name,
            const char *key)
{
  g_autofree char *name_member = g_strdup_printf ("\"Name\": \"%s\"", name);
  g_autofree char *key_member = g_strdup_printf ("\"%s\": \"", key);
  const char *named = strstr (json, name_member);
  const char *object = named;
  const char *start;

  if (named == NULL)
    return NULL;
  /* Members come in any order: from the object's "{" to its "}". */
  while (object > json && *object != '{')
    object--;
  start = strstr (object, key_member);
  if (start == NULL || start > strchr (named, '}'))
    return NULL;
  start += strlen (key_member);
  return g_strndup (start, strcspn (start, "\""));
}

/* --disconnect, --receive, --connect on a tmux session; --disconnect of a
 * DefaultShell session is refused. */
static void
test_disconnect_receive_connect (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Result) r = { 0 };
  g_autofree char *row = NULL;
  g_autofree char *instance_id = NULL;
  g_autofree char *disconnected_on = NULL;
  g_autofree char *state = NULL;
  g_autofree char *command = NULL;

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Kept",
       "--configuration-name", "tmux");
  assert_ok (&r);
  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Plain");
  assert_ok (&r);

  run (&r, "--disconnect", "Plain");
  assert_fails_with (&r, "The session “Plain” cannot be disconnected: its shell is a DefaultShell one, "
                         "which ends with the connection. To keep a shell running on the server, use "
                         "a session with the tmux configuration.\n");

  run (&r, "--disconnect", "Kept");
  assert_ok (&r);
  run (&r, "--get-session", "--json");
  state = json_field (r.out, "Kept", "State");
  g_assert_cmpstr (state, ==, "Disconnected");
  instance_id = json_field (r.out, "Kept", "InstanceId");
  disconnected_on = json_field (r.out, "Kept", "DisconnectedOn");
  g_assert_nonnull (instance_id);
  g_assert_nonnull (disconnected_on);
  g_assert_true (g_str_has_suffix (disconnected_on, "Z"));

  /* Something prints in the detached shell: typed there by tmux itself. */
  probe = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), NULL, &error);
  g_assert_no_error (error);
  command = g_strdup_printf ("tmux send-keys -t '=tether-%s:' 'echo cli-$((5*5))' Enter", instance_id);
  g_free (tether_test_exec (probe, command));

  /* Receive prints it (asked until the shell has run it). */
  do
    run (&r, "--receive", "Kept");
  while (r.status == 0 && strstr (r.out, "cli-25\n") == NULL);
  assert_ok (&r);
  g_assert_null (strstr (r.out, "Kept"));

  run (&r, "--connect", "Kept");
  assert_ok (&r);
  run (&r, "--get-session");
  row = row_of (r.out, "Kept");
  g_assert_nonnull (strstr (row, " Opened "));

  tether_session_manager_close_all (manager);
  run (&r, "--remove", "Kept");
  assert_ok (&r);
  run (&r, "--remove", "Plain");
  assert_ok (&r);
}

/* --remove of a Disconnected session whose server cannot be reached:
 * refused with what keeps running there, unless --force, which forgets it
 * here and still says so. */
static void
test_remove_unreachable (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *state = NULL;

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Far",
       "--configuration-name", "tmux");
  assert_ok (&r);
  run (&r, "--disconnect", "Far");
  assert_ok (&r);
  tether_test_sshd_shut_down (sshd);

  run (&r, "--remove", "Far");
  assert_fails_with (&r, NULL);
  g_test_message ("refused: %s", r.err);
  g_assert_nonnull (strstr (r.err, "If “Far” is forgotten now, its shell keeps running on the server "
                                   "until its idle timeout ends it, on "));
  g_assert_true (g_str_has_suffix (r.err, "Run the command again once the server can be reached, "
                                          "or add --force to forget the session anyway.\n"));
  run (&r, "--get-session", "--json");
  state = json_field (r.out, "Far", "State");
  g_assert_cmpstr (state, ==, "Disconnected");

  run (&r, "--remove", "Far", "--force");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "its shell keeps running on the server until its idle timeout ends it"));
  run (&r, "--get-session");
  g_assert_null (row_of (r.out, "Far"));

  tether_test_sshd_restart (sshd);
}

static char *
sessions_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "tether", "sessions.ini", NULL);
}

/* Issue #10: one --new-session after a `chmod 000` sessions file replaced
 * its two sessions with one.  Now it is refused and the file untouched, and
 * once the file is readable again, the next command reads it first. */
static void
test_unreadable_sessions_file (void)
{
  static const char contents[] = "[Tether]\nVersion=1\n\n"
                                 "[Session one]\nName=One\nComputerName=one.example\n\n"
                                 "[Session two]\nName=Two\nComputerName=two.example\n";
  g_autofree char *path = sessions_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *after = NULL;
  g_auto(Result) r = { 0 };

  stop_primary ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  start_primary ();

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Three");
  assert_fails_with (&r, NULL);
  g_assert_nonnull (strstr (r.err, path));

  /* The list is not what the file holds: said, with a failure. */
  run (&r, "--get-session");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, path));

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, contents);

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Three");
  assert_ok (&r);
  run (&r, "--get-session");
  assert_ok (&r);
  for (guint i = 0; i < 3; i++)
    {
      const char *names[] = { "One", "Two", "Three" };
      g_autofree char *row = row_of (r.out, names[i]);

      g_assert_nonnull (row);
    }
}

/* A save that fails (a read-only folder) fails the command that changed the
 * list, after its output; the next change saves everything. */
static void
test_save_fails (void)
{
  g_autofree char *path = sessions_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *row = NULL;
  g_auto(Result) r = { 0 };

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Kept");
  assert_ok (&r);

  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Unsaved");
  g_assert_cmpint (r.status, ==, 1);
  row = row_of (r.out, "Unsaved");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (r.err, "could not be saved"));
  g_assert_nonnull (strstr (r.err, path));

  run (&r, "--remove", "Kept");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "could not be saved"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Name=Kept"));
  g_assert_null (strstr (contents, "Unsaved"));

  /* Writable again: the next change saves the whole list. */
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Next");
  assert_ok (&r);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Name=Unsaved"));
  g_assert_nonnull (strstr (contents, "Name=Next"));
  g_assert_null (strstr (contents, "Name=Kept"));
}

/* A private key's path is what the file system gives: a newline and bytes
 * that are not UTF-8 are saved and come back. */
static void
test_odd_identity_file (void)
{
  g_autofree char *key = g_build_filename (tether_test_get_tmpdir (), "odd\nkey-\xff", NULL);
  g_autofree char *path = sessions_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Result) r = { 0 };
  gboolean found = FALSE;

  run (&r, "--new-session", tether_test_sshd_get_target (sshd), "--name", "Odd", "--identity-file", key);
  assert_ok (&r);

  loaded = tether_session_store_load (path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < loaded->len; i++)
    {
      TetherSessionDefinition *def = g_ptr_array_index (loaded, i);

      if (g_str_equal (def->name, "Odd"))
        {
          g_assert_cmpstr (def->identity_file, ==, key);
          found = TRUE;
        }
    }
  g_assert_true (found);

  /* JSON is UTF-8 whatever the path holds. */
  run (&r, "--get-session", "--json");
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, "odd\\nkey-\xef\xbf\xbd\""));

  run (&r, "--remove", "Odd");
  assert_ok (&r);
  stop_primary ();
}

/* The line ~/.ssh/known_hosts would hold for @server, the file left as it
 * was. */
static char *
known_hosts_line (TetherTestSshd *server)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *prefix = g_strdup_printf ("[127.0.0.1]:%u ", tether_test_sshd_get_port (server));
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  char *line = NULL;

  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  tether_test_sshd_trust (server);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  lines = g_strsplit (after, "\n", -1);
  for (guint i = 0; line == NULL && lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      line = g_strconcat (lines[i], "\n", NULL);
  g_assert_nonnull (line);
  g_file_set_contents (path, before, -1, &error);
  g_assert_no_error (error);
  return line;
}

/* build-aux/run's Demo: its server's key is in a known hosts file of its
 * own (TETHER_DEMO_KNOWN_HOSTS), so entering it asks nothing (a question
 * nobody answers would hold --enter) and leaves ~/.ssh/known_hosts as it
 * was. */
static void
test_demo_known_hosts (void)
{
  g_autoptr(TetherTestSshd) demo = tether_test_sshd_new (NULL);
  g_autofree char *user_file = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *identity = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  g_autofree char *own_file = g_build_filename (tether_test_get_tmpdir (), "demo-known_hosts", NULL);
  g_autofree char *own_text = known_hosts_line (demo);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *row = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Result) r = { 0 };

  g_file_set_contents (own_file, own_text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (user_file, &before, NULL, NULL));

  stop_primary ();
  g_setenv ("TETHER_DEMO_TARGET", tether_test_sshd_get_target (demo), TRUE);
  g_setenv ("TETHER_DEMO_IDENTITY", identity, TRUE);
  g_setenv ("TETHER_DEMO_KNOWN_HOSTS", own_file, TRUE);
  start_primary ();

  run (&r, "--enter", "Demo");
  assert_ok (&r);
  run (&r, "--get-session");
  assert_ok (&r);
  row = row_of (r.out, "Demo");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (row, " Opened "));
  g_assert_true (g_file_get_contents (user_file, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  stop_primary ();
  g_unsetenv ("TETHER_DEMO_TARGET");
  g_unsetenv ("TETHER_DEMO_IDENTITY");
  g_unsetenv ("TETHER_DEMO_KNOWN_HOSTS");
}

/* --import-ssh-config [FILE]: the aliases become sessions, once. */
static void
test_import_ssh_config (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *config = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *other = g_build_filename (tether_test_get_tmpdir (), "other_config", NULL);
  g_autofree char *row = NULL;

  g_assert_true (g_file_set_contents (config, "Host clia clib\n  HostName 127.0.0.1\n"
                                      "Host *\n  User x\n", -1, NULL));
  run (&r, "--import-ssh-config");
  assert_ok (&r);
  g_assert_cmpstr (r.out, ==, "Imported into the folder “~/.ssh/config”: 2 new sessions, 0 updated, "
                              "0 already up to date. Skipped, as they name no single computer: *.\n");
  run (&r, "--get-session");
  assert_ok (&r);
  row = row_of (r.out, "clia");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (row, "clia"));

  /* Again: nothing doubled. */
  run (&r, "--import-ssh-config");
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, ": 0 new sessions, 0 updated, 2 already up to date."));

  /* Another file, given on the command line. */
  g_assert_true (g_file_set_contents (other, "Host clic\n", -1, NULL));
  run (&r, "--import-ssh-config", other);
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, ": 1 new session, 0 updated, 0 already up to date."));

  run (&r, "--get-session", other);
  assert_fails_with (&r, "Only --import-ssh-config takes a file and --export-inventory a folder, and only one.\n");

  run (&r, "--remove", "clia");
  assert_ok (&r);
  run (&r, "--remove", "clib");
  assert_ok (&r);
  run (&r, "--remove", "clic");
  assert_ok (&r);
  g_remove (config);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  /* The tether processes it starts use it too. */
  tether_test_start_private_display ();

  /* Under LeakSanitizer every child would list the suppressions it used on
   * stderr, which the commands' output is compared with. */
  if (g_getenv ("LSAN_OPTIONS") != NULL && strstr (g_getenv ("LSAN_OPTIONS"), "print_suppressions") == NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("LSAN_OPTIONS"), ":print_suppressions=0", NULL);

      g_setenv ("LSAN_OPTIONS", options, TRUE);
    }

  tether_path = g_build_filename (g_getenv ("TETHER_TEST_BUILDDIR"), "..", "src", "tether", NULL);
  if (!g_file_test (tether_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("No tether binary at %s", tether_path);

  /* The commands find the running instance on this bus and no other. */
  {
    /* GTestDBus forgets the display (it is meant for headless tests). */
    g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

    bus = g_test_dbus_new (G_TEST_DBUS_NONE);
    g_test_dbus_up (bus);
    if (display != NULL)
      g_setenv ("DISPLAY", display, TRUE);
  }

  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  fleet = tether_test_sshd_new_multi (NULL, 4);
  tether_test_sshd_trust (fleet);
  start_primary ();

  g_test_add_func ("/cli/get-session-empty", test_get_session_empty);
  g_test_add_func ("/cli/new-session", test_new_session);
  g_test_add_func ("/cli/new-session-identity-file", test_new_session_identity_file);
  g_test_add_func ("/cli/new-session-errors", test_new_session_errors);
  g_test_add_func ("/cli/new-session-no-tmux", test_new_session_no_tmux);
  g_test_add_func ("/cli/get-session", test_get_session);
  g_test_add_func ("/cli/enter-exit", test_enter_exit);
  g_test_add_func ("/cli/unknown-name", test_unknown_name);
  g_test_add_func ("/cli/enter-computer", test_enter_computer);
  g_test_add_func ("/cli/close-remove", test_close_remove);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/version-and-unknown-option", test_version_and_unknown_option);
  g_test_add_func ("/cli/readme-lists-options", test_readme_lists_options);
  g_test_add_func ("/cli/invoke-command", test_invoke_command);
  g_test_add_func ("/cli/invoke-sessions-and-inventory", test_invoke_sessions_and_inventory);
  g_test_add_func ("/cli/new-session-server-dies-at-question", test_new_session_server_dies_at_question);
  g_test_add_func ("/cli/disconnect-receive-connect", test_disconnect_receive_connect);
  g_test_add_func ("/cli/remove-unreachable", test_remove_unreachable);
  g_test_add_func ("/cli/without-running-instance", test_without_running_instance);
  g_test_add_func ("/cli/unreadable-sessions-file", test_unreadable_sessions_file);
  g_test_add_func ("/cli/save-fails", test_save_fails);
  g_test_add_func ("/cli/odd-identity-file", test_odd_identity_file);
  g_test_add_func ("/cli/demo-known-hosts", test_demo_known_hosts);
  g_test_add_func ("/cli/import-ssh-config", test_import_ssh_config);

  status = g_test_run ();

  stop_primary ();
  tether_test_sshd_free (fleet);
  tether_test_sshd_free (sshd);
  g_test_dbus_down (bus);
  g_object_unref (bus);
  g_free (tether_path);

  return status;
}
