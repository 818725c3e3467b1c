/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-vt-scan.h"

/*
 * The scanner that decides which output may be skipped: what it calls
 * plain and where it sees line starts, across chunk boundaries, and the
 * stretch it picks.  Whether skipping leaves VTE as it would have been is
 * tested against VTE itself in test-terminal-skip.c.
 */

static TetherVtSpan
scan_one (const char *text)
{
  TetherVtScanner scanner;
  TetherVtSpan span;

  tether_vt_scanner_init (&scanner);
  tether_vt_scanner_scan (&scanner, (const guint8 *) text, strlen (text), &span);
  return span;
}

static void
test_plain_lines (void)
{
  TetherVtSpan span = scan_one ("one\r\ntwo\r\n\tthree\r\nfour");

  g_assert_true (span.plain);
  g_assert_cmpuint (span.lfs, ==, 3);
  g_assert_cmpint (span.first_start, ==, 5);
  g_assert_cmpint (span.last_start, ==, 18);
  g_assert_false (span.has_sgr);
}

static void
test_sgr_is_plain (void)
{
  TetherVtSpan span = scan_one ("\033[1;31mred\033[0m\r\n\033[38:2:1:2:3mx\033[m\r\n");

  g_assert_true (span.plain);
  g_assert_true (span.has_sgr);
  g_assert_cmpuint (span.lfs, ==, 2);
}

/* Each of these breaks the run: the line starts before it are no longer
 * plain to the end of the chunk. */
static void
test_not_plain (void)
{
  const char *breakers[] = {
    "\033[H",            /* cursor position */
    "\033[2J",           /* erase */
    "\033[?25l",         /* private mode */
    "\033[>m",           /* private marker on an m */
    "\033[1 m",          /* intermediate on an m */
    "\033]0;title\007",  /* OSC */
    "\0337",             /* DECSC */
    "\033(0",            /* charset */
    "\b",                /* BS */
    "\007",              /* BEL */
    "\v",                /* VT */
    "\302\233m",         /* C1 CSI from UTF-8 */
    "\302\205",          /* C1 NEL */
    "\030",              /* CAN */
    "\033[3\r\nm",       /* CR LF inside a CSI are executed there */
  };

  for (guint i = 0; i < G_N_ELEMENTS (breakers); i++)
    {
      g_autofree char *text = g_strdup_printf ("a\r\nb\r\n%sc", breakers[i]);
      TetherVtSpan span = scan_one (text);

      g_test_message ("breaker %u", i);
      g_assert_false (span.plain);
      g_assert_cmpint (span.first_start, ==, -1);
      g_assert_cmpint (span.last_start, ==, -1);
    }
}

/* After a sequence the run starts again at the next CR LF. */
static void
test_run_restarts (void)
{
  TetherVtSpan span = scan_one ("x\033]0;t\033\\y\r\nz\r\n");

  g_assert_false (span.plain);
  g_assert_cmpint (span.first_start, ==, 11);
  g_assert_cmpint (span.last_start, ==, 14);
}

/* Inside an OSC (ended by neither BEL nor ST yet) nothing is a line start:
 * VTE swallows it all as the string. */
static void
test_string_swallows (void)
{
  TetherVtSpan span = scan_one ("\033]2;a\r\nb\r\nc\r\n");

  g_assert_cmpint (span.first_start, ==, -1);
  span = scan_one ("\033P1$r\r\nq\r\n\033\\\r\nok\r\n");
  g_assert_cmpint (span.first_start, ==, 14);
  /* SOS/PM/APC, and a C1 OSC ended by a C1 ST */
  span = scan_one ("\033_x\r\n\302\235y\r\n\302\234z\r\nw\r\n");
  g_assert_cmpint (span.first_start, ==, 15);
}

static void
test_margins (void)
{
  TetherVtScanner scanner;
  TetherVtSpan span;
  const char *set = "\033[2;20r\r\na\r\n";
  const char *unset = "\033[r\r\nb\r\n";

  tether_vt_scanner_init (&scanner);
  tether_vt_scanner_scan (&scanner, (const guint8 *) set, strlen (set), &span);
  g_assert_cmpint (span.first_start, ==, -1);
  tether_vt_scanner_scan (&scanner, (const guint8 *) unset, strlen (unset), &span);
  g_assert_cmpint (span.first_start, ==, 5);

  /* DECSTR and RIS clear them too: lines start again after them. */
  tether_vt_scanner_scan (&scanner, (const guint8 *) set, strlen (set), &span);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "\033[!p\r\nc\r\n", 9, &span);
  g_assert_cmpint (span.first_start, ==, 6);
  tether_vt_scanner_scan (&scanner, (const guint8 *) set, strlen (set), &span);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "\033c\r\nd\r\n", 7, &span);
  g_assert_cmpint (span.first_start, ==, 4);
}

