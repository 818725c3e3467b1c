/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-reconnect-bar.h"
#include <gtk/gtk.h>

#include "tether-session.h"
#include "tether-terminal.h"

G_BEGIN_DECLS

typedef enum {
  TETHER_SESSION_TAB_STATE_INITIAL,
  TETHER_SESSION_TAB_STATE_ENTERING,
  TETHER_SESSION_TAB_STATE_ENTERED,
  TETHER_SESSION_TAB_STATE_LEFT,
  TETHER_SESSION_TAB_STATE_EXITED,
  TETHER_SESSION_TAB_STATE_FAILED,
} TetherSessionTabState;

#define TETHER_TYPE_SESSION_TAB (tether_session_tab_get_type ())
G_DECLARE_FINAL_TYPE (TetherSessionTab, tether_session_tab, TETHER, SESSION_TAB, GtkWidget)

/**
 * TetherSessionTab:
 *
 * What a tab of the window shows for one session: its terminal, a search
 * bar, and a message bar that says why the shell is not there.
 *
 * Properties: `session`, `title` (`[Name]`, then the remote window title
 * when the shell sets one), `tooltip` (user@host:port), `state`,
 * `broadcasting` (its terminal is picked for broadcast input: a strip
 * across its top says so, with a Stop button, `term.stop-broadcast`).  Whether
 * the session is entered is the session's to say (#TetherSession:attached).
 *
 * Signals: `shell-exited (int status, gboolean stays_open)`: the shell
 * ended; @stays_open when it ended within a second of starting, and the tab
 * then says why in its message bar and must stay open.
 *
 * While its connection is lost, a #TetherReconnectBar across its top says
 * so; the terminal and its scrollback stay.
 *
 * Actions: `term.find`, `term.find-next`, `term.find-previous`, with their
 * keys (`tether_session_tab_shortcuts`).
 */

TetherSessionTab      *tether_session_tab_new           (TetherSession        *session);
TetherSession         *tether_session_tab_get_session   (TetherSessionTab     *self);
TetherTerminal        *tether_session_tab_get_terminal  (TetherSessionTab     *self);
TetherReconnectBar    *tether_session_tab_get_reconnect_bar (TetherSessionTab *self);
TetherSessionTabState  tether_session_tab_get_state     (TetherSessionTab     *self);
const char            *tether_session_tab_get_title     (TetherSessionTab     *self);
void                   tether_session_tab_enter_async   (TetherSessionTab     *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean               tether_session_tab_enter_finish  (TetherSessionTab     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                   tether_session_tab_leave         (TetherSessionTab     *self);

G_END_DECLS
