/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-test-interaction.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* A lost connection is noticed and retried in place (issue #11, §1),
 * against a real sshd whose connections the tests kill, freeze or refuse. */

#define WAIT_MS 20000

static TetherSessionManager *
new_manager (guint reconnect_window_s,
             guint keepalive_ms)
{
  TetherConfig config = *tether_test_config ();

  config.reconnect_window_s = reconnect_window_s;
  if (keepalive_ms != 0)
    {
      config.keepalive_interval_ms = keepalive_ms;
      config.keepalive_max_missed = 2;
    }
  return tether_session_manager_new (NULL, &config);
}

/* A new session named @name on @sshd, Opened. */
static TetherSession *
open_on (TetherSessionManager *manager,
         TetherTestSshd       *sshd,
         const char           *name)
{
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd),
                                                    name, &error);

  g_assert_no_error (error);
  return session;
}

static void
reconnected_cb (TetherSession *session,
                gboolean       same_shell,
                int           *count)
{
  g_assert_false (same_shell);
  (*count)++;
}

/* The server kills the connection of an entered session: it goes
 * Connecting with its viewer kept, then is Opened with a new shell, the
 * viewer told first. */
static void
test_killed (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(TetherSession) session = NULL;
  int reconnected = 0;

  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Killed");
  tether_test_attach (session);
  tether_test_type (session, "export MARK=before-$((6*7))\necho $MARK\n");
  tether_test_wait_for_output (session, "before-42");
  g_signal_connect (session, "reconnected", G_CALLBACK (reconnected_cb), &reconnected);

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  /* The viewer stays, and knows until when the retries go on. */
  g_assert_true (tether_session_get_attached (session));
  g_assert_cmpint (tether_session_get_reconnect_deadline (session), >, g_get_monotonic_time ());
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "was lost"));

  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  g_assert_cmpint (tether_session_get_reconnect_deadline (session), ==, 0);
  tether_test_wait_for_output (session, "before-42");
  /* A new shell, to the same viewer: the variable died with the old one. */
  while (reconnected == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (reconnected, ==, 1);
  g_assert_true (tether_session_get_attached (session));
  tether_test_clear_output (session);
  tether_test_type (session, "echo \"after-[$MARK]-$((6*7))\"\n");
  tether_test_wait_for_output (session, "after-[]-42");

  tether_session_manager_close_session (manager, session);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

/* The server stays away longer than the window: Broken, and Reconnect
 * (open again) works once it is back. */
static void
test_window_runs_out (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (2, 0);
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Away");
  tether_test_attach (session);

  tether_test_sshd_shut_down (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  tether_test_wait_state (session, TETHER_SESSION_STATE_BROKEN, WAIT_MS);
  g_assert_false (tether_session_get_attached (session));
  g_assert_cmpint (tether_session_get_reconnect_deadline (session), ==, 0);
  /* The last attempt's reason: nobody listens there any more. */
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "refused the connection"));

  tether_test_sshd_restart (sshd);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  tether_test_attach (session);
  tether_test_type (session, "echo back-$((6*7))\n");
  tether_test_wait_for_output (session, "back-42");
  tether_session_manager_close_session (manager, session);
}

/* A frozen server: the keepalives find it within interval × misses (the
 * wait's own limit: 300 ms × 2, plus the scheduling of a loaded machine). */
static void
test_frozen (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (0, 300);
  g_autoptr(TetherSession) session = NULL;

  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Frozen");

  tether_test_sshd_stop_connections (sshd, TRUE);
  tether_test_wait_state (session, TETHER_SESSION_STATE_BROKEN, 600 + 1000);
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "stopped answering"));
  tether_test_sshd_stop_connections (sshd, FALSE);
  tether_test_sshd_kill_connections (sshd);
}

/* The network changed: "check every connection now" finds a frozen one
 * within 3 s, long before its keepalives (15 s × 3) would. */
