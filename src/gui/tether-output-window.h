/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TETHER_TYPE_OUTPUT_WINDOW (tether_output_window_get_type ())
G_DECLARE_FINAL_TYPE (TetherOutputWindow, tether_output_window, TETHER, OUTPUT_WINDOW, AdwWindow)

/**
 * TetherOutputWindow:
 *
 * What a tmux session printed while it was disconnected (Receive), read
 * only, in a monospace view of its own, to read, copy or save.
 *
 * Actions: `output.copy`, `output.save-as`.
 */

TetherOutputWindow *tether_output_window_new (GtkWindow  *parent,
                                              const char *session_name,
                                              const char *text);

G_END_DECLS
