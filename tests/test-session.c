/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-error.h"
#include "tether-session-manager.h"
#include "tether-session-private.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* A session's shell keeps its state while nobody views it. */

static TetherTestSshd *sshd;

static TetherSession *
open_session (TetherSessionManager *manager)
{
  g_autoptr(GError) error = NULL;
  TetherSession *session;

  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), NULL, &error);
  g_assert_no_error (error);
  return session;
}

static void
test_shell_state_survives_detach (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;

  session = open_session (manager);

  tether_test_attach (session);
  tether_test_type (session, "cd /tmp; X=42; echo ready-$((6*7))\n");
  tether_test_wait_for_output (session, "ready-42");
  tether_session_detach (session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_true (tether_session_get_has_shell (session));

  tether_test_clear_output (session);
  tether_test_attach (session);
  tether_test_type (session, "printf 'cwd=%s x=%s\\n' \"$PWD\" \"$X\"\n");
  tether_test_wait_for_output (session, "cwd=/tmp x=42");

  tether_session_manager_close_all (manager);
}

static void
test_exit_keeps_session_opened (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;

  session = open_session (manager);

  tether_test_attach (session);
  tether_test_type (session, "X=before-exit; exit 7\n");
  g_assert_cmpint (tether_test_wait_shell_exit (session), ==, 7);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_false (tether_session_get_has_shell (session));
  tether_session_detach (session);

  /* The next attach starts a fresh shell: the variable is gone. */
  tether_test_clear_output (session);
  tether_test_attach (session);
  g_assert_true (tether_session_get_has_shell (session));
  tether_test_type (session, "echo \"fresh:${X:-unset}\"\n");
  tether_test_wait_for_output (session, "fresh:unset");

  tether_session_manager_close_all (manager);
}

static void
test_availability (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;

  session = open_session (manager);
  g_assert_cmpint (tether_session_get_availability (session), ==, TETHER_SESSION_AVAILABILITY_AVAILABLE);

  tether_test_attach (session);
  g_assert_cmpint (tether_session_get_availability (session), ==, TETHER_SESSION_AVAILABILITY_BUSY);
  tether_session_detach (session);
  g_assert_cmpint (tether_session_get_availability (session), ==, TETHER_SESSION_AVAILABILITY_AVAILABLE);

  tether_session_manager_close_session (manager, session);
  g_assert_cmpint (tether_session_get_availability (session), ==, TETHER_SESSION_AVAILABILITY_NONE);
}

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
test_attach_closed_session_fails (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  TetherSessionDefinition def = { .target = tether_test_sshd_get_target (sshd), .name = "Idle" };
  TetherSession *session;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  session = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);

  tether_session_attach_async (session, 80, 24, NULL, exec_done, &result);
  tether_test_wait_until (result_set, &result, 20000);
  g_assert_false (tether_session_attach_finish (session, result, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_NOT_OPENED);
  g_assert_nonnull (strstr (error->message, "Idle"));
  g_assert_false (tether_session_get_attached (session));
  g_object_unref (result);
}

static void
test_exec_streams (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(TetherExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  session = open_session (manager);

  tether_session_exec_async (session, "sh -c 'echo out; echo err >&2; exit 3'", NULL, exec_done, &result);
  tether_test_wait_until (result_set, &result, 20000);
  channel = tether_session_exec_finish (session, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  tether_channel_collect_async (channel, NULL, exec_done, &result);
  tether_test_wait_until (result_set, &result, 20000);
  exec = tether_channel_collect_finish (channel, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_cmpmem (g_bytes_get_data (exec->stdout_bytes, NULL), g_bytes_get_size (exec->stdout_bytes), "out\n", 4);
  g_assert_cmpmem (g_bytes_get_data (exec->stderr_bytes, NULL), g_bytes_get_size (exec->stderr_bytes), "err\n", 4);
  g_assert_cmpint (exec->exit_status, ==, 3);

  tether_session_manager_close_all (manager);
}

static gboolean
has_shell (gpointer data)
{
  return tether_session_get_has_shell (data);
}

static void
test_shell_ready_before_enter (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;

  session = open_session (manager);

  /* The shell starts with the session, not at Enter... */
  tether_test_wait_until (has_shell, session, 20000);
  g_assert_false (tether_session_get_attached (session));

  /* ...and what it printed before anyone looked (the prompt) is shown at the
   * first Enter, without typing anything. */
  tether_test_attach (session);
  tether_test_wait_for_any_output (session);

  tether_session_manager_close_all (manager);
}

typedef struct {
  TetherSession *session;
  TetherChannel *shell;
  gsize          held;
} Hoard;

/* A viewer that takes the output and holds it until told to give it back. */
static gboolean
hoard_cb (TetherSession *session,
          TetherChannel *shell,
          GBytes        *data,
          Hoard         *hoard)
{
  hoard->shell = shell;
  hoard->held += g_bytes_get_size (data);
  return TRUE;
}

/* What the worker read has reached the viewer, which holds all of it: the
 * channel's count and the viewer's agree. */
static gboolean
all_delivered_held (gpointer data)
{
  Hoard *hoard = data;

  return tether_channel_get_in_flight (hoard->shell) == hoard->held;
}

static gboolean
held_a_window (gpointer data)
{
  Hoard *hoard = data;

  /* The worker reads libssh's whole buffer (up to 1.28 MB) or nothing, so
   * it may stop short of the window by that much, never more. */
  return hoard->shell != NULL
         && hoard->held + 1280000 >= tether_channel_get_window (hoard->shell);
}

/* Output the worker read may be on its way to the main thread: once it
 * arrives, nobody holds it. */
static gboolean
nothing_held (gpointer data)
{
  return tether_channel_get_in_flight (data) == 0;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_held_output_paces_shell (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  Hoard hoard = { 0 };
  gboolean waited = FALSE;
  gulong id;
  gsize window;

  session = open_session (manager);
  id = g_signal_connect (session, "output", G_CALLBACK (hoard_cb), &hoard);
  tether_test_attach (session);
  tether_test_type (session, "yes | head -c 6000000; echo; echo paced-$((40+2))\n");
  tether_test_wait_until (held_a_window, &hoard, 20000);
  g_timeout_add (300, timeout_cb, &waited);
  tether_test_wait_for_flag (&waited, 20000);

  /* The channel is the one count of what the viewer holds: it stopped at
   * its window, the rest waits on the server, and detaching changes
   * nothing of it. */
  window = tether_channel_get_window (hoard.shell);
  tether_test_wait_until (all_delivered_held, &hoard, 20000);
  g_assert_cmpuint (hoard.held, <=, window);
  tether_session_detach (session);
  tether_test_wait_until (all_delivered_held, &hoard, 20000);
  g_assert_cmpuint (hoard.held, <=, window);

  /* The viewer gives back what it held, and stops taking: the session
   * gives back what nobody takes, so the rest flows. */
  g_signal_handler_disconnect (session, id);
  tether_channel_consume (hoard.shell, hoard.held);
  tether_test_wait_for_output (session, "paced-42");
  tether_test_wait_until (nothing_held, hoard.shell, 20000);

  tether_session_manager_close_all (manager);
}

static void
test_untaken_output_flows (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;

  session = open_session (manager);

  /* Enter and Exit three times with a flood under way and no viewer taking
   * it: the session gives all of it back itself. */
  for (int round = 0; round < 3; round++)
    {
      tether_test_attach (session);
      tether_test_type (session, "yes | head -c 3000000 >/dev/null; yes | head -c 3000000\n");
      tether_session_detach (session);
    }

  tether_test_clear_output (session);
  tether_test_attach (session);
  tether_test_type (session, "echo alive-$((40+2))\n");
  tether_test_wait_for_output (session, "alive-42");
  tether_test_wait_until (nothing_held, tether_session_get_shell (session), 20000);

  tether_session_manager_close_all (manager);
}

static void
test_shell_refused (void)
{
  TetherTestSshd *no_tty = tether_test_sshd_new ("PermitTTY no\n");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  tether_test_sshd_trust (no_tty);
  session = tether_test_new_session (manager, tether_test_sshd_get_target (no_tty), NULL, &error);
  g_assert_no_error (error);

  /* The login works; the terminal the shell needs is refused: Enter says
   * so in a sentence, and the session stays Opened for commands. */
  tether_session_attach_async (session, 80, 24, NULL, exec_done, &result);
  tether_test_wait_until (result_set, &result, 20000);
  g_assert_false (tether_session_attach_finish (session, result, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_CHANNEL_REFUSED);
  g_assert_nonnull (strstr (error->message, "refused to start a shell"));
  g_assert_false (tether_session_get_attached (session));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_object_unref (result);

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (no_tty);
}

/* ComputerName as listed: the user and port typed, only when they are not
 * what SSH would use anyway, so two targets on one host look different. */
static void
test_shown_computer (void)
{
  g_autofree char *own = g_strdup_printf ("%s@h.invalid:22", g_get_user_name ());
  const struct { const char *target, *shown; } cases[] = {
    { "h.invalid", "h.invalid" },
    { own, "h.invalid" },
    { "h.invalid:2222", "h.invalid:2222" },
    { "bob@h.invalid", "bob@h.invalid" },
    { "bob@h.invalid:2222", "bob@h.invalid:2222" },
    { "bob@[::1]:2222", "bob@[::1]:2222" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TetherSessionDefinition def = { .target = cases[i].target };
      g_autoptr(TetherSession) session = _tether_session_new (&def, FALSE);
      g_autofree char *shown = tether_session_dup_shown_computer (session);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }

  {
    TetherSessionDefinition def = { .target = "h.invalid" };
    g_autoptr(TetherSession) session = _tether_session_new (&def, FALSE);
    g_autofree char *shown = NULL;

    /* What ~/.ssh/config gives is the default for that host: the list
     * does not change as the session opens. */
    _tether_session_set_resolved (session, "carol", 2200);
    shown = tether_session_dup_shown_computer (session);
    g_assert_cmpstr (shown, ==, "h.invalid");
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  g_test_add_func ("/session/shell-state-survives-detach", test_shell_state_survives_detach);
  g_test_add_func ("/session/exit-keeps-session-opened", test_exit_keeps_session_opened);
  g_test_add_func ("/session/availability", test_availability);
  g_test_add_func ("/session/attach-closed-fails", test_attach_closed_session_fails);
  g_test_add_func ("/session/exec-streams", test_exec_streams);
  g_test_add_func ("/session/shell-ready-before-enter", test_shell_ready_before_enter);
  g_test_add_func ("/session/held-output-paces-shell", test_held_output_paces_shell);
  g_test_add_func ("/session/untaken-output-flows", test_untaken_output_flows);
  g_test_add_func ("/session/shell-refused", test_shell_refused);
  g_test_add_func ("/session/shown-computer", test_shown_computer);

  status = g_test_run ();
  tether_test_sshd_free (sshd);
  return status;
}
