/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "tether-session-manager.h"
#include "tether-session-tab-private.h"
#include "tether-terminal-private.h"
#include "tether-test-session.h"
#include "tether-test-keys.h"
#include "tether-test-sshd.h"
#include "tether-test-widgets.h"

/*
 * A session's tab in a real window, against a real sshd: what the remote
 * shell prints is what VTE shows, the remote PTY has the terminal's size, a
 * flood stays within the flow-control window, and the shell's end is told.
 * Every wait iterates the main context until a condition holds: no timing.
 */

#define WAIT_MS 30000

static TetherTestSshd *sshd;

typedef struct {
  TetherSessionManager *manager;
  TetherSession        *session;
  GtkWindow            *window;
  TetherSessionTab     *tab;
  TetherTerminal       *terminal;
  /* The most output the shell channel held at once (its one ledger). */
  gsize                 max_in_flight;
} Fixture;

static void
record_in_flight (TetherChannel *shell,
                  GBytes        *data,
                  gboolean       is_stderr,
                  Fixture       *f)
{
  f->max_in_flight = MAX (f->max_in_flight, tether_channel_get_in_flight (shell));
}

static void
watch_in_flight (Fixture *f)
{
  g_signal_connect (tether_session_get_shell (f->session), "output",
                    G_CALLBACK (record_in_flight), f);
}

typedef struct {
  Fixture    *fixture;
  const char *needle;
} TextWait;

static char *
terminal_text (Fixture *f)
{
  return vte_terminal_get_text (VTE_TERMINAL (f->terminal), NULL, NULL, NULL);
}

static gboolean
text_contains (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = terminal_text (wait->fixture);

  return text != NULL && strstr (text, wait->needle) != NULL;
}

static void
wait_for_text (Fixture    *f,
               const char *needle)
{
  TextWait wait = { f, needle };

  tether_test_wait_until (text_contains, &wait, WAIT_MS);
}

static void
type (Fixture    *f,
      const char *text)
{
  /* As if typed: VTE emits `commit`, which the terminal sends. */
  vte_terminal_feed_child (VTE_TERMINAL (f->terminal), text, (gssize) strlen (text));
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

static gboolean
enter (Fixture  *f,
       GError  **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  tether_session_tab_enter_async (f->tab, NULL, store_result, &result);
  tether_test_wait_until (result_set, &result, WAIT_MS);
  ok = tether_session_tab_enter_finish (f->tab, result, error);
  g_object_unref (result);
  return ok;
}

/* The same tests in the tmux configuration: a fixture's data points to
 * this instead of a server. */
typedef struct {
  TetherTestSshd *server;
} TmuxSetup;

static TmuxSetup tmux_setup;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  TetherTestSshd *server = (TetherTestSshd *) data;
  g_autoptr(GError) error = NULL;

  f->manager = tether_session_manager_new (NULL, tether_test_config ());
  if (data == &tmux_setup)
    f->session = tether_test_new_tmux_session (f->manager, tether_test_sshd_get_target (tmux_setup.server));
  else
    f->session = tether_test_new_session (f->manager, tether_test_sshd_get_target (server),
                                          "Server01", &error);
  g_assert_no_error (error);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 500);
  f->tab = g_object_ref_sink (tether_session_tab_new (f->session));
  f->terminal = tether_session_tab_get_terminal (f->tab);
  gtk_window_set_child (f->window, GTK_WIDGET (f->tab));
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  tether_session_tab_leave (f->tab);
  gtk_window_destroy (f->window);
  g_assert_finalize_object (f->tab);
  tether_session_manager_close_all (f->manager);
  g_clear_object (&f->session);
  g_clear_object (&f->manager);
}

