/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Finding the lines of a terminal's output that would scroll out of the
 * scrollback before anyone could see them, so that the terminal can skip
 * them (tether-terminal.c says why and when).  GLib only: no terminal here,
 * just bytes in the order the terminal will parse them.
 *
 * "Plain" output is printable text, CR, LF, TAB and SGR sequences
 * (ESC [ digits ; : m): nothing that moves the cursor up, sets modes or
 * talks back.  A "line start" is the offset just after a CR LF parsed in
 * the ground state while no scrolling margins are set: there the cursor is
 * in column 0 and every later LF either moves it down or scrolls.
 */

/* What the scanner learnt of one stretch of output (a chunk). */
typedef struct {
  /* Line feeds in the chunk; meaningful when @plain. */
  gsize    lfs;
  /* The first and last line starts after which the chunk is plain to its
   * end, or -1. */
  gssize   first_start;
  gssize   last_start;
  /* The whole chunk is plain and continues a plain run that began at a
   * line start. */
  gboolean plain;
  /* The chunk holds SGR sequences, which must be kept when skipping. */
  gboolean has_sgr;
} TetherVtSpan;

/* The parser's state across chunks; opaque, zero-initialised by _init(). */
typedef struct {
  guint8   state;
  guint8   intermediate;
  guint8   n_intermediates;
  gboolean private_marker;
  gboolean nonzero_param;
  gboolean sgr_candidate;
  gboolean pending_c2;
  gboolean cr;
  gboolean run;
  gboolean margins;
} TetherVtScanner;

/* A stretch to skip: from a line start in one chunk to a line start in the
 * same or a later chunk (indices in the array given to _find_skip). */
typedef struct {
  guint first_chunk;
  gsize first_offset;
  guint last_chunk;
  gsize last_offset;
} TetherVtSkip;

void     tether_vt_scanner_init  (TetherVtScanner    *scanner);
void     tether_vt_scanner_scan  (TetherVtScanner    *scanner,
                                  const guint8       *data,
                                  gsize               size,
                                  TetherVtSpan       *span);

gboolean tether_vt_find_skip     (const TetherVtSpan *spans,
                                  guint               n_spans,
                                  gsize               keep_lines,
                                  TetherVtSkip       *skip);

gssize   tether_vt_next_line_start (const guint8     *data,
                                    gsize             size,
                                    gsize             from);

void     tether_vt_collect_sgr   (const guint8       *data,
                                  gsize               size,
                                  gboolean           *in_sequence,
                                  GByteArray         *out);

G_END_DECLS
