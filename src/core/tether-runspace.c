/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-runspace.h"

/* What a shell prints before anyone first looks at it (its prompt, a motd)
 * is kept, up to this much, and shown on the first attach. */
#define BACKLOG_MAX (64 * 1024)

struct _TetherRunspace
{
  GObject           parent_instance;

  TetherConnection *connection;
  TetherChannel    *shell;
  gboolean          opening;
  gboolean          attached;
  gboolean          viewed;          /* this shell was attached at least once */
  guint             columns;
  guint             rows;
  GPtrArray        *waiters;         /* attach GTasks while the shell opens */
  GByteArray       *backlog;
  gsize             outstanding;     /* delivered to the viewer, not consumed */
  gsize             replayed;        /* backlog bytes the viewer will consume */
  guint             replay_id;
};

G_DEFINE_FINAL_TYPE (TetherRunspace, tether_runspace, G_TYPE_OBJECT)

enum {
  OUTPUT,
  EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fail_waiters (TetherRunspace *self,
              const GError   *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    g_task_return_error (g_ptr_array_index (waiters, i), g_error_copy (error));
}

static void
drop_shell (TetherRunspace *self)
{
  if (self->shell == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->shell, self);
  tether_channel_close (self->shell);
  g_clear_object (&self->shell);
}

static void
tether_runspace_dispose (GObject *object)
{
  TetherRunspace *self = TETHER_RUNSPACE (object);

  g_clear_handle_id (&self->replay_id, g_source_remove);
  drop_shell (self);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tether_runspace_parent_class)->dispose (object);
}

static void
tether_runspace_finalize (GObject *object)
{
  TetherRunspace *self = TETHER_RUNSPACE (object);

  g_ptr_array_unref (self->waiters);
  g_byte_array_unref (self->backlog);

  G_OBJECT_CLASS (tether_runspace_parent_class)->finalize (object);
}

static void
tether_runspace_class_init (TetherRunspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_runspace_dispose;
  object_class->finalize = tether_runspace_finalize;

  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
tether_runspace_init (TetherRunspace *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->backlog = g_byte_array_new ();
  self->columns = 80;
  self->rows = 24;
}

TetherRunspace *
_tether_runspace_new (TetherConnection *connection)
{
  TetherRunspace *self = g_object_new (TETHER_TYPE_RUNSPACE, NULL);

  self->connection = g_object_ref (connection);
  return self;
}

static void
keep_backlog (TetherRunspace *self,
              GBytes         *data)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  g_byte_array_append (self->backlog, bytes, len);
  if (self->backlog->len > BACKLOG_MAX)
    g_byte_array_remove_range (self->backlog, 0, self->backlog->len - BACKLOG_MAX);
}

static void
shell_output_cb (TetherChannel  *shell,
                 GBytes         *data,
                 gboolean        is_stderr,
                 TetherRunspace *self)
{
  if (self->attached)
    self->outstanding += g_bytes_get_size (data);
  else if (!self->viewed)
    keep_backlog (self, data);
  g_signal_emit (self, signals[OUTPUT], 0, data);
}

static void
shell_closed_cb (TetherChannel  *shell,
                 const GError   *error,
                 TetherRunspace *self)
{
  g_autoptr(TetherChannel) hold = g_steal_pointer (&self->shell);
  int status = tether_channel_get_exit_status (shell);

  g_signal_handlers_disconnect_by_data (shell, self);
  self->outstanding = 0;
  self->viewed = FALSE;
  g_byte_array_set_size (self->backlog, 0);
  g_signal_emit (self, signals[EXITED], 0, status);
}

static gboolean
replay_backlog (gpointer data)
{
  TetherRunspace *self = data;
  g_autoptr(GBytes) bytes = NULL;

  self->replay_id = 0;
  if (self->backlog->len == 0 || !self->attached)
    return G_SOURCE_REMOVE;

  bytes = g_bytes_new (self->backlog->data, self->backlog->len);
  self->replayed += self->backlog->len;
  g_byte_array_set_size (self->backlog, 0);
  g_signal_emit (self, signals[OUTPUT], 0, bytes);
  return G_SOURCE_REMOVE;
}

static void
set_attached (TetherRunspace *self,
              gboolean        attached)
{
  self->attached = attached;
  if (self->shell != NULL)
    tether_channel_set_auto_consume (self->shell, !attached);

  if (attached && !self->viewed)
    {
      /* After the attach has completed, so the viewer listens by then. */
      self->viewed = TRUE;
      self->replay_id = g_idle_add (replay_backlog, self);
    }
}

