/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-terminal-private.h"

/*
 * Skipping what nobody could ever see.
 *
 * VTE 0.70 parses fed output only on its own timer, one batch per cycle,
 * then waits 30 ms: a batch small enough to keep the window responsive
 * (p99 lateness under 50 ms) leaves VTE idle 40 % of the time, and a flood
 * is shown at ~0.8× the speed of a local one (build-aux/bench).  But when
 * the queue already holds more plain lines (text, CR, LF, TAB, colours)
 * than the scrollback and the screen can keep, everything before the last
 * of them would be pushed out of both before it could be drawn: VTE would
 * parse it only to throw it away.  So the terminal drops that stretch and
 * feeds only its SGR sequences, and VTE ends in exactly the state it would
 * have reached (tether-vt-scan.c says why, and tests/test-terminal-skip.c
 * compares both, scrollback and colours included).  Nothing else is ever
 * skipped: a stretch holding anything but plain output, or margins set,
 * or an infinite scrollback, is fed whole.
 */

/* Line feeds kept beyond the scrollback and two screens: room for the
 * window to grow while the rest is parsed. */
#define KEEP_MARGIN     512

Chunk *
_tether_terminal_chunk_new (GBytes        *bytes,
                            TetherChannel *giver)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->bytes = g_bytes_ref (bytes);
  chunk->giver = giver != NULL ? g_object_ref (giver) : NULL;
  return chunk;
}

/* Frees @chunk; what it still held must have been given back. */
void
_tether_terminal_chunk_free (Chunk *chunk)
{
  g_bytes_unref (chunk->bytes);
  g_clear_object (&chunk->giver);
  g_free (chunk);
}

/* @n_bytes of @chunk leave the queue: its channel may send as many more. */
void
_tether_terminal_chunk_give_back (Chunk *chunk,
                                  gsize  n_bytes)
{
  if (chunk->giver != NULL && n_bytes > 0)
    tether_channel_consume (chunk->giver, n_bytes);
}

static gsize
chunk_size (const Chunk *chunk)
{
  return g_bytes_get_size (chunk->bytes);
}

/* Keeps [from, to) of @chunk.  What the scanner knew of the rest no longer
 * applies, so the piece is never used to skip again but from @start_at,
 * a line start it begins with (or -1). */
static void
chunk_keep (Chunk  *chunk,
            gsize   from,
            gsize   to,
            gssize  start_at)
{
  GBytes *piece = g_bytes_new_from_bytes (chunk->bytes, from, to - from);

  g_bytes_unref (chunk->bytes);
  chunk->bytes = piece;
  chunk->span.plain = FALSE;
  chunk->span.lfs = 0;
  chunk->span.first_start = start_at;
  chunk->span.last_start = start_at;
}

/* The head chunk is partly fed already: only line starts after what VTE
 * has are of use. */
static void
adjust_head (TetherTerminal *self,
             const Chunk    *head,
             TetherVtSpan   *span)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (head->bytes, &size);

  if (self->head_offset == 0)
    return;
  if (span->last_start < 0 || (gsize) span->last_start < self->head_offset)
    {
      span->first_start = span->last_start = -1;
      return;
    }
  if ((gsize) span->first_start < self->head_offset)
    span->first_start = tether_vt_next_line_start (data, size,
                                                   MAX (self->head_offset, (gsize) span->first_start));
}

static gsize
skip_size (GList              *first,
           GList              *last,
           const TetherVtSkip *skip)
{
  gsize total = 0;

  for (GList *l = first; ; l = l->next)
    {
      gsize from = l == first ? skip->first_offset : 0;
      gsize to = l == last ? skip->last_offset : chunk_size (l->data);

      total += to - from;
      if (l == last)
        return total;
    }
}

