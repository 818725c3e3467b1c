/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Keys that belong to a widget rather than to the application: the
 * terminal's and its tab's.  They work while the focus is in that widget and
 * nowhere else, with no copy of its actions on the window; the application's
 * own keys are set in tether-application.c.
 */

typedef struct {
  const char *action;
  /* As gtk_accelerator_parse() reads them, at most two; the first is the
   * one menus show. */
  const char *accels[3];
} TetherShortcut;

/* Each table is defined next to the actions it binds; { NULL } ends it. */
extern const TetherShortcut tether_terminal_shortcuts[];
extern const TetherShortcut tether_session_tab_shortcuts[];

void tether_shortcuts_attach   (GtkWidget            *widget,
                                const TetherShortcut *shortcuts);
void tether_shortcuts_describe (GtkShortcutsWindow   *window,
                                const TetherShortcut *shortcuts);

G_END_DECLS
