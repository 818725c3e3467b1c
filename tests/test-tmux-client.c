/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"
#include "tether-tmux-client.h"

/* The tmux configuration: the shell lives in a tmux session on the server
 * (the sshd's own tmux server, TMUX_TMPDIR in its environment), driven in
 * control mode. */

static TetherTestSshd *sshd;

static TetherSession *
open_tmux_session (TetherSessionManager *manager,
                   TetherTestSshd       *server)
{
  return tether_test_new_tmux_session (manager, tether_test_sshd_get_target (server));
}

/* Whether the server's tmux has the session's tmux session, asked over a
 * DefaultShell session's exec channel. */
static gboolean
remote_tmux_has (TetherSession *probe,
                 const char    *instance_id)
{
  g_autofree char *command = g_strdup_printf ("tmux has-session -t '=tether-%s' 2>/dev/null; echo $?",
                                              instance_id);
  g_autofree char *output = tether_test_exec (probe, command);

  return output[0] == '0';
}

/* Closing ends the tmux session: the request may still be on its way,
 * so it is asked again until it is gone (or the test times out). */
static void
assert_remote_tmux_ends (TetherSessionManager *manager,
                         const char           *instance_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) probe = tether_test_new_session (manager, tether_test_sshd_get_target (sshd),
                                                            NULL, &error);

  g_assert_no_error (error);
  while (remote_tmux_has (probe, instance_id))
    ;
}

static void
test_decode (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "plain", "plain" },
    { "a\\015\\012b", "a\r\nb" },
    { "\\134\\033[1m", "\\\033[1m" },
    { "é\\011x", "é\tx" },
    { "end\\", "end\\" },
    { "\\0", "\0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) out = tether_tmux_decode_output (cases[i].in, strlen (cases[i].in));
      gsize expected = strlen (cases[i].out) + (cases[i].out[0] == '\0' ? 1 : 0);

      g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), cases[i].out, expected);
    }
}

static void
test_version (void)
{
  g_assert_true (tether_tmux_version_supported ("3.3a"));
  g_assert_true (tether_tmux_version_supported ("3.2"));
  g_assert_true (tether_tmux_version_supported ("10.0"));
  g_assert_true (tether_tmux_version_supported ("next-3.5"));
  g_assert_true (tether_tmux_version_supported ("master"));
  g_assert_true (tether_tmux_version_supported ("openbsd-7.4"));
  g_assert_false (tether_tmux_version_supported ("3.1c"));
  g_assert_false (tether_tmux_version_supported ("2.9a"));
  g_assert_false (tether_tmux_version_supported ("next-3.0"));
}

/* A shell in tmux: input byte for byte, its PTY at the viewer's size. */
static void
test_shell_in_tmux (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = open_tmux_session (manager, sshd);
  g_autofree char *instance_id = NULL;

  g_assert_cmpstr (tether_session_get_configuration_name (session), ==, "tmux");
  tether_test_attach (session);
  tether_test_type (session, "echo in-$TMUX_PANE-$((6*7)); stty size\r");
  tether_test_wait_for_output (session, "in-%0-42");
  tether_test_wait_for_output (session, "24 80");

  tether_test_clear_output (session);
  tether_session_resize (session, 100, 30);
  tether_test_type (session, "stty size\r");
  tether_test_wait_for_output (session, "30 100");

  /* Ctrl+C reaches the program in the pane. */
  tether_test_clear_output (session);
  tether_test_type (session, "sh -c 'echo start-$((3*3)); exec sleep 600'\r");
  tether_test_wait_for_output (session, "start-9");
  tether_test_clear_output (session);
  tether_test_type (session, "\003");
  tether_test_wait_for_output (session, "# ");
  tether_test_type (session, "echo after-$((1+1))\r");
  tether_test_wait_for_output (session, "after-2");

  instance_id = g_strdup (tether_session_get_instance_id (session));
  g_assert_true (remote_tmux_has (session, instance_id));
  tether_session_manager_close_session (manager, session);
  assert_remote_tmux_ends (manager, instance_id);
  tether_session_manager_close_all (manager);
}

static gboolean
is_broken (gpointer data)
{
  return tether_session_get_state (data) == TETHER_SESSION_STATE_BROKEN;
}

/* The connection goes, the tmux session stays: opened again, the session
 * re-attaches to the same shell, its screen restored first. */
