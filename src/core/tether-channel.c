/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-connection-private.h"
#include "tether-error.h"
#include "tether-channel.h"

/* How much output may be delivered and not yet given back before the
 * worker stops reading the channel (then the server's window closes and it
 * stops sending).  Never less than libssh's own channel window, 1.28 MB:
 * the worker reads only what drains libssh's buffer, which holds up to that
 * (tether-ssh-worker.c says why).  The default is the terminal's queue: it
 * holds output until it feeds it to VTE, and 2 MiB queued is what lets it
 * skip a flood's unseen lines (tether-terminal-skip.c) at full speed.
 * Memory per channel is bounded by the two: about 3.3 MB. */
#define MIN_WINDOW (1280000)
#define DEFAULT_WINDOW (2 * 1024 * 1024)

struct _TetherChannel
{
  GObject           parent_instance;

  TetherConnection *connection;
  gboolean          is_shell;
  gboolean          closed;
  int               exit_status;

  /* Shared with the worker thread, accessed atomically. */
  gint              started;
  gint              in_flight;
  gint              window;
  /* The credit the worker waits for (what libssh holds), 0 when it waits
   * for none: only the give-back that reaches it wakes the worker. */
  gint              wanted;
};

G_DEFINE_FINAL_TYPE (TetherChannel, tether_channel, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IS_SHELL,
  PROP_CLOSED,
  PROP_EXIT_STATUS,
  N_PROPS
};

enum {
  OUTPUT,
  EXITED,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
tether_channel_dispose (GObject *object)
{
  TetherChannel *self = TETHER_CHANNEL (object);

  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tether_channel_parent_class)->dispose (object);
}

