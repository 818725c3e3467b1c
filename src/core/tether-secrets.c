/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "tether-secrets.h"

/*
 * Remembered passwords and passphrases, in the Secret Service (the desktop's
 * keyring), never in Tether's own files.  One item per host, port, user and
 * kind.  The worker thread looks them up and stores them with the blocking
 * calls, since it already waits on the network; the main thread only forgets
 * them, asynchronously.
 *
 * Every secret Tether holds is a g_malloc()ed string wiped before it is
 * freed (tether_secret_free()).
 */

static const SecretSchema schema = {
  "io.github.tetherapp.Tether.Secret", SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

/* Whether the last call reached a Secret Service, and whether the user was
 * told that none answers (once per run). */
static gint unavailable;
static gint told;

static const char *
kind_to_string (TetherSecretKind kind)
{
  return kind == TETHER_SECRET_PASSPHRASE ? "passphrase" : "password";
}

static void
note_result (const char   *what,
             const GError *error)
{
  if (error == NULL)
    {
      g_atomic_int_set (&unavailable, FALSE);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("The keyring could not %s: %s", what, error->message);
  g_atomic_int_set (&unavailable, TRUE);
}

/**
 * _tether_secrets_lookup_sync:
 *
 * Blocks: the worker thread only.
 *
 * Returns: (transfer full) (nullable): the remembered secret, to free with
 *   tether_secret_free()
 */
static char *
lookup_sync (const char        *host,
             guint              port,
             const char        *user,
             TetherSecretKind   kind,
             SecretSearchFlags  flags)
{
  g_autoptr(GError) error = NULL;
  GList *items;
  char *secret = NULL;

  /* Searched, not secret_password_lookup_sync(): in libsecret 0.20.5 that
   * leaks the reply of every lookup that finds something. */
  items = secret_password_search_sync (&schema, flags | SECRET_SEARCH_LOAD_SECRETS,
                                       NULL, &error,
                                       "host", host, "port", (int) port, "user", user,
                                       "kind", kind_to_string (kind), NULL);
  if (items != NULL)
    {
      g_autoptr(SecretValue) value = secret_retrievable_retrieve_secret_sync (items->data, NULL, &error);

      if (value != NULL)
        secret = g_strdup (secret_value_get_text (value));
    }
  g_list_free_full (items, g_object_unref);
  note_result ("look up a secret", error);
  return secret;
}

char *
_tether_secrets_lookup_sync (const char       *host,
                             guint             port,
                             const char       *user,
                             TetherSecretKind  kind)
{
  g_return_val_if_fail (host != NULL && user != NULL, NULL);

  return lookup_sync (host, port, user, kind, SECRET_SEARCH_UNLOCK);
}

/**
 * _tether_secrets_store_sync:
 *
 * Blocks: the worker thread only.  Replaces what was remembered for the
 * same host, port, user and kind.
 *
 * Returns: %TRUE when the keyring kept it
 */
gboolean
_tether_secrets_store_sync (const char       *host,
                            guint             port,
                            const char       *user,
                            TetherSecretKind  kind,
                            const char       *secret)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  gboolean stored;

  g_return_val_if_fail (host != NULL && user != NULL && secret != NULL, FALSE);

  /* The label is what the user sees in Passwords and Keys. */
  if (kind == TETHER_SECRET_PASSPHRASE)
    label = g_strdup_printf (_("Key passphrase for %s@%s:%u (Tether)"), user, host, port);
  else
    label = g_strdup_printf (_("Password for %s@%s:%u (Tether)"), user, host, port);
  stored = secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, label, secret,
                                       NULL, &error,
                                       "host", host, "port", (int) port, "user", user,
                                       "kind", kind_to_string (kind), NULL);
  note_result ("store a secret", error);
  if (stored)
    g_debug ("Remembered the %s of %s@%s:%u", kind_to_string (kind), user, host, port);
  return stored;
}

/**
 * _tether_secrets_clear_sync:
 *
 * Blocks: the worker thread only.  Forgets a secret the server refused.
 */
void
_tether_secrets_clear_sync (const char       *host,
                            guint             port,
                            const char       *user,
                            TetherSecretKind  kind)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (host != NULL && user != NULL);

  secret_password_clear_sync (&schema, NULL, &error,
                              "host", host, "port", (int) port, "user", user,
                              "kind", kind_to_string (kind), NULL);
  note_result ("forget a secret", error);
}

/**
 * _tether_secrets_get_available:
 *
 * Returns: %FALSE when the last call found no Secret Service
 */
gboolean
_tether_secrets_get_available (void)
{
  return !g_atomic_int_get (&unavailable);
}

/**
 * _tether_secrets_take_notice:
 *
 * What to tell the user, once per run, when no Secret Service answers.
 *
 * Returns: (transfer full) (nullable): the sentence, or %NULL when there is
 *   a Secret Service or the user was already told
 */
char *
_tether_secrets_take_notice (void)
{
  if (!g_atomic_int_get (&unavailable) || !g_atomic_int_compare_and_exchange (&told, FALSE, TRUE))
    return NULL;
  return g_strdup (_("Tether cannot remember passwords here: no keyring (Secret Service) answers on this desktop. It will ask each time."));
}

