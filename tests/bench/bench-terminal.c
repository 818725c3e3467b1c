/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tether-session-manager.h"
#include "tether-session-tab.h"
#include "tether-terminal-private.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

#include "bench-common.h"

/*
 * The terminal's benchmarks, one measurement per process (so that one's
 * memory does not count for the next), in a real window, against a private
 * sshd (as root here: the remote PTY needs it).  Run by build-aux/bench,
 * which turns the RESULT lines into ratios; never by `meson test`.
 *
 *   bench-terminal flood-local FILE      plain VteTerminal, local `cat FILE`
 *   bench-terminal flood-ssh FILE [PACING]
 *   bench-terminal flood-tmux FILE       the same flood, a session in the
 *                                        tmux configuration
 *     PACING: adaptive (the default: adaptive slices, and output that would
 *     scroll out unseen skipped), every-byte (the same, nothing skipped),
 *     fixed-256k (a 256 KiB window given back on `contents-changed`: the
 *     notes' bounded design), queued-256k (the same slice fed from a 1 MiB
 *     queue), slice-K (K KiB fed at a time from a queue of twice that),
 *     unlimited (no pacing); all but the default parse every byte
 *   bench-terminal echo-local            keystroke echo, plain VteTerminal
 *   bench-terminal echo-ssh              keystroke echo, a Tether tab
 *   bench-terminal echo-tmux             the same, a session in the tmux
 *                                        configuration
 *   bench-terminal enter                 Enter on an Opened session until
 *                                        the prompt is drawn
 *   bench-terminal enter-local           a plain VteTerminal spawning a
 *                                        local `sh` until its prompt is drawn
 *   bench-terminal reattach-tmux         Connect and Enter on a Disconnected
 *                                        tmux session holding 10,000 lines
 *                                        until screen and scrollback are drawn
 *   bench-terminal reattach-ssh          a plain VteTerminal spawning
 *                                        `ssh -t host tmux attach` on that
 *                                        session until its screen is drawn
 *   bench-terminal flood-detached FILE [drop|block]
 *                                        RSS and CPU while a session that
 *                                        was entered and left floods, under
 *                                        output-buffering-mode drop (the
 *                                        default) or block
 */

#define COLUMNS 100
#define ROWS 30
#define SCROLLBACK 10000
#define ECHO_KEYS 50
#define ENTER_RUNS 10
/* After the shell is open, for its prompt to be printed. */
#define ENTER_SETTLE_MS 500
#define END_COMMAND "printf '\\nBENCH-%%s\\n' END"
#define END_MARKER "BENCH-END"

static GtkWindow *window;
static VteTerminal *terminal;

/* Main-loop lateness and memory, sampled by one 10 ms timer at default
 * priority, the priority of input events. */
static GArray *lateness;
static gint64 last_tick;
static long rss_idle_kb;
static long rss_peak_kb;
/* Every sample's RSS, to tell a peak from a growth. */
static GArray *rss_series;
static gboolean finished;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *samples,
            double  p)
{
  if (samples->len == 0)
    return 0;
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, MIN (samples->len - 1, (guint) (samples->len * p)));
}

/* The RESULT line of a latency, in ms: its median and 90th percentile. */
static void
print_times (const char *mode,
             GArray     *times)
{
  printf ("RESULT %s median_ms=%.1f p90_ms=%.1f\n", mode,
          percentile (times, 0.5), percentile (times, 0.9));
}

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : 0;
}

static gboolean
sample_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  double late = (now - last_tick) / 1000.0 - 10.0;

  long rss = rss_kb ();

  last_tick = now;
  g_array_append_val (lateness, late);
  g_array_append_val (rss_series, rss);
  rss_peak_kb = MAX (rss_peak_kb, rss);
  return G_SOURCE_CONTINUE;
}

/* The second half's peak RSS over the first half's, in MB: memory that
 * stays flat once the pipeline is full gives ~0, a leak a growth. */
