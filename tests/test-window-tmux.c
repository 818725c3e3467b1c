/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-test-session.h"
#include "tether-test-window.h"

/*
 * The window and sessions in the tmux configuration, against the harness
 * sshd's own tmux: the output a Disconnected session printed meanwhile,
 * offered as it is entered and on demand (Receive Output), and Remove of a
 * Disconnected session whose server cannot be reached, which asks.
 */

#define LATE "late-10\nlate-20\nlate-30\n"

static gboolean
state_is_disconnected (gpointer data)
{
  return tether_session_get_state (data) == TETHER_SESSION_STATE_DISCONNECTED;
}

static TetherSession *
add_tmux_session (const char *name)
{
  TetherSessionDefinition def = { .target = tether_test_sshd_get_target (sshd), .name = name,
                                  .configuration_name = "tmux" };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_session_manager_add_session (manager (), &def, &error);

  g_assert_no_error (error);
  return session;
}

/* Disconnect, as the toolbar's button does, for the session entered. */
static void
disconnect_entered (TetherSession *session)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect-session", NULL);
  tether_test_wait_until (state_is_disconnected, session, WAIT_MS);
  while (adw_tab_view_get_n_pages (tab_view ()) > 0)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
}

/* Runs @command on the server through a session of its own. */
static char *
on_server (const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) probe = NULL;
  char *output;

  probe = tether_test_new_session (manager (), tether_test_sshd_get_target (sshd), NULL, &error);
  g_assert_no_error (error);
  output = tether_test_exec (probe, command);
  tether_session_manager_remove_session (manager (), probe);
  return output;
}

static gboolean
output_window_shown (gpointer data)
{
  return find_toplevel ("tether-output-window") != NULL;
}

/* What the output window shows, as it shows it. */
static char *
shown_output (void)
{
  GtkWidget *view = tether_test_find_widget (GTK_WIDGET (find_toplevel ("tether-output-window")),
                                             tether_test_is_of_type, GSIZE_TO_POINTER (GTK_TYPE_TEXT_VIEW));
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_assert_nonnull (view);
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
close_output_window (void)
{
  gtk_window_close (find_toplevel ("tether-output-window"));
}

/* The three lines printed after the Disconnect, then at most the prompt
 * the shell printed after them: nothing from before. */
static void
assert_late_lines_only (const char *text)
{
  const char *rest;

  g_test_message ("shown: %s", text);
  g_assert_true (g_str_has_prefix (text, LATE));
  g_assert_null (strstr (text, "early"));
  rest = strchr (text + strlen (LATE), '\n');
  g_assert_true (rest == NULL || rest[1] == '\0');
}

/* Disconnect; the shell prints on; Enter connects to the same shell, and a
 * toast offers what it printed meanwhile, exactly, in a window of its own. */
static void
test_output_on_enter (void)
{
  TetherSession *session = add_tmux_session ("Away");
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *go = NULL;
  g_autofree char *text = NULL;
  GtkWidget *button;

  enter (session);
  /* The shell waits for a file made once it is disconnected, then prints
   * three lines and makes another. */
  type (session, "X=before; echo early-$((1+1)); "
                 "while [ ! -e \"$HOME/go-away\" ]; do sleep 0.05; done; "
                 "for i in 1 2 3; do echo late-$((i*10)); done; touch \"$HOME/done-away\"\n");
  wait_for_text (session, "early-2");
  disconnect_entered (session);

  go = on_server ("touch \"$HOME/go-away\"; "
                  "while [ ! -e \"$HOME/done-away\" ]; do sleep 0.05; done; echo printed");
  g_assert_cmpstr (go, ==, "printed\n");

  enter (session);
  /* After the toasts before it (Disconnect's). */
  wait_toast_shown ("_Show Output");
  button = toast_button ("_Show Output");
  /* Three lines and the prompt after them, or without it. */
  g_assert_true (label_contains (GTK_WIDGET (window), "“Away” printed 4 lines while disconnected") ||
                 label_contains (GTK_WIDGET (window), "“Away” printed 3 lines while disconnected"));
  g_signal_emit_by_name (button, "clicked");
  tether_test_wait_until (output_window_shown, NULL, WAIT_MS);
  text = shown_output ();
  assert_late_lines_only (text);
  close_output_window ();

  /* The re-attach was not disturbed: the same shell, its earlier lines
   * and the later ones on screen. */
  wait_for_text (session, "early-2");
  wait_for_text (session, "late-30");
  type (session, "echo \"x=$X\"\n");
  wait_for_text (session, "x=before");

  while (adw_tab_view_get_n_pages (tab_view ()) > 0)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_session_manager_remove_session (manager (), session);
}

/* Receive Output (the row menu's) shows what a Disconnected session
 * printed meanwhile and leaves it Disconnected. */
static void
test_receive_output (void)
{
  TetherSession *session = add_tmux_session ("Listened");
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *send = NULL;
  g_autofree char *ran = NULL;
  g_autofree char *text = NULL;

  enter (session);
  type (session, "echo early-$((2+3))\n");
  wait_for_text (session, "early-5");
  disconnect_entered (session);

  /* Typed in the detached shell by tmux itself; waited for until run. */
  send = g_strdup_printf ("tmux send-keys -t '=tether-%s:' 'echo late-$((6*7))' Enter; "
                          "until tmux capture-pane -p -t '=tether-%s:' | grep -qx late-42; do sleep 0.05; done; "
                          "echo ran",
                          tether_session_get_instance_id (session), tether_session_get_instance_id (session));
  ran = on_server (send);
  g_assert_cmpstr (ran, ==, "ran\n");

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.receive-session", NULL);
  tether_test_wait_until (output_window_shown, NULL, WAIT_MS);
  text = shown_output ();
  g_test_message ("shown: %s", text);
  g_assert_nonnull (strstr (text, "\nlate-42\n"));
  g_assert_null (strstr (text, "early"));
  close_output_window ();
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);

  tether_session_manager_remove_session (manager (), session);
}