static void
test_reattach_restores (void)
{
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  /* Never retried (reconnect-window 0): the open after Broken re-attaches. */
  config.reconnect_window_s = 0;
  manager = tether_session_manager_new (NULL, &config);
  session = open_tmux_session (manager, sshd);
  tether_test_attach (session);
  tether_test_type (session, "X=kept; for i in 1 2 3; do echo line-$i-$((i*11)); done\r");
  tether_test_wait_for_output (session, "line-3-33");

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_until (is_broken, session, 20000);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);

  tether_test_clear_output (session);
  tether_test_attach (session);
  /* Restored before anything is typed: the lines printed before. */
  tether_test_wait_for_output (session, "line-2-22");
  tether_test_type (session, "echo \"x=$X\"\r");
  tether_test_wait_for_output (session, "x=kept");

  tether_session_manager_close_all (manager);
}

static void
same_shell_cb (TetherSession *session,
               gboolean       same_shell,
               int           *same)
{
  *same = same_shell ? 1 : -1;
}

/* A lost connection, back within the reconnect window: the viewer that
 * stayed gets the same shell (its variable still set), told so by
 * `reconnected` with same_shell TRUE. */
static void
test_reconnect_same_shell (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = open_tmux_session (manager, sshd);
  int same = 0;

  tether_test_attach (session);
  tether_test_type (session, "X=kept-$((6*7)); echo set-$X\r");
  tether_test_wait_for_output (session, "set-kept-42");
  g_signal_connect (session, "reconnected", G_CALLBACK (same_shell_cb), &same);

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, 20000);
  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, 20000);
  while (same == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (same, ==, 1);
  g_assert_true (tether_session_get_attached (session));

  tether_test_clear_output (session);
  tether_test_type (session, "echo \"x=$X\"\r");
  tether_test_wait_for_output (session, "x=kept-42");
  tether_session_manager_close_all (manager);
}

/* Out of the reconnect window, a saved tmux session is Disconnected, not
 * Broken: its shell may still run on the server, and Connect re-attaches.
 * (Here the test's sshd takes its tmux server with it, so Connect finds a
 * fresh one.) */
static void
test_reconnect_window_disconnects (void)
{
  g_autoptr(TetherTestSshd) own = tether_test_sshd_new (NULL);
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (own);
  config.reconnect_window_s = 1;
  manager = tether_session_manager_new (NULL, &config);
  session = open_tmux_session (manager, own);
  tether_test_attach (session);

  tether_test_sshd_shut_down (own);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, 20000);
  tether_test_wait_state (session, TETHER_SESSION_STATE_DISCONNECTED, 20000);
  g_assert_false (tether_session_get_attached (session));
  g_assert_cmpint (tether_session_get_disconnected_on (session), >, 0);

  tether_test_sshd_restart (own);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (tether_session_get_disconnected_on (session), ==, 0);
  tether_test_attach (session);
  tether_test_type (session, "echo back-$((6*7))\r");
  tether_test_wait_for_output (session, "back-42");
  tether_session_manager_close_all (manager);
}

/* `exit` ends the tmux session; the session stays Opened and the next
 * Enter starts a fresh one. */
static void
test_exit_starts_fresh (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = open_tmux_session (manager, sshd);

  tether_test_attach (session);
  tether_test_type (session, "X=gone; echo set-$((2+2))\r");
  tether_test_wait_for_output (session, "set-4");
  tether_test_type (session, "exit\r");
  tether_test_wait_shell_exit (session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_false (tether_session_get_attached (session));

  tether_test_clear_output (session);
  tether_test_attach (session);
  tether_test_type (session, "echo \"fresh:${X:-unset}\"\r");
  tether_test_wait_for_output (session, "fresh:unset");

  tether_session_manager_close_all (manager);
}

/* The setting for new sessions' configuration: a session given none gets
 * tmux. */
static void
test_default_configuration (void)
{
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  TetherSessionDefinition def = { .target = tether_test_sshd_get_target (sshd) };
  g_autoptr(GError) error = NULL;
  TetherSession *session;

  config.tmux_by_default = TRUE;
  manager = tether_session_manager_new (NULL, &config);
  session = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tether_session_get_configuration_name (session), ==, "tmux");

  def.configuration_name = "DefaultShell";
  session = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tether_session_get_configuration_name (session), ==, "DefaultShell");
}

typedef struct {
  TetherChannel *giver;
  gsize          held;
} Hoard;