static double
rss_growth_mb (void)
{
  long early = 0, late = 0;

  for (guint i = 0; i < rss_series->len; i++)
    {
      long *peak = i < rss_series->len / 2 ? &early : &late;

      *peak = MAX (*peak, g_array_index (rss_series, long, i));
    }
  return (late - early) / 1024.0;
}

static gboolean
screen_has (const char *needle)
{
  g_autofree char *text = vte_terminal_get_text (terminal, NULL, NULL, NULL);

  return text != NULL && strstr (text, needle) != NULL;
}

static gboolean
check_end_cb (gpointer data)
{
  if (screen_has (END_MARKER))
    {
      finished = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
iterate_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static void
style_terminal (VteTerminal *term)
{
  PangoFontDescription *font = pango_font_description_from_string ("Monospace 11");

  vte_terminal_set_font (term, font);
  pango_font_description_free (font);
  vte_terminal_set_scrollback_lines (term, SCROLLBACK);
}

/* The terminal the benchmark measures, at 100×30. */
static void
set_up_terminal (VteTerminal *term)
{
  terminal = term;
  style_terminal (term);
  vte_terminal_set_size (term, COLUMNS, ROWS);
}

static void
present (GtkWidget *child)
{
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (terminal)))
    g_main_context_iteration (NULL, TRUE);
  /* The window sizes itself to the terminal's 100×30 request. */
  iterate_for (300);
}

/* A plain VTE with a local shell command. */
static void
spawn_local (const char *command)
{
  const char *argv[] = { "/bin/sh", "-c", command, NULL };

  vte_terminal_spawn_async (terminal, VTE_PTY_DEFAULT, NULL, (char **) argv, NULL,
                            G_SPAWN_DEFAULT, NULL, NULL, NULL, -1, NULL, NULL, NULL);
}

/* A Tether tab on a session to the private server. */
static TetherSessionManager *manager;
static TetherTestSshd *sshd;

static TetherSession *
open_session (const char *name)
{
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd),
                                                    name, &error);

  g_assert_no_error (error);
  return session;
}

/* A DefaultShell session for the modes "…-ssh", a tmux one for "…-tmux". */
static TetherSession *
open_session_for (const char *mode)
{
  if (g_str_has_suffix (mode, "-tmux"))
    return tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  return open_session ("Bench");
}

