/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Disconnect, Connect and Receive of sessions in the tmux configuration,
 * against the sshd's own tmux server. */

static TetherTestSshd *sshd;

#define LATE "late-10\nlate-20\nlate-30\n"

static void
disconnect (TetherSessionManager  *manager,
            TetherSession         *session,
            GError               **error)
{
  TetherTestWait wait = { 0 };

  tether_session_manager_disconnect_session_async (manager, session, NULL,
                                                   tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  tether_session_manager_disconnect_session_finish (manager, wait.result, error);
  g_object_unref (wait.result);
}

static char *
receive (TetherSessionManager *manager,
         TetherSession        *session)
{
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  char *text;

  tether_session_manager_receive_session_async (manager, session, NULL,
                                                tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  text = tether_session_manager_receive_session_finish (manager, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return text;
}

/* Disconnect of a DefaultShell session is refused; it stays Opened. */
static void
test_disconnect_default_shell_refused (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), NULL, &error);
  g_assert_no_error (error);
  disconnect (manager, session, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "tmux configuration"));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (tether_session_get_disconnected_on (session), ==, 0);

  tether_session_manager_close_all (manager);
}

static gboolean
file_exists_remotely (TetherSession *probe,
                      const char    *path)
{
  g_autofree char *command = g_strdup_printf ("test -e %s && echo yes", path);
  g_autofree char *output = tether_test_exec (probe, command);

  return g_str_has_prefix (output, "yes");
}

/* Connect as the window's Enter does it: what was printed meanwhile, read
 * on the connection that then re-attaches: one login, not two. */