static gboolean
forget_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-forget-session-dialog") != NULL;
}

static AdwMessageDialog *
remove_and_wait_question (TetherSession *session)
{
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-session", NULL);
  tether_test_wait_until (forget_dialog_shown, NULL, WAIT_MS);
  return ADW_MESSAGE_DIALOG (find_toplevel ("tether-forget-session-dialog"));
}

/* Remove of a Disconnected session whose server is down: it asks, naming
 * the session, the reason and what keeps running; Cancel keeps it, Forget
 * forgets it here, and Undo lists it Disconnected again: its shell, which
 * ran on, is the one Enter then gives back. */
static void
test_remove_unreachable (void)
{
  TetherSession *session = add_tmux_session ("Unreachable");
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *instance_id = g_strdup (tether_session_get_instance_id (session));
  AdwMessageDialog *dialog;
  TetherSession *back;
  gint64 disconnected_on;

  enter (session);
  type (session, "echo before-forget-$((6*7))\n");
  wait_for_text (session, "before-forget-42");
  disconnect_entered (session);
  disconnected_on = tether_session_get_disconnected_on (session);
  g_assert_cmpint (disconnected_on, >, 0);
  tether_test_sshd_shut_down_sshd (sshd);

  dialog = remove_and_wait_question (session);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Forget “Unreachable”?");
  g_assert_true (label_contains (GTK_WIDGET (dialog), "refused the connection"));
  g_assert_true (label_contains (GTK_WIDGET (dialog), "If “Unreachable” is forgotten now, its shell keeps "
                                                      "running on the server until its idle timeout ends it"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "forget"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (tether_session_manager_lookup (manager (), "Unreachable") == session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);

  dialog = remove_and_wait_question (session);
  adw_message_dialog_response (dialog, "forget");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (tether_session_manager_lookup (manager (), "Unreachable"));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);

  wait_toast_shown ("_Undo");
  g_signal_emit_by_name (toast_button ("_Undo"), "clicked");
  back = tether_session_manager_lookup (manager (), "Unreachable");
  g_assert_nonnull (back);
  g_assert_cmpint (tether_session_get_state (back), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_cmpstr (tether_session_get_instance_id (back), ==, instance_id);
  g_assert_cmpint (tether_session_get_disconnected_on (back), ==, disconnected_on);

  tether_test_sshd_restart (sshd);
  enter (back);
  wait_for_text (back, "before-forget-42");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);

  g_test_add_func ("/window-tmux/output-on-enter", test_output_on_enter);
  g_test_add_func ("/window-tmux/receive-output", test_receive_output);
  /* Last: it stops the server for a while. */
  g_test_add_func ("/window-tmux/remove-unreachable", test_remove_unreachable);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