static void
test_check_now (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(TetherSession) session = NULL;

  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Check");

  /* A live connection passes the check. */
  tether_session_manager_check_connections (manager);
  tether_test_attach (session);
  tether_test_type (session, "sleep 3.5; echo alive-$((6*7))\n");
  tether_test_wait_for_output (session, "alive-42");
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  tether_test_sshd_stop_connections (sshd, TRUE);
  tether_session_manager_check_connections (manager);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, 3000 + 1000);
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "within 3 seconds"));
  /* Thawed and then killed: the retries bring it back. */
  tether_test_sshd_stop_connections (sshd, FALSE);
  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_session_manager_close_session (manager, session);
}

/* What calls "check every connection now": the network monitor's
 * network-changed, and logind's PrepareForSleep(false) on the system bus
 * (here the test's private bus, where the test owns logind's name).  A
 * frozen connection is then lost within 3 s (plus the scheduling of a
 * loaded machine), not after its keepalives (15 s × 3). */
static void
test_link_events (gconstpointer data)
{
  gboolean resume = GPOINTER_TO_INT (data);
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (resume)
    {
      /* The manager subscribes when its first session connects. */
      bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
      g_assert_no_error (error);
      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "RequestName",
                                           g_variant_new ("(su)", "org.freedesktop.login1", 0),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, &error);
      g_assert_no_error (error);
    }
  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Link");
  /* The manager's system bus is connected and subscribed once a round
   * trip on it is done: wait for its match rule to be there. */
  if (resume)
    while (manager->sleep_id == 0)
      g_main_context_iteration (NULL, TRUE);

  tether_test_sshd_stop_connections (sshd, TRUE);
  if (resume)
    {
      /* Going to sleep changes nothing; waking up checks. */
      g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                     "org.freedesktop.login1.Manager", "PrepareForSleep",
                                     g_variant_new ("(b)", TRUE), &error);
      g_assert_no_error (error);
      g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                     "org.freedesktop.login1.Manager", "PrepareForSleep",
                                     g_variant_new ("(b)", FALSE), &error);
      g_assert_no_error (error);
    }
  else
    g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, 3000 + 1000);
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "within 3 seconds"));

  tether_test_sshd_stop_connections (sshd, FALSE);
  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_session_manager_close_session (manager, session);
}

/* A server that takes passwords, and @target, the local account that logs
 * in with @password there; %NULL (the test skipped) without such an
 * account. */
static TetherTestSshd *
password_server (const char  *password,
                 char       **target)
{
  const char *user = tether_test_password_user (password);
  TetherTestSshd *sshd;

  if (user == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return NULL;
    }
  sshd = tether_test_sshd_new ("PasswordAuthentication yes\nKbdInteractiveAuthentication no\n");
  tether_test_sshd_trust (sshd);
  *target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (sshd));
  return sshd;
}

/* A password typed once logs in again unasked; Close wipes it. */
static void
test_password_reused (void)
{
  const char *password = "reconnect-pw-7f3a";
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherTestSshd) sshd = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  char *hidden;

  if ((sshd = password_server (password, &target)) == NULL)
    return;
  hidden = tether_test_hide_default_key ();

  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  tether_test_interaction_add_answer (interaction, password);
  session = tether_test_new_session (manager, target, "Typed", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 1);

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  /* No dialog while retrying. */
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 1);

  /* Close wipes it: the next open asks (and, with no answer left, fails). */
  tether_session_manager_close_session (manager, session);
  g_assert_false (tether_test_open_session (manager, session, &error));
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 2);

  tether_test_restore_default_key (hidden);
}

/* The server asks for something the memory does not hold (the key that
 * logged in is gone, so a password is asked) and the user declines: the
 * retries end at once, Broken with a sentence that says the login was
 * canceled, and nothing is asked again. */
static void
test_prompt_declined (void)
{
  g_autoptr(TetherSessionManager) manager = new_manager (240, 0);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherTestSshd) sshd = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  char *hidden;

  if ((sshd = password_server ("reconnect-declined-pw", &target)) == NULL)
    return;

  /* Logged in by key: nothing asked, nothing in memory. */
  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  session = tether_test_new_session (manager, target, "Declined", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);

  /* The key goes: the retry asks for the password, and the test's
   * interaction, with no answer to give, declines. */
  hidden = tether_test_hide_default_key ();
  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_BROKEN, WAIT_MS);
  tether_test_restore_default_key (hidden);

  g_assert_nonnull (strstr (tether_session_get_last_error (session), "was canceled"));
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 1);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