static void
test_connect_receiving (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  g_autoptr(TetherSession) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TetherTestWait wait = { 0 };
  guint logins;

  tether_test_attach (session);
  tether_test_type (session, "Y=kept; rm -f \"$HOME/go2\" \"$HOME/done2\"; echo early-$((2+2)); "
                             "while [ ! -e \"$HOME/go2\" ]; do sleep 0.05; done; "
                             "for i in 1 2 3; do echo late-$((i*10)); done; touch \"$HOME/done2\"\r");
  tether_test_wait_for_output (session, "early-4");
  disconnect (manager, session, &error);
  g_assert_no_error (error);

  probe = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Probe2", &error);
  g_assert_no_error (error);
  g_free (tether_test_exec (probe, "touch \"$HOME/go2\""));
  while (!file_exists_remotely (probe, "\"$HOME/done2\""))
    ;
  tether_session_manager_close_session (manager, probe);

  logins = tether_test_sshd_count_logins (sshd);
  tether_session_manager_connect_session_async (manager, session, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  text = tether_session_manager_connect_session_finish (manager, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_test_message ("received: %s", text);
  g_assert_true (g_str_has_prefix (text, LATE));
  g_assert_null (strstr (text, "early"));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (tether_session_get_disconnected_on (session), ==, 0);

  tether_test_attach (session);
  tether_test_wait_for_output (session, "early-4");
  tether_test_type (session, "echo \"y=$Y\"\r");
  tether_test_wait_for_output (session, "y=kept");
  g_assert_cmpuint (tether_test_sshd_count_logins (sshd), ==, logins + 1);

  tether_session_manager_close_all (manager);
}

/* Disconnect; the shell prints on; Tether quits; a new one lists the
 * session Disconnected; Receive gives exactly what was printed since;
 * Connect gives the same shell, with the earlier lines restored. */
static void
test_disconnect_receive_connect (void)
{
  g_autofree char *store = g_build_filename (g_get_user_data_dir (), "tmux-sessions.ini", NULL);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (store, tether_test_config ());
  g_autoptr(TetherSession) session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  g_autoptr(TetherSession) probe = NULL;
  g_autofree char *name = g_strdup (tether_session_get_name (session));
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TetherSession *again;
  const char *rest;

  tether_test_attach (session);
  /* The shell waits for a file the test makes once disconnected, then
   * prints three lines and makes another file. */
  tether_test_type (session, "X=before; echo early-$((1+1)); "
                             "while [ ! -e \"$HOME/go\" ]; do sleep 0.05; done; "
                             "for i in 1 2 3; do echo late-$((i*10)); done; touch \"$HOME/done\"\r");
  tether_test_wait_for_output (session, "early-2");

  disconnect (manager, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpint (tether_session_get_availability (session), ==, TETHER_SESSION_AVAILABILITY_NONE);
  g_assert_cmpint (tether_session_get_disconnected_on (session), >, 0);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);

  probe = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Probe", &error);
  g_assert_no_error (error);
  g_free (tether_test_exec (probe, "touch \"$HOME/go\""));
  while (!file_exists_remotely (probe, "\"$HOME/done\""))
    ;

  /* Tether quits; the next one reads the sessions file. */
  tether_session_manager_close_all (manager);
  g_clear_object (&session);
  g_clear_object (&probe);
  g_clear_object (&manager);
  manager = tether_session_manager_new (store, tether_test_config ());
  g_assert_true (tether_session_manager_load (manager, &error));
  g_assert_no_error (error);
  again = tether_session_manager_lookup (manager, name);
  g_assert_nonnull (again);
  g_assert_cmpint (tether_session_get_state (again), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpint (tether_session_get_disconnected_on (again), >, 0);

  /* Exactly what came after the Disconnect: the three lines, then the
   * prompt the shell printed after them. */
  text = receive (manager, again);
  g_test_message ("received: %s", text);
  g_assert_true (g_str_has_prefix (text, LATE));
  g_assert_null (strstr (text, "early"));
  rest = strchr (text + strlen (LATE), '\n');
  g_assert_true (rest == NULL || rest[1] == '\0');
  g_clear_pointer (&text, g_free);

  /* Received, it stays Disconnected, from there on: nothing new. */
  g_assert_cmpint (tether_session_get_state (again), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpint (tether_session_get_disconnected_on (again), >, 0);
  text = receive (manager, again);
  g_assert_cmpstr (text, ==, "");

  /* Connected: the same shell, the earlier lines restored. */
  g_assert_true (tether_test_open_session (manager, again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (again), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (tether_session_get_disconnected_on (again), ==, 0);
  tether_test_attach (again);
  tether_test_wait_for_output (again, "early-2");
  tether_test_type (again, "echo \"x=$X\"\r");
  tether_test_wait_for_output (again, "x=before");

  tether_session_manager_close_all (manager);
}

/* Connect again and again: each re-attach restores the pane (tmux's
 * replies come in several bursts) with nothing more to come from the
 * server.  The keepalive is an hour, so output the SSH worker left unread
 * would wait for it and the attach would time out: the worker once slept
 * on a socket a channel's own poll had drained, until the next keepalive
 * (15 s), in about one re-attach in five. */
static void
test_connect_again (void)
{
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  config.keepalive_interval_ms = 3600 * 1000;
  manager = tether_session_manager_new (NULL, &config);
  session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  tether_test_attach (session);
  tether_test_type (session, "seq 1 3000\r");
  tether_test_wait_for_output (session, "2999");

  for (int i = 0; i < 15; i++)
    {
      disconnect (manager, session, &error);
      g_assert_no_error (error);
      g_assert_true (tether_test_open_session (manager, session, &error));
      g_assert_no_error (error);
      tether_test_clear_output (session);
      tether_test_attach (session);
      tether_test_wait_for_output (session, "2999");
    }

  tether_session_manager_close_all (manager);
}

/* Quitting disconnects a tmux session instead of ending its shell; a
 * DefaultShell session closes as before. */
static void
test_quit_disconnects (void)
{
  g_autofree char *store = g_build_filename (g_get_user_data_dir (), "quit-sessions.ini", NULL);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (store, tether_test_config ());
  g_autoptr(TetherSession) session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  g_autoptr(TetherSession) plain = NULL;
  g_autofree char *name = g_strdup (tether_session_get_name (session));
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  TetherSession *again;

  plain = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Plain", &error);
  g_assert_no_error (error);
  tether_test_attach (session);
  tether_test_type (session, "Y=survived; echo set-$((3+4))\r");
  tether_test_wait_for_output (session, "set-7");

  tether_session_manager_close_all (manager);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpint (tether_session_get_state (plain), ==, TETHER_SESSION_STATE_CLOSED);
  g_clear_object (&session);
  g_clear_object (&plain);
  g_clear_object (&manager);

  manager = tether_session_manager_new (store, tether_test_config ());
  g_assert_true (tether_session_manager_load (manager, &error));
  again = tether_session_manager_lookup (manager, name);
  g_assert_cmpint (tether_session_get_state (again), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpint (tether_session_get_state (tether_session_manager_lookup (manager, "Plain")), ==,
                   TETHER_SESSION_STATE_CLOSED);

  /* No mark was taken: Receive says so. */
  tether_session_manager_receive_session_async (manager, again, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  g_assert_null (tether_session_manager_receive_session_finish (manager, wait.result, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_object_unref (wait.result);

  g_assert_true (tether_test_open_session (manager, again, &error));
  tether_test_attach (again);
  tether_test_type (again, "echo \"y=$Y\"\r");
  tether_test_wait_for_output (again, "y=survived");

  tether_session_manager_close_all (manager);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The IdleTimeout, shortened to its minimum: tmux itself ends the detached
 * tmux session, with nothing of Tether's running there. */
static void
test_idle_timeout (void)
{
  TetherConfig config = *tether_test_config ();
  /* A server of its own, so that its tmux server is this test's alone:
   * after the other tests' tmux sessions ended, the shared one now and then
   * turned every new client away ("server exited unexpectedly") for more
   * than 5 s, a state not understood yet.  This test is about the idle
   * timeout, not that. */
  TetherTestSshd *own = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherSession) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *has = NULL;
  g_autofree char *processes = NULL;

  tether_test_sshd_trust (own);
  config.idle_timeout_s = 60;
  manager = tether_session_manager_new (NULL, &config);
  session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (own));
  g_assert_cmpuint (tether_session_get_idle_timeout (session), ==, 60);
  tether_test_attach (session);
  tether_test_type (session, "echo idle-$((2*3))\r");
  tether_test_wait_for_output (session, "idle-6");
  disconnect (manager, session, &error);
  g_assert_no_error (error);

  probe = tether_test_new_session (manager, tether_test_sshd_get_target (own), "Probe", &error);
  g_assert_no_error (error);
  has = g_strdup_printf ("tmux has-session -t '=tether-%s' 2>/dev/null && echo yes",
                         tether_session_get_instance_id (session));
  /* Detached, nothing but tmux runs for it: the tmux server's only
   * children are its panes' shells. */
  processes = tether_test_exec (probe, "[ \"$(ps --ppid \"$(tmux display -p '#{pid}')\" -o pid= | wc -l)\" = "
                                       "\"$(tmux list-panes -a | wc -l)\" ] && echo panes-only");
  g_assert_cmpstr (processes, ==, "panes-only\n");
  for (;;)
    {
      g_autofree char *answer = tether_test_exec (probe, has);
      gboolean waited = FALSE;

      if (!g_str_has_prefix (answer, "yes"))
        break;
      g_timeout_add_seconds (1, timeout_cb, &waited);
      tether_test_wait_for_flag (&waited, 20000);
    }

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (own);
}

static gboolean
remove_async (TetherSessionManager  *manager,
              TetherSession         *session,
              GError               **error)
{
  TetherTestWait wait = { 0 };
  gboolean removed;

  tether_session_manager_remove_session_async (manager, session, NULL,
                                               tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  removed = tether_session_manager_remove_session_finish (manager, wait.result, error);
  g_object_unref (wait.result);
  return removed;
}

/* Remove of a Disconnected session ends its tmux session on the server,
 * then forgets it. */
static void
test_remove_disconnected (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  g_autoptr(TetherSession) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *has = g_strdup_printf ("tmux has-session -t '=tether-%s' 2>/dev/null && echo yes",
                                          tether_session_get_instance_id (session));
  g_autofree char *before = NULL;

  disconnect (manager, session, &error);
  g_assert_no_error (error);
  probe = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Probe", &error);
  g_assert_no_error (error);
  before = tether_test_exec (probe, has);
  g_assert_cmpstr (before, ==, "yes\n");

  g_assert_true (remove_async (manager, session, &error));
  g_assert_no_error (error);
  g_assert_null (tether_session_manager_lookup (manager, tether_session_get_name (session)));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_free (before);
  before = tether_test_exec (probe, has);
  g_assert_cmpstr (before, ==, "");

  tether_session_manager_close_all (manager);
}

/* Remove of a Disconnected session whose server cannot be reached changes
 * nothing and says what forgetting it anyway leaves running, and until
 * when; tether_session_manager_remove_session() then forgets it here. */
static void
test_remove_unreachable (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  g_autoptr(GError) error = NULL;

  disconnect (manager, session, &error);
  g_assert_no_error (error);
  tether_test_sshd_shut_down (sshd);

  g_assert_false (remove_async (manager, session, &error));
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "its shell keeps running on the server until its idle timeout ends it"));
  g_assert_true (tether_session_manager_lookup (manager, tether_session_get_name (session)) == session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpint (tether_session_get_disconnected_on (session), >, 0);

  tether_session_manager_remove_session (manager, session);
  g_assert_null (tether_session_manager_lookup (manager, tether_session_get_name (session)));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);

  tether_test_sshd_restart (sshd);
  tether_session_manager_close_all (manager);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  g_test_add_func ("/session-manager-tmux/disconnect-default-shell-refused",
                   test_disconnect_default_shell_refused);
  g_test_add_func ("/session-manager-tmux/disconnect-receive-connect",
                   test_disconnect_receive_connect);
  g_test_add_func ("/session-manager-tmux/connect-receiving", test_connect_receiving);
  g_test_add_func ("/session-manager-tmux/connect-again", test_connect_again);
  g_test_add_func ("/session-manager-tmux/quit-disconnects", test_quit_disconnects);
  g_test_add_func ("/session-manager-tmux/remove-disconnected", test_remove_disconnected);
  g_test_add_func ("/session-manager-tmux/remove-unreachable", test_remove_unreachable);
  g_test_add_func ("/session-manager-tmux/idle-timeout", test_idle_timeout);

  status = g_test_run ();
  tether_test_sshd_free (sshd);
  return status;
}
