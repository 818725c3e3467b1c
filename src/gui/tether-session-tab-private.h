/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-tab.h"

G_BEGIN_DECLS

/* For the tests: what the message bar says, when it is shown. */

const char *tether_session_tab_get_message (TetherSessionTab *self);

G_END_DECLS
