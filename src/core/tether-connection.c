/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-connection-private.h"
#include "tether-enums.h"
#include "tether-error.h"

struct _TetherConnection
{
  GObject                 parent_instance;

  TetherConnectionShared *shared;
  TetherConnectionState   state;
  TetherInteraction      *interaction;
  GTask                  *connect_task;
  gulong                  cancel_id;
  GHashTable             *opening;        /* TetherChannel* -> GTask* */
  GHashTable             *tunnels;        /* tunnel id -> GTask*, while opening */
  guint                   last_tunnel_id;
  GCancellable           *prompt_cancellable;
};

G_DEFINE_FINAL_TYPE (TetherConnection, tether_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  BROKEN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Shared state */

TetherConnectionShared *
_tether_connection_shared_ref (TetherConnectionShared *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

static void
shared_clear (gpointer data)
{
  TetherConnectionShared *shared = data;

  g_clear_pointer (&shared->resolved, tether_resolved_target_free);
  g_free (shared->host);
  g_free (shared->user);
  g_free (shared->key);
  g_free (shared->ssh_dir);
  g_free (shared->identity_file);
  g_free (shared->known_hosts_file);
  g_clear_pointer (&shared->memory, _tether_secret_memory_unref);
  g_free (shared->via);
  g_free (shared->agent_socket);
  g_free (shared->proxy_command);
  if (shared->tunnel_fd >= 0)
    close (shared->tunnel_fd);
  g_main_context_unref (shared->main_context);
  g_queue_clear_full (&shared->commands, (GDestroyNotify) _tether_command_free);
  g_queue_clear_full (&shared->events, (GDestroyNotify) _tether_event_free);
  g_clear_object (&shared->cancellable);
  if (shared->wake_fd >= 0)
    close (shared->wake_fd);
  g_weak_ref_clear (&shared->object);
  g_mutex_clear (&shared->mutex);
}

void
_tether_connection_shared_unref (TetherConnectionShared *shared)
{
  g_atomic_rc_box_release_full (shared, shared_clear);
}

void
_tether_event_free (TetherEvent *event)
{
  g_clear_object (&event->channel);
  g_clear_object (&event->prompt);
  g_clear_object (&event->cancellable);
  g_clear_pointer (&event->data, g_bytes_unref);
  g_clear_error (&event->error);
  g_free (event);
}

void
_tether_command_free (TetherCommand *command)
{
  g_clear_object (&command->channel);
  g_clear_pointer (&command->data, g_bytes_unref);
  g_free (command->command);
  g_free (command->bind_address);
  if (command->type == TETHER_COMMAND_OPEN_TUNNEL && command->fd >= 0)
    close (command->fd);
  g_free (command);
}

void
_tether_connection_wake (TetherConnectionShared *shared)
{
  guint64 one = 1;

  /* The eventfd counts, so a failed write (EAGAIN: counter full) still
   * leaves the worker awake; nothing to do about it. */
  if (write (shared->wake_fd, &one, sizeof one) < 0)
    return;
}

void
_tether_connection_wake_object (TetherConnection *self)
{
  _tether_connection_wake (self->shared);
}

void
_tether_connection_send (TetherConnection *self,
                         TetherCommand    *command)
{
  if (self->state != TETHER_CONNECTION_STATE_READY)
    {
      _tether_command_free (command);
      return;
    }

  g_mutex_lock (&self->shared->mutex);
  g_queue_push_tail (&self->shared->commands, command);
  g_mutex_unlock (&self->shared->mutex);
  _tether_connection_wake (self->shared);
}

/* Events: posted by the worker, handled on the main thread. */

static void handle_event (TetherConnection *self,
                          TetherEvent      *event);

static gboolean
dispatch_events (gpointer data)
{
  TetherConnectionShared *shared = data;
  g_autoptr(TetherConnection) self = NULL;
  GQueue events = G_QUEUE_INIT;
  TetherEvent *event;

  g_mutex_lock (&shared->mutex);
  events = shared->events;
  g_queue_init (&shared->events);
  shared->dispatch_queued = FALSE;
  g_mutex_unlock (&shared->mutex);

  self = g_weak_ref_get (&shared->object);
  while ((event = g_queue_pop_head (&events)) != NULL)
    {
      if (self != NULL)
        handle_event (self, event);
      _tether_event_free (event);
    }

  return G_SOURCE_REMOVE;
}

void
_tether_connection_post_event (TetherConnectionShared *shared,
                               TetherEvent            *event)
{
  gboolean schedule;

  g_mutex_lock (&shared->mutex);
  g_queue_push_tail (&shared->events, event);
  schedule = !shared->dispatch_queued;
  shared->dispatch_queued = TRUE;
  g_mutex_unlock (&shared->mutex);

  /* One idle callback drains every event queued meanwhile: a flood costs
   * one main-loop dispatch per batch, not one per chunk.  Never
   * g_main_context_invoke(): from a thread with no context of its own it
   * runs the callback right there whenever the main thread is between two
   * iterations, and the events would be handled on the worker. */
  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, dispatch_events,
                             _tether_connection_shared_ref (shared),
                             (GDestroyNotify) _tether_connection_shared_unref);
      g_source_set_static_name (source, "[tether] connection events");
      g_source_attach (source, shared->main_context);
      g_source_unref (source);
    }
}

