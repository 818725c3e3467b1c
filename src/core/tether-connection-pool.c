/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-connection-pool.h"
#include "tether-connection-private.h"
#include "tether-error.h"
#include "tether-session-private.h"

/* Told when a connection asked for is ready (and counted as used), or
 * failed. */
typedef void (*AcquiredFunc) (TetherConnectionPool *pool,
                              TetherConnection     *connection,
                              const GError         *error,
                              gpointer              data);

typedef struct {
  AcquiredFunc   func;
  gpointer       data;
  GDestroyNotify destroy;
} Waiter;

typedef struct {
  TetherConnection *connection;
  guint             users;      /* sessions, and connections through it */
  gboolean          starting;   /* until connected or failed */
  GArray           *waiters;    /* Waiter, while starting */
  TetherConnection *parent;     /* the jump connection it tunnels through,
                                 * counted among that one's users */
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
waiter_clear (Waiter *waiter)
{
  if (waiter->destroy != NULL)
    waiter->destroy (waiter->data);
}

static void
pool_entry_free (PoolEntry *entry)
{
  g_signal_handlers_disconnect_matched (entry->connection, G_SIGNAL_MATCH_DATA,
                                        0, 0, NULL, NULL, NULL);
  tether_connection_close (entry->connection);
  g_object_unref (entry->connection);
  g_clear_object (&entry->parent);
  g_array_unref (entry->waiters);
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

static gboolean
entry_has_connection (gpointer key,
                      gpointer value,
                      gpointer connection)
{
  return ((PoolEntry *) value)->connection == connection;
}

/* A few entries at most: a search costs less than a second index. */
static PoolEntry *
find_entry (TetherConnectionPool *pool,
            TetherConnection     *connection)
{
  return g_hash_table_find (pool->entries, entry_has_connection, connection);
}

static void release_connection (TetherConnectionPool *pool,
                                TetherConnection     *connection);

static void
forget (TetherConnectionPool *pool,
        TetherConnection     *connection)
{
  PoolEntry *entry = find_entry (pool, connection);
  g_autoptr(TetherConnection) parent = NULL;

  if (entry == NULL)
    return;
  parent = g_steal_pointer (&entry->parent);
  g_hash_table_foreach_remove (pool->entries, entry_has_connection, connection);
  /* The last connection through a jump host lets it go. */
  if (parent != NULL)
    release_connection (pool, parent);
}

static void
release_connection (TetherConnectionPool *pool,
                    TetherConnection     *connection)
{
  PoolEntry *entry = find_entry (pool, connection);

  if (entry != NULL && --entry->users == 0)
    {
      gboolean lost = tether_connection_get_state (connection) == TETHER_CONNECTION_STATE_BROKEN;

      forget (pool, connection);
      /* A lost connection is retried with what was typed for it. */
      if (!lost)
        _tether_connection_pool_forget_secrets (pool, tether_connection_get_key (connection));
    }
}

static void
connection_broken_cb (TetherConnection     *connection,
                      const GError         *error,
                      TetherConnectionPool *pool)
{
  g_object_ref (connection);
  if (pool->broken != NULL)
    pool->broken (connection, error, pool->user_data);
  /* Its sessions let go of it; no later session may reuse a dead one.  The
   * connections through it see their tunnels close and break in turn. */
  forget (pool, connection);
  g_object_unref (connection);
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
  release_connection (late->pool, late->connection);
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
      release_connection (pool, connection);
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
join_connection (OpenData         *data,
                 TetherConnection *connection)
{
  TetherSession *session = data->session;

  _tether_session_set_connection (session, connection, data->columns, data->rows);
  _tether_session_set_resolved (session,
                                tether_connection_get_user (connection),
                                tether_connection_get_port (connection));
  _tether_session_set_last_error (session, NULL);
  _tether_session_set_state (session, TETHER_SESSION_STATE_OPENED);
}

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->session);
  g_free (data);
}

/* The open failed: the session is back as it was, the reason kept on it. */
static void
open_failed (GTask        *task,
             const GError *error)
{
  OpenData *data = g_task_get_task_data (task);

  _tether_session_set_last_error (data->session, error->message);
  _tether_session_set_state (data->session, data->previous);
  g_task_return_error (task, g_error_copy (error));
}

/* The session joins its connection, unless its open was cancelled or it
 * was closed meanwhile: the connection is let go then. */
static void
join_or_release (TetherConnectionPool *pool,
                 GTask                *task,
                 TetherConnection     *connection)
{
  OpenData *data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    _tether_session_set_state (data->session, data->previous);
  else if (tether_session_get_state (data->session) != TETHER_SESSION_STATE_OPENING
           && tether_session_get_state (data->session) != TETHER_SESSION_STATE_CONNECTING)
    g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                             _("The session “%s” was closed while it was opening."),
                             tether_session_get_name (data->session));
  else
    {
      join_connection (data, connection);
      g_task_return_boolean (task, TRUE);
      return;
    }
  release_connection (pool, connection);
}