static void
tether_channel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TetherChannel *self = TETHER_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_IS_SHELL:
      g_value_set_boolean (value, self->is_shell);
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, self->closed);
      break;
    case PROP_EXIT_STATUS:
      g_value_set_int (value, self->exit_status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_channel_class_init (TetherChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_channel_dispose;
  object_class->get_property = tether_channel_get_property;

  properties[PROP_IS_SHELL] =
    g_param_spec_boolean ("is-shell", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSED] =
    g_param_spec_boolean ("closed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXIT_STATUS] =
    g_param_spec_int ("exit-status", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_BOOLEAN);
  signals[EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tether_channel_init (TetherChannel *self)
{
  self->exit_status = -1;
  self->window = DEFAULT_WINDOW;
}

TetherChannel *
_tether_channel_new (TetherConnection *connection,
                     gboolean          is_shell)
{
  TetherChannel *self = g_object_new (TETHER_TYPE_CHANNEL, NULL);

  self->connection = g_object_ref (connection);
  self->is_shell = is_shell;
  return self;
}

void
_tether_channel_send (TetherChannel *self,
                      TetherCommand *command)
{
  command->channel = g_object_ref (self);
  if (self->closed || self->connection == NULL)
    {
      _tether_command_free (command);
      return;
    }
  _tether_connection_send (self->connection, command);
}

/* Called by the worker thread: whether the consumer is listening yet. */
gboolean
_tether_channel_get_started (TetherChannel *self)
{
  return g_atomic_int_get (&self->started);
}

/* Called by the worker thread: how many more bytes it may read now. */
gsize
_tether_channel_get_credit (TetherChannel *self)
{
  gint window = g_atomic_int_get (&self->window);
  gint in_flight = g_atomic_int_get (&self->in_flight);

  return in_flight < window ? (gsize) (window - in_flight) : 0;
}

/* Called by the worker thread: whether it may read @needed bytes now.  If
 * not, the consume that makes room for them will wake it. */
gboolean
_tether_channel_has_credit (TetherChannel *self,
                            gsize          needed)
{
  if (_tether_channel_get_credit (self) < needed)
    {
      g_atomic_int_set (&self->wanted, (gint) needed);
      /* Given back between the two looks, by a consume that saw no
       * wanted yet (the atomics order them: one of the two sees the
       * other): read now, nobody will wake us. */
      if (_tether_channel_get_credit (self) < needed)
        return FALSE;
    }
  g_atomic_int_set (&self->wanted, 0);
  return TRUE;
}

void
_tether_channel_add_in_flight (TetherChannel *self,
                               gsize          n_bytes)
{
  g_atomic_int_add (&self->in_flight, (gint) n_bytes);
}

/* Main thread: an event from the worker for this channel. */
void
_tether_channel_deliver (TetherChannel *self,
                         TetherEvent   *event)
{
  g_autoptr(TetherChannel) hold = g_object_ref (self);

  switch (event->type)
    {
    case TETHER_EVENT_OUTPUT:
      g_signal_emit (self, signals[OUTPUT], 0, event->data, event->is_stderr);
      break;

    case TETHER_EVENT_EXITED:
      self->exit_status = event->status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXIT_STATUS]);
      g_signal_emit (self, signals[EXITED], 0, event->status);
      break;

    case TETHER_EVENT_CHANNEL_CLOSED:
      if (self->closed)
        break;
      self->closed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
      g_signal_emit (self, signals[CLOSED], 0, event->error);
      g_clear_object (&self->connection);
      break;

    case TETHER_EVENT_PROMPT:
    case TETHER_EVENT_CONNECTED:
    case TETHER_EVENT_CHANNEL_OPENED:
    case TETHER_EVENT_BROKEN:
    case TETHER_EVENT_FINISHED:
    default:
      g_assert_not_reached ();
    }
}

/**
 * tether_channel_start:
 *
 * Lets output flow: call it once the signal handlers are connected.
 */
void
tether_channel_start (TetherChannel *self)
{
  g_return_if_fail (TETHER_IS_CHANNEL (self));

  if (g_atomic_int_compare_and_exchange (&self->started, FALSE, TRUE) && self->connection != NULL)
    _tether_connection_wake_object (self->connection);
}

gboolean
tether_channel_get_is_shell (TetherChannel *self)
{
  g_return_val_if_fail (TETHER_IS_CHANNEL (self), FALSE);
  return self->is_shell;
}

gboolean
tether_channel_get_closed (TetherChannel *self)
{
  g_return_val_if_fail (TETHER_IS_CHANNEL (self), TRUE);
  return self->closed;
}

int
tether_channel_get_exit_status (TetherChannel *self)
{
  g_return_val_if_fail (TETHER_IS_CHANNEL (self), -1);
  return self->exit_status;
}

gsize
tether_channel_get_window (TetherChannel *self)
{
  g_return_val_if_fail (TETHER_IS_CHANNEL (self), 0);
  return (gsize) g_atomic_int_get (&self->window);
}

/**
 * tether_channel_set_window:
 * @window: bytes of output that may be delivered and not yet consumed
 *
 * Sets the flow-control window (at least libssh's 1.28 MB, at most 16 MiB).
 */
void
tether_channel_set_window (TetherChannel *self,
                           gsize          window)
{
  g_return_if_fail (TETHER_IS_CHANNEL (self));

  window = CLAMP (window, MIN_WINDOW, 16 * 1024 * 1024);
  g_atomic_int_set (&self->window, (gint) window);
  if (self->connection != NULL)
    _tether_connection_wake_object (self->connection);
}

/**
 * tether_channel_get_in_flight:
 *
 * Returns: how many bytes of output were delivered and not given back yet
 */
gsize
tether_channel_get_in_flight (TetherChannel *self)
{
  g_return_val_if_fail (TETHER_IS_CHANNEL (self), 0);
  return (gsize) g_atomic_int_get (&self->in_flight);
}

/**
 * tether_channel_consume:
 * @n_bytes: how many delivered bytes are no longer held
 *
 * Gives delivered output back, so that the worker reads more.  The one call
 * of the channel's flow control: whoever took output from `output` calls it
 * once for every byte.
 */
void
tether_channel_consume (TetherChannel *self,
                        gsize          n_bytes)
{
  gint before, wanted;

  g_return_if_fail (TETHER_IS_CHANNEL (self));

  before = g_atomic_int_add (&self->in_flight, -(gint) n_bytes);
  g_warn_if_fail (before >= (gint) n_bytes);

  /* The worker waits for enough credit to drain libssh's buffer at once,
   * sleeping on the socket: tell it once the credit is there, and only
   * then (a wake is a system call here and a thread switch there, and a
   * tmux session gives back in many small pieces). */
  wanted = g_atomic_int_get (&self->wanted);
  if (wanted > 0 && _tether_channel_get_credit (self) >= (gsize) wanted
      && g_atomic_int_compare_and_exchange (&self->wanted, wanted, 0)
      && self->connection != NULL)
    _tether_connection_wake_object (self->connection);
}

/**
 * tether_channel_write:
 *
 * Sends @data to the remote side (queued; never blocks).
 */
void
tether_channel_write (TetherChannel *self,
                      const void    *data,
                      gsize          len)
{
  TetherCommand *command;

  g_return_if_fail (TETHER_IS_CHANNEL (self));
  g_return_if_fail (data != NULL || len == 0);

  if (len == 0)
    return;
  command = g_new0 (TetherCommand, 1);
  command->type = TETHER_COMMAND_WRITE;
  command->data = g_bytes_new (data, len);
  _tether_channel_send (self, command);
}

void
tether_channel_send_eof (TetherChannel *self)
{
  TetherCommand *command;

  g_return_if_fail (TETHER_IS_CHANNEL (self));

  command = g_new0 (TetherCommand, 1);
  command->type = TETHER_COMMAND_EOF;
  _tether_channel_send (self, command);
}

void
tether_channel_resize (TetherChannel *self,
                       guint          columns,
                       guint          rows)
{
  TetherCommand *command;

  g_return_if_fail (TETHER_IS_CHANNEL (self));
  g_return_if_fail (columns > 0 && rows > 0);

  command = g_new0 (TetherCommand, 1);
  command->type = TETHER_COMMAND_RESIZE;
  command->columns = columns;
  command->rows = rows;
  _tether_channel_send (self, command);
}

/**
 * tether_channel_close:
 *
 * Closes the channel; `closed` follows.
 */
void
tether_channel_close (TetherChannel *self)
{
  TetherCommand *command;

  g_return_if_fail (TETHER_IS_CHANNEL (self));

  command = g_new0 (TetherCommand, 1);
  command->type = TETHER_COMMAND_CLOSE_CHANNEL;
  _tether_channel_send (self, command);
}

void
tether_exec_result_free (TetherExecResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->stdout_bytes, g_bytes_unref);
  g_clear_pointer (&result->stderr_bytes, g_bytes_unref);
  g_free (result);
}

typedef struct {
  GByteArray *out;
  GByteArray *err;
  gulong      output_id;
  gulong      closed_id;
  gulong      cancel_id;
} Collect;

static void
collect_free (gpointer data)
{
  Collect *collect = data;

  g_byte_array_unref (collect->out);
  g_byte_array_unref (collect->err);
  g_free (collect);
}

static void
collect_output_cb (TetherChannel *self,
                   GBytes        *data,
                   gboolean       is_stderr,
                   GTask         *task)
{
  Collect *collect = g_task_get_task_data (task);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  g_byte_array_append (is_stderr ? collect->err : collect->out, bytes, len);
  /* Copied: nothing is held. */
  tether_channel_consume (self, len);
}

static void
collect_closed_cb (TetherChannel *self,
                   const GError  *error,
                   GTask         *task)
{
  Collect *collect = g_task_get_task_data (task);
  TetherExecResult *result;

  g_signal_handler_disconnect (self, collect->output_id);
  g_signal_handler_disconnect (self, collect->closed_id);
  g_cancellable_disconnect (g_task_get_cancellable (task), collect->cancel_id);

  if (error != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }

  result = g_new0 (TetherExecResult, 1);
  result->stdout_bytes = g_byte_array_free_to_bytes (g_byte_array_ref (collect->out));
  result->stderr_bytes = g_byte_array_free_to_bytes (g_byte_array_ref (collect->err));
  result->exit_status = self->exit_status;
  g_task_return_pointer (task, result, (GDestroyNotify) tether_exec_result_free);
  g_object_unref (task);
}

static void
collect_cancelled_cb (GCancellable  *cancellable,
                      TetherChannel *self)
{
  tether_channel_close (self);
}

/**
 * tether_channel_collect_async:
 *
 * Gathers all of an exec channel's output and its exit status until it
 * closes.  Cancelling closes the channel.
 */
void
tether_channel_collect_async (TetherChannel       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Collect *collect;

  g_return_if_fail (TETHER_IS_CHANNEL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_channel_collect_async);

  if (self->closed)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_FAILED, "%s",
                               _("The command could not run because its channel is already closed. Run it again."));
      return;
    }

  collect = g_new0 (Collect, 1);
  collect->out = g_byte_array_new ();
  collect->err = g_byte_array_new ();
  g_task_set_task_data (task, collect, collect_free);

  collect->output_id = g_signal_connect (self, "output", G_CALLBACK (collect_output_cb), task);
  collect->closed_id = g_signal_connect (self, "closed", G_CALLBACK (collect_closed_cb), task);
  if (cancellable != NULL)
    collect->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (collect_cancelled_cb),
                                                self, NULL);
  g_steal_pointer (&task);
  tether_channel_start (self);
}

/**
 * tether_channel_collect_finish:
 *
 * Returns: (transfer full): what the command wrote and its exit status
 */
TetherExecResult *
tether_channel_collect_finish (TetherChannel  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_channel_collect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
