/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-manager.h"

G_BEGIN_DECLS

/* Helpers for tests that open sessions through a manager and type into
 * their shells; they wait on the main context, never on a clock. */

/* The configuration the application would give the core: the settings'
 * (GSETTINGS_BACKEND=memory, so the schema's defaults). */
/* An async call's result, kept for the test to finish it: pass
 * tether_test_store_result and a TetherTestWait, then wait for `done`. */
typedef struct {
  gboolean      done;
  GAsyncResult *result;
} TetherTestWait;

void           tether_test_store_result     (GObject              *object,
                                             GAsyncResult         *result,
                                             gpointer              user_data);
const TetherConfig *tether_test_config      (void);

TetherSession *tether_test_new_session      (TetherSessionManager *manager,
                                             const char           *target,
                                             const char           *name,
                                             GError              **error);
TetherSession *tether_test_new_session_def  (TetherSessionManager *manager,
                                             const TetherSessionDefinition *def,
                                             GError              **error);
TetherSession *tether_test_new_tmux_session (TetherSessionManager *manager,
                                             const char           *target);
char          *tether_test_exec             (TetherSession        *session,
                                             const char           *command);
TetherSession *tether_test_enter_computer   (TetherSessionManager *manager,
                                             const char           *target,
                                             GError              **error);
gboolean       tether_test_open_session     (TetherSessionManager *manager,
                                             TetherSession        *session,
                                             GError              **error);
/* Attaches at 80×24 and records the shell's output into a transcript that
 * tether_test_wait_for_output() searches. */
void           tether_test_attach           (TetherSession        *session);
void           tether_test_type             (TetherSession        *session,
                                             const char           *text);
void           tether_test_wait_for_output  (TetherSession        *session,
                                             const char           *needle);
void           tether_test_clear_output     (TetherSession        *session);
/* Waits until the transcript holds anything at all. */
void           tether_test_wait_for_any_output (TetherSession     *session);
/* Waits (at most @timeout_ms) until the session is in @state. */
void           tether_test_wait_state       (TetherSession        *session,
                                             TetherSessionState    state,
                                             guint                 timeout_ms);
/* Moves the default key (~/.ssh/id_ed25519) away, so that only the login
 * method under test can succeed; returns where it went, for the restore,
 * which frees it. */
char          *tether_test_hide_default_key    (void);
void           tether_test_restore_default_key (char *hidden);
/* Waits until the shell exits; returns its status. */
int            tether_test_wait_shell_exit  (TetherSession        *session);

G_END_DECLS