/* A session's tmux being checked on its connection, not yet joined. */
typedef struct {
  TetherConnectionPool *pool;
  TetherConnection     *connection;
  GTask                *task;
} Checking;

static void
tmux_checked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Checking *checking = user_data;
  g_autoptr(GError) error = NULL;

  if (tether_tmux_check_finish (checking->connection, result, &error))
    join_or_release (checking->pool, checking->task, checking->connection);
  else
    {
      open_failed (checking->task, error);
      release_connection (checking->pool, checking->connection);
    }
  g_object_unref (checking->task);
  g_object_unref (checking->connection);
  g_rc_box_release_full (checking->pool, pool_clear);
  g_free (checking);
}

/* The session's connection is ready (and counted), or failed.  A session
 * that makes its tmux session on the server joins it only once that
 * server's tmux is known to hold it: else the open fails, and a New
 * Session creates nothing. */
static void
session_acquired (TetherConnectionPool *pool,
                  TetherConnection     *connection,
                  const GError         *error,
                  gpointer              user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  OpenData *data = g_task_get_task_data (task);
  Checking *checking;

  if (error != NULL)
    {
      open_failed (task, error);
      return;
    }
  if (!_tether_session_get_makes_tmux (data->session, data->previous))
    {
      join_or_release (pool, task, connection);
      return;
    }

  checking = g_new0 (Checking, 1);
  checking->pool = g_rc_box_acquire (pool);
  checking->connection = g_object_ref (connection);
  checking->task = g_object_ref (task);
  tether_tmux_check_async (connection, tether_session_get_computer_name (data->session),
                           g_task_get_cancellable (task), tmux_checked_cb, checking);
}

/* Connected, or failed on the way (the jump host, its tunnel or this
 * connection's own login): every waiter learns it. */
static void
entry_done (TetherConnectionPool *pool,
            PoolEntry            *entry,
            const GError         *error)
{
  g_autoptr(TetherConnection) connection = g_object_ref (entry->connection);
  g_autoptr(GArray) waiters = g_steal_pointer (&entry->waiters);

  entry->waiters = g_array_new (FALSE, TRUE, sizeof (Waiter));
  g_array_set_clear_func (entry->waiters, (GDestroyNotify) waiter_clear);
  entry->starting = FALSE;
  /* Counted before anyone is told: a waiter that lets go at once must not
   * close it under the next one. */
  if (error == NULL)
    entry->users += waiters->len;
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = &g_array_index (waiters, Waiter, i);

      waiter->func (pool, error == NULL ? connection : NULL, error, waiter->data);
    }

  entry = find_entry (pool, connection);
  if (entry != NULL && (error != NULL || entry->users == 0))
    forget (pool, connection);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TetherConnectionPool *pool = user_data;
  TetherConnection *connection = TETHER_CONNECTION (object);
  g_autoptr(GError) error = NULL;
  PoolEntry *entry;

  tether_connection_connect_finish (connection, result, &error);
  entry = find_entry (pool, connection);
  if (entry != NULL)
    entry_done (pool, entry, error);
  g_rc_box_release_full (pool, pool_clear);
}

/* Through a jump host: its connection, then a tunnel on it, then this
 * connection over the tunnel. */
typedef struct {
  TetherConnectionPool *pool;
  TetherConnection     *connection;
  char                 *host;
  guint                 port;
  int                   fd;        /* this connection's end of the pair */
} Hop;

static Hop *
hop_new (TetherConnectionPool *pool,
         TetherConnection     *connection,
         const char           *host,
         guint                 port)
{
  Hop *hop = g_new0 (Hop, 1);

  hop->pool = g_rc_box_acquire (pool);
  hop->connection = g_object_ref (connection);
  hop->host = g_strdup (host);
  hop->port = port;
  hop->fd = -1;
  return hop;
}