/* 256 intermediates do not count as none, nor 257 as one: ESC SP…SP c is
 * not RIS, nor CSI !…! p DECSTR, so neither clears the margins, under
 * which no line starts.  (Seen while writing tests/fuzz/fuzz-vt-scan.c: the
 * count was a byte that wrapped.) */
static void
test_many_intermediates (void)
{
  TetherVtScanner scanner;
  TetherVtSpan span;
  const char *set = "\033[2;20r";
  g_autofree char *spaces = g_strnfill (256, ' ');
  g_autofree char *bangs = g_strnfill (257, '!');
  g_autofree char *not_ris = g_strconcat ("\033", spaces, "c\r\nx\r\n", NULL);
  g_autofree char *not_decstr = g_strconcat ("\033[", bangs, "p\r\nx\r\n", NULL);

  tether_vt_scanner_init (&scanner);
  tether_vt_scanner_scan (&scanner, (const guint8 *) set, strlen (set), &span);
  tether_vt_scanner_scan (&scanner, (const guint8 *) not_ris, strlen (not_ris), &span);
  g_assert_cmpint (span.first_start, ==, -1);
  tether_vt_scanner_scan (&scanner, (const guint8 *) not_decstr, strlen (not_decstr), &span);
  g_assert_cmpint (span.first_start, ==, -1);
}

/* CR | LF, ESC [ | 1 m, and C2 | 9B split over chunks. */
static void
test_chunk_boundaries (void)
{
  TetherVtScanner scanner;
  TetherVtSpan a, b;

  tether_vt_scanner_init (&scanner);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "x\r", 2, &a);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "\ny", 2, &b);
  g_assert_cmpint (b.first_start, ==, 1);
  g_assert_true (b.plain);

  tether_vt_scanner_scan (&scanner, (const guint8 *) "\033[", 2, &a);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "1m\r\n", 4, &b);
  g_assert_true (a.plain);
  g_assert_true (b.plain);
  g_assert_true (b.has_sgr);

  tether_vt_scanner_scan (&scanner, (const guint8 *) "\033[", 2, &a);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "1H\r\n", 4, &b);
  g_assert_false (b.plain);
  g_assert_cmpint (b.first_start, ==, 4);

  tether_vt_scanner_scan (&scanner, (const guint8 *) "\302", 1, &a);
  tether_vt_scanner_scan (&scanner, (const guint8 *) "\2331m\r\n", 5, &b);
  g_assert_false (b.plain);
  g_assert_cmpint (b.first_start, ==, 5);
}

/* Non-ASCII text is plain; U+00A0..U+00BF (C2 A0..BF) are not C1. */
static void
test_utf8 (void)
{
  TetherVtSpan span = scan_one ("\302\240\302\277é€😀\r\n\377\r\n");

  g_assert_true (span.plain);
  g_assert_cmpuint (span.lfs, ==, 2);
}

static TetherVtSpan
plain_span (gsize lfs,
            gssize first,
            gssize last)
{
  return (TetherVtSpan) { .lfs = lfs, .first_start = first, .last_start = last, .plain = TRUE };
}

static void
test_find_skip (void)
{
  TetherVtSpan spans[4] = {
    plain_span (100, 10, 900),
    plain_span (100, 5, 800),
    plain_span (100, 7, 700),
    plain_span (100, 3, 600),
  };
  TetherVtSkip skip;

  /* 150 lines to keep: the last chunk's 100 are not enough, the last two
   * are: the stretch ends at the last line start of the second one. */
  g_assert_true (tether_vt_find_skip (spans, 4, 150, &skip));
  g_assert_cmpuint (skip.first_chunk, ==, 0);
  g_assert_cmpuint (skip.first_offset, ==, 10);
  g_assert_cmpuint (skip.last_chunk, ==, 1);
  g_assert_cmpuint (skip.last_offset, ==, 800);

  /* Not enough after anything. */
  g_assert_false (tether_vt_find_skip (spans, 4, 400, &skip));

  /* A chunk that is not plain after the end point: nothing to skip. */
  spans[3].plain = FALSE;
  g_assert_false (tether_vt_find_skip (spans, 4, 150, &skip));

  /* One that is not plain before it: the stretch starts in it, at its
   * first line start after what broke the run. */
  spans[3].plain = TRUE;
  spans[1].plain = FALSE;
  spans[1].first_start = 400;
  g_assert_true (tether_vt_find_skip (spans, 4, 150, &skip));
  g_assert_cmpuint (skip.first_chunk, ==, 1);
  g_assert_cmpuint (skip.first_offset, ==, 400);

  /* Within one chunk. */
  spans[1].plain = TRUE;
  spans[1].first_start = 5;
  g_assert_true (tether_vt_find_skip (spans, 4, 250, &skip));
  g_assert_cmpuint (skip.first_chunk, ==, 0);
  g_assert_cmpuint (skip.last_chunk, ==, 0);
  g_assert_cmpuint (skip.last_offset, ==, 900);
}

