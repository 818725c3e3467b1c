/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TetherConfig:
 * @connect_timeout_s: how long connecting and logging in may take
 * @keepalive_interval_ms: how long a server may stay silent before a
 *   keepalive is sent
 * @keepalive_max_missed: how many keepalives in a row may go unanswered
 *   before the connection is Broken
 * @reconnect_window_s: how long a lost connection is retried (0: never)
 * @columns: the width a session's shell starts at, before a terminal shows it
 * @rows: its height
 * @throttle_limit: how many hosts Invoke-Command runs on at once
 * @invoke_timeout_s: how long a command may take per host, 0 for no limit
 * @idle_timeout_s: how long a tmux session may stay detached before tmux
 *   ends it
 * @tmux_by_default: whether a session given no ConfigurationName gets
 *   `tmux` rather than DefaultShell
 *
 * What the core is told by its caller.  The values, defaults included, live
 * in the settings schema: tether_config_init_from_settings() reads them; the
 * core keeps no default of its own.
 */
typedef struct {
  guint connect_timeout_s;
  guint keepalive_interval_ms;
  guint keepalive_max_missed;
  guint reconnect_window_s;
  guint columns;
  guint rows;
  guint throttle_limit;
  guint invoke_timeout_s;
  gboolean tmux_by_default;
  guint idle_timeout_s;
} TetherConfig;

void tether_config_init_from_settings (TetherConfig *config,
                                       GSettings    *settings);

G_END_DECLS
