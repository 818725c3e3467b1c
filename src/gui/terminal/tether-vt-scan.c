/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-vt-scan.h"

/*
 * The parser below mirrors the states of VTE 0.70's (src/parser.cc, after
 * the DEC ANSI parser): skipping is only right if this scanner knows, at
 * every line start it reports, that VTE is in its ground state too.  So it
 * follows VTE where it matters for that: C0 controls are executed inside
 * sequences, CAN and SUB abort anything, C1 controls come from UTF-8
 * (C2 80..C2 9F) and start sequences wherever they appear, strings end
 * with ST (ESC \ or C1) and OSC also with BEL.  Any other code point past
 * ASCII is one "other" class: VTE's transitions treat them all alike, so
 * seeing a multi-byte character as several of them changes no state.
 * Everything that is not plain output breaks the plain run; a run starts
 * again at the next line start.
 */

enum {
  S_GROUND,
  S_ESC,
  S_ESC_INT,
  S_CSI_ENTRY,
  S_CSI_PARAM,
  S_CSI_INT,
  S_CSI_IGNORE,
  S_DCS_ENTRY,
  S_DCS_PARAM,
  S_DCS_INT,
  S_DCS_PASS,
  S_DCS_PASS_ESC,
  S_DCS_IGNORE,
  S_OSC_STRING,
  S_OSC_STRING_ESC,
  S_ST_IGNORE,
  S_SCI,
};

/* Every non-ASCII code point that is not a C1 control. */
#define OTHER 0x100u

void
tether_vt_scanner_init (TetherVtScanner *scanner)
{
  g_return_if_fail (scanner != NULL);

  memset (scanner, 0, sizeof *scanner);
  scanner->state = S_GROUND;
  /* A new terminal: ground state, cursor at the start of a line. */
  scanner->run = TRUE;
}

static void
break_run (TetherVtScanner *s,
           TetherVtSpan    *span)
{
  s->run = FALSE;
  s->sgr_candidate = FALSE;
  span->plain = FALSE;
  span->first_start = -1;
  span->last_start = -1;
}

static void
line_feed (TetherVtScanner *s,
           TetherVtSpan    *span,
           gsize            offset_after)
{
  span->lfs++;
  if (!s->cr || s->margins)
    return;
  s->run = TRUE;
  if (span->first_start < 0)
    span->first_start = (gssize) offset_after;
  span->last_start = (gssize) offset_after;
}

/* C0 controls in the ground state: only CR, LF and TAB are plain. */
static void
execute_ground (TetherVtScanner *s,
                guint            cp,
                TetherVtSpan    *span,
                gsize            offset_after)
{
  if (cp == '\n')
    line_feed (s, span, offset_after);
  else if (cp != '\r' && cp != '\t')
    break_run (s, span);
  s->cr = cp == '\r';
}

static void
csi_begin (TetherVtScanner *s,
           gboolean         sgr_candidate)
{
  s->intermediate = 0;
  s->n_intermediates = 0;
  s->private_marker = FALSE;
  s->nonzero_param = FALSE;
  s->sgr_candidate = sgr_candidate;
}

static void
csi_dispatch (TetherVtScanner *s,
              guint            final,
              TetherVtSpan    *span)
{
  gboolean plain_csi = !s->private_marker && s->n_intermediates == 0;

  s->state = S_GROUND;
  if (s->sgr_candidate && plain_csi && final == 'm')
    {
      s->sgr_candidate = FALSE;
      span->has_sgr = TRUE;
      return;
    }
  break_run (s, span);
  /* DECSTBM: no parameters (or zeros) means the whole screen again; any
   * other is taken as margins, even one that VTE would find covers the
   * screen: wrongly "set" only costs a skip. */
  if (plain_csi && final == 'r')
    s->margins = s->nonzero_param;
  /* DECSTR, a soft reset, clears them. */
  else if (!s->private_marker && s->n_intermediates == 1 && s->intermediate == '!' && final == 'p')
    s->margins = FALSE;
}

