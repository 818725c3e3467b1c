/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-session.h"

G_BEGIN_DECLS

/*
 * What `Get-PSSession` prints, for the command line: the table (English
 * headers and state names, as PowerShell prints them in every language) and
 * a JSON array with every property of each session.
 */

char *tether_session_format_table        (TetherSession * const *sessions,
                                          guint                  n_sessions);
char *tether_session_format_table_model  (GListModel            *sessions);
char *tether_session_format_json_model   (GListModel            *sessions);

G_END_DECLS
