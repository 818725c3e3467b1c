/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "tether-terminal-private.h"
#include "tether-test-screen.h"
#include "tether-test-sshd.h"

/*
 * Skipping output that would scroll out unseen must leave the terminal as
 * if it had parsed every byte.  Two real terminals in real windows get the
 * same output in the same size: a TetherTerminal that skips and one that
 * does not (VTE parses every byte); at the end their screens and scrollbacks
 * must hold the same text in the same colours, with the cursor at the same
 * place, and the TetherTerminal must really have skipped.
 */

#define SCROLLBACK 500
#define RUN_LINES 20000

typedef struct {
  TetherTerminal *skipping;
  TetherTerminal *reference;
  GPtrArray      *windows;
} Fixture;

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static VteTerminal *
present (Fixture     *f,
         VteTerminal *terminal)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  vte_terminal_set_size (terminal, 80, 24);
  vte_terminal_set_scrollback_lines (terminal, SCROLLBACK);
  gtk_window_set_child (window, GTK_WIDGET (terminal));
  gtk_window_present (window);
  g_ptr_array_add (f->windows, window);
  return terminal;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->windows = g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_window_destroy);
  f->skipping = TETHER_TERMINAL (present (f, VTE_TERMINAL (tether_terminal_new ())));
  /* Skip at every chance, so that what is kept is as little as allowed,
   * and feed VTE little at a time, so that there is a queue to skip in. */
  f->skipping->skip_min = 1;
  _tether_terminal_set_pacing (f->skipping, 16 * 1024, 16 * 1024);
  f->reference = TETHER_TERMINAL (present (f, VTE_TERMINAL (tether_terminal_new ())));
  _tether_terminal_set_skipping (f->reference, FALSE);

  /* Output must not race the windows' first size: a resize moves what
   * is below the margins differently in each. */
  while (!tether_terminal_get_allocated (f->skipping) || !tether_terminal_get_allocated (f->reference))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (50);
  g_assert_cmpint (vte_terminal_get_row_count (VTE_TERMINAL (f->skipping)), ==, 24);
  g_assert_cmpint (vte_terminal_get_row_count (VTE_TERMINAL (f->reference)), ==, 24);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->windows, g_ptr_array_unref);
}

/* Output queued, or fed and not seen parsed yet. */
static gboolean
busy (TetherTerminal *terminal)
{
  return terminal->queued > 0 || terminal->fed > 0;
}

static gboolean
same_text (Fixture *f)
{
  return tether_test_same_text (VTE_TERMINAL (f->skipping), VTE_TERMINAL (f->reference));
}

/* Both get @text; the TetherTerminal in chunks of every size, all queued at
 * once (as a flood arrives), so that it has the most to skip. */
static void
feed_both (Fixture    *f,
           GString    *text)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize offset = 0;
  gint64 deadline;

  while (offset < text->len)
    {
      /* Drawn first: MIN() would draw twice, and could take the second,
       * past the end of the text. */
      gsize drawn = (gsize) g_rand_int_range (rand, 1, 600);
      gsize n = MIN (text->len - offset, drawn);
      g_autoptr(GBytes) chunk = g_bytes_new (text->str + offset, n);

      _tether_terminal_push (f->skipping, NULL, chunk);
      _tether_terminal_push (f->reference, NULL, chunk);
      offset += n;
    }

  while (busy (f->skipping) || busy (f->reference))
    g_main_context_iteration (NULL, TRUE);
  /* VTE parses the last slice on its own timers, which a loaded machine
   * may run later than the terminal's watchdog: wait, within a bound, for
   * the screens to agree, and let assert_same() say where they do not. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!same_text (f) && g_get_monotonic_time () < deadline)
    iterate_for (20);
  /* Anything VTE parsed last is drawn on its next timers. */
  iterate_for (100);
}

static void
assert_same (Fixture    *f,
             const char *last_words)
{
  tether_test_assert_same_screen (VTE_TERMINAL (f->skipping), VTE_TERMINAL (f->reference),
                                  SCROLLBACK, last_words);
}

/* Lines as a flood has them: numbers, colours, tabs, wide and non-ASCII
 * characters, some long enough to wrap. */
static void
append_lines (GString  *text,
              guint     from,
              guint     count,
              gboolean  colours)
{
  for (guint i = from; i < from + count; i++)
    {
      if (colours && i % 7 == 0)
        g_string_append_printf (text, "\033[3%u;1m%u\033[0m\r\n", i % 8, i);
      else if (i % 101 == 0)
        {
          g_string_append_printf (text, "%u\t", i);
          for (guint j = 0; j < 30; j++)
            g_string_append (text, "wrap é 漢 ");
          g_string_append (text, "\r\n");
        }
      else
        g_string_append_printf (text, "%u\r\n", i);
    }
}