static void
esc_dispatch (TetherVtScanner *s,
              guint            final,
              TetherVtSpan    *span)
{
  s->state = S_GROUND;
  break_run (s, span);
  /* RIS */
  if (s->n_intermediates == 0 && final == 'c')
    s->margins = FALSE;
}

static void
enter_esc (TetherVtScanner *s)
{
  s->state = S_ESC;
  s->intermediate = 0;
  s->n_intermediates = 0;
}

static void
collect (TetherVtScanner *s,
         guint            cp)
{
  if (s->n_intermediates == 0)
    s->intermediate = (guint8) cp;
  /* Saturated: wrapped back to 0 or 1, a long run of intermediates would
   * read as RIS or DECSTR and clear margins VTE keeps. */
  if (s->n_intermediates < G_MAXUINT8)
    s->n_intermediates++;
  s->sgr_candidate = FALSE;
}

static gboolean
is_c0 (guint cp)
{
  return cp <= 0x1f && cp != 0x1b;
}

/* In an escape or control sequence, a C0 control is executed there and an
 * ESC starts a new sequence: either way the run is broken. */
static gboolean
control_in_sequence (TetherVtScanner *s,
                     guint            cp,
                     TetherVtSpan    *span)
{
  if (!is_c0 (cp) && cp != 0x1b)
    return FALSE;
  if (cp == 0x1b)
    enter_esc (s);
  break_run (s, span);
  return TRUE;
}

static void
feed_esc (TetherVtScanner *s,
          guint            cp,
          TetherVtSpan    *span)
{
  gboolean candidate = s->sgr_candidate;

  if (control_in_sequence (s, cp, span))
    return;
  if (cp >= 0x20 && cp <= 0x2f)
    {
      s->state = S_ESC_INT;
      collect (s, cp);
      break_run (s, span);
      return;
    }
  switch (cp)
    {
    case 'P':
      s->state = S_DCS_ENTRY;
      break;
    case 'Z':
      s->state = S_SCI;
      break;
    case '[':
      s->state = S_CSI_ENTRY;
      csi_begin (s, candidate);
      if (candidate)
        return;
      break;
    case ']':
      s->state = S_OSC_STRING;
      break;
    case 'X': case '^': case '_':
      s->state = S_ST_IGNORE;
      break;
    default:
      if (cp >= 0x30 && cp <= 0x7e)
        {
          esc_dispatch (s, cp, span);
          return;
        }
      s->state = S_GROUND;
      break;
    }
  break_run (s, span);
}

static void
feed_esc_int (TetherVtScanner *s,
              guint            cp,
              TetherVtSpan    *span)
{
  if (is_c0 (cp))
    return;
  if (cp == 0x1b)
    enter_esc (s);
  else if (cp >= 0x20 && cp <= 0x2f)
    collect (s, cp);
  else if (cp >= 0x30 && cp <= 0x7e)
    esc_dispatch (s, cp, span);
  else
    s->state = S_GROUND;
}

static void
feed_csi (TetherVtScanner *s,
          guint            cp,
          TetherVtSpan    *span)
{
  if (control_in_sequence (s, cp, span))
    return;
  if (cp >= 0x40 && cp <= 0x7e && s->state != S_CSI_IGNORE)
    {
      csi_dispatch (s, cp, span);
      return;
    }

  switch (s->state)
    {
    case S_CSI_ENTRY:
    case S_CSI_PARAM:
      if (cp >= 0x20 && cp <= 0x2f)
        {
          s->state = S_CSI_INT;
          collect (s, cp);
        }
      else if ((cp >= '0' && cp <= '9') || cp == ':' || cp == ';')
        {
          s->state = S_CSI_PARAM;
          if (cp >= '1' && cp <= '9')
            s->nonzero_param = TRUE;
          return;
        }
      else if (cp >= 0x3c && cp <= 0x3f && s->state == S_CSI_ENTRY)
        {
          s->state = S_CSI_PARAM;
          s->private_marker = TRUE;
        }
      else if (cp == 0x9c)
        s->state = S_GROUND;
      else
        s->state = S_CSI_IGNORE;
      break;
    case S_CSI_INT:
      if (cp >= 0x20 && cp <= 0x2f)
        collect (s, cp);
      else if (cp == 0x9c)
        s->state = S_GROUND;
      else
        s->state = S_CSI_IGNORE;
      break;
    default: /* S_CSI_IGNORE */
      if ((cp >= 0x40 && cp <= 0x7e) || cp == 0x9c)
        s->state = S_GROUND;
      break;
    }
  break_run (s, span);
}