static void
test_output_shown (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *destination = tether_session_dup_destination (f->session);

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  g_object_get (f->tab, "tooltip", &tooltip, NULL);
  g_assert_true (tether_session_get_attached (f->session));
  g_assert_cmpint (tether_session_tab_get_state (f->tab), ==, TETHER_SESSION_TAB_STATE_ENTERED);
  g_assert_cmpstr (tooltip, ==, destination);
  g_assert_cmpint (tether_session_get_availability (f->session), ==,
                   TETHER_SESSION_AVAILABILITY_BUSY);

  type (f, "echo hello-$((6*7))\n");
  wait_for_text (f, "hello-42");

  /* The remote window title joins the tab's title. */
  type (f, "printf '\\033]0;%s\\007' remote-title\n");
  wait_for_text (f, "remote-title");
  while (strstr (tether_session_tab_get_title (f->tab), "remote-title") == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (tether_session_tab_get_title (f->tab), ==, "[Server01] remote-title");
}

typedef struct {
  Fixture *fixture;
  glong    columns;
} GridWait;

static gboolean
grid_is (gpointer data)
{
  GridWait *wait = data;

  return vte_terminal_get_column_count (VTE_TERMINAL (wait->fixture->terminal)) == wait->columns;
}

/* The shell's PTY has the terminal's size.  tmux resizes a pane's PTY on
 * a timer of its own, a moment after the client's size changed: a
 * command typed at once may still see the old size, so it is asked again
 * (each answer marked apart) until it sees the new one. */
static void
check_stty_size (Fixture    *f,
                 const char *marker)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *command = g_strdup_printf ("echo %s-$((%u+1))=$(stty size)\n", marker, attempt);
      g_autofree char *answered = g_strdup_printf ("%s-%u=", marker, attempt + 1);
      g_autofree char *expected = NULL;
      g_autofree char *text = NULL;

      expected = g_strdup_printf ("%s%ld %ld", answered,
                                  vte_terminal_get_row_count (VTE_TERMINAL (f->terminal)),
                                  vte_terminal_get_column_count (VTE_TERMINAL (f->terminal)));
      type (f, command);
      /* The answer, not the command's echo (which shows $((…))). */
      wait_for_text (f, answered);
      text = terminal_text (f);
      if (strstr (text, expected) != NULL)
        return;
      g_assert_cmpuint (attempt, <, 100);
    }
}

static void
test_remote_size (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  glong columns;
  GridWait wait = { f, 0 };

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);

  /* At attach: the real grid, not VTE's 80×24 default. */
  g_assert_cmpint (vte_terminal_get_column_count (VTE_TERMINAL (f->terminal)), !=, 80);
  check_stty_size (f, "first");

  /* A narrower window, and a larger font: both change the grid. */
  columns = vte_terminal_get_column_count (VTE_TERMINAL (f->terminal));
  gtk_window_set_default_size (f->window, 500, 300);
  while (vte_terminal_get_column_count (VTE_TERMINAL (f->terminal)) == columns)
    g_main_context_iteration (NULL, TRUE);
  check_stty_size (f, "narrow");

  columns = vte_terminal_get_column_count (VTE_TERMINAL (f->terminal));
  gtk_widget_activate_action (GTK_WIDGET (f->terminal), "term.zoom-in", NULL);
  wait.columns = columns;
  while (grid_is (&wait))
    g_main_context_iteration (NULL, TRUE);
  check_stty_size (f, "zoomed");
}

static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gsize window;

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  window = tether_channel_get_window (tether_session_get_shell (f->session));
  watch_in_flight (f);

  /* ~4.9 MB, more than twice the window. */
  type (f, "seq 1 700000; echo flood-$((1+1))-done\n");
  wait_for_text (f, "699999\n700000\nflood-2-done");

  /* All of it went through, most of it skipped as it would have scrolled
   * out unseen (test-terminal-skip.c shows that changes nothing). */
  g_assert_cmpuint (_tether_terminal_get_bytes_fed (f->terminal)
                    + _tether_terminal_get_bytes_skipped (f->terminal), >, 2 * window);
  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->terminal), >, 0);
  /* What the terminal held was held on the channel's flow control, never
   * more than its window. */
  g_assert_cmpuint (f->max_in_flight, >, 0);
  g_assert_cmpuint (f->max_in_flight, <=, window);
  /* The shell still answers: nothing was left held, and nothing is now. */
  type (f, "echo after-$((2+2))\n");
  wait_for_text (f, "after-4");
  while (tether_channel_get_in_flight (tether_session_get_shell (f->session)) > 0)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