static void
enter_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  tether_session_tab_enter_finish (TETHER_SESSION_TAB (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static TetherSessionTab *
enter_tab (TetherSession *session)
{
  TetherSessionTab *tab = g_object_ref_sink (tether_session_tab_new (session));
  gboolean entered = FALSE;

  set_up_terminal (VTE_TERMINAL (tether_session_tab_get_terminal (tab)));
  present (GTK_WIDGET (tab));
  tether_session_tab_enter_async (tab, NULL, enter_done, &entered);
  iterate_until (&entered);
  return tab;
}

static void
start_server (void)
{
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);
  manager = tether_session_manager_new (NULL, tether_test_config ());
}

/* 1. Flood */

/* Processor time of this process (both threads), in seconds. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Of what came through the terminal (the remote PTY adds a CR per line),
 * how much VTE parsed rather than skipped. */
static double
parsed_percent (TetherTerminal *term)
{
  double fed = _tether_terminal_get_bytes_fed (term);
  double skipped = _tether_terminal_get_bytes_skipped (term);

  return fed + skipped > 0 ? 100.0 * fed / (fed + skipped) : 100.0;
}

/* Another design, for comparison: slices fed to VTE, and the channel's
 * window (never less than libssh's own, 1.28 MB). */
static void
pace (TetherSession *session,
      gsize          slice_min,
      gsize          slice_max,
      gsize          window)
{
  _tether_terminal_set_pacing (TETHER_TERMINAL (terminal), slice_min, slice_max);
  tether_channel_set_window (tether_session_get_shell (session), window);
}

static int
flood (const char *mode,
       const char *path,
       const char *pacing)
{
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherSessionTab) tab = NULL;
  g_autofree char *command = NULL;
  GStatBuf st;
  gint64 start;
  double seconds, cpu_start;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  command = g_strdup_printf ("cat '%s'; " END_COMMAND "\n", path);

  if (g_str_equal (mode, "flood-local"))
    {
      set_up_terminal (VTE_TERMINAL (vte_terminal_new ()));
      present (GTK_WIDGET (terminal));
    }
  else
    {
      start_server ();
      session = open_session_for (mode);
      tab = enter_tab (session);
      if (g_strcmp0 (pacing, "fixed-256k") == 0)
        pace (session, 256 * 1024, 256 * 1024, 256 * 1024);
      else if (g_strcmp0 (pacing, "queued-256k") == 0)
        pace (session, 256 * 1024, 256 * 1024, 1024 * 1024);
      else if (pacing != NULL && g_str_has_prefix (pacing, "slice-"))
        {
          gsize slice = g_ascii_strtoull (pacing + 6, NULL, 10) * 1024;

          pace (session, slice, slice, 2 * slice);
        }
      else if (g_strcmp0 (pacing, "unlimited") == 0)
        pace (session, 16 << 20, 16 << 20, 16 << 20);
      if (pacing != NULL)
        _tether_terminal_set_skipping (TETHER_TERMINAL (terminal), FALSE);
      iterate_for (500);
    }

  lateness = g_array_new (FALSE, FALSE, sizeof (double));
  rss_series = g_array_new (FALSE, FALSE, sizeof (long));
  rss_idle_kb = rss_peak_kb = rss_kb ();
  last_tick = g_get_monotonic_time ();
  g_timeout_add (10, sample_cb, NULL);
  g_timeout_add (20, check_end_cb, NULL);

  start = g_get_monotonic_time ();
  cpu_start = cpu_seconds ();
  if (session != NULL)
    tether_session_write (session, command, strlen (command));
  else
    spawn_local (command);
  iterate_until (&finished);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  printf ("RESULT %s%s%s mbps=%.2f late_p50=%.1f late_p99=%.1f late_max=%.1f rss_peak_mb=%.1f"
          " rss_growth_mb=%.1f parsed_pct=%.1f cpu_s=%.2f\n",
          mode, pacing ? "-" : "", pacing ? pacing : "",
          st.st_size / seconds / 1e6, percentile (lateness, 0.5), percentile (lateness, 0.99),
          percentile (lateness, 1.0), (rss_peak_kb - rss_idle_kb) / 1024.0, rss_growth_mb (),
          session == NULL ? 100.0 : parsed_percent (TETHER_TERMINAL (terminal)),
          cpu_seconds () - cpu_start);
  return 0;
}

/* 2. Keystroke echo: from the key to the end of the first frame painted
 * after VTE shows the echo. */

static gint64 echo_start;
static gboolean echo_changed;
static GArray *echo_ms;

static void
echo_contents_changed (VteTerminal *term)
{
  if (echo_start != 0)
    echo_changed = TRUE;
}

static void
echo_after_paint (GdkFrameClock *clock)
{
  double ms;

  if (echo_start == 0 || !echo_changed)
    return;
  ms = (g_get_monotonic_time () - echo_start) / 1000.0;
  g_array_append_val (echo_ms, ms);
  echo_start = 0;
  echo_changed = FALSE;
}

static int
echo (const char *mode)
{
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherSessionTab) tab = NULL;
  GdkFrameClock *clock;

  if (g_str_equal (mode, "echo-local"))
    {
      set_up_terminal (VTE_TERMINAL (vte_terminal_new ()));
      present (GTK_WIDGET (terminal));
      spawn_local ("exec /bin/bash --norc --noprofile");
    }
  else
    {
      start_server ();
      session = open_session_for (mode);
      tab = enter_tab (session);
    }
  iterate_for (1000);

  echo_ms = g_array_new (FALSE, FALSE, sizeof (double));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (terminal));
  g_signal_connect (terminal, "contents-changed", G_CALLBACK (echo_contents_changed), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (echo_after_paint), NULL);

  for (int i = 0; i < ECHO_KEYS; i++)
    {
      echo_start = g_get_monotonic_time ();
      vte_terminal_feed_child (terminal, "x", 1);
      while (echo_start != 0)
        g_main_context_iteration (NULL, TRUE);
      iterate_for (30);
    }
  vte_terminal_feed_child (terminal, "\025", 1);

  print_times (mode, echo_ms);
  return 0;
}

