/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-test-session.h"
#include "tether-test-window.h"

/*
 * A lost connection under an entered session, in the real window (issue
 * #11, §1): the tab stays with its scrollback and a bar that counts down,
 * then a new shell after a local line, or Broken with Reconnect.
 */

static void
set_window (guint seconds)
{
  TetherConfig config = *tether_session_manager_get_config (manager ());

  config.reconnect_window_s = seconds;
  tether_session_manager_set_config (manager (), &config);
}

static TetherReconnectBar *
bar_of (TetherSession *session)
{
  return tether_session_tab_get_reconnect_bar (tab_of (session));
}

/* A Broken session's tab: the reconnect bar says why (the session's last
 * error) before the way back, and no second bar says it again. */
static void
assert_one_bar_says_why (TetherSession *session)
{
  const char *why = tether_session_get_last_error (session);
  g_autofree char *expected = NULL;

  g_assert_nonnull (why);
  expected = g_strdup_printf ("%s Reconnect to get a new shell in this tab.", why);
  g_assert_cmpstr (tether_reconnect_bar_get_text (bar_of (session)), ==, expected);
  g_assert_null (tether_session_tab_get_message (tab_of (session)));
}

typedef struct {
  TetherReconnectBar *bar;
  const char         *before;
} TextWait;

static gboolean
bar_text_changed (gpointer data)
{
  TextWait *wait = data;

  return g_strcmp0 (tether_reconnect_bar_get_text (wait->bar), wait->before) != 0;
}

static gboolean
bar_hidden (gpointer data)
{
  return !tether_reconnect_bar_get_shown (data);
}

static gboolean
is_label (GtkWidget     *widget,
          gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The session list shows @text somewhere (its state column). */
static gboolean
tree_shows (gpointer text)
{
  GtkWidget *tree = GTK_WIDGET (tether_window_get_session_tree (window));

  return tether_test_find_widget (tree, is_label, text) != NULL;
}

/* The server kills the session's connection: same tab, scrollback kept,
 * the bar, then a new shell after the dimmed local line. */
static void
test_comes_back (void)
{
  g_autoptr(TetherSession) session = NULL;
  TetherSessionTab *tab;
  g_autofree char *text = NULL;

  set_window (60);
  session = g_object_ref (add_session (tether_test_sshd_get_target (sshd), "Blip", NULL));
  enter (session);
  tab = tab_of (session);
  type (session, "MARK=kept; echo before-$((6*7))\n");
  wait_for_text (session, "before-42");

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  g_assert_true (tab_of (session) == tab);
  g_assert_true (tether_reconnect_bar_get_shown (bar_of (session)));
  g_assert_nonnull (strstr (tether_reconnect_bar_get_text (bar_of (session)), "was interrupted. Reconnecting… "));

  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_test_wait_until (bar_hidden, bar_of (session), WAIT_MS);
  wait_for_text (session, "The previous shell ended with the connection.");
  type (session, "echo \"after-[$MARK]-$((6*7))\"\n");
  wait_for_text (session, "after-[]-42");
  text = vte_terminal_get_text (terminal_of (session), NULL, NULL, NULL);
  g_assert_nonnull (strstr (text, "before-42"));
  g_assert_true (tab_of (session) == tab);
  g_assert_cmpint (tether_session_tab_get_state (tab), ==, TETHER_SESSION_TAB_STATE_ENTERED);

  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
}

/* The server stays away longer than the window: the bar counts down, the
 * session is Broken, its tab keeps the scrollback and offers Reconnect,
 * which works once the server is back. */
static void
test_broken_then_reconnect (void)
{
  g_autoptr(TetherTestSshd) away = tether_test_sshd_new (NULL);
  g_autoptr(TetherSession) session = NULL;
  TetherReconnectBar *bar;
  g_autofree char *first = NULL;
  g_autofree char *text = NULL;
  TextWait wait;

  tether_test_sshd_trust (away);
  set_window (3);
  session = g_object_ref (add_session (tether_test_sshd_get_target (away), "Away", NULL));
  enter (session);
  bar = bar_of (session);
  type (session, "echo before-$((7*7))\n");
  wait_for_text (session, "before-49");

  tether_test_sshd_shut_down (away);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  first = g_strdup (tether_reconnect_bar_get_text (bar));
  g_assert_nonnull (strstr (first, "0:0"));
  wait = (TextWait) { bar, first };
  tether_test_wait_until (bar_text_changed, &wait, WAIT_MS);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CONNECTING);

  tether_test_wait_state (session, TETHER_SESSION_STATE_BROKEN, WAIT_MS);
  g_assert_cmpint (tether_session_tab_get_state (tab_of (session)), ==, TETHER_SESSION_TAB_STATE_FAILED);
  /* Broken without the user asking, its tab on screen: one bar says why,
   * with the last attempt's sentence, and offers Reconnect. */
  g_assert_true (tether_reconnect_bar_get_shown (bar));
  assert_one_bar_says_why (session);
  text = vte_terminal_get_text (terminal_of (session), NULL, NULL, NULL);
  g_assert_nonnull (strstr (text, "before-49"));
  g_assert_null (strstr (text, "The previous shell ended with the connection."));

  tether_test_sshd_restart (away);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bar), "reconnect.reconnect", NULL));
  tether_test_wait_until (is_entered, session, WAIT_MS);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_false (tether_reconnect_bar_get_shown (bar));
  /* Back by Reconnect, as by the retries: the new shell comes after the
   * dimmed line that says the old one ended with the connection. */
  wait_for_text (session, "The previous shell ended with the connection.");
  type (session, "echo again-$((7*7))\n");
  wait_for_text (session, "again-49");
  g_clear_pointer (&text, g_free);
  text = vte_terminal_get_text (terminal_of (session), NULL, NULL, NULL);
  g_assert_nonnull (strstr (text, "before-49"));

  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  set_window (60);
}