/* A viewer that takes the pane's output and holds it. */
static gboolean
hoard_cb (TetherSession *session,
          TetherChannel *giver,
          GBytes        *data,
          Hoard         *hoard)
{
  if (giver == NULL)
    return FALSE;
  hoard->giver = giver;
  hoard->held += g_bytes_get_size (data);
  return TRUE;
}

static gboolean
held_a_window (gpointer data)
{
  Hoard *hoard = data;

  /* The worker reads libssh's whole buffer or nothing (test-session.c). */
  return hoard->giver != NULL
         && hoard->held + 1280000 >= tether_channel_get_window (hoard->giver);
}

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

/* A flood in tmux is paced like a shell's: what the viewer holds stays
 * within the channel's window (the memory held here is flat, whatever
 * the pane prints), and the channel's count is exact to the byte once the
 * viewer gives back what it took: the framing was given back by the
 * client. */
static void
test_flood_paced (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = open_tmux_session (manager, sshd);
  Hoard hoard = { 0 };
  gboolean waited = FALSE;
  gulong id;
  gsize window;

  id = g_signal_connect (session, "output", G_CALLBACK (hoard_cb), &hoard);
  tether_test_attach (session);
  tether_test_type (session, "yes | head -c 20000000; echo; echo paced-$((40+2))\r");
  tether_test_wait_until (held_a_window, &hoard, 20000);
  g_timeout_add (300, timeout_cb, &waited);
  tether_test_wait_for_flag (&waited, 20000);

  window = tether_channel_get_window (hoard.giver);
  g_test_message ("held %" G_GSIZE_FORMAT " bytes of a %" G_GSIZE_FORMAT "-byte window", hoard.held, window);
  g_assert_cmpuint (hoard.held, <=, window);
  g_assert_cmpuint (tether_channel_get_in_flight (hoard.giver), <=, window);

  g_signal_handler_disconnect (session, id);
  tether_channel_consume (hoard.giver, hoard.held);
  tether_test_wait_for_output (session, "paced-42");
  tether_test_wait_until (nothing_held, hoard.giver, 20000);

  tether_session_manager_close_all (manager);
}

static void
assert_tells_minimum (const GError *error,
                      const char   *what)
{
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, what));
  g_assert_nonnull (strstr (error->message, "“tmux” package"));
  g_assert_nonnull (strstr (error->message, "3.2 or later"));
}

/* New-PSSession in the tmux configuration on @bare fails with a sentence
 * saying @what, and leaves no session and no connection. */