/* 3. Enter until the prompt is painted: on an Opened session (its shell
 * started with it, its prompt waiting in the SSH window), against a plain
 * VTE spawning a local `sh` (the reference), each shown as a new page of
 * the same tab view, as the window does on Enter. */

static gboolean prompt_shown;
static gboolean prompt_painted;

static void
enter_contents_changed (VteTerminal *term)
{
  if (screen_has ("# ") || screen_has ("$ "))
    prompt_shown = TRUE;
}

static void
enter_after_paint (GdkFrameClock *clock)
{
  if (prompt_shown)
    prompt_painted = TRUE;
}

static AdwTabView *
present_tab_view (void)
{
  AdwTabView *view = adw_tab_view_new ();

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1000, 600);
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  iterate_for (300);
  return view;
}

/* @child (showing @term) as the selected page of @view. */
static AdwTabPage *
show_page (AdwTabView  *view,
           GtkWidget   *child,
           VteTerminal *term)
{
  AdwTabPage *page;

  terminal = term;
  prompt_shown = prompt_painted = FALSE;
  g_signal_connect (term, "contents-changed", G_CALLBACK (enter_contents_changed), NULL);
  page = adw_tab_view_append (view, child);
  adw_tab_view_set_selected_page (view, page);
  return page;
}

/* Milliseconds from @start until a frame is painted with the prompt. */
static double
wait_prompt_painted (gint64 start)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gulong paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (enter_after_paint), NULL);
  double ms;

  iterate_until (&prompt_painted);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_signal_handler_disconnect (clock, paint_id);
  return ms;
}

static double
enter_ssh_once (AdwTabView *view,
                int         i)
{
  g_autofree char *name = g_strdup_printf ("Bench%d", i);
  g_autoptr(TetherSession) session = open_session (name);
  g_autoptr(TetherSessionTab) tab = NULL;
  gboolean entered = FALSE;
  AdwTabPage *page;
  gint64 start;
  double ms;

  /* Opened, its shell started and its prompt printed (a login bash with
   * an empty HOME: ~0.1 s here), nobody looking. */
  while (!tether_session_get_has_shell (session))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (ENTER_SETTLE_MS);

  start = g_get_monotonic_time ();
  /* What the window does on Enter: a tab, its page, enter. */
  tab = g_object_ref_sink (tether_session_tab_new (session));
  page = show_page (view, GTK_WIDGET (tab), VTE_TERMINAL (tether_session_tab_get_terminal (tab)));
  tether_session_tab_enter_async (tab, NULL, enter_done, &entered);
  ms = wait_prompt_painted (start);

  iterate_until (&entered);
  tether_session_tab_leave (tab);
  adw_tab_view_close_page (view, page);
  tether_session_manager_close_session (manager, session);
  iterate_for (50);
  return ms;
}

/* The reference: what a terminal does for a new tab, a VTE (set up as
 * echo-local's) spawning `sh`.  The shell starts as bare as the remote one:
 * no rc file (dash reads one only from $ENV), an empty HOME as the test
 * sshd gives its shells, and a prompt set in the environment. */
static double
enter_local_once (AdwTabView *view,
                  const char *home)
{
  g_autofree char *home_env = g_strconcat ("HOME=", home, NULL);
  const char *argv[] = { "/usr/bin/env", "-i", home_env, "TERM=xterm-256color", "PS1=$ ",
                         "/bin/sh", NULL };
  VteTerminal *term;
  AdwTabPage *page;
  gint64 start;
  double ms;

  start = g_get_monotonic_time ();
  term = VTE_TERMINAL (vte_terminal_new ());
  style_terminal (term);
  page = show_page (view, GTK_WIDGET (term), term);
  vte_terminal_spawn_async (term, VTE_PTY_DEFAULT, home, (char **) argv, NULL,
                            G_SPAWN_DEFAULT, NULL, NULL, NULL, -1, NULL, NULL, NULL);
  ms = wait_prompt_painted (start);

  /* Closing the page disposes the terminal, which hangs up its shell. */
  adw_tab_view_close_page (view, page);
  iterate_for (50);
  return ms;
}