/**
 * tether_secret_dup:
 *
 * Returns: (transfer full) (nullable): a copy of @secret, to free with
 *   tether_secret_free()
 */
char *
tether_secret_dup (const char *secret)
{
  return g_strdup (secret);
}

/**
 * tether_secret_free:
 *
 * Wipes @secret, then frees it.
 */
void
tether_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE with no error: there was nothing to forget. */
  secret_password_clear_finish (result, &error);
  note_result ("forget a secret", error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * tether_secrets_forget_async:
 *
 * Forgets every secret remembered for @user on @host:@port (password and
 * passphrase).  Having nothing to forget is no error.
 */
void
tether_secrets_forget_async (const char          *host,
                             guint                port,
                             const char          *user,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (host != NULL && user != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_secrets_forget_async);
  secret_password_clear (&schema, cancellable, clear_cb, task,
                         "host", host, "port", (int) port, "user", user, NULL);
}

gboolean
tether_secrets_forget_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_secrets_forget_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

struct _TetherTakenSecrets
{
  char  *host;
  guint  port;
  char  *user;
  char  *secrets[2];  /* by TetherSecretKind; NULL: none remembered */
};

void
tether_taken_secrets_free (TetherTakenSecrets *taken)
{
  if (taken == NULL)
    return;
  g_free (taken->host);
  g_free (taken->user);
  for (guint i = 0; i < G_N_ELEMENTS (taken->secrets); i++)
    tether_secret_free (taken->secrets[i]);
  g_free (taken);
}

gboolean
tether_taken_secrets_is_empty (TetherTakenSecrets *taken)
{
  g_return_val_if_fail (taken != NULL, TRUE);
  return taken->secrets[0] == NULL && taken->secrets[1] == NULL;
}

/* On a thread of GTask's: the blocking calls the worker uses. */
static void
take_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  const TetherTakenSecrets *where = data;
  TetherTakenSecrets *taken = g_new0 (TetherTakenSecrets, 1);

  taken->host = g_strdup (where->host);
  taken->port = where->port;
  taken->user = g_strdup (where->user);
  /* A locked keyring is not unlocked for a Remove (what it holds cannot
   * come back then), but what it holds is forgotten all the same. */
  for (guint kind = 0; kind < G_N_ELEMENTS (taken->secrets); kind++)
    {
      taken->secrets[kind] = lookup_sync (taken->host, taken->port, taken->user, kind,
                                          SECRET_SEARCH_NONE);
      _tether_secrets_clear_sync (taken->host, taken->port, taken->user, kind);
    }
  g_task_return_pointer (task, taken, (GDestroyNotify) tether_taken_secrets_free);
}

/**
 * tether_secrets_take_async:
 *
 * Forgets what is remembered for @user on @host:@port, as
 * tether_secrets_forget_async() does, and gives it to the caller, who can
 * put it back with tether_secrets_give_back_async().
 */
void
tether_secrets_take_async (const char          *host,
                           guint                port,
                           const char          *user,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TetherTakenSecrets *where;

  g_return_if_fail (host != NULL && user != NULL);

  where = g_new0 (TetherTakenSecrets, 1);
  where->host = g_strdup (host);
  where->port = port;
  where->user = g_strdup (user);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_secrets_take_async);
  g_task_set_task_data (task, where, (GDestroyNotify) tether_taken_secrets_free);
  g_task_run_in_thread (task, take_thread);
}

/**
 * tether_secrets_take_finish:
 *
 * Returns: (transfer full): what was remembered there, maybe nothing
 */
TetherTakenSecrets *
tether_secrets_take_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_secrets_take_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
give_back_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  TetherTakenSecrets *taken = data;
  gboolean stored = TRUE;

  for (guint kind = 0; kind < G_N_ELEMENTS (taken->secrets); kind++)
    if (taken->secrets[kind] != NULL)
      stored &= _tether_secrets_store_sync (taken->host, taken->port, taken->user, kind,
                                            taken->secrets[kind]);
  if (stored)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                             _("The keyring did not take back the remembered password. Tether will ask for it next time."));
}

/**
 * tether_secrets_give_back_async:
 * @taken: (transfer full): from tether_secrets_take_finish()
 *
 * Puts back in the keyring what tether_secrets_take_async() took.
 */
void
tether_secrets_give_back_async (TetherTakenSecrets  *taken,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (taken != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_secrets_give_back_async);
  g_task_set_task_data (task, taken, (GDestroyNotify) tether_taken_secrets_free);
  g_task_run_in_thread (task, give_back_thread);
}

gboolean
tether_secrets_give_back_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_secrets_give_back_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_secrets_shutdown:
 *
 * Lets go of the connection to the Secret Service, at exit: libsecret keeps
 * it for the life of the process otherwise.  Call it once no lookup or store
 * can still run.
 */
void
tether_secrets_shutdown (void)
{
  secret_service_disconnect ();
}