/* The server comes back with another host key: the retries end at once
 * with the usual refusal, long before the window. */
static void
test_host_key_changed (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (240, 0);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherSession) session = NULL;

  tether_test_sshd_trust (sshd);
  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  session = open_on (manager, sshd, "Changed");

  tether_test_sshd_change_host_key (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_BROKEN, WAIT_MS);
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "changed"));
  /* Refused, never asked about, even by an interaction that accepts keys. */
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

/* Two sessions on one connection come back on one new connection. */
static void
test_shared (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(TetherSession) a = NULL;
  g_autoptr(TetherSession) b = NULL;

  tether_test_sshd_trust (sshd);
  a = open_on (manager, sshd, "SharedA");
  b = open_on (manager, sshd, "SharedB");
  g_assert_cmpuint (tether_test_sshd_count_logins (sshd), ==, 1);

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (a, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  g_assert_cmpint (tether_session_get_state (b), ==, TETHER_SESSION_STATE_CONNECTING);
  tether_test_wait_state (a, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_test_wait_state (b, TETHER_SESSION_STATE_OPENED, WAIT_MS);

  g_assert_cmpuint (tether_test_sshd_count_logins (sshd), ==, 2);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 1);
  g_assert_cmpuint (tether_test_sshd_count_connections (sshd), ==, 1);
  tether_session_manager_close_all (manager);
}

static gboolean
no_connection (gpointer manager)
{
  return tether_session_manager_get_n_connections (manager) == 0;
}

typedef struct {
  TetherSessionManager *manager;
  TetherSession        *session;
} Attempting;

static gboolean
between_attempts (gpointer data)
{
  Attempting *a = data;

  return !_tether_session_manager_is_attempting (a->manager, a->session);
}

/* Reconnect Now: between two retries (no connection under way), the next
 * attempt starts right away instead of at the next second. */
static void
test_reconnect_now (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(TetherSession) session = NULL;
  Attempting data;

  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Now");

  tether_test_sshd_shut_down (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  tether_test_wait_until (no_connection, manager, WAIT_MS);
  tether_test_sshd_restart (sshd);
  /* Between two attempts, and no main loop turn after: only Reconnect Now
   * can start the next one. */
  data.manager = manager;
  data.session = session;
  tether_test_wait_until (between_attempts, &data, WAIT_MS);
  tether_session_manager_reconnect_now (manager, session);
  g_assert_true (_tether_session_manager_is_attempting (manager, session));
  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_session_manager_close_session (manager, session);
}

/* Close during the retries: the session stays Closed, and nothing comes
 * back for it. */
static void
test_close_while_connecting (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager (60, 0);
  g_autoptr(TetherSession) session = NULL;

  tether_test_sshd_trust (sshd);
  session = open_on (manager, sshd, "Closed");

  tether_test_sshd_shut_down (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  tether_session_manager_close_session (manager, session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  tether_test_sshd_restart (sshd);
  /* Two retry periods: still Closed, and no connection. */
  for (gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);
  /* The system bus is the test's own session bus, where /reconnect/resume
   * plays logind. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);

  g_test_add_func ("/reconnect/killed", test_killed);
  g_test_add_func ("/reconnect/window-runs-out", test_window_runs_out);
  g_test_add_func ("/reconnect/frozen", test_frozen);
  g_test_add_func ("/reconnect/check-now", test_check_now);
  g_test_add_data_func ("/reconnect/network-changed", GINT_TO_POINTER (FALSE), test_link_events);
  g_test_add_data_func ("/reconnect/resume", GINT_TO_POINTER (TRUE), test_link_events);
  g_test_add_func ("/reconnect/password-reused", test_password_reused);
  g_test_add_func ("/reconnect/prompt-declined", test_prompt_declined);
  g_test_add_func ("/reconnect/host-key-changed", test_host_key_changed);
  g_test_add_func ("/reconnect/shared", test_shared);
  g_test_add_func ("/reconnect/reconnect-now", test_reconnect_now);
  g_test_add_func ("/reconnect/close-while-connecting", test_close_while_connecting);

  return g_test_run ();
}