/* Prompts: tether-connection-prompt.c. */
static void
handle_prompt (TetherConnection *self,
               TetherEvent      *event)
{
  /* Withdrawn already: the worker stopped waiting before it was shown. */
  if (self->interaction == NULL || self->state != TETHER_CONNECTION_STATE_CONNECTING ||
      g_cancellable_is_cancelled (event->cancellable))
    {
      _tether_connection_answer_prompt (self->shared, event->prompt, FALSE);
      return;
    }

  g_set_object (&self->prompt_cancellable, event->cancellable);
  _tether_connection_show_prompt (self->shared, self->interaction, event->prompt,
                                  event->cancellable);
}

static void
set_state (TetherConnection      *self,
           TetherConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish_connect (TetherConnection *self,
                GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  if (task == NULL)
    return;

  g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
  self->cancel_id = 0;

  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
fail_opening (TetherConnection *self,
              const GError     *error)
{
  GHashTableIter iter;
  gpointer task;

  g_hash_table_iter_init (&iter, self->opening);
  while (g_hash_table_iter_next (&iter, NULL, &task))
    {
      g_task_return_error (task, g_error_copy (error));
      g_hash_table_iter_remove (&iter);
    }
}

static void
fail_tunnels (TetherConnection *self,
              const GError     *error)
{
  GHashTableIter iter;
  gpointer task;

  g_hash_table_iter_init (&iter, self->tunnels);
  while (g_hash_table_iter_next (&iter, NULL, &task))
    {
      g_task_return_error (task, g_error_copy (error));
      g_hash_table_iter_remove (&iter);
    }
}

static void
handle_tunnel_opened (TetherConnection *self,
                      TetherEvent      *event)
{
  g_autoptr(GTask) task = NULL;

  if (!g_hash_table_steal_extended (self->tunnels, GUINT_TO_POINTER (event->tunnel_id), NULL,
                                    (gpointer *) &task))
    return;

  if (event->error != NULL)
    g_task_return_error (task, g_error_copy (event->error));
  else
    g_task_return_int (task, event->status);
}

static void
handle_channel_opened (TetherConnection *self,
                       TetherEvent      *event)
{
  g_autoptr(GTask) task = NULL;

  if (!g_hash_table_steal_extended (self->opening, event->channel, NULL, (gpointer *) &task))
    return;

  if (event->error != NULL)
    g_task_return_error (task, g_error_copy (event->error));
  else
    g_task_return_pointer (task, g_object_ref (event->channel), g_object_unref);
}

static void
handle_event (TetherConnection *self,
              TetherEvent      *event)
{
  switch (event->type)
    {
    case TETHER_EVENT_PROMPT:
      handle_prompt (self, event);
      break;

    case TETHER_EVENT_CONNECTED:
      if (event->error == NULL && self->state == TETHER_CONNECTION_STATE_CONNECTING)
        set_state (self, TETHER_CONNECTION_STATE_READY);
      else if (self->state == TETHER_CONNECTION_STATE_CONNECTING)
        set_state (self, TETHER_CONNECTION_STATE_CLOSED);
      finish_connect (self, event->error);
      break;

    case TETHER_EVENT_CHANNEL_OPENED:
      handle_channel_opened (self, event);
      break;

    case TETHER_EVENT_TUNNEL_OPENED:
      handle_tunnel_opened (self, event);
      break;

    case TETHER_EVENT_OUTPUT:
    case TETHER_EVENT_EXITED:
    case TETHER_EVENT_CHANNEL_CLOSED:
      _tether_channel_deliver (event->channel, event);
      break;

    case TETHER_EVENT_BROKEN:
      /* Before the channels' own ends (tether-connection-private.h): who
       * listens to `broken` learns why first. */
      fail_opening (self, event->error);
      fail_tunnels (self, event->error);
      if (self->state == TETHER_CONNECTION_STATE_READY)
        {
          set_state (self, TETHER_CONNECTION_STATE_BROKEN);
          g_signal_emit (self, signals[BROKEN], 0, event->error);
        }
      break;

    case TETHER_EVENT_FINISHED:
    default:
      break;
    }
}

/* GObject */

static void
tether_connection_dispose (GObject *object)
{
  TetherConnection *self = TETHER_CONNECTION (object);

  tether_connection_close (self);
  g_clear_object (&self->interaction);
  g_clear_object (&self->prompt_cancellable);

  G_OBJECT_CLASS (tether_connection_parent_class)->dispose (object);
}

static void
tether_connection_finalize (GObject *object)
{
  TetherConnection *self = TETHER_CONNECTION (object);

  g_hash_table_unref (self->opening);
  g_hash_table_unref (self->tunnels);
  g_weak_ref_set (&self->shared->object, NULL);
  _tether_connection_shared_unref (self->shared);

  G_OBJECT_CLASS (tether_connection_parent_class)->finalize (object);
}

static void
tether_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TetherConnection *self = TETHER_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_connection_class_init (TetherConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_connection_dispose;
  object_class->finalize = tether_connection_finalize;
  object_class->get_property = tether_connection_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TETHER_TYPE_CONNECTION_STATE, TETHER_CONNECTION_STATE_NEW,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BROKEN] =
    g_signal_new ("broken", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tether_connection_init (TetherConnection *self)
{
  self->opening = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->tunnels = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

/**
 * tether_connection_new:
 * @target: where to connect, `~/.ssh/config` already applied
 * @ssh_dir: the `~/.ssh` directory to use (from $HOME, not the passwd entry)
 * @config: its timeout and keepalives (the terminal size is not used)
 *
 * Returns: (transfer full): a connection, not connected yet
 */
TetherConnection *
tether_connection_new (const TetherResolvedTarget *target,
                       const char                 *ssh_dir,
                       const TetherConfig         *config)
{
  TetherConnection *self;
  TetherConnectionShared *shared;

  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (ssh_dir != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->connect_timeout_s > 0, NULL);
  g_return_val_if_fail (config->keepalive_interval_ms > 0, NULL);
  g_return_val_if_fail (config->keepalive_max_missed > 0, NULL);

  self = g_object_new (TETHER_TYPE_CONNECTION, NULL);
  shared = g_atomic_rc_box_new0 (TetherConnectionShared);
  shared->resolved = tether_resolved_target_copy (target);
  shared->host = g_strdup (target->host);
  shared->user = g_strdup (target->user);
  shared->port = target->port;
  shared->key = tether_resolved_target_dup_key (target);
  shared->ssh_dir = g_strdup (ssh_dir);
  /* The host's own ConnectTimeout and ServerAlive* win over the
   * preferences, as they do for OpenSSH. */
  shared->timeout_s = target->connect_timeout_s ? target->connect_timeout_s
                                                : config->connect_timeout_s;
  shared->keepalive_ms = target->server_alive_interval_s ? target->server_alive_interval_s * 1000
                                                         : config->keepalive_interval_ms;
  shared->keepalive_max_missed = target->server_alive_count_max ? target->server_alive_count_max
                                                                : config->keepalive_max_missed;
  shared->main_context = g_main_context_ref_thread_default ();
  shared->cancellable = g_cancellable_new ();
  shared->wake_fd = -1;
  shared->socket_fd = -1;
  shared->tunnel_fd = -1;
  /* Read here, on the main thread: the environment is not thread-safe. */
  shared->agent_socket = g_strdup (g_getenv ("SSH_AUTH_SOCK"));
  g_mutex_init (&shared->mutex);
  g_queue_init (&shared->commands);
  g_queue_init (&shared->events);
  g_weak_ref_init (&shared->object, self);
  self->shared = shared;

  return self;
}

const char *
tether_connection_get_key (TetherConnection *self)
{
  g_return_val_if_fail (TETHER_IS_CONNECTION (self), NULL);
  return self->shared->key;
}

const char *
tether_connection_get_user (TetherConnection *self)
{
  g_return_val_if_fail (TETHER_IS_CONNECTION (self), NULL);
  return self->shared->user;
}

guint
tether_connection_get_port (TetherConnection *self)
{
  g_return_val_if_fail (TETHER_IS_CONNECTION (self), 0);
  return self->shared->port;
}

TetherConnectionState
tether_connection_get_state (TetherConnection *self)
{
  g_return_val_if_fail (TETHER_IS_CONNECTION (self), TETHER_CONNECTION_STATE_CLOSED);
  return self->state;
}

void
tether_connection_set_interaction (TetherConnection  *self,
                                   TetherInteraction *interaction)
{
  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (interaction == NULL || TETHER_IS_INTERACTION (interaction));

  g_set_object (&self->interaction, interaction);
}

/**
 * _tether_connection_set_secret_memory:
 * @memory: (nullable): where the secrets typed for this login are kept, and
 *   looked up first (before the keyring, before asking)
 */
void
_tether_connection_set_secret_memory (TetherConnection   *self,
                                      TetherSecretMemory *memory)
{
  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (self->state == TETHER_CONNECTION_STATE_NEW);

  g_clear_pointer (&self->shared->memory, _tether_secret_memory_unref);
  self->shared->memory = memory ? _tether_secret_memory_ref (memory) : NULL;
}

/**
 * tether_connection_set_identity_file:
 * @path: (nullable): a private key tried before the default ones
 */
void
tether_connection_set_identity_file (TetherConnection *self,
                                     const char       *path)
{
  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (self->state == TETHER_CONNECTION_STATE_NEW);

  g_free (self->shared->identity_file);
  self->shared->identity_file = g_strdup (path);
}

/**
 * tether_connection_set_known_hosts_file:
 * @path: (nullable): the known hosts file the server's key is checked
 *   against and saved in; %NULL for the one in the SSH directory
 */
void
tether_connection_set_known_hosts_file (TetherConnection *self,
                                        const char       *path)
{
  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (self->state == TETHER_CONNECTION_STATE_NEW);

  g_free (self->shared->known_hosts_file);
  self->shared->known_hosts_file = g_strdup (path);
}

const char *
tether_connection_get_known_hosts_file (TetherConnection *self)
{
  g_return_val_if_fail (TETHER_IS_CONNECTION (self), NULL);

  return self->shared->known_hosts_file;
}

/* Main thread: queues @cmd (a tunnel or remote listener) with its task,
 * which the worker's TUNNEL_OPENED returns.  Returns its id. */
guint
_tether_connection_send_tunnel (TetherConnection *self,
                                TetherCommand    *cmd,
                                GTask            *task)
{
  guint id = ++self->last_tunnel_id;

  /* The worker owns (and frees) the command once it is sent. */
  cmd->tunnel_id = id;
  g_hash_table_insert (self->tunnels, GUINT_TO_POINTER (id), g_object_ref (task));
  _tether_connection_send (self, cmd);
  return id;
}

TetherConnectionShared *
_tether_connection_get_shared (TetherConnection *self)
{
  return self->shared;
}

static void
abort_worker (TetherConnectionShared *shared)
{
  g_mutex_lock (&shared->mutex);
  shared->closing = TRUE;
  /* A blocking libssh call in the worker returns at once once its socket is
   * shut down, instead of waiting for its timeout. */
  if (shared->socket_fd >= 0)
    shutdown (shared->socket_fd, SHUT_RDWR);
  g_mutex_unlock (&shared->mutex);

  g_cancellable_cancel (shared->cancellable);
  _tether_connection_wake (shared);
}

static void
connect_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  /* May run in any thread: touch only the shared state. */
  abort_worker (user_data);
}

/**
 * tether_connection_connect_async:
 *
 * Connects, checks the host key and logs in, all on the connection's own
 * thread; questions for the user go through the interaction.
 */
void
tether_connection_connect_async (TetherConnection    *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_return_if_fail (TETHER_IS_CONNECTION (self));
  g_return_if_fail (self->connect_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_connection_connect_async);

  if (self->state != TETHER_CONNECTION_STATE_NEW)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_FAILED, "%s",
                               _("This connection was already used. Open the session again."));
      return;
    }

  self->shared->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->shared->wake_fd < 0)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_FAILED,
                               _("Tether could not start a connection (%s). Close some sessions and try again."),
                               g_strerror (errno));
      return;
    }

  set_state (self, TETHER_CONNECTION_STATE_CONNECTING);
  self->connect_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (connect_cancelled_cb),
                                             self->shared, NULL);

  thread = g_thread_try_new ("tether-ssh", _tether_ssh_worker_run,
                             _tether_connection_shared_ref (self->shared), &error);
  if (thread == NULL)
    {
      _tether_connection_shared_unref (self->shared);
      set_state (self, TETHER_CONNECTION_STATE_CLOSED);
      finish_connect (self, error);
      return;
    }
  /* The worker holds its own reference to the shared state and ends by
   * itself once told to close: nobody joins it. */
  g_thread_unref (thread);
}