static void
test_next_line_start (void)
{
  const guint8 *data = (const guint8 *) "ab\r\ncd\r\nef";

  g_assert_cmpint (tether_vt_next_line_start (data, 10, 0), ==, 4);
  g_assert_cmpint (tether_vt_next_line_start (data, 10, 4), ==, 4);
  g_assert_cmpint (tether_vt_next_line_start (data, 10, 5), ==, 8);
  g_assert_cmpint (tether_vt_next_line_start (data, 10, 9), ==, -1);
}

static void
test_collect_sgr (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gboolean in_sequence = FALSE;
  const char *a = "x\033[1mbold\r\n\033[3";
  const char *b = "1mred\r\n";

  tether_vt_collect_sgr ((const guint8 *) a, strlen (a), &in_sequence, out);
  g_assert_true (in_sequence);
  tether_vt_collect_sgr ((const guint8 *) b, strlen (b), &in_sequence, out);
  g_assert_false (in_sequence);
  g_assert_cmpmem (out->data, out->len, "\033[1m\033[31m", 9);
}

/* A reset sets everything: what came before it no longer counts. */
static void
test_collect_sgr_reset (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "\033[1ma\033[31mb\033[0mc\r\n\033[4m", "\033[0m\033[4m" },
    { "\033[1ma\033[mb", "\033[m" },
    { "\033[1ma\033[00;32mb\033[1m", "\033[00;32m\033[1m" },
    { "\033[1ma\033[;32mb", "\033[;32m" },
    /* Not resets: 01, 10, 0 as a later parameter, a sub-parameter. */
    { "\033[1ma\033[01mb", "\033[1m\033[01m" },
    { "\033[1ma\033[10mb", "\033[1m\033[10m" },
    { "\033[1ma\033[32;0mb", "\033[1m\033[32;0m" },
    { "\033[1ma\033[0:3mb", "\033[1m\033[0:3m" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* Whole, and cut inside every sequence. */
      for (gsize cut = 0; cut <= strlen (cases[i].in); cut++)
        {
          g_autoptr(GByteArray) out = g_byte_array_new ();
          gboolean in_sequence = FALSE;
          const guint8 *in = (const guint8 *) cases[i].in;

          tether_vt_collect_sgr (in, cut, &in_sequence, out);
          tether_vt_collect_sgr (in + cut, strlen (cases[i].in) - cut, &in_sequence, out);
          g_assert_false (in_sequence);
          g_assert_cmpmem (out->data, out->len, cases[i].out, strlen (cases[i].out));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vt-scan/plain-lines", test_plain_lines);
  g_test_add_func ("/vt-scan/sgr-is-plain", test_sgr_is_plain);
  g_test_add_func ("/vt-scan/not-plain", test_not_plain);
  g_test_add_func ("/vt-scan/run-restarts", test_run_restarts);
  g_test_add_func ("/vt-scan/string-swallows", test_string_swallows);
  g_test_add_func ("/vt-scan/margins", test_margins);
  g_test_add_func ("/vt-scan/many-intermediates", test_many_intermediates);
  g_test_add_func ("/vt-scan/chunk-boundaries", test_chunk_boundaries);
  g_test_add_func ("/vt-scan/utf8", test_utf8);
  g_test_add_func ("/vt-scan/find-skip", test_find_skip);
  g_test_add_func ("/vt-scan/next-line-start", test_next_line_start);
  g_test_add_func ("/vt-scan/collect-sgr", test_collect_sgr);
  g_test_add_func ("/vt-scan/collect-sgr-reset", test_collect_sgr_reset);

  return g_test_run ();
}
