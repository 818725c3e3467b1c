/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TetherSecretKind:
 * @TETHER_SECRET_PASSWORD: an account's password (asked by the password
 *   method, or as the static factor of keyboard-interactive)
 * @TETHER_SECRET_PASSPHRASE: the passphrase of the key that logs in there
 *
 * What a remembered secret is, the `kind` attribute of its keyring item.
 */
typedef enum {
  TETHER_SECRET_PASSWORD,
  TETHER_SECRET_PASSPHRASE,
} TetherSecretKind;

/* The connection's worker thread only: these block on D-Bus. */
char     *_tether_secrets_lookup_sync   (const char        *host,
                                         guint              port,
                                         const char        *user,
                                         TetherSecretKind   kind);
gboolean  _tether_secrets_store_sync    (const char        *host,
                                         guint              port,
                                         const char        *user,
                                         TetherSecretKind   kind,
                                         const char        *secret);
void      _tether_secrets_clear_sync    (const char        *host,
                                         guint              port,
                                         const char        *user,
                                         TetherSecretKind   kind);
gboolean  _tether_secrets_get_available (void);
char     *_tether_secrets_take_notice   (void);

void      tether_secret_free            (char              *secret);
char     *tether_secret_dup             (const char        *secret);

/* The main thread: never blocks. */
void      tether_secrets_forget_async   (const char          *host,
                                         guint                port,
                                         const char          *user,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  tether_secrets_forget_finish  (GAsyncResult        *result,
                                         GError             **error);

/* What was remembered for one place, taken out of the keyring so that it
 * can go back (Undo of a Remove); wiped when freed. */
typedef struct _TetherTakenSecrets TetherTakenSecrets;

void      tether_taken_secrets_free     (TetherTakenSecrets  *taken);
gboolean  tether_taken_secrets_is_empty (TetherTakenSecrets  *taken);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherTakenSecrets, tether_taken_secrets_free)

void      tether_secrets_take_async     (const char          *host,
                                         guint                port,
                                         const char          *user,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
TetherTakenSecrets *
          tether_secrets_take_finish    (GAsyncResult        *result,
                                         GError             **error);
void      tether_secrets_give_back_async (TetherTakenSecrets *taken,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean  tether_secrets_give_back_finish (GAsyncResult      *result,
                                           GError           **error);

void      tether_secrets_shutdown       (void);

G_END_DECLS
