/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "tether-session-manager.h"
#include "tether-session-tab.h"
#include "tether-terminal-private.h"
#include "tether-test-screen.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/*
 * A flood into a session nobody views, under each output-buffering-mode,
 * against a real sshd: the session is entered, left (its tab out of the
 * window), and a remote awk prints colour lines and, every 1000 lines, how
 * many it printed into a file this test reads (the sshd is local).
 * - drop: the remote program runs to its end while nobody views it, and
 *   VTE parses little of it;
 * - block: it stops once the channel's window is full, nothing is fed or
 *   given back, and Enter lets it run to its end.
 * Either way, after Enter the screen, scrollback and colours are those of
 * a reference terminal that parsed every byte the shell sent, at the same
 * size.  Every wait iterates the main context until a condition holds.
 */

#define WAIT_MS 60000
#define SCROLLBACK 1000
/* ~13 MB: several times what the channel's, libssh's and sshd's windows
 * hold together (under 5 MB). */
#define FLOOD_LINES 600000
/* The remote is seen stopped when its count stays the same this long. */
#define STILL_US (1500 * G_TIME_SPAN_MILLISECOND)

static TetherTestSshd *sshd;

typedef struct {
  TetherSessionManager *manager;
  TetherSession        *session;
  GSettings            *settings;
  GtkWindow            *window;
  GtkWindow            *reference_window;
  TetherSessionTab     *tab;
  TetherTerminal       *terminal;
  /* Fed every byte the shell sent, none skipped. */
  TetherTerminal       *reference;
  char                 *dir;
  char                 *count_path;
  char                 *done_path;
  /* The remote's count, and when it last changed. */
  guint64               count;
  gint64                count_changed;
} Fixture;

static void
record_output (TetherChannel *shell,
               GBytes        *data,
               gboolean       is_stderr,
               Fixture       *f)
{
  _tether_terminal_push (f->reference, NULL, data);
}

static gboolean
has_shell (gpointer data)
{
  return tether_session_get_has_shell (data);
}

