/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-terminal.h"
#include "tether-vt-scan.h"

G_BEGIN_DECLS

/* Who a delivered byte is given back to once VTE has processed it. */
typedef enum {
  ACCOUNT_NONE,      /* the channel auto-consumed it */
  ACCOUNT_SESSION,   /* delivered while attached: tether_session_consume() */
  ACCOUNT_CHANNEL,   /* delivered while detached: straight to the channel */
} Account;

typedef struct {
  GBytes       *bytes;
  Account       account;
  TetherVtSpan  span;
} Chunk;

struct _TetherTerminal
{
  VteTerminal       parent_instance;

  /* Owned references */
  TetherSession    *session;
  TetherChannel    *detached_channel;
  GSettings        *settings;
  GtkWidget        *popover;
  char             *menu_link;

  /* Output received and not fed yet (Chunk*). */
  GQueue            queue;
  gsize             head_offset;
  gsize             queued;
  /* Fed to VTE and not seen processed, per account. */
  gsize             fed[3];
  /* Received and not given back, per account. */
  gsize             owed[3];
  gsize             max_owed;
  gsize             slice;
  gsize             slice_min;
  gsize             slice_max;
  gsize             window;
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

  guint             columns;
  guint             rows;
  gboolean          allocated;
  gboolean          attached;
  /* From the first attach of a shell to its end: before, the session keeps
   * what the shell prints and replays it at the first attach. */
  gboolean          listening;
  int               url_tag;
};

/* tether-terminal.c */
void _tether_terminal_give_back (TetherTerminal *self,
                                 Account         account,
                                 gsize           n_bytes);
void _tether_terminal_push      (TetherTerminal *self,
                                 GBytes         *data,
                                 Account         account);

/* tether-terminal-skip.c: lines that would scroll out unseen. */
Chunk *_tether_terminal_chunk_new    (GBytes         *bytes,
                                      Account         account);
void   _tether_terminal_chunk_free   (Chunk          *chunk);
void   _tether_terminal_skip_unseen  (TetherTerminal *self);

/* tether-terminal-actions.c: the actions, the menu and links. */
void _tether_terminal_class_install_actions (GtkWidgetClass *widget_class);
void _tether_terminal_init_actions          (TetherTerminal *self);
void _tether_terminal_dispose_actions       (TetherTerminal *self);

G_END_DECLS
