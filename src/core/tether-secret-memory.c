/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-secret-memory.h"

struct _TetherSecretMemory
{
  GMutex  mutex;
  char   *secrets[TETHER_SECRET_PASSPHRASE + 1];   /* tether_secret_dup()ed */
};

TetherSecretMemory *
_tether_secret_memory_new (void)
{
  TetherSecretMemory *memory = g_atomic_rc_box_new0 (TetherSecretMemory);

  g_mutex_init (&memory->mutex);
  return memory;
}

TetherSecretMemory *
_tether_secret_memory_ref (TetherSecretMemory *memory)
{
  return g_atomic_rc_box_acquire (memory);
}

static void
memory_clear (gpointer data)
{
  TetherSecretMemory *memory = data;

  _tether_secret_memory_wipe (memory);
  g_mutex_clear (&memory->mutex);
}

void
_tether_secret_memory_unref (TetherSecretMemory *memory)
{
  g_atomic_rc_box_release_full (memory, memory_clear);
}

char *
_tether_secret_memory_recall (TetherSecretMemory *memory,
                              TetherSecretKind    kind)
{
  char *secret;

  g_mutex_lock (&memory->mutex);
  secret = memory->secrets[kind] ? tether_secret_dup (memory->secrets[kind]) : NULL;
  g_mutex_unlock (&memory->mutex);
  return secret;
}

void
_tether_secret_memory_keep (TetherSecretMemory *memory,
                            TetherSecretKind    kind,
                            const char         *secret)
{
  char *copy = tether_secret_dup (secret);

  g_mutex_lock (&memory->mutex);
  tether_secret_free (memory->secrets[kind]);
  memory->secrets[kind] = copy;
  g_mutex_unlock (&memory->mutex);
}

void
_tether_secret_memory_forget (TetherSecretMemory *memory,
                              TetherSecretKind    kind)
{
  g_mutex_lock (&memory->mutex);
  g_clear_pointer (&memory->secrets[kind], tether_secret_free);
  g_mutex_unlock (&memory->mutex);
}

void
_tether_secret_memory_wipe (TetherSecretMemory *memory)
{
  for (guint kind = 0; kind < G_N_ELEMENTS (memory->secrets); kind++)
    _tether_secret_memory_forget (memory, kind);
}
