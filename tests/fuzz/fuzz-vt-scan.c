/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "tether-vt-scan.h"

/*
 * The terminal's VT scanner (tether-vt-scan.h), with any output.  The first
 * three bytes are parameters: the size of the chunks the output is cut
 * into, how many lines tether_vt_find_skip() must keep, and where
 * tether_vt_next_line_start() starts.  Invariants:
 *
 * - scanning in chunks of any size ends in the same state, and the chunks'
 *   spans add up to the span of the whole (line feeds, SGR, plainness,
 *   first and last line start);
 * - a line start is an offset within the chunk just after a CR LF (or CR,
 *   DELs, LF), and the scanner is then as good as a new one: one that scans
 *   from there on finds the rest plain, as the span says, and ends treating
 *   what follows alike;
 * - a skip lies between two line starts, from which the output is plain to
 *   the end with at least the lines to keep after it;
 * - tether_vt_next_line_start() finds the first end of a CR LF at or after
 *   its start, and tether_vt_collect_sgr() the same bytes in chunks as whole.
 */

#define MAX_CHUNK 64

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
assert_same_scanner (const TetherVtScanner *a,
                     const TetherVtScanner *b)
{
  g_assert_cmpuint (a->state, ==, b->state);
  g_assert_cmpuint (a->intermediate, ==, b->intermediate);
  g_assert_cmpuint (a->n_intermediates, ==, b->n_intermediates);
  g_assert_cmpint (a->private_marker, ==, b->private_marker);
  g_assert_cmpint (a->nonzero_param, ==, b->nonzero_param);
  g_assert_cmpint (a->sgr_candidate, ==, b->sgr_candidate);
  g_assert_cmpint (a->pending_c2, ==, b->pending_c2);
  g_assert_cmpint (a->cr, ==, b->cr);
  g_assert_cmpint (a->run, ==, b->run);
  g_assert_cmpint (a->margins, ==, b->margins);
}

static void
assert_same_span (const TetherVtSpan *a,
                  const TetherVtSpan *b)
{
  g_assert_cmpuint (a->lfs, ==, b->lfs);
  g_assert_cmpint (a->has_sgr, ==, b->has_sgr);
  g_assert_cmpint (a->plain, ==, b->plain);
  g_assert_cmpint (a->first_start, ==, b->first_start);
  g_assert_cmpint (a->last_start, ==, b->last_start);
}

/* Whether two scanners will treat what follows alike, asked of them: each
 * probe ends whatever sequence may be open in a way that tells its fields
 * apart (an SGR or not, margins set or not, DECSTR, RIS, a string's end),
 * then has line starts (none under margins).  Fields that only count inside a sequence (a new
 * one resets them) may differ in the ground state and tell nothing. */
static void
assert_same_behaviour (const TetherVtScanner *a,
                       const TetherVtScanner *b)
{
  static const char * const probes[] = {
    "m", "1m", "r", "1r", "!p", "p", "c", "[m", "[1r", "\\", "\007", "\302\234", "\302\205", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      g_autofree char *probe = g_strconcat (probes[i], "\r\nz\r\nz\r\n", NULL);
      TetherVtScanner x = *a, y = *b;
      TetherVtSpan span_x, span_y;

      tether_vt_scanner_scan (&x, (const guint8 *) probe, strlen (probe), &span_x);
      tether_vt_scanner_scan (&y, (const guint8 *) probe, strlen (probe), &span_y);
      assert_same_span (&span_x, &span_y);
    }
}

static gboolean
follows_crlf (const guint8 *data,
              gsize         offset)
{
  return offset >= 2 && data[offset - 2] == '\r' && data[offset - 1] == '\n';
}

/* Just after a CR LF, or a CR, DELs and LF: VTE ignores DEL in every state,
 * so there too the cursor is at the start of a line. */
static gboolean
is_line_start (const guint8 *data,
               gsize         offset)
{
  gsize cr;

  if (offset < 2 || data[offset - 1] != '\n')
    return FALSE;
  for (cr = offset - 1; cr > 0 && data[cr - 1] == 0x7f; cr--)
    ;
  return cr > 0 && data[cr - 1] == '\r';
}

static void
assert_span_sane (const guint8       *data,
                  gsize               size,
                  const TetherVtSpan *span)
{
  gsize lfs = 0;

  for (gsize i = 0; i < size; i++)
    lfs += data[i] == '\n';
  g_assert_cmpuint (span->lfs, <=, lfs);
  g_assert_true ((span->first_start < 0) == (span->last_start < 0));
  if (span->first_start < 0)
    return;
  g_assert_cmpint (span->first_start, <=, span->last_start);
  g_assert_cmpint (span->last_start, <=, (gssize) size);
  g_assert_cmpint (span->first_start, >=, 1);
  g_assert_true (data[span->first_start - 1] == '\n');
  g_assert_true (data[span->last_start - 1] == '\n');
}

/* The span of A then B (B scanned at @offset, right after A), as the
 * scanner would give it for both in one chunk. */
static TetherVtSpan
join_spans (const TetherVtSpan *a,
            const TetherVtSpan *b,
            gsize               offset)
{
  TetherVtSpan joined = {
    .lfs = a->lfs + b->lfs,
    .has_sgr = a->has_sgr || b->has_sgr,
    .plain = a->plain && b->plain,
  };

  /* B is plain as a whole when nothing in it broke the run that A's line
   * starts began. */
  if (b->last_start >= 0)
    joined.last_start = (gssize) offset + b->last_start;
  else
    joined.last_start = b->plain ? a->last_start : -1;
  if (b->plain && a->first_start >= 0)
    joined.first_start = a->first_start;
  else
    joined.first_start = b->first_start >= 0 ? (gssize) offset + b->first_start : -1;

  return joined;
}