static void
assert_new_refused (TetherSessionManager *manager,
                    TetherTestSshd       *bare,
                    const char           *what)
{
  TetherSessionDefinition def = {
    .target = tether_test_sshd_get_target (bare),
    .name = "Refused",
    .configuration_name = TETHER_TMUX_CONFIGURATION_NAME,
    .persistent = TRUE,
  };
  g_autoptr(GError) error = NULL;

  g_assert_null (tether_test_new_session_def (manager, &def, &error));
  assert_tells_minimum (error, what);
  g_assert_null (tether_session_manager_lookup (manager, "Refused"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

/* No tmux on the server: a tmux session is not created there, whichever
 * way it is made, and one made without connecting (Save Without
 * Connecting, Duplicate: both add a session) or edited into tmux does not
 * open; DefaultShell sessions and Invoke-Command's temporary sessions,
 * which run no tmux, still do. */
static void
test_no_tmux_new (void)
{
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) temporary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  TetherSessionDefinition def = { .name = "Saved", .persistent = TRUE };
  TetherTestSshd *bare = tether_test_sshd_new_with_path ("/nonexistent");
  TetherSession *saved, *edited;
  TetherTestWait wait = { 0 };

  tether_test_sshd_trust (bare);
  config.tmux_by_default = TRUE;
  manager = tether_session_manager_new (NULL, &config);
  assert_new_refused (manager, bare, "There is no tmux on 127.0.0.1.");

  /* Enter-PSSession -ComputerName (quick connect), tmux by default. */
  g_assert_null (tether_test_enter_computer (manager, tether_test_sshd_get_target (bare), &error));
  assert_tells_minimum (error, "There is no tmux");
  g_clear_error (&error);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);

  def.target = tether_test_sshd_get_target (bare);
  saved = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_false (tether_test_open_session (manager, saved, &error));
  assert_tells_minimum (error, "There is no tmux");
  g_assert_cmpint (tether_session_get_state (saved), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpstr (tether_session_get_last_error (saved), ==, error->message);
  g_clear_error (&error);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);

  /* Edit: a DefaultShell session opens there; turned tmux, it does not. */
  def.name = "Edited";
  def.configuration_name = "DefaultShell";
  edited = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_true (tether_test_open_session (manager, edited, &error));
  g_assert_no_error (error);
  tether_session_manager_close_session (manager, edited);
  def.configuration_name = TETHER_TMUX_CONFIGURATION_NAME;
  g_assert_true (tether_session_manager_update_session (manager, edited, &def, &error));
  g_assert_false (tether_test_open_session (manager, edited, &error));
  assert_tells_minimum (error, "There is no tmux");
  g_assert_cmpint (tether_session_get_state (edited), ==, TETHER_SESSION_STATE_CLOSED);
  g_clear_error (&error);

  tether_session_manager_open_computer_async (manager, tether_test_sshd_get_target (bare), NULL,
                                              NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  temporary = tether_session_manager_open_computer_finish (manager, wait.result, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  status = tether_test_exec (temporary, "echo ran-$((2*3))");
  g_assert_cmpstr (status, ==, "ran-6\n");

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (bare);
}

/* A tmux older than 3.2 (a stand-in that says it is 2.9 and notes each
 * call): not created, and tmux was asked only its version. */
static void
test_old_tmux_new (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autofree char *bin = g_dir_make_tmp ("old-tmux-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (bin, "tmux", NULL);
  g_autofree char *calls_path = g_build_filename (bin, "calls", NULL);
  g_autofree char *calls = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestSshd *bare;

  /* Shell built-ins only: nothing else is on that PATH. */
  g_file_set_contents (script,
                       "#!/bin/sh\n"
                       "echo \"$*\" >> \"${0%/*}/calls\"\n"
                       "[ \"$1\" = -V ] && echo 'tmux 2.9' && exit 0\n"
                       "echo 'a stand-in for tmux 2.9: nothing but -V' >&2\n"
                       "exit 1\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  bare = tether_test_sshd_new_with_path (bin);
  tether_test_sshd_trust (bare);
  assert_new_refused (manager, bare, "The tmux on 127.0.0.1 is version 2.9;");

  g_assert_true (g_file_get_contents (calls_path, &calls, NULL, NULL));
  g_assert_cmpstr (calls, ==, "-V\n");
  tether_test_sshd_free (bare);
  g_remove (calls_path);
  g_remove (script);
  g_rmdir (bin);
}

/* The server lost its tmux after the session was made: re-attaching does
 * not refuse to connect; Enter fails with the same sentence. */
static void
test_no_tmux_attach (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(GError) error = NULL;
  TetherSessionDefinition def = {
    .name = "Kept",
    .configuration_name = TETHER_TMUX_CONFIGURATION_NAME,
    .persistent = TRUE,
    .disconnected_on = g_get_real_time () / G_USEC_PER_SEC,
  };
  TetherTestSshd *bare = tether_test_sshd_new_with_path ("/nonexistent");
  TetherTestWait wait = { 0 };
  TetherSession *session;

  tether_test_sshd_trust (bare);
  def.target = tether_test_sshd_get_target (bare);
  session = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);

  tether_session_attach_async (session, 80, 24, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  g_assert_false (tether_session_attach_finish (session, wait.result, &error));
  g_object_unref (wait.result);
  assert_tells_minimum (error, "There is no tmux on 127.0.0.1.");
  g_assert_false (tether_session_get_attached (session));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (bare);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  g_test_add_func ("/tmux/decode", test_decode);
  g_test_add_func ("/tmux/version", test_version);
  g_test_add_func ("/tmux/shell", test_shell_in_tmux);
  g_test_add_func ("/tmux/reattach-restores", test_reattach_restores);
  g_test_add_func ("/tmux/reconnect-same-shell", test_reconnect_same_shell);
  g_test_add_func ("/tmux/reconnect-window-disconnects", test_reconnect_window_disconnects);
  g_test_add_func ("/tmux/exit-starts-fresh", test_exit_starts_fresh);
  g_test_add_func ("/tmux/no-tmux-new", test_no_tmux_new);
  g_test_add_func ("/tmux/old-tmux-new", test_old_tmux_new);
  g_test_add_func ("/tmux/no-tmux-attach", test_no_tmux_attach);
  g_test_add_func ("/tmux/flood-paced", test_flood_paced);
  g_test_add_func ("/tmux/default-configuration", test_default_configuration);

  status = g_test_run ();
  tether_test_sshd_free (sshd);
  return status;
}