static gboolean
window_shows (gpointer text)
{
  return tether_test_find_widget (GTK_WIDGET (window), is_label, text) != NULL;
}

/* The retries run out while another tab is on screen: a toast says so
 * with the sentence, and the session's own tab has it too for when the
 * user goes back to it. */
static void
test_broken_behind (void)
{
  g_autoptr(TetherTestSshd) away = tether_test_sshd_new (NULL);
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherSession) other = NULL;
  g_autofree char *toast = NULL;

  tether_test_sshd_trust (away);
  set_window (2);
  session = g_object_ref (add_session (tether_test_sshd_get_target (away), "Behind", NULL));
  enter (session);
  other = g_object_ref (add_session (tether_test_sshd_get_target (sshd), "InFront", NULL));
  enter (other);

  tether_test_sshd_shut_down (away);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  tether_test_wait_state (session, TETHER_SESSION_STATE_BROKEN, WAIT_MS);
  g_assert_nonnull (tether_session_get_last_error (session));
  toast = g_strdup_printf ("Session “Behind” is broken: %s", tether_session_get_last_error (session));
  tether_test_wait_until (window_shows, toast, WAIT_MS);
  assert_one_bar_says_why (session);

  tether_session_manager_remove_session (manager (), other);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  set_window (60);
}

/* While a session retries, the list says Connecting and the window stays
 * usable; Close Session on its bar: the session is Closed and its tab
 * goes. */
static void
test_close_from_bar (void)
{
  g_autoptr(TetherTestSshd) away = tether_test_sshd_new (NULL);
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherSession) other = NULL;

  tether_test_sshd_trust (away);
  set_window (60);
  session = g_object_ref (add_session (tether_test_sshd_get_target (away), "Closing", NULL));
  enter (session);

  tether_test_sshd_shut_down (away);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  /* The list says so too, and the window stays usable: another session
   * opens, is entered and answers meanwhile. */
  tether_test_wait_until (tree_shows, (gpointer) "Connecting", WAIT_MS);
  other = g_object_ref (add_session (tether_test_sshd_get_target (sshd), "Meanwhile", NULL));
  enter (other);
  type (other, "echo meanwhile-$((7*7))\n");
  wait_for_text (other, "meanwhile-49");
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CONNECTING);
  tether_session_manager_remove_session (manager (), other);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bar_of (session)), "reconnect.close", NULL));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);

  g_test_add_func ("/reconnect-bar/comes-back", test_comes_back);
  g_test_add_func ("/reconnect-bar/broken-then-reconnect", test_broken_then_reconnect);
  g_test_add_func ("/reconnect-bar/close", test_close_from_bar);
  g_test_add_func ("/reconnect-bar/broken-behind", test_broken_behind);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