/* From a line start on, the scanner is as a new one: the rest is plain
 * (the span says so) and ends in the same state. */
static void
assert_restart (const guint8          *data,
                gsize                  size,
                gssize                 start,
                const TetherVtScanner *whole)
{
  TetherVtScanner fresh;
  TetherVtSpan span;

  if (start < 0)
    return;
  tether_vt_scanner_init (&fresh);
  tether_vt_scanner_scan (&fresh, data + start, size - start, &span);
  g_assert_true (span.plain);
  assert_same_behaviour (whole, &fresh);
}

static void
assert_skip (const guint8       *data,
             gsize               size,
             gsize               chunk,
             const TetherVtSpan *spans,
             guint               n_spans,
             gsize               keep_lines)
{
  TetherVtSkip skip;
  gsize first, last, after = 0;
  TetherVtScanner fresh;
  TetherVtSpan span;

  if (!tether_vt_find_skip (spans, n_spans, keep_lines, &skip))
    return;

  g_assert_cmpuint (skip.first_chunk, <=, skip.last_chunk);
  g_assert_cmpuint (skip.last_chunk, <, n_spans);
  first = skip.first_chunk * chunk + skip.first_offset;
  last = skip.last_chunk * chunk + skip.last_offset;
  g_assert_cmpuint (skip.first_offset, <=, MIN (chunk, size - skip.first_chunk * chunk));
  g_assert_cmpuint (skip.last_offset, <=, MIN (chunk, size - skip.last_chunk * chunk));
  g_assert_cmpuint (first, <, last);
  g_assert_true (is_line_start (data, first));
  g_assert_true (is_line_start (data, last));

  for (guint i = skip.last_chunk + 1; i < n_spans; i++)
    {
      g_assert_true (spans[i].plain);
      after += spans[i].lfs;
    }
  g_assert_cmpuint (after, >=, keep_lines);

  tether_vt_scanner_init (&fresh);
  tether_vt_scanner_scan (&fresh, data + first, size - first, &span);
  g_assert_true (span.plain);
}

static void
assert_next_line_start (const guint8 *data,
                        gsize         size,
                        gsize         from)
{
  gssize found = tether_vt_next_line_start (data, size, from);
  gssize expected = -1;

  for (gsize end = MAX (from, 2); end <= size; end++)
    if (follows_crlf (data, end))
      {
        expected = (gssize) end;
        break;
      }
  g_assert_cmpint (found, ==, expected);
}

static void
assert_collect_sgr (const guint8 *data,
                    gsize         size,
                    gsize         chunk)
{
  g_autoptr(GByteArray) whole = g_byte_array_new ();
  g_autoptr(GByteArray) pieces = g_byte_array_new ();
  gboolean whole_in = FALSE, pieces_in = FALSE;

  tether_vt_collect_sgr (data, size, &whole_in, whole);
  for (gsize offset = 0; offset < size; offset += chunk)
    tether_vt_collect_sgr (data + offset, MIN (chunk, size - offset), &pieces_in, pieces);
  g_assert_cmpint (whole_in, ==, pieces_in);
  g_assert_cmpmem (whole->data, whole->len, pieces->data, pieces->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *input,
                        size_t         input_size)
{
  const guint8 *data;
  gsize size, chunk, keep_lines, from;
  TetherVtScanner whole, pieces;
  TetherVtSpan whole_span, joined;
  g_autofree TetherVtSpan *spans = NULL;
  guint n_spans = 0;

  if (input_size < 3)
    return 0;
  chunk = 1 + input[0] % MAX_CHUNK;
  keep_lines = input[1] % 8;
  data = input + 3;
  size = input_size - 3;
  from = size > 0 ? input[2] % (size + 1) : 0;

  tether_vt_scanner_init (&whole);
  tether_vt_scanner_scan (&whole, data, size, &whole_span);
  assert_span_sane (data, size, &whole_span);
  if (whole_span.first_start >= 0)
    {
      g_assert_true (is_line_start (data, whole_span.first_start));
      g_assert_true (is_line_start (data, whole_span.last_start));
    }

  spans = g_new0 (TetherVtSpan, size / chunk + 1);
  tether_vt_scanner_init (&pieces);
  joined = (TetherVtSpan) { .plain = TRUE, .first_start = -1, .last_start = -1 };
  for (gsize offset = 0; offset < size; offset += chunk)
    {
      gsize length = MIN (chunk, size - offset);
      TetherVtSpan *span = &spans[n_spans++];

      tether_vt_scanner_scan (&pieces, data + offset, length, span);
      assert_span_sane (data + offset, length, span);
      joined = join_spans (&joined, span, offset);
    }
  assert_same_scanner (&whole, &pieces);
  if (size > 0)
    assert_same_span (&whole_span, &joined);

  assert_restart (data, size, whole_span.first_start, &whole);
  assert_restart (data, size, whole_span.last_start, &whole);
  assert_skip (data, size, chunk, spans, n_spans, keep_lines);
  assert_next_line_start (data, size, from);
  assert_collect_sgr (data, size, chunk);
  return 0;
}
