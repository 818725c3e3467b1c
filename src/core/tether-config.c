/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-config.h"

/**
 * tether_config_init_from_settings:
 * @config: (out caller-allocates): filled in
 * @settings: the application's settings (their schema's ranges keep every
 *   value above zero but the timeout's, where 0 means none)
 *
 * The one place where the settings become the core's configuration.
 */
void
tether_config_init_from_settings (TetherConfig *config,
                                  GSettings    *settings)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (G_IS_SETTINGS (settings));

  config->connect_timeout_s = g_settings_get_uint (settings, "connect-timeout");
  config->keepalive_interval_ms = g_settings_get_uint (settings, "keepalive-interval") * 1000;
  config->keepalive_max_missed = g_settings_get_uint (settings, "keepalive-max-missed");
  config->reconnect_window_s = g_settings_get_uint (settings, "reconnect-window");
  config->columns = g_settings_get_uint (settings, "terminal-columns");
  config->rows = g_settings_get_uint (settings, "terminal-rows");
  config->throttle_limit = g_settings_get_uint (settings, "throttle-limit");
  config->invoke_timeout_s = g_settings_get_uint (settings, "invoke-timeout");
  /* The enum's values: 0 DefaultShell, 1 tmux. */
  config->idle_timeout_s = g_settings_get_uint (settings, "idle-timeout");
  config->tmux_by_default = g_settings_get_enum (settings, "new-session-configuration") == 1;
}
