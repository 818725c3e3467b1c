/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-secrets.h"

G_BEGIN_DECLS

/*
 * The secrets typed during this run for one user@host:port, kept in memory
 * only (never written anywhere) so that a lost connection is logged in
 * again without asking.  Shared by the main thread, which owns it (the
 * connection pool) and wipes it on Close, Remove and quit, and the worker
 * threads that log in with it.  Reference counted; the last unref wipes.
 */
typedef struct _TetherSecretMemory TetherSecretMemory;

TetherSecretMemory *_tether_secret_memory_new    (void);
TetherSecretMemory *_tether_secret_memory_ref    (TetherSecretMemory *memory);
void                _tether_secret_memory_unref  (TetherSecretMemory *memory);
/* (transfer full) (nullable): free with tether_secret_free() */
char               *_tether_secret_memory_recall (TetherSecretMemory *memory,
                                                  TetherSecretKind    kind);
void                _tether_secret_memory_keep   (TetherSecretMemory *memory,
                                                  TetherSecretKind    kind,
                                                  const char         *secret);
void                _tether_secret_memory_forget (TetherSecretMemory *memory,
                                                  TetherSecretKind    kind);
void                _tether_secret_memory_wipe   (TetherSecretMemory *memory);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSecretMemory, _tether_secret_memory_unref)

G_END_DECLS
