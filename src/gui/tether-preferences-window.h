/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TETHER_TYPE_PREFERENCES_WINDOW (tether_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TetherPreferencesWindow, tether_preferences_window,
                      TETHER, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *tether_preferences_window_new (GtkWindow *parent);

void       tether_style_follow_settings  (GSettings *settings);

G_END_DECLS