static int
enter (const char *mode)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *home = g_build_filename (g_get_home_dir (), "empty-home", NULL);
  gboolean local = g_str_equal (mode, "enter-local");
  AdwTabView *view;

  if (local)
    g_assert_cmpint (g_mkdir_with_parents (home, 0755), ==, 0);
  else
    start_server ();
  view = present_tab_view ();

  for (int i = 0; i < ENTER_RUNS; i++)
    {
      double ms = local ? enter_local_once (view, home) : enter_ssh_once (view, i);

      g_array_append_val (times, ms);
    }

  print_times (mode, times);
  return 0;
}

/* 4. A flood into a session nobody looks at: entered in a tab, then
 * exited as the window does it (the session left, the page closed, the tab
 * kept), so its terminal, out of any window, keeps taking the shell's
 * output.  The process's RSS is sampled every DETACHED_SAMPLE_MS for
 * DETACHED_SAMPLES samples: after the first, which comes once the
 * channel's window, VTE's slice and libssh's window have filled, memory
 * should stay flat.  The CPU the process used meanwhile is reported too:
 * under drop the flood runs on, paced; under block it stops once the
 * channel's window is full, and Enter lets it go on. */

#define DETACHED_SAMPLE_MS 2000
#define DETACHED_SAMPLES 10
#define DETACHED_END_TIMEOUT_S 60

static GArray *rss_samples;

static gboolean
detached_sample_cb (gpointer data)
{
  long kb = rss_kb ();

  g_array_append_val (rss_samples, kb);
  if (rss_samples->len < DETACHED_SAMPLES)
    return G_SOURCE_CONTINUE;
  finished = TRUE;
  return G_SOURCE_REMOVE;
}

static guint64
bytes_through (TetherTerminal *term)
{
  return _tether_terminal_get_bytes_fed (term) + _tether_terminal_get_bytes_skipped (term);
}

static gboolean
end_timeout_cb (gpointer data)
{
  g_autofree char *text = vte_terminal_get_text (terminal, NULL, NULL, NULL);

  g_printerr ("%s\n", text);
  g_error ("The detached terminal never showed %s (%zu bytes queued)", END_MARKER,
           TETHER_TERMINAL (terminal)->queued);
  return G_SOURCE_REMOVE;
}