gboolean
tether_connection_connect_finish (TetherConnection  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_connection_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_connection_open_channel_async:
 * @command: (nullable): the command to run, or %NULL for a PTY shell
 * @columns: the PTY's width (shell only)
 * @rows: the PTY's height (shell only)
 *
 * Opens a channel on the connection: no new handshake.
 */
void
tether_connection_open_channel_async (TetherConnection    *self,
                                      const char          *command,
                                      guint                columns,
                                      guint                rows,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  tether_connection_open_channel_full_async (self, command, columns, rows, TETHER_CHANNEL_FLAGS_NONE,
                                             cancellable, callback, user_data);
}

/**
 * tether_connection_open_channel_full_async:
 * @flags: %TETHER_CHANNEL_FLAGS_FORWARD_AGENT: the channel's programs reach
 *   the local agent (`SSH_AUTH_SOCK` on the remote side), as `ssh -A`
 *
 * tether_connection_open_channel_async() with @flags; the same finish.
 */
void
tether_connection_open_channel_full_async (TetherConnection    *self,
                                           const char          *command,
                                           guint                columns,
                                           guint                rows,
                                           TetherChannelFlags   flags,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TetherChannel) channel = NULL;
  TetherCommand *cmd;

  g_return_if_fail (TETHER_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_connection_open_channel_async);

  if (self->state != TETHER_CONNECTION_STATE_READY)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                               _("The connection to %s is not open. Open the session again."),
                               self->shared->key);
      return;
    }

  channel = _tether_channel_new (self, command == NULL);
  g_hash_table_insert (self->opening, channel, g_steal_pointer (&task));

  cmd = g_new0 (TetherCommand, 1);
  cmd->type = TETHER_COMMAND_OPEN_CHANNEL;
  cmd->command = g_strdup (command);
  cmd->columns = MAX (columns, 1);
  cmd->rows = MAX (rows, 1);
  cmd->forward_agent = (flags & TETHER_CHANNEL_FLAGS_FORWARD_AGENT) != 0;
  _tether_channel_send (channel, cmd);
}

