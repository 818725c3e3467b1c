/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-manager.h"

G_BEGIN_DECLS

/* For the tests: what the manager keeps to itself. */

guint tether_session_manager_get_n_connections (TetherSessionManager *self);

G_END_DECLS