/* Drops [A, B), gives its bytes back and returns its SGR sequences. */
static GBytes *
drop_stretch (TetherTerminal     *self,
              GList              *first,
              GList              *last,
              const TetherVtSkip *skip)
{
  g_autoptr(GByteArray) sgr = g_byte_array_new ();
  gboolean in_sequence = FALSE;

  for (GList *l = first; ; l = l->next)
    {
      Chunk *chunk = l->data;
      gsize from = l == first ? skip->first_offset : 0;
      gsize to = l == last ? skip->last_offset : chunk_size (chunk);
      const guint8 *data = g_bytes_get_data (chunk->bytes, NULL);

      if (chunk->span.has_sgr)
        tether_vt_collect_sgr (data + from, to - from, &in_sequence, sgr);
      _tether_terminal_chunk_give_back (chunk, to - from);
      self->queued -= to - from;
      self->bytes_skipped += to - from;
      if (l == last)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&sgr));
}

static void
cut_queue (TetherTerminal     *self,
           GList              *first,
           GList              *last,
           const TetherVtSkip *skip)
{
  g_autoptr(GBytes) sgr = drop_stretch (self, first, last, skip);
  Chunk *head = first->data;
  Chunk *tail;
  gsize tail_size = chunk_size (last->data);

  if (first == last)
    {
      tail = _tether_terminal_chunk_new (head->bytes, head->giver);
      g_queue_insert_after (&self->queue, first, tail);
    }
  else
    {
      tail = last->data;
      while (first->next != last)
        {
          _tether_terminal_chunk_free (first->next->data);
          g_queue_delete_link (&self->queue, first->next);
        }
    }
  chunk_keep (tail, skip->last_offset, tail_size, 0);
  chunk_keep (head, 0, skip->first_offset, -1);

  if (g_bytes_get_size (sgr) > 0)
    {
      g_queue_insert_after (&self->queue, first, _tether_terminal_chunk_new (sgr, NULL));
      self->queued += g_bytes_get_size (sgr);
    }
  /* A head cut down to what VTE already has. */
  if (first == self->queue.head && self->head_offset == skip->first_offset)
    {
      _tether_terminal_chunk_free (g_queue_pop_head (&self->queue));
      self->head_offset = 0;
    }
  else if (skip->first_offset == 0)
    {
      _tether_terminal_chunk_free (first->data);
      g_queue_delete_link (&self->queue, first);
    }
}

/**
 * _tether_terminal_skip_unseen:
 *
 * Drops from the queue the longest plain stretch that enough plain lines
 * follow to push it out of the scrollback, if that is worth it.
 */
void
_tether_terminal_skip_unseen (TetherTerminal *self)
{
  VteTerminal *terminal = VTE_TERMINAL (self);
  glong scrollback = vte_terminal_get_scrollback_lines (terminal);
  glong rows = vte_terminal_get_row_count (terminal);
  guint n = self->queue.length;
  g_autofree TetherVtSpan *spans = NULL;
  TetherVtSkip skip;
  GList *first, *last;
  guint i = 0;

  /* An infinite scrollback (VTE says G_MAXLONG) keeps everything.  And
   * the queue is looked at again only once a quarter of what is worth
   * skipping came since it was last looked at: not at every one of a
   * flood's small reads. */
  if (scrollback < 0 || scrollback > G_MAXINT || n == 0 || self->queued < self->skip_min
      || self->bytes_received - self->skip_tried_at < self->skip_min / 4)
    return;
  self->skip_tried_at = self->bytes_received;

  spans = g_new (TetherVtSpan, n);
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    spans[i++] = ((Chunk *) l->data)->span;
  adjust_head (self, self->queue.head->data, &spans[0]);

  if (!tether_vt_find_skip (spans, n, (gsize) (scrollback + 2 * rows + KEEP_MARGIN), &skip))
    return;
  first = g_queue_peek_nth_link (&self->queue, skip.first_chunk);
  last = g_queue_peek_nth_link (&self->queue, skip.last_chunk);
  if (skip_size (first, last, &skip) < self->skip_min)
    return;
  cut_queue (self, first, last, &skip);
}
