/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-connection-pool.h"
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
  pool->broken = broken;
  pool->user_data = user_data;
  return pool;
}

static void
pool_clear (gpointer data)
{
  TetherConnectionPool *pool = data;

  g_hash_table_unref (pool->entries);
}

void
_tether_connection_pool_free (TetherConnectionPool *pool)
{
  /* Closing every connection now; callbacks still queued find no entry. */
  g_hash_table_remove_all (pool->entries);
  pool->broken = NULL;
  g_rc_box_release_full (pool, pool_clear);
}

guint
_tether_connection_pool_size (TetherConnectionPool *pool)
{
  return g_hash_table_size (pool->entries);
}

static void
forget (TetherConnectionPool *pool,
        TetherConnection     *connection)
{
  PoolEntry *entry = g_hash_table_lookup (pool->entries, tether_connection_get_key (connection));

  if (entry != NULL && entry->connection == connection)
    g_hash_table_remove (pool->entries, tether_connection_get_key (connection));
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

static void
drop_user (TetherConnectionPool *pool,
           TetherConnection     *connection)
{
  PoolEntry *entry = g_hash_table_lookup (pool->entries, tether_connection_get_key (connection));

  if (entry != NULL && entry->connection == connection && --entry->users == 0)
    forget (pool, connection);
}

typedef struct {
  TetherConnectionPool *pool;
  TetherConnection     *connection;
} LateRelease;

static void
late_release_free (gpointer data,
                   GClosure *closure)
{
  LateRelease *late = data;

  g_object_unref (late->connection);
  g_rc_box_release_full (late->pool, pool_clear);
  g_free (late);
}

static void
tmux_ended_cb (TetherTmuxClient *tmux,
               const GError     *error,
               int               status,
               LateRelease      *late)
{
  drop_user (late->pool, late->connection);
}

void
_tether_connection_pool_release (TetherConnectionPool *pool,
                                 TetherSession        *session)
{
  g_autoptr(TetherConnection) connection = _tether_session_release (session);
  g_autoptr(TetherTmuxClient) ending = _tether_session_steal_ending_tmux (session);
  LateRelease *late;

  if (connection == NULL)
    return;
  if (ending == NULL)
    {
      drop_user (pool, connection);
      return;
    }

  /* Closed now, the connection would take the tmux session's `kill-session`
   * with it unread: it stays until tmux is done. */
  late = g_new0 (LateRelease, 1);
  late->pool = g_rc_box_acquire (pool);
  late->connection = g_object_ref (connection);
  g_signal_connect_data (ending, "closed", G_CALLBACK (tmux_ended_cb), late,
                         late_release_free, 0);
}

void
_tether_connection_pool_clear (TetherConnectionPool *pool)
{
  g_hash_table_remove_all (pool->entries);
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
  else if (tether_session_get_state (data->session) != TETHER_SESSION_STATE_OPENING)
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
  entry = g_hash_table_lookup (pool->entries, tether_connection_get_key (connection));
  if (entry == NULL || entry->connection != connection)
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
  PoolEntry *entry = g_new0 (PoolEntry, 1);

  entry->connection = tether_connection_new (resolved, ssh_dir, config);
  entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  tether_connection_set_interaction (entry->connection, interaction);
  tether_connection_set_identity_file (entry->connection, tether_session_get_identity_file (session));
  g_signal_connect (entry->connection, "broken", G_CALLBACK (connection_broken_cb), pool);
  g_hash_table_insert (pool->entries, g_strdup (key), entry);

  tether_connection_connect_async (entry->connection, NULL, connect_cb, g_rc_box_acquire (pool));
  return entry;
}

void
_tether_connection_pool_open (TetherConnectionPool       *pool,
                              TetherSession              *session,
                              const TetherResolvedTarget *resolved,
                              TetherInteraction          *interaction,
                              const TetherConfig         *config,
                              GTask                      *task)
{
  g_autofree char *key = tether_resolved_target_dup_key (resolved);
  OpenData *data = g_new0 (OpenData, 1);
  PoolEntry *entry;

  data->session = g_object_ref (session);
  data->previous = tether_session_get_state (session);
  data->columns = config->columns;
  data->rows = config->rows;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
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