static void
open_shell_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TetherRunspace) self = user_data;
  g_autoptr(TetherChannel) shell = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GError) error = NULL;

  self->opening = FALSE;
  shell = tether_connection_open_channel_finish (TETHER_CONNECTION (object), result, &error);
  if (shell == NULL)
    {
      fail_waiters (self, error);
      return;
    }
  if (self->connection == NULL)
    {
      tether_channel_close (shell);
      return;
    }

  self->shell = g_object_ref (shell);
  tether_channel_set_auto_consume (shell, TRUE);
  g_signal_connect (shell, "output", G_CALLBACK (shell_output_cb), self);
  g_signal_connect (shell, "closed", G_CALLBACK (shell_closed_cb), self);
  tether_channel_start (shell);

  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  if (waiters->len > 0)
    {
      tether_channel_resize (shell, self->columns, self->rows);
      set_attached (self, TRUE);
      g_task_return_boolean (g_ptr_array_index (waiters, 0), TRUE);
    }
}

/**
 * _tether_runspace_start:
 *
 * Starts the shell if there is none, at @columns × @rows, so that entering
 * later shows a shell that is already there (its startup cost paid).
 */
void
_tether_runspace_start (TetherRunspace *self,
                        guint           columns,
                        guint           rows)
{
  g_return_if_fail (TETHER_IS_RUNSPACE (self));

  self->columns = MAX (columns, 1);
  self->rows = MAX (rows, 1);
  if (self->shell != NULL || self->opening || self->connection == NULL)
    return;

  self->opening = TRUE;
  tether_connection_open_channel_async (self->connection, NULL, self->columns, self->rows, NULL,
                                        open_shell_cb, g_object_ref (self));
}

void
_tether_runspace_attach_async (TetherRunspace      *self,
                               guint                columns,
                               guint                rows,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_RUNSPACE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tether_runspace_attach_async);

  /* Attached with no shell: the shell exited under a viewer that stayed
   * (e.g. a tab that shows why): it may start a fresh one. */
  if ((self->attached && self->shell != NULL) || self->waiters->len > 0)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_EXISTS, "%s",
                               _("This session is already entered. Use its open tab."));
      return;
    }

  if (self->shell != NULL)
    {
      _tether_runspace_resize (self, columns, rows);
      set_attached (self, TRUE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->waiters, g_object_ref (task));
  _tether_runspace_start (self, columns, rows);
}

gboolean
_tether_runspace_attach_finish (TetherRunspace  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_tether_runspace_detach (TetherRunspace *self)
{
  g_return_if_fail (TETHER_IS_RUNSPACE (self));

  if (!self->attached)
    return;

  /* What the viewer had not given back yet is given back now, or the
   * channel's window would shrink with every Exit. */
  if (self->shell != NULL && self->outstanding > 0)
    tether_channel_consume (self->shell, self->outstanding);
  self->outstanding = 0;
  self->replayed = 0;
  set_attached (self, FALSE);
}

gboolean
_tether_runspace_get_attached (TetherRunspace *self)
{
  return self->attached;
}

/* Attached, or being attached. */
gboolean
_tether_runspace_get_busy (TetherRunspace *self)
{
  return self->attached || self->waiters->len > 0;
}

TetherChannel *
_tether_runspace_get_shell (TetherRunspace *self)
{
  return self->shell;
}

void
_tether_runspace_write (TetherRunspace *self,
                        const void     *data,
                        gsize           len)
{
  if (self->shell != NULL)
    tether_channel_write (self->shell, data, len);
}

void
_tether_runspace_resize (TetherRunspace *self,
                         guint           columns,
                         guint           rows)
{
  if (columns == 0 || rows == 0)
    return;
  self->columns = columns;
  self->rows = rows;
  if (self->shell != NULL)
    tether_channel_resize (self->shell, columns, rows);
}

void
_tether_runspace_consume (TetherRunspace *self,
                          gsize           n_bytes)
{
  gsize from_replay = MIN (n_bytes, self->replayed);
  gsize from_shell;

  /* Replayed backlog was given back to the channel when it arrived; a late
   * consume from before a detach must not count for the next viewer. */
  self->replayed -= from_replay;
  from_shell = MIN (n_bytes - from_replay, self->outstanding);
  self->outstanding -= from_shell;
  if (self->shell != NULL && from_shell > 0)
    tether_channel_consume (self->shell, from_shell);
}

void
_tether_runspace_close (TetherRunspace *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TETHER_IS_RUNSPACE (self));

  error = g_error_new_literal (TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                               _("The session was closed while its shell was starting."));
  fail_waiters (self, error);
  g_clear_handle_id (&self->replay_id, g_source_remove);
  drop_shell (self);
  self->attached = FALSE;
  g_clear_object (&self->connection);
}
