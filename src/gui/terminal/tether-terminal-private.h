/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-terminal.h"
#include "tether-vt-scan.h"

G_BEGIN_DECLS

/* Output received and not fed to VTE yet.  Its bytes are held on @giver's
 * flow control until they leave the queue (fed or skipped). */
typedef struct {
  GBytes        *bytes;
  TetherChannel *giver;   /* nullable: nothing to give back (SGR kept from a skip) */
  TetherVtSpan   span;
} Chunk;

struct _TetherTerminal
{
  VteTerminal       parent_instance;

  /* Owned references */
  TetherSession    *session;
  TetherBroadcast  *broadcast;
  GSettings        *settings;
  GtkWidget        *popover;
  char             *menu_link;

  /* The queue (Chunk*): VTE is fed from it one slice at a time. */
  GQueue            queue;
  gsize             head_offset;
  gsize             queued;
  /* Fed to VTE and not seen processed yet: what paces the next slice. */
  gsize             fed;
  gsize             slice;
  gsize             slice_min;
  gsize             slice_max;
  guint64           bytes_fed;
  guint64           bytes_skipped;
  /* What VTE will have parsed once it has the whole queue. */
  TetherVtScanner   scanner;
  gboolean          skipping;
  /* The least worth skipping; tests lower it to skip at every chance. */
  gsize             skip_min;
  /* Bytes received in all, and how many had come when the queue was last
   * looked at for something to skip. */
  guint64           bytes_received;
  guint64           skip_tried_at;

  guint             probe_source;
  gint64            probe_last;
  gint64            cycle_late_ms;
  guint             watchdog_source;
  guint             processed_source;

  /* While the session is not entered (tether-terminal.c, "Detached"):
   * output-buffering-mode is block, how much of the queue may be fed
   * until the next tick, the tick, and bytes_received at the last one. */
  gboolean          block;
  gsize             feed_limit;
  guint             detached_source;
  guint64           tick_received;

  guint             columns;
  guint             rows;
  gboolean          allocated;
  int               url_tag;
  /* The last key pressed while broadcasting was Esc (two stop it). */
  gboolean          escape_pressed;
};

/* tether-terminal.c */
void _tether_terminal_push      (TetherTerminal *self,
                                 TetherChannel  *giver,
                                 GBytes         *data);

/* tether-broadcast.c changed whether this terminal is picked. */
void _tether_terminal_broadcast_changed (TetherTerminal *self);

/* tether-terminal-skip.c: lines that would scroll out unseen. */
Chunk *_tether_terminal_chunk_new    (GBytes         *bytes,
                                      TetherChannel  *giver);
void   _tether_terminal_chunk_free   (Chunk          *chunk);
void   _tether_terminal_chunk_give_back (Chunk       *chunk,
                                      gsize           n_bytes);
void   _tether_terminal_skip_unseen  (TetherTerminal *self);

/* tether-terminal-actions.c: the actions, the menu and links. */
void _tether_terminal_class_install_actions (GtkWidgetClass *widget_class);
void _tether_terminal_init_actions          (TetherTerminal *self);
void _tether_terminal_dispose_actions       (TetherTerminal *self);

/* For tests and the benchmark, which compare designs in one run. */
guint64 _tether_terminal_get_bytes_fed     (TetherTerminal *self);
guint64 _tether_terminal_get_bytes_skipped (TetherTerminal *self);
gsize   _tether_terminal_get_slice         (TetherTerminal *self);
void    _tether_terminal_set_skipping      (TetherTerminal *self,
                                            gboolean        skipping);
void    _tether_terminal_set_pacing        (TetherTerminal *self,
                                            gsize           slice_min,
                                            gsize           slice_max);

G_END_DECLS
