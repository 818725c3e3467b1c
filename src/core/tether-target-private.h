/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tether-target.h"

G_BEGIN_DECLS

/* `ssh -G` outputs kept while the files they came from are unchanged
 * (tether-target-cache.c). */
char *_tether_target_cache_lookup (const char * const *argv);
void  _tether_target_cache_store  (const char * const *argv,
                                   const char         *config,
                                   const char         *output,
                                   const char         *log);
void  _tether_target_cache_forget_memory (void);

/* Where no `ssh` is installed (tether-target-libssh.c). */
TetherResolvedTarget *_tether_target_resolve_with_libssh (const TetherTarget  *target,
                                                          const char          *ssh_dir,
                                                          const char          *config,
                                                          GError             **error);

G_END_DECLS