static int
flood_detached (const char *path,
                const char *buffering)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherSessionTab) tab = NULL;
  g_autofree char *command = g_strdup_printf ("while :; do cat '%s'; done\n", path);
  g_autofree char *end_command = g_strdup_printf (END_COMMAND "\n");
  TetherTerminal *term;
  AdwTabView *view;
  AdwTabPage *page;
  gboolean entered = FALSE;
  long first_kb, max_kb = 0, idle_kb, max_early_kb = 0, max_late_kb = 0;
  guint64 bytes_start;
  double cpu_start, seconds;
  gint64 start;

  g_settings_set_string (settings, "output-buffering-mode", buffering);
  start_server ();
  session = open_session ("Bench");
  view = present_tab_view ();
  tab = g_object_ref_sink (tether_session_tab_new (session));
  term = tether_session_tab_get_terminal (tab);
  set_up_terminal (VTE_TERMINAL (term));
  page = adw_tab_view_append (view, GTK_WIDGET (tab));
  adw_tab_view_set_selected_page (view, page);
  tether_session_tab_enter_async (tab, NULL, enter_done, &entered);
  iterate_until (&entered);
  iterate_for (500);

  /* Exit: the tab leaves, its page closes; the window's table keeps it. */
  tether_session_tab_leave (tab);
  adw_tab_view_close_page (view, page);
  iterate_for (500);
  g_assert_false (tether_session_get_attached (session));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (term)));
  g_assert_null (gtk_widget_get_parent (GTK_WIDGET (tab)));

  idle_kb = rss_kb ();
  rss_samples = g_array_new (FALSE, FALSE, sizeof (long));
  bytes_start = bytes_through (term);
  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  tether_session_write (session, command, strlen (command));
  g_timeout_add (DETACHED_SAMPLE_MS, detached_sample_cb, NULL);
  iterate_until (&finished);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  first_kb = g_array_index (rss_samples, long, 0);
  for (guint i = 1; i < rss_samples->len; i++)
    max_kb = MAX (max_kb, g_array_index (rss_samples, long, i));
  /* The trend: the second half's peak against the first half's. */
  for (guint i = 0; i < rss_samples->len; i++)
    {
      long *peak = i < rss_samples->len / 2 ? &max_early_kb : &max_late_kb;

      *peak = MAX (*peak, g_array_index (rss_samples, long, i));
    }
  g_printerr ("RSS (MB) every %d ms:", DETACHED_SAMPLE_MS);
  for (guint i = 0; i < rss_samples->len; i++)
    g_printerr (" %.1f", g_array_index (rss_samples, long, i) / 1024.0);
  g_printerr ("\n");
  printf ("RESULT flood-detached-%s seconds=%.1f mbps=%.2f cpu_pct=%.0f rss_idle_mb=%.1f"
          " rss_first_mb=%.1f rss_max_later_mb=%.1f growth_mb=%.1f growth_late_mb=%.1f\n",
          buffering, seconds, (bytes_through (term) - bytes_start) / seconds / 1e6,
          100.0 * (cpu_seconds () - cpu_start) / seconds, idle_kb / 1024.0,
          first_kb / 1024.0, max_kb / 1024.0, (max_kb - first_kb) / 1024.0,
          (max_late_kb - max_early_kb) / 1024.0);

  /* Stop the flood; that its end reaches the screen shows the terminal
   * kept up with the shell while out of the window (drop), or took the
   * flood up again on Enter (block). */
  finished = FALSE;
  tether_session_write (session, "\003", 1);
  tether_session_write (session, end_command, strlen (end_command));
  if (g_str_equal (buffering, "block"))
    {
      entered = FALSE;
      page = adw_tab_view_append (view, GTK_WIDGET (tab));
      adw_tab_view_set_selected_page (view, page);
      tether_session_tab_enter_async (tab, NULL, enter_done, &entered);
      iterate_until (&entered);
    }
  g_timeout_add (20, check_end_cb, NULL);
  g_timeout_add_seconds (DETACHED_END_TIMEOUT_S, end_timeout_cb, NULL);
  iterate_until (&finished);
  return 0;
}

/* 5. Re-attach (issue "Sessions that survive"): a Disconnected tmux
 * session whose pane holds REATTACH_LINES lines of history, connected and
 * entered as the window does it (Connect, a new tab, Enter) until a frame
 * is painted with its screen and its scrollback (Tether fills the terminal
 * from capture-pane first); against a plain VTE (set up the same) spawning
 * OpenSSH's `ssh -t host tmux attach` on that session until a frame is
 * painted with its screen (tmux redraws the screen, no scrollback).  Both
 * processes make the session alike, through Tether, in a page of the same
 * tab view, so its pane has the size it is shown at. */

#define REATTACH_LINES 10000
#define REATTACH_RUNS 5
#define REATTACH_COMMAND "seq 1 10000\n"

static guint reattach_rows_wanted;
static gboolean reattach_painted;

/* The end of `seq 1 10000` on the screen, and as many rows as wanted in
 * the terminal (scrollback and screen). */
static gboolean
reattach_drawn (void)
{
  g_autofree char *text = vte_terminal_get_text (terminal, NULL, NULL, NULL);
  GtkAdjustment *rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (terminal));

  return text != NULL && strstr (text, "\n9999\n") != NULL && strstr (text, "\n10000\n") != NULL
         && gtk_adjustment_get_upper (rows) - gtk_adjustment_get_lower (rows) >= reattach_rows_wanted;
}

/* Looked at after each paint: what was just painted is the terminal now. */
static void
reattach_after_paint (GdkFrameClock *clock)
{
  if (!reattach_painted && reattach_drawn ())
    reattach_painted = TRUE;
}