static void
test_plain_flood (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_lines (text, 0, 2 * RUN_LINES, TRUE);
  /* Set in what is skipped, and still in force after it. */
  g_string_append (text, "\033[4;44m");
  append_lines (text, 2 * RUN_LINES, RUN_LINES, FALSE);
  /* Ends mid-line with another background set. */
  g_string_append (text, "\033[41mtail");
  feed_both (f, text);

  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->skipping), >, text->len / 2);
  assert_same (f, "59999\ntail");
}

/* What may not be skipped: a title, a cursor movement, margins, the
 * alternate screen, a charset, a bell, an unfinished string. */
static const char *breaks[] = {
  "\033]0;title\007",
  "\033[5;3H=moved=\r\n",
  "\033[5;20r",
  "\033[r",
  "\033[?1049h",
  "\033[?1049l",
  "\033(0lqk\033(B\r\n",
  "\007\r\n",
  "\033[4m",
  /* (Not with the cursor below the margins: there VTE 0.70 itself moves
   * the screen at the end of each batch it parses, so even two terminals
   * that parse every byte can differ.) */
  "\033[5;20r\033[10;1H",
  "\033[?1049h\033[2;20r",
  "\033]2;unfinished ",
};

/* Runs that may be skipped, each followed by one of the breaks. */
static void
test_mixed_flood (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint line = 0;

  for (guint i = 0; i + 3 < G_N_ELEMENTS (breaks); i++)
    {
      append_lines (text, line, RUN_LINES, TRUE);
      line += RUN_LINES;
      g_string_append (text, breaks[i]);
    }
  append_lines (text, line, 100, TRUE);
  feed_both (f, text);

  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->skipping), >, 0);
  assert_same (f, "180099\n");
}

/* A break, then lines: fewer than the scrollback holds (what the break
 * left shows, so skipping across it would), or more (skipping after it
 * must know what it did). */
static void
test_ends_after_break (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *brk = breaks[GPOINTER_TO_UINT (data) / 2];
  guint after = GPOINTER_TO_UINT (data) % 2 ? 6 * SCROLLBACK : SCROLLBACK / 2;
  g_autofree char *last = NULL;

  append_lines (text, 0, RUN_LINES / 4, TRUE);
  g_string_append (text, brk);
  for (guint i = RUN_LINES / 4; i < RUN_LINES / 4 + after; i++)
    g_string_append_printf (text, "%u\r\n", i);
  if (strstr (brk, "unfinished") != NULL)
    {
      /* The title ends at last, and the lines after it show. */
      g_string_append_c (text, '\007');
      append_lines (text, RUN_LINES / 4 + after, 100, TRUE);
      after += 100;
    }
  feed_both (f, text);

  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->skipping), >, 0);
  last = g_strdup_printf ("%u\n", RUN_LINES / 4 + after - 1);
  assert_same (f, last);
}

/* Line feeds that never scroll: the cursor goes down and up again.  None
 * of them may count as pushing anything out. */
static void
test_lines_that_do_not_scroll (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_lines (text, 0, RUN_LINES, TRUE);
  g_string_append (text, "\033[5;3H");
  for (guint i = 0; i < 6 * SCROLLBACK; i++)
    g_string_append_printf (text, "%u\r\n\033[A", i);
  g_string_append (text, "end\r\n");
  feed_both (f, text);

  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->skipping), >, 0);
  assert_same (f, "end");
}

/* Lines that only fit in a short scrollback are kept when it is longer,
 * and an infinite one keeps everything. */
static void
test_scrollback_kept (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  vte_terminal_set_scrollback_lines (VTE_TERMINAL (f->skipping), -1);
  vte_terminal_set_scrollback_lines (VTE_TERMINAL (f->reference), -1);
  append_lines (text, 0, RUN_LINES, TRUE);
  feed_both (f, text);

  g_assert_cmpuint (_tether_terminal_get_bytes_skipped (f->skipping), ==, 0);
  assert_same (f, "19999\n");
}

int
main (int   argc,
      char *argv[])
{
  tether_test_start_private_display ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/terminal-skip/plain-flood", Fixture, NULL,
              fixture_set_up, test_plain_flood, fixture_tear_down);
  g_test_add ("/terminal-skip/mixed-flood", Fixture, NULL,
              fixture_set_up, test_mixed_flood, fixture_tear_down);
  g_test_add ("/terminal-skip/scrollback-kept", Fixture, NULL,
              fixture_set_up, test_scrollback_kept, fixture_tear_down);
  g_test_add ("/terminal-skip/lines-that-do-not-scroll", Fixture, NULL,
              fixture_set_up, test_lines_that_do_not_scroll, fixture_tear_down);
  for (guint i = 0; i < 2 * G_N_ELEMENTS (breaks); i++)
    {
      g_autofree char *path = g_strdup_printf ("/terminal-skip/ends-after-break/%u-%s",
                                               i / 2, i % 2 ? "long" : "short");

      g_test_add (path, Fixture, GUINT_TO_POINTER (i),
                  fixture_set_up, test_ends_after_break, fixture_tear_down);
    }

  return g_test_run ();
}
