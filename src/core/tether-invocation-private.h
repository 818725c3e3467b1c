/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-invocation.h"
#include "tether-session-manager.h"

G_BEGIN_DECLS

/* tether-invocation-result.c: what the run does to its results and groups. */
TetherInvocationResult *_tether_invocation_result_new          (guint                   index,
                                                                const char             *computer_name,
                                                                TetherSession          *session);
void                    _tether_invocation_result_set_status   (TetherInvocationResult *self,
                                                                TetherInvocationStatus  status);
void                    _tether_invocation_result_start_clock  (TetherInvocationResult *self);
void                    _tether_invocation_result_append       (TetherInvocationResult *self,
                                                                GBytes                 *data,
                                                                gboolean                is_stderr);
/* Ends it: @status final, @exit_status or -1, @error_message or NULL. */
void                    _tether_invocation_result_end          (TetherInvocationResult *self,
                                                                TetherInvocationStatus  status,
                                                                int                     exit_status,
                                                                const char             *error_message);
/* Brings @groups (a GListStore of TetherInvocationGroup) up to date with
 * @results; @known (GBytes → group, made by
 * _tether_invocation_gather_table_new()) carries the groups from one call
 * to the next. */
GHashTable             *_tether_invocation_gather_table_new    (void);
void                    _tether_invocation_gather              (GListModel             *results,
                                                                GListStore             *groups,
                                                                GHashTable             *known);

/* tether-invocation.c */
TetherInvocation       *_tether_invocation_new                 (TetherSessionManager   *manager,
                                                                const char             *command,
                                                                guint                   throttle_limit,
                                                                guint                   timeout_s);

G_END_DECLS