left_and_flooded (gpointer data)
{
  Fixture *f = data;
  TextWait wait = { f, "away-3-done" };

  return text_contains (&wait);
}

static void
test_leave_keeps_screen (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSessionTab) hold = g_object_ref (f->tab);

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  watch_in_flight (f);
  type (f, "X=kept; echo before-leave-$((1+1))\n");
  wait_for_text (f, "before-leave-2");

  /* Exit: out of the window, as the window does with its tab page.  The
   * shell goes on printing, and the terminal goes on showing it, paced:
   * ~2.4 MB, more than the window, so that its credit comes back while
   * the terminal is out of any window. */
  type (f, "sleep 0.2; seq 1 300000 >/dev/tty; echo away-$((1+2))-done\n");
  tether_session_tab_leave (f->tab);
  g_assert_false (tether_session_get_attached (f->session));
  g_assert_cmpint (tether_session_get_availability (f->session), ==,
                   TETHER_SESSION_AVAILABILITY_AVAILABLE);
  gtk_window_set_child (f->window, NULL);
  tether_test_wait_until (left_and_flooded, f, WAIT_MS);
  g_assert_cmpuint (f->max_in_flight, >, 0);
  g_assert_cmpuint (f->max_in_flight, <=,
                    tether_channel_get_window (tether_session_get_shell (f->session)));

  /* Enter again: the same widget, screen and shell. */
  gtk_window_set_child (f->window, GTK_WIDGET (f->tab));
  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  wait_for_text (f, "away-3-done");
  type (f, "echo x-is-$X\n");
  wait_for_text (f, "x-is-kept");
}

static gboolean
holds_output (gpointer data)
{
  Fixture *f = data;

  return f->max_in_flight > 0;
}

static gboolean
nothing_held (gpointer data)
{
  return tether_channel_get_in_flight (data) == 0;
}

static void
test_unset_gives_back (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TetherChannel *shell;

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  shell = tether_session_get_shell (f->session);
  watch_in_flight (f);
  type (f, "seq 1 3000000\n");
  tether_test_wait_until (holds_output, f, WAIT_MS);

  /* A terminal that stops showing the session (as when its tab goes)
   * gives back what it held: the flood runs on at the network's pace,
   * taken by nobody, and the shell answers again. */
  tether_session_tab_leave (f->tab);
  tether_terminal_set_session (f->terminal, NULL);
  tether_test_wait_until (nothing_held, shell, WAIT_MS);

  tether_terminal_set_session (f->terminal, f->session);
  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  type (f, "echo back-$((1+1))\n");
  wait_for_text (f, "back-2");
}

typedef struct {
  int      status;
  gboolean stays_open;
  gboolean done;
} Exited;

static void
on_exited (TetherSessionTab *tab,
           int               status,
           gboolean          stays_open,
           Exited           *exited)
{
  exited->status = status;
  exited->stays_open = stays_open;
  exited->done = TRUE;
}

