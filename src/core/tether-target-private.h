/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `ssh -G` outputs kept while the files they came from are unchanged
 * (tether-target-cache.c). */
char *_tether_target_cache_lookup (const char * const *argv);
void  _tether_target_cache_store  (const char * const *argv,
                                   const char         *config,
                                   const char         *output,
                                   const char         *log);
void  _tether_target_cache_forget_memory (void);

G_END_DECLS