static void
feed_dcs_head (TetherVtScanner *s,
               guint            cp)
{
  if (is_c0 (cp))
    return;
  if (cp == 0x1b)
    enter_esc (s);
  else if (cp == 0x9c)
    s->state = S_GROUND;
  else if (cp >= 0x20 && cp <= 0x2f)
    s->state = S_DCS_INT;
  else if ((cp >= '0' && cp <= ';') || (cp >= 0x3c && cp <= 0x3f && s->state == S_DCS_ENTRY))
    s->state = s->state == S_DCS_INT ? S_DCS_IGNORE : S_DCS_PARAM;
  else if (cp >= 0x3c && cp <= 0x3f)
    s->state = S_DCS_IGNORE;
  else
    s->state = S_DCS_PASS;
}

/* Strings: DCS data, OSC, and SOS/PM/APC (ignored until ST). */
static void
feed_string (TetherVtScanner *s,
             guint            cp)
{
  switch (s->state)
    {
    case S_DCS_PASS:
      if (cp == 0x1b)
        s->state = S_DCS_PASS_ESC;
      else if (cp == 0x9c)
        s->state = S_GROUND;
      break;
    case S_OSC_STRING:
      if (cp == 0x1b)
        s->state = S_OSC_STRING_ESC;
      else if (cp == 0x07 || cp == 0x9c)
        s->state = S_GROUND;
      break;
    default: /* S_DCS_IGNORE, S_ST_IGNORE */
      if (cp == 0x1b)
        enter_esc (s);
      else if (cp == 0x9c)
        s->state = S_GROUND;
      break;
    }
}

/* C1 controls and CAN/SUB act the same in every state (vte_parser_feed). */
static gboolean
feed_anywhere (TetherVtScanner *s,
               guint            cp,
               TetherVtSpan    *span)
{
  switch (cp)
    {
    case 0x18: case 0x1a:
      s->state = S_GROUND;
      break;
    case 0x90:
      s->state = S_DCS_ENTRY;
      break;
    case 0x98: case 0x9e: case 0x9f:
      s->state = S_ST_IGNORE;
      break;
    case 0x9a:
      s->state = S_SCI;
      break;
    case 0x9b:
      s->state = S_CSI_ENTRY;
      csi_begin (s, FALSE);
      break;
    case 0x9d:
      s->state = S_OSC_STRING;
      break;
    default:
      if (cp >= 0x80 && cp <= 0x9f && cp != 0x9c)
        s->state = S_GROUND;
      else
        return FALSE;
      break;
    }
  break_run (s, span);
  s->cr = FALSE;
  return TRUE;
}

