/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vte/vte.h>

#include "tether-broadcast.h"
#include "tether-session.h"

G_BEGIN_DECLS

#define TETHER_TYPE_TERMINAL (tether_terminal_get_type ())
G_DECLARE_FINAL_TYPE (TetherTerminal, tether_terminal, TETHER, TERMINAL, VteTerminal)

/**
 * TetherTerminal:
 *
 * A #VteTerminal showing a session's shell: the shell's output is fed to it
 * at the pace it can draw (see the flow control in tether-terminal.c), what
 * the user types goes to the shell, and the remote PTY follows its size.
 *
 * Signals: `grid-size-changed` once it has its first real size and at
 * every change after.
 *
 * Properties: `session`; `broadcast`, the window's #TetherBroadcast this
 * terminal may be picked in, and `broadcasting`, whether it is: then what
 * is typed or pasted into it goes to every picked terminal's shell, and
 * Esc pressed twice in a row stops the broadcast.
 *
 * Actions: `term.copy`, `term.paste`, `term.zoom-in`, `term.zoom-out`,
 * `term.zoom-reset`, `term.open-link` (the link under the pointer when the
 * menu was opened); `term.find` is the tab's.
 */

TetherTerminal *tether_terminal_new                 (void);
void            tether_terminal_set_session         (TetherTerminal *self,
                                                     TetherSession  *session);
TetherSession  *tether_terminal_get_session         (TetherTerminal *self);
void            tether_terminal_feed_local          (TetherTerminal *self,
                                                     const char     *text);
gboolean        tether_terminal_get_allocated       (TetherTerminal *self);
void            tether_terminal_get_grid_size       (TetherTerminal *self,
                                                     guint          *columns,
                                                     guint          *rows);
void            tether_terminal_set_broadcast       (TetherTerminal  *self,
                                                     TetherBroadcast *broadcast);
TetherBroadcast *tether_terminal_get_broadcast      (TetherTerminal *self);
gboolean        tether_terminal_get_broadcasting    (TetherTerminal *self);

G_END_DECLS
