/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-channel.h"
#include "tether-tmux-check.h"

G_BEGIN_DECLS

/* The configuration whose shell lives in a tmux session on the server. */
#define TETHER_TMUX_CONFIGURATION_NAME "tmux"

#define TETHER_TYPE_TMUX_CLIENT (tether_tmux_client_get_type ())
G_DECLARE_FINAL_TYPE (TetherTmuxClient, tether_tmux_client, TETHER, TMUX_CLIENT, GObject)

/**
 * TetherTmuxClient:
 *
 * A tmux control-mode client (`tmux -C`) over an exec channel: it sends
 * commands one per line, reads their `%begin`/`%end` (or `%error`) framed
 * replies in order, and turns the pane's `%output` into the bytes the pane
 * printed.
 *
 * Signals, all on the main thread:
 * - `output (TetherChannel *giver, GBytes *data)`: what the pane printed
 *   (first the screen and scrollback restored from `capture-pane`, with a
 *   %NULL giver).  Returns %TRUE when a handler took @data: it then gives
 *   it back to @giver (tether_channel_consume()) once used, exactly as a
 *   shell channel's output; all the framing is given back here at once.
 * - `ready`: the screen is restored; live output follows.
 * - `closed (GError *error, int status)`: the control client is gone: the
 *   tmux session ended (`exit`), was detached, or never started (@error
 *   says why, in a sentence for the user).
 */

char             *tether_tmux_client_command_line (const char        *instance_id,
                                                   guint              idle_timeout_s);
TetherTmuxClient *tether_tmux_client_new          (TetherChannel     *channel,
                                                   const char        *host);
TetherChannel    *tether_tmux_client_get_channel  (TetherTmuxClient  *self);
gboolean          tether_tmux_client_get_started  (TetherTmuxClient  *self);
void              tether_tmux_client_start        (TetherTmuxClient  *self,
                                                   guint              columns,
                                                   guint              rows);
void              tether_tmux_client_send_keys    (TetherTmuxClient  *self,
                                                   const void        *data,
                                                   gsize              len);
void              tether_tmux_client_resize       (TetherTmuxClient  *self,
                                                   guint              columns,
                                                   guint              rows);
void              tether_tmux_client_detach       (TetherTmuxClient  *self);
void              tether_tmux_client_kill         (TetherTmuxClient  *self);

/**
 * TetherTmuxMark:
 *
 * Where a pane stood: its lines of history, and the cursor's row and
 * column on its screen.  Line `history_size + cursor_y` of the pane
 * (counted from its oldest line) is the cursor's.
 */
typedef struct {
  guint history_size;
  guint cursor_y;
  guint cursor_x;
} TetherTmuxMark;

gboolean          tether_tmux_mark_parse          (const char        *text,
                                                   TetherTmuxMark    *mark);
char             *tether_tmux_mark_command        (const char        *instance_id);
char             *tether_tmux_receive_command     (const char        *instance_id);
char             *tether_tmux_receive_text        (const TetherTmuxMark *since,
                                                   const char        *output,
                                                   GError           **error);

/* The parser's pieces, for the tests and the fuzzer. */
GBytes           *tether_tmux_decode_output       (const char        *escaped,
                                                   gsize              len);

G_END_DECLS