static void
feed (TetherVtScanner *s,
      guint            cp,
      TetherVtSpan    *span,
      gsize            offset_after)
{
  if (cp == 0x7f)
    return;  /* DEL: ignored by VTE in every state */
  if (feed_anywhere (s, cp, span))
    return;

  if (s->state == S_GROUND)
    {
      if (is_c0 (cp))
        execute_ground (s, cp, span, offset_after);
      else if (cp == 0x1b)
        {
          enter_esc (s);
          /* Maybe the start of an SGR sequence: plain if it is one. */
          s->sgr_candidate = s->run;
          s->cr = FALSE;
        }
      else if (cp >= 0x80 && cp <= 0x9f)
        {
          break_run (s, span);
          s->cr = FALSE;
        }
      else
        s->cr = FALSE;
      return;
    }

  s->cr = FALSE;
  switch (s->state)
    {
    case S_DCS_PASS_ESC:
    case S_OSC_STRING_ESC:
      if (cp == '\\')
        {
          s->state = S_GROUND;
          break;
        }
      enter_esc (s);
      feed_esc (s, cp, span);
      break;
    case S_ESC:
      feed_esc (s, cp, span);
      break;
    case S_ESC_INT:
      feed_esc_int (s, cp, span);
      break;
    case S_CSI_ENTRY: case S_CSI_PARAM: case S_CSI_INT: case S_CSI_IGNORE:
      feed_csi (s, cp, span);
      break;
    case S_DCS_ENTRY: case S_DCS_PARAM: case S_DCS_INT:
      feed_dcs_head (s, cp);
      break;
    case S_SCI:
      if (cp == 0x1b)
        enter_esc (s);
      else
        s->state = S_GROUND;
      break;
    default:
      feed_string (s, cp);
      break;
    }
}

/**
 * tether_vt_scanner_scan:
 * @span: (out caller-allocates): what the chunk holds
 *
 * Parses the next chunk of output, in order, and fills @span.
 */
void
tether_vt_scanner_scan (TetherVtScanner *scanner,
                        const guint8    *data,
                        gsize            size,
                        TetherVtSpan    *span)
{
  TetherVtScanner *s = scanner;

  g_return_if_fail (scanner != NULL);
  g_return_if_fail (data != NULL || size == 0);
  g_return_if_fail (span != NULL);

  memset (span, 0, sizeof *span);
  span->first_start = -1;
  span->last_start = -1;
  span->plain = s->run && !s->margins;

  for (gsize i = 0; i < size; i++)
    {
      guint8 b = data[i];

      /* The common case, printable ASCII in the ground state, first. */
      if (G_LIKELY (s->state == S_GROUND && b >= 0x20 && b < 0x7f && !s->pending_c2))
        {
          s->cr = FALSE;
          continue;
        }
      if (s->pending_c2)
        {
          s->pending_c2 = FALSE;
          if (b >= 0x80 && b <= 0x9f)
            {
              feed (s, b, span, i + 1);   /* a C1 control */
              continue;
            }
          feed (s, OTHER, span, i + 1);
          if (b >= 0xa0 && b <= 0xbf)
            continue;                     /* the rest of U+00A0..U+00BF */
        }
      if (b == 0xc2)
        s->pending_c2 = TRUE;
      else
        feed (s, b < 0x80 ? b : OTHER, span, i + 1);
    }

  if (!s->run)
    span->plain = FALSE;
}

/**
 * tether_vt_find_skip:
 * @spans: the chunks waiting for the terminal, oldest first
 * @keep_lines: how many plain line feeds must follow what is skipped
 *
 * Finds the longest stretch, from a line start to a line start, that is
 * plain and followed by at least @keep_lines plain line feeds: those push
 * everything the stretch would have left on the screen and in the
 * scrollback out of both, so the terminal ends the same without it (but
 * for the SGR state, which the caller keeps).
 *
 * Returns: whether there is such a stretch
 */