/**
 * tether_connection_open_channel_finish:
 *
 * Returns: (transfer full): the open channel
 */
TetherChannel *
tether_connection_open_channel_finish (TetherConnection  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_connection_open_channel_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tether_connection_check:
 *
 * Asks the server for a keepalive reply now: a connection that stays silent
 * for 3 seconds is Broken (`broken`).  For the moments a connection may
 * have died unseen, such as after the network changed or a resume.  Does
 * nothing unless the connection is Ready.
 */
void
tether_connection_check (TetherConnection *self)
{
  TetherCommand *command;

  g_return_if_fail (TETHER_IS_CONNECTION (self));

  if (self->state != TETHER_CONNECTION_STATE_READY)
    return;
  command = g_new0 (TetherCommand, 1);
  command->type = TETHER_COMMAND_PROBE;
  _tether_connection_send (self, command);
}

/**
 * tether_connection_close:
 *
 * Closes every channel and the connection.  Safe to call in any state.
 */
void
tether_connection_close (TetherConnection *self)
{
  g_autoptr(GError) error = NULL;
  TetherCommand *command;

  g_return_if_fail (TETHER_IS_CONNECTION (self));

  switch (self->state)
    {
    case TETHER_CONNECTION_STATE_NEW:
      set_state (self, TETHER_CONNECTION_STATE_CLOSED);
      return;

    case TETHER_CONNECTION_STATE_CONNECTING:
      abort_worker (self->shared);
      g_cancellable_cancel (self->prompt_cancellable);
      set_state (self, TETHER_CONNECTION_STATE_CLOSED);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("The connection was closed before it was open."));
      finish_connect (self, error);
      return;

    case TETHER_CONNECTION_STATE_READY:
      command = g_new0 (TetherCommand, 1);
      command->type = TETHER_COMMAND_CLOSE;
      _tether_connection_send (self, command);
      set_state (self, TETHER_CONNECTION_STATE_CLOSED);
      return;

    case TETHER_CONNECTION_STATE_BROKEN:
      set_state (self, TETHER_CONNECTION_STATE_CLOSED);
      return;

    case TETHER_CONNECTION_STATE_CLOSED:
    default:
      return;
    }
}