static void
test_exit (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Exited exited = { 0 };

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  type (f, "echo ready-$((2*3))\n");
  wait_for_text (f, "ready-6");

  g_signal_connect (f->tab, "shell-exited", G_CALLBACK (on_exited), &exited);
  type (f, "exit 3\n");
  tether_test_wait_for_flag (&exited.done, WAIT_MS);
  g_assert_cmpint (exited.status, ==, 3);
  g_assert_false (exited.stays_open);
  g_assert_null (tether_session_tab_get_message (f->tab));
  g_assert_cmpint (tether_session_tab_get_state (f->tab), ==, TETHER_SESSION_TAB_STATE_EXITED);
  g_assert_cmpint (tether_session_get_state (f->session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_false (tether_session_get_attached (f->session));

  /* Entering again starts a fresh shell. */
  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  type (f, "echo fresh-$((3*3))\n");
  wait_for_text (f, "fresh-9");
}

static void
test_quick_exit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Exited exited = { 0 };
  const char *message;

  /* This server's shell is /bin/false: every shell ends as it starts. */
  g_signal_connect (f->tab, "shell-exited", G_CALLBACK (on_exited), &exited);
  while (tether_session_get_has_shell (f->session))
    g_main_context_iteration (NULL, TRUE);
  if (enter (f, &error))
    tether_test_wait_for_flag (&exited.done, WAIT_MS);
  g_assert_no_error (error);

  g_assert_true (exited.stays_open);
  g_assert_cmpint (exited.status, ==, 1);
  message = tether_session_tab_get_message (f->tab);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "ended as soon as it started (exit status 1)"));
  g_assert_cmpint (tether_session_tab_get_state (f->tab), ==, TETHER_SESSION_TAB_STATE_EXITED);
  g_assert_cmpint (tether_session_get_state (f->session), ==, TETHER_SESSION_STATE_OPENED);
}

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
is_label_saying (GtkWidget     *widget,
                 gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static void
test_actions (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *no_match;
  GtkWidget *entry;
  double scale;

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (f->terminal), "term.zoom-in", NULL);
  scale = vte_terminal_get_font_scale (VTE_TERMINAL (f->terminal));
  g_assert_cmpfloat (scale, >, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (f->terminal), "term.zoom-out", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->terminal), "term.zoom-out", NULL);
  g_assert_cmpfloat (vte_terminal_get_font_scale (VTE_TERMINAL (f->terminal)), <, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (f->terminal), "term.zoom-reset", NULL);
  g_assert_cmpfloat (vte_terminal_get_font_scale (VTE_TERMINAL (f->terminal)), ==, 1.0);

  /* Find: the bar opens with the focus in its entry, and what is typed
   * there becomes the terminal's search.  The text matches nothing on
   * purpose: VTE 0.70 leaks a GdkContentFormatsBuilder each time a search
   * selects its match (LeakSanitizer, in VTE's copy to PRIMARY), which the
   * sanitized run would report. */
  gtk_widget_activate_action (GTK_WIDGET (f->terminal), "term.find", NULL);
  entry = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "no such text anywhere");
  while (vte_terminal_search_get_regex (VTE_TERMINAL (f->terminal)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vte_terminal_get_has_selection (VTE_TERMINAL (f->terminal)));
  /* It says so in words, beside the entry. */
  no_match = tether_test_find_widget (GTK_WIDGET (f->tab), is_label_saying, "No match");
  g_assert_nonnull (no_match);
  tether_test_wait_until (widget_mapped, no_match, WAIT_MS);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  /* Nothing to find, nothing to say. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  while (vte_terminal_search_get_regex (VTE_TERMINAL (f->terminal)) != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (gtk_widget_get_visible (no_match));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));

  /* Escape closes the bar and gives the focus back to the terminal. */
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f->terminal)));
}

static void
count_signal (guint *count)
{
  (*count)++;
}

/* Keys typed as a user types them: the terminal's reach it before VTE would
 * send them to the shell, and its tab's work in the terminal and in the
 * search entry, before the entry's own. */
