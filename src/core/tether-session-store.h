/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-definition.h"

G_BEGIN_DECLS

/*
 * The sessions file: the definitions of the persistent sessions, each with
 * its InstanceId.
 */

char      *tether_session_store_default_path (void);
GPtrArray *tether_session_store_load         (const char  *path,
                                              char       **moved_aside_to,
                                              GError     **error);
gboolean   tether_session_store_save         (const char  *path,
                                              GPtrArray   *definitions,
                                              GError     **error);
char      *tether_session_store_move_aside   (const char  *path,
                                              GError     **error);

G_END_DECLS