static gboolean
reattach_poll_cb (gpointer data)
{
  if (!reattach_drawn ())
    return G_SOURCE_CONTINUE;
  reattach_painted = TRUE;
  return G_SOURCE_REMOVE;
}

/* Milliseconds from @start until a frame is painted with the screen, and
 * @rows rows in the terminal. */
static double
wait_reattach_painted (gint64 start,
                       guint  rows)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gulong paint_id;
  double ms;

  reattach_rows_wanted = rows;
  reattach_painted = FALSE;
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (reattach_after_paint), NULL);
  iterate_until (&reattach_painted);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_signal_handler_disconnect (clock, paint_id);
  return ms;
}

/* Leaves the tab, closes its page and disconnects its session. */
static void
disconnect_tab (AdwTabView       *view,
                AdwTabPage       *page,
                TetherSessionTab *tab)
{
  TetherSession *session = tether_session_tab_get_session (tab);
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  tether_session_tab_leave (tab);
  adw_tab_view_close_page (view, page);
  tether_session_manager_disconnect_session_async (manager, session, NULL, tether_test_store_result,
                                                   &wait);
  iterate_until (&wait.done);
  tether_session_manager_disconnect_session_finish (manager, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_DISCONNECTED);
  iterate_for (300);
}

/* A new page of @view showing a new tab on @session, entered. */
static TetherSessionTab *
show_tab (AdwTabView     *view,
          TetherSession  *session,
          AdwTabPage    **page,
          gboolean       *entered)
{
  TetherSessionTab *tab = g_object_ref_sink (tether_session_tab_new (session));

  terminal = VTE_TERMINAL (tether_session_tab_get_terminal (tab));
  style_terminal (terminal);
  *page = adw_tab_view_append (view, GTK_WIDGET (tab));
  adw_tab_view_set_selected_page (view, *page);
  tether_session_tab_enter_async (tab, NULL, enter_done, entered);
  return tab;
}

/* The session both processes re-attach: its ~/.tmux.conf on the server
 * keeps more than tmux's default 2000 lines (its user's would), its pane
 * printed `seq 1 10000` in a tab of @view, then it was disconnected. */
static TetherSession *
make_disconnected_session (AdwTabView *view)
{
  g_autoptr(TetherSession) setup = open_session ("Setup");
  g_autoptr(TetherSessionTab) tab = NULL;
  g_autofree char *output = NULL;
  TetherSession *session;
  gboolean entered = FALSE;
  AdwTabPage *page;

  output = tether_test_exec (setup, "echo 'set -g history-limit 20000' >~/.tmux.conf");
  tether_session_manager_close_session (manager, setup);
  session = tether_test_new_tmux_session (manager, tether_test_sshd_get_target (sshd));
  tab = show_tab (view, session, &page, &entered);
  iterate_until (&entered);
  tether_session_write (session, REATTACH_COMMAND, strlen (REATTACH_COMMAND));
  reattach_rows_wanted = 0;
  reattach_painted = FALSE;
  g_timeout_add (20, reattach_poll_cb, NULL);
  iterate_until (&reattach_painted);
  iterate_for (300);
  disconnect_tab (view, page, tab);
  return session;
}

/* Connect (with what was printed meanwhile read on the way), a tab,
 * Enter: what the window does on Enter on a Disconnected session
 * (_tether_window_open_session_async()). */