gboolean
tether_vt_find_skip (const TetherVtSpan *spans,
                     guint               n_spans,
                     gsize               keep_lines,
                     TetherVtSkip       *skip)
{
  gsize after = 0;
  guint last, first;
  gssize first_offset = -1;

  g_return_val_if_fail (spans != NULL || n_spans == 0, FALSE);
  g_return_val_if_fail (skip != NULL, FALSE);

  /* The end: the latest line start with enough plain line feeds after it
   * (those after it in its own chunk are not counted). */
  for (last = n_spans; last > 0; last--)
    {
      const TetherVtSpan *span = &spans[last - 1];

      if (after >= keep_lines && span->last_start >= 0)
        break;
      if (!span->plain)
        return FALSE;
      after += span->lfs;
    }
  if (last == 0)
    return FALSE;
  last--;

  /* The start: the earliest line start from which all is plain up to the
   * end. */
  if (spans[last].first_start >= 0 && spans[last].first_start < spans[last].last_start)
    first_offset = spans[last].first_start;
  first = last;
  for (guint k = last; k > 0 && spans[k].plain; k--)
    if (spans[k - 1].first_start >= 0)
      {
        first = k - 1;
        first_offset = spans[k - 1].first_start;
      }
  if (first_offset < 0)
    return FALSE;

  skip->first_chunk = first;
  skip->first_offset = (gsize) first_offset;
  skip->last_chunk = last;
  skip->last_offset = (gsize) spans[last].last_start;
  return TRUE;
}

/**
 * tether_vt_next_line_start:
 *
 * Returns: the first offset at or after @from that follows a CR LF in
 * @data, or -1.  Only meaningful in a plain stretch, where every CR LF is
 * a line start.
 */
gssize
tether_vt_next_line_start (const guint8 *data,
                           gsize         size,
                           gsize         from)
{
  gsize i = from >= 2 ? from - 2 : 0;

  g_return_val_if_fail (data != NULL || size == 0, -1);

  for (; i + 1 < size; i++)
    {
      const guint8 *cr = memchr (data + i, '\r', size - i - 1);

      if (cr == NULL)
        return -1;
      i = (gsize) (cr - data);
      if (data[i + 1] == '\n' && i + 2 >= from)
        return (gssize) (i + 2);
    }
  return -1;
}

/* The last sequence of @out is complete.  If it starts with a reset (its
 * first parameter is 0 or empty, as in ESC[m, ESC[0m, ESC[00;31m), it sets
 * every attribute an SGR can set, so the sequences before it no longer
 * matter: a coloured flood's skip then feeds VTE a few bytes, not every
 * line's colours. */
static void
drop_before_reset (GByteArray *out)
{
  guint start = out->len;
  guint i;

  while (start > 0 && out->data[start - 1] != 0x1b)
    start--;
  if (start == 0 || start - 1 == 0)
    return;
  start--;
  /* ESC [ then the first parameter's digits. */
  for (i = start + 2; i < out->len && out->data[i] == '0'; i++)
    ;
  if (i < out->len && (out->data[i] == ';' || out->data[i] == 'm'))
    g_byte_array_remove_range (out, 0, start);
}

/**
 * tether_vt_collect_sgr:
 * @in_sequence: (inout): whether the previous call ended inside a sequence
 * @out: where the SGR sequences are appended
 *
 * Copies the SGR sequences of a plain stretch (given in pieces, in order)
 * that still count at its end: skipping the text they colour must not lose
 * the colour it leaves set.  Those before a reset do not count.
 */
void
tether_vt_collect_sgr (const guint8 *data,
                       gsize         size,
                       gboolean     *in_sequence,
                       GByteArray   *out)
{
  gsize i = 0;

  g_return_if_fail (data != NULL || size == 0);
  g_return_if_fail (in_sequence != NULL && out != NULL);

  while (i < size)
    {
      if (!*in_sequence)
        {
          const guint8 *esc = memchr (data + i, 0x1b, size - i);

          if (esc == NULL)
            return;
          i = (gsize) (esc - data);
          *in_sequence = TRUE;
        }
      else
        {
          const guint8 *end = memchr (data + i, 'm', size - i);
          gsize stop = end != NULL ? (gsize) (end - data) + 1 : size;

          g_byte_array_append (out, data + i, (guint) (stop - i));
          i = stop;
          if (end != NULL)
            {
              *in_sequence = FALSE;
              drop_before_reset (out);
            }
        }
    }
}
