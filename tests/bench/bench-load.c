/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>

#include "tether-application.h"
#include "tether-session-manager.h"
#include "tether-session-tab-private.h"
#include "tether-session-tree-private.h"
#include "tether-test-sshd.h"
#include "tether-window-private.h"

/*
 * Load (issue "Trust…", section 5): 100 Opened sessions across 10 sshd
 * servers, 10 of them entered, in the real application and window,
 * registered on the (private) session bus so that `tether --get-session`
 * asks this process, as it asks a running Tether.  Run by build-aux/bench
 * under dbus-run-session; never by `meson test`.  Numbers, no assertions:
 *
 *   bench-load TETHER
 *
 * prints RESULT lines: the wall time of TETHER --get-session (a process
 * of its own, start-up included) with no session and with 100; the RSS per
 * idle Opened session ((RSS with 100 - RSS with none) / 100); the session
 * tree's filter time per typed character (the filter run and the next
 * frame painted); and the time from Enter to the prompt drawn.
 */

#define SERVERS 10
#define PER_SERVER 10
#define ENTERED 10
#define GET_SESSION_RUNS 7
#define WAIT_US (60 * G_USEC_PER_SEC)
/* After the last session opened: its shell's start-up settles. */
#define SETTLE_MS 2000
#define FILTER_TEXT "load-07-0"

static TetherApplication *app;
static TetherWindow *window;
static GString *filter_order;

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

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static void
iterate_until (gboolean (*done) (gpointer data),
               gpointer  data,
               const char *what)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

static TetherSessionManager *
manager (void)
{
  return tether_application_get_manager (app);
}

/* --get-session */

typedef struct {
  gboolean done;
  char    *out;
} Run;

static void
communicated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, NULL, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((Run *) data)->done;
}

/* The median wall time of `tether --get-session`; this process answers it
 * while it runs, so the main loop keeps going. */
static double
time_get_session (const char *tether,
                  guint      *n_lines)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < GET_SESSION_RUNS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) process = NULL;
      Run run = { 0 };
      gint64 start = g_get_monotonic_time ();
      double ms;

      process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, tether, "--get-session", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated, &run);
      iterate_until (run_done, &run, "tether --get-session");
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
      *n_lines = 0;
      for (const char *c = run.out; c != NULL && *c != '\0'; c++)
        *n_lines += *c == '\n';
      g_free (run.out);
    }
  return percentile (times, 0.5);
}

/* Opening */

typedef struct {
  guint pending;
  guint failed;
} Opening;

static void
opened (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;

  session = tether_session_manager_new_session_finish (TETHER_SESSION_MANAGER (object), result, &error);
  if (session == NULL)
    {
      g_printerr ("# open failed: %s\n", error->message);
      opening->failed++;
    }
  opening->pending--;
}

static gboolean
all_opened (gpointer data)
{
  return ((Opening *) data)->pending == 0;
}

static gboolean
all_have_shells (gpointer data)
{
  GListModel *sessions = G_LIST_MODEL (manager ());

  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (sessions, i);

      if (!tether_session_get_has_shell (session))
        return FALSE;
    }
  return TRUE;
}

/* Filtering */

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* One typed character: the text set, the search run (the entry's own
 * `search-changed` comes after a delay meant for typing, so it is emitted
 * here at once) and the next frame painted. */
static double
time_keystroke (GtkEditable *entry,
                const char  *text)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gboolean painted = FALSE;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gint64 start = g_get_monotonic_time ();
  double ms;

  gtk_editable_set_text (entry, text);
  g_signal_emit_by_name (entry, "search-changed");
  gtk_widget_queue_draw (GTK_WIDGET (window));
  iterate_until (flag_set, &painted, "a frame");
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_signal_handler_disconnect (clock, id);
  /* The entry's own, delayed search-changed: not timed. */
  iterate_for (250);
  return ms;
}

static GArray *
time_filter (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  GtkEditable *entry = tether_session_tree_get_search_entry (tree);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  gsize n = strlen (FILTER_TEXT);

  /* Typed, then erased. */
  for (gsize i = 1; i <= 2 * n; i++)
    {
      g_autofree char *text = g_strndup (FILTER_TEXT, i <= n ? i : 2 * n - i);
      double ms = time_keystroke (entry, text);

      g_array_append_val (times, ms);
      g_string_append_printf (filter_order, " %.0f", ms);
    }
  return times;
}

/* Entering */

