/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-invocation.h"

G_BEGIN_DECLS

#define TETHER_TYPE_INVOKE_VIEW (tether_invoke_view_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvokeView, tether_invoke_view, TETHER, INVOKE_VIEW, AdwWindow)

/**
 * TetherInvokeView:
 *
 * The results of one Invoke-Command run, in a window of their own:
 * gathered (identical hosts as one row, failures first) or one row per
 * computer (`per-computer`), a progress bar over the run, Cancel, and the
 * results copied or saved as text or JSON.  Closing it leaves the run
 * going: the manager keeps it (tether_session_manager_get_invocations()).
 *
 * Actions: `invoke.cancel`, `invoke.copy`, `invoke.save-text`,
 * `invoke.save-json`, `invoke.per-computer`.
 */

TetherInvokeView *tether_invoke_view_new            (GtkWindow        *parent,
                                                     TetherInvocation *invocation);
TetherInvocation *tether_invoke_view_get_invocation (TetherInvokeView *self);
GtkListView      *tether_invoke_view_get_list_view  (TetherInvokeView *self);
char             *tether_invoke_view_dup_summary    (TetherInvocation *invocation);

G_END_DECLS
