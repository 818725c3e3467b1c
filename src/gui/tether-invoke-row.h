/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tether-invocation.h"

G_BEGIN_DECLS

#define TETHER_TYPE_INVOKE_ROW (tether_invoke_row_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvokeRow, tether_invoke_row, TETHER, INVOKE_ROW, GtkWidget)

/**
 * TetherInvokeRow:
 *
 * One row of Invoke-Command's results: `item` is a #TetherInvocationGroup
 * (its computers, the output once) or a #TetherInvocationResult (one
 * computer).  The output streams in as it comes, the standard error in
 * red; status, exit status and duration follow the host; a failure has the
 * `error` style class.
 */

const char *tether_invoke_row_get_heading (TetherInvokeRow *self);
const char *tether_invoke_row_get_output  (TetherInvokeRow *self);

G_END_DECLS