static gboolean
prompt_shown (gpointer data)
{
  TetherSession *session = data;
  TetherSessionTab *tab = tether_window_lookup_tab (window, session);
  g_autofree char *text = NULL;

  if (tab == NULL || !tether_session_get_attached (session)
      || tether_session_tab_get_state (tab) != TETHER_SESSION_TAB_STATE_ENTERED)
    return FALSE;
  text = vte_terminal_get_text (VTE_TERMINAL (tether_session_tab_get_terminal (tab)), NULL, NULL, NULL);
  return text != NULL && g_strstrip (text)[0] != '\0';
}

static double
time_enter (TetherSession *session)
{
  gint64 start = g_get_monotonic_time ();
  double ms;

  if (!tether_session_tree_select_session (tether_window_get_session_tree (window), session))
    g_error ("Session not in the tree");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  iterate_until (prompt_shown, session, "the prompt");
  ms = (g_get_monotonic_time () - start) / 1000.0;
  iterate_for (200);
  return ms;
}

int
main (int   argc,
      char *argv[])
{
  TetherTestSshd *servers[SERVERS];
  Opening opening = { 0 };
  g_autoptr(GArray) filter = NULL;
  g_autoptr(GArray) enters = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  long rss_none, rss_idle, rss_entered;
  double get_none, get_all;
  guint lines_none = 0, lines_all = 0;
  gint64 start;
  double open_s;

  tether_test_init (&argc, &argv);
  filter_order = g_string_new (NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s TETHER\n", argv[0]);
      return 2;
    }

  for (int i = 0; i < SERVERS; i++)
    {
      servers[i] = tether_test_sshd_new (NULL);
      tether_test_sshd_trust (servers[i]);
    }

  app = tether_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  window = TETHER_WINDOW (tether_application_ensure_window (app));
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (1000);

  rss_none = rss_kb ();
  get_none = time_get_session (argv[1], &lines_none);

  start = g_get_monotonic_time ();
  for (int s = 0; s < SERVERS; s++)
    for (int k = 0; k < PER_SERVER; k++)
      {
        g_autofree char *name = g_strdup_printf ("load-%02d-%02d", s, k);
        TetherSessionDefinition def = {
          .target = tether_test_sshd_get_target (servers[s]),
          .name = name,
          .persistent = FALSE,
        };

        opening.pending++;
        tether_session_manager_new_session_async (manager (), &def, NULL, opened, &opening);
      }
  iterate_until (all_opened, &opening, "100 sessions");
  iterate_until (all_have_shells, NULL, "100 shells");
  open_s = (g_get_monotonic_time () - start) / 1e6;
  iterate_for (SETTLE_MS);
  rss_idle = rss_kb ();

  get_all = time_get_session (argv[1], &lines_all);
  filter = time_filter ();

  for (int s = 0; s < ENTERED; s++)
    {
      g_autofree char *name = g_strdup_printf ("load-%02d-00", s);
      TetherSession *session = tether_session_manager_lookup (manager (), name);
      double ms;

      if (session == NULL)
        g_error ("No session %s", name);
      ms = time_enter (session);
      g_array_append_val (enters, ms);
    }
  iterate_for (SETTLE_MS);
  rss_entered = rss_kb ();

  g_printerr ("# %u sessions failed to open; --get-session printed %u and %u lines\n",
              opening.failed, lines_none, lines_all);
  g_printerr ("# filter ms, typed then erased:%s\n", filter_order->str);
  printf ("RESULT load sessions=%u open_s=%.1f get_session_none_ms=%.0f get_session_ms=%.0f"
          " rss_none_mb=%.1f rss_idle_mb=%.1f rss_per_session_kb=%.0f rss_entered_mb=%.1f"
          " filter_median_ms=%.1f filter_max_ms=%.1f enter_median_ms=%.0f enter_max_ms=%.0f\n",
          g_list_model_get_n_items (G_LIST_MODEL (manager ())), open_s, get_none, get_all,
          rss_none / 1024.0, rss_idle / 1024.0,
          (double) (rss_idle - rss_none) / (SERVERS * PER_SERVER),
          rss_entered / 1024.0, percentile (filter, 0.5), percentile (filter, 1.0),
          percentile (enters, 0.5), percentile (enters, 1.0));
  fflush (stdout);

  tether_session_manager_close_all (manager ());
  for (int i = 0; i < SERVERS; i++)
    tether_test_sshd_free (servers[i]);
  /* Exit without tearing widgets down: the numbers are printed. */
  _exit (0);
}
