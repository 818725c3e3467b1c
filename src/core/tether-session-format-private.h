/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-format.h"

G_BEGIN_DECLS

/* For the tests: how a string is written in the JSON. */

void tether_session_format_json_string (GString    *out,
                                        const char *str);

G_END_DECLS