static void
hop_free (Hop *hop)
{
  g_rc_box_release_full (hop->pool, pool_clear);
  g_object_unref (hop->connection);
  g_free (hop->host);
  if (hop->fd >= 0)
    close (hop->fd);
  g_free (hop);
}

static void
tunnel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Hop *hop = user_data;
  g_autoptr(GError) error = NULL;
  PoolEntry *entry = find_entry (hop->pool, hop->connection);

  if (!tether_connection_open_tunnel_finish (TETHER_CONNECTION (object), result, &error))
    {
      if (entry != NULL)
        entry_done (hop->pool, entry, error);
    }
  else if (entry != NULL)
    {
      tether_connection_set_tunnel (hop->connection, hop->fd, tether_connection_get_key (TETHER_CONNECTION (object)));
      hop->fd = -1;
      tether_connection_connect_async (hop->connection, NULL, connect_cb, g_rc_box_acquire (hop->pool));
    }
  hop_free (hop);
}

static void
jump_acquired (TetherConnectionPool *pool,
               TetherConnection     *jump,
               const GError         *error,
               gpointer              user_data)
{
  Hop *hop = user_data;
  PoolEntry *entry = find_entry (pool, hop->connection);
  g_autoptr(GError) local_error = NULL;
  Hop *next;
  int fds[2];

  if (entry == NULL)
    {
      /* Nobody waits for it any more. */
      if (jump != NULL)
        release_connection (pool, jump);
      return;
    }
  if (error != NULL)
    {
      entry_done (pool, entry, error);
      return;
    }

  entry->parent = g_object_ref (jump);
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      local_error = g_error_new (TETHER_ERROR, TETHER_ERROR_FAILED,
                                 _("Tether could not start a connection (%s). Close some sessions and try again."),
                                 g_strerror (errno));
      entry_done (pool, entry, local_error);
      return;
    }

  /* The waiter's data is freed once it returns: the tunnel gets a copy. */
  next = hop_new (pool, hop->connection, hop->host, hop->port);
  next->fd = fds[1];
  tether_connection_open_tunnel_async (jump, hop->host, hop->port, fds[0], NULL, NULL,
                                       tunnel_cb, next);
}

/* The key of the connection to chain[n] through chain[0..n-1]: where it
 * is shared.  Each hop's user@host:port and the keys it logs in with (a
 * session with a key of its own must be authenticated with that key, never
 * ride on a connection another key opened, nor the reverse); then the
 * session's own identity file and the known hosts file that trusted its
 * server when not the user's (the Demo's: not shared with sessions that
 * trust ~/.ssh/known_hosts), and @variant for connections that must not be
 * shared with others. */