static double
reattach_tmux_once (AdwTabView    *view,
                    TetherSession *session)
{
  g_autoptr(TetherSessionTab) tab = NULL;
  g_autofree char *top = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  gboolean entered = FALSE;
  GtkAdjustment *rows;
  AdwTabPage *page;
  gint64 start;
  double ms, opened_ms;

  start = g_get_monotonic_time ();
  tether_session_manager_connect_session_async (manager, session, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, 20000);
  g_free (tether_session_manager_connect_session_finish (manager, wait.result, &error));
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  opened_ms = (g_get_monotonic_time () - start) / 1000.0;
  tab = show_tab (view, session, &page, &entered);
  ms = wait_reattach_painted (start, REATTACH_LINES);
  iterate_until (&entered);
  /* Where a slow one lost its time: the connection, or the rest. */
  g_printerr ("# re-attach: Opened after %.0f ms, painted after %.0f ms\n", opened_ms, ms);

  /* Not timed: the scrollback holds the pane's history from its start
   * (but for its first rows: VTE keeps SCROLLBACK rows in all, the pane
   * has a prompt and `seq` above its 10,000 lines). */
  rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (terminal));
  top = vte_terminal_get_text_range (terminal, (long) gtk_adjustment_get_lower (rows), 0,
                                     (long) gtk_adjustment_get_lower (rows) + 9, COLUMNS,
                                     NULL, NULL, NULL);
  if (top == NULL || strstr (top, "\n3\n4\n5\n") == NULL)
    g_error ("The scrollback does not start with the pane's history: “%s”", top);

  disconnect_tab (view, page, tab);
  return ms;
}

/* OpenSSH's client on a PTY, as a terminal runs it, attaching that tmux
 * session. */
static double
reattach_ssh_once (AdwTabView    *view,
                   TetherSession *session)
{
  g_autofree char *target = g_strconcat ("=tether-", tether_session_get_instance_id (session),
                                         NULL);
  const char *command[] = { "tmux", "attach-session", "-t", target, NULL };
  g_auto(GStrv) argv = bench_openssh_argv (sshd, TRUE, command);
  VteTerminal *term;
  AdwTabPage *page;
  gint64 start;
  double ms;

  start = g_get_monotonic_time ();
  term = VTE_TERMINAL (vte_terminal_new ());
  style_terminal (term);
  terminal = term;
  page = adw_tab_view_append (view, GTK_WIDGET (term));
  adw_tab_view_set_selected_page (view, page);
  vte_terminal_spawn_async (term, VTE_PTY_DEFAULT, NULL, argv, NULL, G_SPAWN_SEARCH_PATH,
                            NULL, NULL, NULL, -1, NULL, NULL, NULL);
  ms = wait_reattach_painted (start, 0);

  /* Closing the page hangs up ssh; tmux detaches its client. */
  adw_tab_view_close_page (view, page);
  iterate_for (300);
  return ms;
}

static int
reattach (const char *mode)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(TetherSession) session = NULL;
  gboolean ssh = g_str_equal (mode, "reattach-ssh");
  AdwTabView *view;

  start_server ();
  view = present_tab_view ();
  session = make_disconnected_session (view);

  for (int i = 0; i < REATTACH_RUNS; i++)
    {
      double ms = ssh ? reattach_ssh_once (view, session) : reattach_tmux_once (view, session);

      g_array_append_val (times, ms);
    }

  print_times (mode, times);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  const char *mode;
  int status = 2;

  tether_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  if (argc < 2)
    {
      g_printerr ("usage: %s flood-local|flood-ssh|flood-tmux FILE [PACING] | flood-detached FILE [drop|block] |"
                  " echo-local|echo-ssh|echo-tmux | enter|enter-local | reattach-tmux|reattach-ssh\n", argv[0]);
      return 2;
    }
  mode = argv[1];

  if (g_str_equal (mode, "flood-detached") && argc >= 3)
    status = flood_detached (argv[2], argc >= 4 ? argv[3] : "drop");
  else if (g_str_has_prefix (mode, "flood-") && argc >= 3)
    status = flood (mode, argv[2], argc >= 4 ? argv[3] : NULL);
  else if (g_str_has_prefix (mode, "echo-"))
    status = echo (mode);
  else if (g_str_equal (mode, "enter") || g_str_equal (mode, "enter-local"))
    status = enter (mode);
  else if (g_str_equal (mode, "reattach-tmux") || g_str_equal (mode, "reattach-ssh"))
    status = reattach (mode);
  fflush (stdout);

  if (manager != NULL)
    tether_session_manager_close_all (manager);
  g_clear_pointer (&sshd, tether_test_sshd_free);
  /* Exit without tearing widgets down: the numbers are printed. */
  _exit (status);
}
