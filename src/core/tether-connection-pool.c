/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-connection-pool.h"
#include "tether-connection-private.h"
#include "tether-error.h"
#include "tether-session-private.h"

typedef struct {
  TetherConnection *connection;
  guint             users;
  GPtrArray        *waiters;     /* GTask*, while connecting */
} PoolEntry;

struct _TetherConnectionPool
{
  GHashTable                 *entries;    /* key -> PoolEntry* */
  /* key -> TetherSecretMemory*: what was typed for each place this run,
   * kept across a lost connection, wiped once no session goes there. */
  GHashTable                 *memories;
  TetherConnectionBrokenFunc  broken;
  gpointer                    user_data;
};

typedef struct {
  TetherSession        *session;
  TetherSessionState    previous;
  guint                 columns;    /* where its shell starts */
  guint                 rows;
} OpenData;

static void
pool_entry_free (PoolEntry *entry)
{
  g_signal_handlers_disconnect_matched (entry->connection, G_SIGNAL_MATCH_DATA,
                                        0, 0, NULL, NULL, NULL);
  tether_connection_close (entry->connection);
  g_object_unref (entry->connection);
  g_ptr_array_unref (entry->waiters);
  g_free (entry);
}

TetherConnectionPool *
_tether_connection_pool_new (TetherConnectionBrokenFunc broken,
                             gpointer                   user_data)
{
  /* Reference counted: a connect in progress holds the pool until its
   * callback has run, even when the manager is gone by then. */
  TetherConnectionPool *pool = g_rc_box_new0 (TetherConnectionPool);

  pool->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) pool_entry_free);
  pool->memories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) _tether_secret_memory_unref);
  pool->broken = broken;
  pool->user_data = user_data;
  return pool;
}

static void
pool_clear (gpointer data)
{
  TetherConnectionPool *pool = data;

  g_hash_table_unref (pool->entries);
  g_hash_table_unref (pool->memories);
}

void
_tether_connection_pool_free (TetherConnectionPool *pool)
{
  /* Closing every connection now; callbacks still queued find no entry. */
  g_hash_table_remove_all (pool->entries);
  _tether_connection_pool_forget_secrets (pool, NULL);
  pool->broken = NULL;
  g_rc_box_release_full (pool, pool_clear);
}

guint
_tether_connection_pool_size (TetherConnectionPool *pool)
{
  return g_hash_table_size (pool->entries);
}

/* Where a session's connection is shared: its user@host:port, the keys
 * it logs in with, and the known hosts file that trusted its server when
 * not the user's.  A session with an identity file of its own must be
 * authenticated with that key, never ride on a connection another key
 * opened (nor the reverse), so the key files are part of the key; a
 * connection trusted through one session's own file (the Demo's) is not
 * shared with sessions that trust ~/.ssh/known_hosts. */
static char *
pool_key (const TetherResolvedTarget *resolved,
          const char                 *identity_file,
          const char                 *known_hosts_file)
{
  g_autofree char *target_key = tether_resolved_target_dup_key (resolved);
  GString *key = g_string_new (target_key);

  /* A newline never appears in a user or host: the parts stay apart. */
  g_string_append_c (key, '\n');
  if (identity_file != NULL)
    g_string_append (key, identity_file);
  for (guint i = 0; resolved->identity_files != NULL && resolved->identity_files[i] != NULL; i++)
    g_string_append_printf (key, "\n%s", resolved->identity_files[i]);
  if (known_hosts_file != NULL)
    g_string_append_printf (key, "\nknown-hosts:%s", known_hosts_file);
  return g_string_free (key, FALSE);
}

static gboolean
entry_has_connection (gpointer key,
                      gpointer value,
                      gpointer user_data)
{
  return ((PoolEntry *) value)->connection == user_data;
}

static void
forget (TetherConnectionPool *pool,
        TetherConnection     *connection)
{
  /* The pool's key is not the connection's: look the entry up by value. */
  g_hash_table_foreach_remove (pool->entries, entry_has_connection, connection);
}

static PoolEntry *
lookup_by_connection (TetherConnectionPool *pool,
                      TetherConnection     *connection)
{
  return g_hash_table_find (pool->entries, entry_has_connection, connection);
}

static void
connection_broken_cb (TetherConnection     *connection,
                      const GError         *error,
                      TetherConnectionPool *pool)
{
  g_object_ref (connection);
  if (pool->broken != NULL)
    pool->broken (connection, error, pool->user_data);
  /* Its sessions let go of it; no later session may reuse a dead one. */
  forget (pool, connection);
  g_object_unref (connection);
}

void
_tether_connection_pool_release (TetherConnectionPool *pool,
                                 TetherSession        *session)
{
  g_autoptr(TetherConnection) connection = _tether_session_release (session);
  PoolEntry *entry;

  if (connection == NULL)
    return;

  entry = lookup_by_connection (pool, connection);
  if (entry != NULL && --entry->users == 0)
    {
      gboolean lost = tether_connection_get_state (connection) == TETHER_CONNECTION_STATE_BROKEN;

      forget (pool, connection);
      /* A lost connection is retried with what was typed for it. */
      if (!lost)
        _tether_connection_pool_forget_secrets (pool, tether_connection_get_key (connection));
    }
}

void
_tether_connection_pool_clear (TetherConnectionPool *pool)
{
  g_hash_table_remove_all (pool->entries);
  _tether_connection_pool_forget_secrets (pool, NULL);
}