static gboolean
allocated (gpointer data)
{
  return tether_terminal_get_allocated (data);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint columns, rows;

  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "output-buffering-mode", data);
  g_settings_set_int (f->settings, "scrollback-lines", SCROLLBACK);

  f->manager = tether_session_manager_new (NULL, tether_test_config ());
  f->session = tether_test_new_session (f->manager, tether_test_sshd_get_target (sshd),
                                        "Server01", &error);
  g_assert_no_error (error);
  tether_test_wait_until (has_shell, f->session, WAIT_MS);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 500);
  f->tab = g_object_ref_sink (tether_session_tab_new (f->session));
  f->terminal = tether_session_tab_get_terminal (f->tab);
  gtk_window_set_child (f->window, GTK_WIDGET (f->tab));
  gtk_window_present (f->window);
  tether_test_wait_until (allocated, f->terminal, WAIT_MS);

  /* The reference: the same grid, every byte parsed, from the first. */
  f->reference = tether_terminal_new ();
  _tether_terminal_set_skipping (f->reference, FALSE);
  tether_terminal_get_grid_size (f->terminal, &columns, &rows);
  vte_terminal_set_size (VTE_TERMINAL (f->reference), columns, rows);
  f->reference_window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (f->reference_window, GTK_WIDGET (f->reference));
  gtk_window_present (f->reference_window);
  tether_test_wait_until (allocated, f->reference, WAIT_MS);
  g_assert_cmpint (vte_terminal_get_column_count (VTE_TERMINAL (f->reference)), ==, columns);
  g_assert_cmpint (vte_terminal_get_row_count (VTE_TERMINAL (f->reference)), ==, rows);
  g_signal_connect (tether_session_get_shell (f->session), "output",
                    G_CALLBACK (record_output), f);

  f->dir = g_build_filename (tether_test_get_tmpdir (), "detached-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (f->dir));
  f->count_path = g_build_filename (f->dir, "count", NULL);
  f->done_path = g_build_filename (f->dir, "done", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  tether_session_tab_leave (f->tab);
  gtk_window_destroy (f->window);
  gtk_window_destroy (f->reference_window);
  g_assert_finalize_object (f->tab);
  tether_session_manager_close_all (f->manager);
  g_clear_object (&f->session);
  g_clear_object (&f->manager);
  g_settings_reset (f->settings, "output-buffering-mode");
  g_settings_reset (f->settings, "scrollback-lines");
  g_clear_object (&f->settings);
  g_unlink (f->count_path);
  g_unlink (f->done_path);
  g_rmdir (f->dir);
  g_free (f->count_path);
  g_free (f->done_path);
  g_free (f->dir);
}

typedef struct {
  TetherTerminal *terminal;
  const char     *needle;
} TextWait;

static gboolean
text_contains (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = vte_terminal_get_text (VTE_TERMINAL (wait->terminal), NULL, NULL, NULL);

  return text != NULL && strstr (text, wait->needle) != NULL;
}

static void
wait_for_text (TetherTerminal *terminal,
               const char     *needle)
{
  TextWait wait = { terminal, needle };

  tether_test_wait_until (text_contains, &wait, WAIT_MS);
}

static void
write_line (Fixture    *f,
            const char *line)
{
  tether_session_write (f->session, line, strlen (line));
}

static void
store_result (GObject      *object,
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

/* Into the window, then Enter, as the window does. */
static void
enter (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  if (gtk_widget_get_parent (GTK_WIDGET (f->tab)) == NULL)
    gtk_window_set_child (f->window, GTK_WIDGET (f->tab));
  tether_session_tab_enter_async (f->tab, NULL, store_result, &result);
  tether_test_wait_until (result_set, &result, WAIT_MS);
  g_assert_true (tether_session_tab_enter_finish (f->tab, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

/* Exit: the tab leaves, out of the window, as the window does it. */
static void
leave (Fixture *f)
{
  tether_session_tab_leave (f->tab);
  gtk_window_set_child (f->window, NULL);
  g_assert_false (tether_session_get_attached (f->session));
}

static guint64
bytes_through (TetherTerminal *terminal)
{
  return _tether_terminal_get_bytes_fed (terminal) + _tether_terminal_get_bytes_skipped (terminal);
}

static void
start_flood (Fixture *f)
{
  g_autofree char *command =
    g_strdup_printf ("awk 'BEGIN { for (i = 1; i <= %d; i++) {"
                     " printf \"\\033[3%%dmline %%d\\033[0m\\n\", i %% 8, i;"
                     " if (i %% 1000 == 0) { print i > \"%s\"; close (\"%s\") } }"
                     " print \"done\" > \"%s\" }'; echo flood-$((2+3))-over\n",
                     FLOOD_LINES, f->count_path, f->count_path, f->done_path);

  write_line (f, command);
}

static gboolean
done (gpointer data)
{
  Fixture *f = data;

  return g_file_test (f->done_path, G_FILE_TEST_EXISTS);
}

static gboolean
idle (gpointer data)
{
  TetherTerminal *terminal = data;

  return terminal->queued == 0 && terminal->fed == 0;
}

/* Both terminals parsed everything, and show the same. */
static void
assert_same_after_enter (Fixture *f)
{
  gint64 deadline;

  wait_for_text (f->terminal, "flood-5-over");
  write_line (f, "echo end-$((3+4))\n");
  wait_for_text (f->terminal, "end-7");
  tether_test_wait_until (idle, f->terminal, WAIT_MS);
  tether_test_wait_until (idle, f->reference, WAIT_MS);
  /* VTE parses the last slice on its own timers: wait, within a bound,
   * for the screens to agree, and let the assertion say where not. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!tether_test_same_text (VTE_TERMINAL (f->terminal), VTE_TERMINAL (f->reference))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  tether_test_assert_same_screen (VTE_TERMINAL (f->terminal), VTE_TERMINAL (f->reference),
                                  SCROLLBACK, "end-7");
  /* The flood went through the terminal, most of it skipped. */
  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->terminal), >, 0);
}

static void
enter_and_leave (Fixture *f)
{
  enter (f);
  write_line (f, "echo ready-$((1+1))\n");
  wait_for_text (f->terminal, "ready-2");
  leave (f);
}

static void
test_drop (Fixture       *f,
           gconstpointer  data)
{
  guint64 fed_before, through_before;

  enter_and_leave (f);
  fed_before = _tether_terminal_get_bytes_fed (f->terminal);
  through_before = bytes_through (f->terminal);

  /* Nobody views it: it runs to its end all the same. */
  start_flood (f);
  tether_test_wait_until (done, f, WAIT_MS);
  g_assert_false (tether_session_get_attached (f->session));

  /* And its end reaches the screen once the flood is over, entered or
   * not; VTE parsed a small part of it. */
  wait_for_text (f->terminal, "flood-5-over");
  g_assert_cmpuint (bytes_through (f->terminal) - through_before, >, 10 * 1024 * 1024);
  g_assert_cmpuint (_tether_terminal_get_bytes_fed (f->terminal) - fed_before, <,
                    (bytes_through (f->terminal) - through_before) / 4);

  enter (f);
  assert_same_after_enter (f);
}

static gboolean
remote_still (gpointer data)
{
  Fixture *f = data;
  g_autofree char *text = NULL;
  TetherChannel *shell = tether_session_get_shell (f->session);
  gint64 now = g_get_monotonic_time ();
  guint64 count = 0;

  if (g_file_get_contents (f->count_path, &text, NULL, NULL))
    count = g_ascii_strtoull (text, NULL, 10);
  if (count != f->count || f->count_changed == 0)
    {
      f->count = count;
      f->count_changed = now;
      return FALSE;
    }
  /* Counting, the channel full, and the count the same for a while. */
  return count > 0
         && tether_channel_get_in_flight (shell) + 1280000 > tether_channel_get_window (shell)
         && now - f->count_changed > STILL_US;
}

static void
test_block (Fixture       *f,
            gconstpointer  data)
{
  TetherChannel *shell;
  guint64 through_before;

  enter_and_leave (f);
  shell = tether_session_get_shell (f->session);
  through_before = bytes_through (f->terminal);

  /* Nobody views it: it stops once the channel's window is full, far
   * from its end. */
  start_flood (f);
  tether_test_wait_until (remote_still, f, WAIT_MS);
  g_assert_false (done (f));
  g_assert_cmpuint (f->count, <, FLOOD_LINES / 2);
  /* The terminal fed, skipped and gave back nothing: it holds the
   * window, and the remote waits for it. */
  g_assert_cmpuint (bytes_through (f->terminal), ==, through_before);
  g_assert_cmpuint (tether_channel_get_in_flight (shell), <=, tether_channel_get_window (shell));
  g_assert_cmpuint (f->terminal->queued, ==, tether_channel_get_in_flight (shell));

  /* Enter: the flood goes on to its end, and shows. */
  enter (f);
  tether_test_wait_until (done, f, WAIT_MS);
  assert_same_after_enter (f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  tether_test_start_private_display ();
  gtk_init ();
  adw_init ();

  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  g_test_add ("/terminal-detached/drop", Fixture, "drop",
              fixture_set_up, test_drop, fixture_tear_down);
  g_test_add ("/terminal-detached/block", Fixture, "block",
              fixture_set_up, test_block, fixture_tear_down);

  status = g_test_run ();
  tether_test_sshd_free (sshd);
  return status;
}
