/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tether-session-manager.h"

G_BEGIN_DECLS

#define TETHER_TYPE_INVOKE_RUNS (tether_invoke_runs_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvokeRuns, tether_invoke_runs, TETHER, INVOKE_RUNS, GtkPopover)

/**
 * TetherInvokeRuns:
 *
 * This process's Invoke-Command runs, running and finished (the
 * manager's list), each with its progress; `runs.clear` forgets the
 * finished ones.  Signal `open (TetherInvocation *invocation)`: a run was
 * clicked, to show its results again.
 */

GtkWidget *tether_invoke_runs_new (TetherSessionManager *manager);

G_END_DECLS