/* Wipes what was typed for @key (every place when %NULL). */
void
_tether_connection_pool_forget_secrets (TetherConnectionPool *pool,
                                        const char           *key)
{
  GHashTableIter iter;
  gpointer k, memory;

  g_hash_table_iter_init (&iter, pool->memories);
  while (g_hash_table_iter_next (&iter, &k, &memory))
    if (key == NULL || g_str_equal (k, key))
      {
        /* A worker logging in may still hold a reference: empty it now. */
        _tether_secret_memory_wipe (memory);
        g_hash_table_iter_remove (&iter);
      }
}

/* Asks every ready connection to prove it is alive within 3 s. */
void
_tether_connection_pool_check_all (TetherConnectionPool *pool)
{
  GHashTableIter iter;
  PoolEntry *entry;

  g_hash_table_iter_init (&iter, pool->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    tether_connection_check (entry->connection);
}

static void
join_connection (OpenData  *data,
                 PoolEntry *entry)
{
  TetherSession *session = data->session;

  entry->users++;
  _tether_session_set_connection (session, entry->connection, data->columns, data->rows);
  _tether_session_set_resolved (session,
                                tether_connection_get_user (entry->connection),
                                tether_connection_get_port (entry->connection));
  _tether_session_set_last_error (session, NULL);
  _tether_session_set_state (session, TETHER_SESSION_STATE_OPENED);
}

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->session);
  g_free (data);
}

static void
finish_waiter (GTask        *task,
               PoolEntry    *entry,
               const GError *error)
{
  OpenData *data = g_task_get_task_data (task);

  if (error != NULL)
    {
      _tether_session_set_last_error (data->session, error->message);
      _tether_session_set_state (data->session, data->previous);
      g_task_return_error (task, g_error_copy (error));
    }
  else if (g_task_return_error_if_cancelled (task))
    _tether_session_set_state (data->session, data->previous);
  else if (tether_session_get_state (data->session) != TETHER_SESSION_STATE_OPENING
           && tether_session_get_state (data->session) != TETHER_SESSION_STATE_CONNECTING)
    g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                             _("The session “%s” was closed while it was opening."),
                             tether_session_get_name (data->session));
  else
    {
      join_connection (data, entry);
      g_task_return_boolean (task, TRUE);
    }
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TetherConnectionPool *pool = user_data;
  TetherConnection *connection = TETHER_CONNECTION (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  PoolEntry *entry;

  tether_connection_connect_finish (connection, result, &error);
  entry = lookup_by_connection (pool, connection);
  if (entry == NULL)
    {
      g_rc_box_release_full (pool, pool_clear);
      return;
    }

  waiters = g_steal_pointer (&entry->waiters);
  entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    finish_waiter (g_ptr_array_index (waiters, i), entry, error);

  if (error != NULL || entry->users == 0)
    forget (pool, connection);
  g_rc_box_release_full (pool, pool_clear);
}

static PoolEntry *
new_entry (TetherConnectionPool       *pool,
           TetherSession              *session,
           const TetherResolvedTarget *resolved,
           TetherInteraction          *interaction,
           const TetherConfig         *config,
           const char                 *key)
{
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  /* What was typed is kept per user@host:port, the connection's key, which
   * is what Close, Remove and Forget Password wipe by: not the pool's key,
   * which adds the identity settings. */
  g_autofree char *memory_key = tether_resolved_target_dup_key (resolved);
  PoolEntry *entry = g_new0 (PoolEntry, 1);
  TetherSecretMemory *memory = g_hash_table_lookup (pool->memories, memory_key);

  if (memory == NULL)
    {
      memory = _tether_secret_memory_new ();
      g_hash_table_insert (pool->memories, g_strdup (memory_key), memory);
    }

  entry->connection = tether_connection_new (resolved, ssh_dir, config);
  entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  tether_connection_set_interaction (entry->connection, interaction);
  tether_connection_set_identity_file (entry->connection, tether_session_get_identity_file (session));
  tether_connection_set_known_hosts_file (entry->connection, tether_session_get_known_hosts_file (session));
  _tether_connection_set_secret_memory (entry->connection, memory);
  g_signal_connect (entry->connection, "broken", G_CALLBACK (connection_broken_cb), pool);
  g_hash_table_insert (pool->entries, g_strdup (key), entry);

  tether_connection_connect_async (entry->connection, NULL, connect_cb, g_rc_box_acquire (pool));
  return entry;
}

void
_tether_connection_pool_open (TetherConnectionPool       *pool,
                              TetherSession              *session,
                              TetherSessionState          previous,
                              const TetherResolvedTarget *resolved,
                              TetherInteraction          *interaction,
                              const TetherConfig         *config,
                              GTask                      *task)
{
  g_autofree char *key = pool_key (resolved, tether_session_get_identity_file (session),
                                   tether_session_get_known_hosts_file (session));
  OpenData *data = g_new0 (OpenData, 1);
  PoolEntry *entry;

  data->session = g_object_ref (session);
  data->previous = previous;
  data->columns = config->columns;
  data->rows = config->rows;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  /* A session whose connection was lost stays Connecting while retried. */
  if (data->previous != TETHER_SESSION_STATE_CONNECTING)
    _tether_session_set_state (session, TETHER_SESSION_STATE_OPENING);

  entry = g_hash_table_lookup (pool->entries, key);
  if (entry != NULL && tether_connection_get_state (entry->connection) == TETHER_CONNECTION_STATE_READY)
    {
      /* A second session to the same place: a new channel later, no new
       * handshake now. */
      join_connection (data, entry);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (entry == NULL || tether_connection_get_state (entry->connection) != TETHER_CONNECTION_STATE_CONNECTING)
    {
      if (entry != NULL)
        g_hash_table_remove (pool->entries, key);
      entry = new_entry (pool, session, resolved, interaction, config, key);
    }
  g_ptr_array_add (entry->waiters, g_object_ref (task));
}