static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *entry;
  guint previous_match = 0;

  TETHER_TEST_NEEDS_XTEST ();
  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  gtk_widget_grab_focus (GTK_WIDGET (f->terminal));

  tether_test_type_keys (GTK_WIDGET (f->terminal), "<Control>minus");
  g_assert_cmpfloat (vte_terminal_get_font_scale (VTE_TERMINAL (f->terminal)), <, 1.0);
  tether_test_type_keys (GTK_WIDGET (f->terminal), "<Control>0");
  g_assert_cmpfloat (vte_terminal_get_font_scale (VTE_TERMINAL (f->terminal)), ==, 1.0);

  /* Copy with nothing selected does nothing, and the shell does not get
   * the key as ^C either: the read goes on and reads the next line. */
  g_assert_false (vte_terminal_get_has_selection (VTE_TERMINAL (f->terminal)));
  type (f, "read -r line; echo got-$line\n");
  tether_test_type_keys (GTK_WIDGET (f->terminal), "<Control><Shift>c");
  type (f, "kept\n");
  wait_for_text (f, "got-kept");

  /* The tab's Find, from the terminal, opens the search. */
  tether_test_type_keys (GTK_WIDGET (f->terminal), "<Control><Shift>f");
  entry = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  tether_test_wait_until (widget_mapped, entry, WAIT_MS);

  /* In the entry, Ctrl+Shift+G is the tab's Find Next, not the entry's
   * previous match; Escape is the entry's and gives the terminal back the
   * focus. */
  g_signal_connect_swapped (entry, "previous-match", G_CALLBACK (count_signal), &previous_match);
  tether_test_type_keys (GTK_WIDGET (f->terminal), "<Control><Shift>g");
  g_assert_cmpuint (previous_match, ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  tether_test_type_keys (GTK_WIDGET (f->terminal), "Escape");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == GTK_WIDGET (f->terminal));
  g_signal_handlers_disconnect_by_data (entry, &previous_match);
}

/* less, vi, Ctrl+C and a bracketed paste behave in a tmux session as in
 * a DefaultShell one: every byte typed reaches the pane as it is. */
static void
test_programs (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (enter (f, &error));
  g_assert_no_error (error);

  type (f, "seq -f 'row-%g' 1 500 | less\n");
  wait_for_text (f, "row-3");
  type (f, "G");
  wait_for_text (f, "row-500");
  type (f, "q");
  type (f, "echo after-less-$((1+1))\n");
  wait_for_text (f, "after-less-2");

  /* Ex commands: no Escape, whose meaning depends on what follows it. */
  type (f, "vi -u NONE -N \"$HOME/vi.txt\" && echo vi-done-$((5+5))\n");
  wait_for_text (f, "[New");
  type (f, ":s/^/hello-vi/\n");
  type (f, ":wq\n");
  wait_for_text (f, "vi-done-10");
  type (f, "sed 's/^/file:/' \"$HOME/vi.txt\"\n");
  wait_for_text (f, "file:hello-vi");

  type (f, "sh -c 'echo sleeping-$((2*2)); exec sleep 600'\n");
  wait_for_text (f, "sleeping-4");
  type (f, "\003");
  type (f, "echo after-interrupt-$((3*3))\n");
  wait_for_text (f, "after-interrupt-9");

  /* Bash turns bracketed paste on: the pasted line waits for Enter. */
  vte_terminal_paste_text (VTE_TERMINAL (f->terminal), "echo pasted-$((4*4))");
  type (f, "\n");
  wait_for_text (f, "pasted-16");
}

static double
background_lightness (Fixture *f)
{
  GdkRGBA color;

  vte_terminal_get_color_background_for_draw (VTE_TERMINAL (f->terminal), &color);
  return (color.red + color.green + color.blue) / 3;
}

static void
test_appearance (Fixture       *f,
                 gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const PangoFontDescription *font;

  /* The palette follows libadwaita's light and dark style. */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpfloat (background_lightness (f), <, 0.5);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_cmpfloat (background_lightness (f), >, 0.5);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* Font and scrollback come from the settings and change at once. */
  g_settings_set_string (settings, "terminal-font", "Monospace 21");
  font = vte_terminal_get_font (VTE_TERMINAL (f->terminal));
  g_assert_cmpint (pango_font_description_get_size (font), ==, 21 * PANGO_SCALE);
  g_settings_set_int (settings, "scrollback-lines", 1234);
  g_assert_cmpint (vte_terminal_get_scrollback_lines (VTE_TERMINAL (f->terminal)), ==, 1234);
  g_settings_reset (settings, "terminal-font");
  g_settings_reset (settings, "scrollback-lines");
  g_assert_cmpint (vte_terminal_get_scrollback_lines (VTE_TERMINAL (f->terminal)), ==, 10000);
}