static char *
chain_key (const TetherResolvedTarget *const *chain,
           guint                              n,
           const char                        *identity_file,
           const char                        *known_hosts_file,
           const char                        *variant)
{
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint i = 0; i <= n; i++)
    {
      g_autofree char *hop = tether_resolved_target_dup_key (chain[i]);
      const char *const *files = (const char *const *) chain[i]->identity_files;

      if (i > 0)
        g_string_append_c (key, '>');
      g_string_append (key, hop);
      /* A newline never appears in a user or host: the parts stay apart. */
      for (guint j = 0; files != NULL && files[j] != NULL; j++)
        g_string_append_printf (key, "\n%s", files[j]);
    }
  if (identity_file != NULL)
    g_string_append_printf (key, "\nidentity:%s", identity_file);
  if (known_hosts_file != NULL)
    g_string_append_printf (key, "\nknown-hosts:%s", known_hosts_file);
  if (variant != NULL)
    g_string_append (key, variant);
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* What was typed is kept per user@host:port (the connection's key, not
 * the pool's, which also tells identities and hops apart): what
 * _tether_connection_pool_forget_secrets() is given. */
static TetherSecretMemory *
secret_memory (TetherConnectionPool       *pool,
               const TetherResolvedTarget *target)
{
  g_autofree char *key = tether_resolved_target_dup_key (target);
  TetherSecretMemory *memory = g_hash_table_lookup (pool->memories, key);

  if (memory == NULL)
    {
      memory = _tether_secret_memory_new ();
      g_hash_table_insert (pool->memories, g_steal_pointer (&key), memory);
    }
  return memory;
}

/* Gets the connection to chain[n], through the ones before it: shared if
 * one is open or opening, else a new one.  @func gets it once it is ready
 * (at once if it is), counted as used. */
static void
acquire (TetherConnectionPool              *pool,
         const TetherResolvedTarget *const *chain,
         guint                              n,
         const char                        *variant,
         TetherInteraction                 *interaction,
         const TetherConfig                *config,
         const char                        *identity_file,
         const char                        *known_hosts_file,
         AcquiredFunc                       func,
         gpointer                           data,
         GDestroyNotify                     destroy)
{
  g_autofree char *key = chain_key (chain, n, identity_file, known_hosts_file, variant);
  g_autofree char *ssh_dir = NULL;
  PoolEntry *entry = g_hash_table_lookup (pool->entries, key);
  Waiter waiter = { func, data, destroy };

  if (entry != NULL && tether_connection_get_state (entry->connection) == TETHER_CONNECTION_STATE_READY)
    {
      /* A second session to the same place: a new channel later, no new
       * handshake now. */
      entry->users++;
      func (pool, entry->connection, NULL, data);
      if (destroy != NULL)
        destroy (data);
      return;
    }
  if (entry != NULL && entry->starting)
    {
      g_array_append_val (entry->waiters, waiter);
      return;
    }
  if (entry != NULL)
    forget (pool, entry->connection);

  ssh_dir = tether_get_ssh_dir ();
  entry = g_new0 (PoolEntry, 1);
  entry->connection = tether_connection_new (chain[n], ssh_dir, config);
  entry->starting = TRUE;
  entry->waiters = g_array_new (FALSE, TRUE, sizeof (Waiter));
  g_array_set_clear_func (entry->waiters, (GDestroyNotify) waiter_clear);
  g_array_append_val (entry->waiters, waiter);
  tether_connection_set_interaction (entry->connection, interaction);
  tether_connection_set_identity_file (entry->connection, identity_file);
  tether_connection_set_known_hosts_file (entry->connection, known_hosts_file);
  _tether_connection_set_secret_memory (entry->connection, secret_memory (pool, chain[n]));
  /* The first hop is reached the way its configuration says, its
   * ProxyCommand included; a hop's own ProxyJump is not followed (nor a
   * command standing for it). */
  if (n == 0 && chain[0]->proxy_command != NULL && chain[0]->proxy_jump == NULL)
    tether_connection_set_proxy_command (entry->connection, chain[0]->proxy_command);
  g_signal_connect (entry->connection, "broken", G_CALLBACK (connection_broken_cb), pool);
  g_hash_table_insert (pool->entries, g_steal_pointer (&key), entry);

  if (n == 0)
    tether_connection_connect_async (entry->connection, NULL, connect_cb, g_rc_box_acquire (pool));
  else
    {
      Hop *hop = hop_new (pool, entry->connection, chain[n]->host, chain[n]->port);

      /* A jump host logs in with its own keys, as `ssh -J` does: the
       * session's identity file is for the computer it names. */
      acquire (pool, chain, n - 1, NULL, interaction, config, NULL, NULL,
               jump_acquired, hop, (GDestroyNotify) hop_free);
    }
}

void
_tether_connection_pool_open (TetherConnectionPool        *pool,
                              TetherSession               *session,
                              TetherSessionState           previous,
                              const TetherResolvedTarget  *resolved,
                              const TetherResolvedTarget **jumps,
                              TetherInteraction           *interaction,
                              const TetherConfig          *config,
                              GTask                       *task)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  OpenData *data = g_new0 (OpenData, 1);

  data->session = g_object_ref (session);
  data->previous = previous;
  data->columns = config->columns;
  data->rows = config->rows;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  /* A session whose connection was lost stays Connecting while retried. */
  if (data->previous != TETHER_SESSION_STATE_CONNECTING)
    _tether_session_set_state (session, TETHER_SESSION_STATE_OPENING);

  for (guint i = 0; jumps != NULL && jumps[i] != NULL; i++)
    g_ptr_array_add (chain, (gpointer) jumps[i]);
  g_ptr_array_add (chain, (gpointer) resolved);

  /* sshd hands the agent to every later channel of a connection once one
   * asked for it: a session that forwards the agent gets a connection of
   * its own, so that the others never reach it. */
  acquire (pool, (const TetherResolvedTarget *const *) chain->pdata, chain->len - 1,
           (_tether_session_get_channel_flags (session) & TETHER_CHANNEL_FLAGS_FORWARD_AGENT) ? "+agent" : NULL,
           interaction, config, tether_session_get_identity_file (session),
           tether_session_get_known_hosts_file (session),
           session_acquired, g_object_ref (task), g_object_unref);
}
