/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-application.h"
#include "tether-session-tab.h"
#include "tether-session-tree.h"

G_BEGIN_DECLS

#define TETHER_TYPE_WINDOW (tether_window_get_type ())
G_DECLARE_FINAL_TYPE (TetherWindow, tether_window, TETHER, WINDOW, AdwApplicationWindow)

TetherWindow     *tether_window_new                    (TetherApplication   *application);
gboolean          tether_window_has_temporary_sessions (TetherWindow        *self);
AdwToast         *tether_window_new_toast              (const char          *text);
void              tether_window_add_toast              (TetherWindow        *self,
                                                        const char          *text);
void              tether_window_show_error             (TetherWindow        *self,
                                                        const char          *heading,
                                                        const char          *message);

void              tether_window_enter_session_async    (TetherWindow        *self,
                                                        TetherSession       *session,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean          tether_window_enter_session_finish   (TetherWindow        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void              tether_window_enter_computer_async   (TetherWindow        *self,
                                                        const char          *target,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
TetherSession    *tether_window_enter_computer_finish  (TetherWindow        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gboolean          tether_window_exit_active            (TetherWindow        *self);

G_END_DECLS