static void
test_leave_while_entering (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  /* Once before the terminal has its size, once with an attach in flight. */
  for (int round = 0; round < 2; round++)
    {
      tether_session_tab_enter_async (f->tab, NULL, store_result, &result);
      tether_session_tab_leave (f->tab);
      tether_test_wait_until (result_set, &result, WAIT_MS);
      g_assert_false (tether_session_tab_enter_finish (f->tab, result, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_clear_object (&result);
      g_assert_false (tether_session_get_attached (f->session));
      g_assert_cmpint (tether_session_tab_get_state (f->tab), ==, TETHER_SESSION_TAB_STATE_LEFT);
      while (!tether_terminal_get_allocated (f->terminal))
        g_main_context_iteration (NULL, TRUE);
    }

  /* And entering afterwards works. */
  g_assert_true (enter (f, &error));
  g_assert_no_error (error);
  type (f, "echo back-$((5*5))\n");
  wait_for_text (f, "back-25");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TetherTestSshd) quick = NULL;
  int status;

  tether_test_init (&argc, &argv);
  tether_test_start_private_display ();
  gtk_init ();
  adw_init ();

  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  quick = tether_test_sshd_new ("ForceCommand /bin/false");
  tether_test_sshd_trust (quick);

  g_test_add ("/terminal/output-shown", Fixture, sshd,
              fixture_set_up, test_output_shown, fixture_tear_down);
  g_test_add ("/terminal/remote-size", Fixture, sshd,
              fixture_set_up, test_remote_size, fixture_tear_down);
  g_test_add ("/terminal/flood", Fixture, sshd,
              fixture_set_up, test_flood, fixture_tear_down);
  g_test_add ("/terminal/leave-keeps-screen", Fixture, sshd,
              fixture_set_up, test_leave_keeps_screen, fixture_tear_down);
  g_test_add ("/terminal/unset-gives-back", Fixture, sshd,
              fixture_set_up, test_unset_gives_back, fixture_tear_down);
  g_test_add ("/terminal/leave-while-entering", Fixture, sshd,
              fixture_set_up, test_leave_while_entering, fixture_tear_down);
  g_test_add ("/terminal/exit", Fixture, sshd,
              fixture_set_up, test_exit, fixture_tear_down);
  g_test_add ("/terminal/quick-exit", Fixture, quick,
              fixture_set_up, test_quick_exit, fixture_tear_down);
  g_test_add ("/terminal/keys", Fixture, sshd,
              fixture_set_up, test_keys, fixture_tear_down);
  g_test_add ("/terminal/actions", Fixture, sshd,
              fixture_set_up, test_actions, fixture_tear_down);
  g_test_add ("/terminal/appearance", Fixture, sshd,
              fixture_set_up, test_appearance, fixture_tear_down);
  tmux_setup.server = sshd;
  g_test_add ("/terminal/tmux/remote-size", Fixture, &tmux_setup,
              fixture_set_up, test_remote_size, fixture_tear_down);
  g_test_add ("/terminal/tmux/programs", Fixture, &tmux_setup,
              fixture_set_up, test_programs, fixture_tear_down);
  g_test_add ("/terminal/tmux/keys", Fixture, &tmux_setup,
              fixture_set_up, test_keys, fixture_tear_down);

  status = g_test_run ();
  g_clear_pointer (&quick, tether_test_sshd_free);
  tether_test_sshd_free (sshd);
  return status;
}
