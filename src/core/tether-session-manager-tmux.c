/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"

/*
 * Disconnect, Connect, Receive and Remove: what only a session in the tmux
 * configuration can do, since only its shell outlives the connection.
 *
 * Disconnect takes the pane's mark (its history size and cursor, see
 * TetherTmuxMark) over an exec channel, then lets the control client go
 * (its channel closed, tmux detaches it) and the connection with it unless
 * another session shares it.  The mark and the time are saved with the
 * definition, so that a new Tether lists the session Disconnected and
 * Receive gives what the pane printed since.
 */

/* Runs @command on @session's connection and collects what it prints. */
typedef struct {
  TetherSession *session;
  char          *mark;
  gint64         disconnected_on;
  gboolean       connect;   /* Receive, then stay connected (Enter) */
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->session);
  g_free (job->mark);
  g_free (job);
}

static void
collected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TetherExecResult) exec = NULL;
  GError *error = NULL;

  exec = tether_channel_collect_finish (TETHER_CHANNEL (object), result, &error);
  if (exec == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Nothing printed: "" (g_strndup() would give NULL, a failure). */
  g_task_return_pointer (task,
                         g_bytes_get_size (exec->stdout_bytes) == 0
                         ? g_strdup ("")
                         : g_strndup (g_bytes_get_data (exec->stdout_bytes, NULL),
                                      g_bytes_get_size (exec->stdout_bytes)),
                         g_free);
}

static void
exec_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TetherChannel) channel = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  channel = tether_session_exec_finish (TETHER_SESSION (object), result, &error);
  if (channel == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  tether_channel_collect_async (channel, cancellable, collected_cb, g_steal_pointer (&task));
}

static gboolean
check_tmux (TetherSession  *session,
            GError        **error)
{
  if (_tether_session_get_is_tmux (session))
    return TRUE;
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
               _("The session “%s” cannot be disconnected: its shell is a DefaultShell one, which ends with the connection. To keep a shell running on the server, use a session with the tmux configuration."),
               tether_session_get_name (session));
  return FALSE;
}

/* Disconnect */

/* The control client goes (tmux detaches it as its channel closes), and the
 * connection with it unless shared; saved so. */
static void
set_disconnected (TetherSessionManager *self,
                  TetherSession        *session,
                  gint64                disconnected_on,
                  const char           *mark)
{
  if (tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED)
    _tether_session_set_state (session, TETHER_SESSION_STATE_DISCONNECTING);
  _tether_connection_pool_release (self->pool, session);
  _tether_session_set_exec_only (session, FALSE);
  _tether_session_set_disconnected (session, disconnected_on, mark);
  _tether_session_set_state (session, TETHER_SESSION_STATE_DISCONNECTED);
  _tether_session_manager_save (self);
}

/* Quitting, or its connection lost for good (tether-reconnect.c): a tmux
 * session is disconnected rather than ended, without a mark (taking one
 * waits on the network, or there is none): Receive then has nothing to
 * give, Connect shows everything. */
void
_tether_session_manager_disconnect_unmarked (TetherSessionManager *self,
                                             TetherSession        *session)
{
  set_disconnected (self, session, g_get_real_time () / G_USEC_PER_SEC, NULL);
}

static void
mark_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *output = g_task_propagate_pointer (G_TASK (result), &error);

  if (output != NULL && tether_tmux_mark_parse (g_strstrip (output), NULL))
    job->mark = g_steal_pointer (&output);
  else
    /* No mark: Receive will say it has nothing to give, Connect works. */
    g_debug ("No mark at Disconnect: %s", error ? error->message : output);

  set_disconnected (self, job->session, g_get_real_time () / G_USEC_PER_SEC, job->mark);
  g_task_return_boolean (task, TRUE);
}

/* Runs @command on @session's connection; @callback gets the output
 * (g_task_propagate_pointer(), a string). */
static void
run_job (TetherSessionManager *self,
         GTask                *task,
         const char           *command,
         GAsyncReadyCallback   callback)
{
  Job *job = g_task_get_task_data (task);
  GTask *inner = g_task_new (self, g_task_get_cancellable (task), callback, g_object_ref (task));

  tether_session_exec_async (job->session, command, g_task_get_cancellable (task),
                             exec_opened_cb, inner);
}

/**
 * tether_session_manager_disconnect_session_async:
 *
 * Disconnect-PSSession: the session's control client detaches, its shell
 * goes on in tmux on the server; the connection closes unless another
 * session uses it.  The session is Disconnected, saved so.  Refused for a
 * DefaultShell session, which stays Opened.
 */
void
tether_session_manager_disconnect_session_async (TetherSessionManager *self,
                                                 TetherSession        *session,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;
  Job *job;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_disconnect_session_async);

  if (!check_tmux (session, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (tether_session_get_state (session) != TETHER_SESSION_STATE_OPENED)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                               _("The session “%s” is %s: only an open session can be disconnected."),
                               tether_session_get_name (session),
                               tether_session_state_to_display (tether_session_get_state (session)));
      return;
    }

  job = g_new0 (Job, 1);
  job->session = g_object_ref (session);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  command = tether_tmux_mark_command (tether_session_get_instance_id (session));
  run_job (self, task, command, mark_cb);
  _tether_session_set_state (session, TETHER_SESSION_STATE_DISCONNECTING);
}

gboolean
tether_session_manager_disconnect_session_finish (TetherSessionManager  *self,
                                                  GAsyncResult          *result,
                                                  GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Remove */

static void
killed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *output = g_task_propagate_pointer (G_TASK (result), &error);

  /* The server was reached: a tmux session already gone (ended by its
   * idle timeout) is no reason to keep the session listed. */
  if (output == NULL)
    g_debug ("kill-session: %s", error->message);
  _tether_session_set_exec_only (job->session, FALSE);
  tether_session_manager_remove_session (self, job->session);
  g_task_return_boolean (task, TRUE);
}

/* The server cannot be reached: what forgetting the session here would
 * leave behind, and until when. */
static GError *
unreachable_error (TetherSession *session,
                   const GError  *reason)
{
  gint64 since = tether_session_get_disconnected_on (session);
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *when = NULL;

  if (since == 0)
    since = g_get_real_time () / G_USEC_PER_SEC;
  expires = g_date_time_new_from_unix_local (since + tether_session_get_idle_timeout (session));
  when = g_date_time_format (expires, "%c");
  return g_error_new (reason->domain, reason->code,
                      _("%s\n\nIf “%s” is forgotten now, its shell keeps running on the server until its idle timeout ends it, on %s."),
                      reason->message, tether_session_get_name (session), when);
}

static void
remove_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);
  Job *job = g_task_get_task_data (task);
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;

  if (!tether_session_manager_open_session_finish (self, result, &error))
    {
      /* Nothing changes: still listed, Disconnected, its shell running. */
      _tether_session_set_exec_only (job->session, FALSE);
      _tether_session_set_state (job->session, TETHER_SESSION_STATE_DISCONNECTED);
      g_task_return_error (task, unreachable_error (job->session, error));
      return;
    }
  command = g_strdup_printf ("tmux kill-session -t '=tether-%s'",
                             tether_session_get_instance_id (job->session));
  run_job (self, task, command, killed_cb);
}

/**
 * tether_session_manager_remove_session_async:
 *
 * Remove-PSSession: a Disconnected session is connected first, to end its
 * tmux session on the server, then forgotten.  When the server cannot be
 * reached nothing changes and the error says what forgetting the session
 * anyway (tether_session_manager_remove_session()) would leave running.
 * Any other session is removed at once.
 */
void
tether_session_manager_remove_session_async (TetherSessionManager *self,
                                             TetherSession        *session,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_remove_session_async);

  if (tether_session_get_state (session) != TETHER_SESSION_STATE_DISCONNECTED)
    {
      tether_session_manager_remove_session (self, session);
      g_task_return_boolean (task, TRUE);
      return;
    }

  job = g_new0 (Job, 1);
  job->session = g_object_ref (session);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  _tether_session_set_exec_only (session, TRUE);
  tether_session_manager_open_session_async (self, session, cancellable, remove_connected_cb,
                                             g_steal_pointer (&task));
}

gboolean
tether_session_manager_remove_session_finish (TetherSessionManager  *self,
                                              GAsyncResult          *result,
                                              GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Connect */

/* Connected: the session is no longer Disconnected, on disk either. */
void
_tether_session_manager_connected (TetherSessionManager *self,
                                   TetherSession        *session)
{
  if (tether_session_get_disconnected_on (session) == 0)
    return;
  _tether_session_set_disconnected (session, 0, NULL);
  _tether_session_manager_save (self);
}

/* Receive */

/* Connect after Receive, on Receive's own connection: one login (what was
 * typed for it is still in memory), and the output was read before the
 * control client's size could reflow the pane's history.  The next Enter
 * starts the control client, which re-attaches. */
static void
stay_connected (TetherSessionManager *self,
                TetherSession        *session)
{
  _tether_session_set_exec_only (session, FALSE);
  _tether_session_manager_connected (self, session);
}

static void
received_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  TetherSessionManager *self = g_task_get_source_object (task);
  g_autofree char *output = NULL;
  g_autofree char *now = NULL;
  TetherTmuxMark since;
  GError *error = NULL;
  char *text = NULL;

  output = g_task_propagate_pointer (G_TASK (result), &error);
  if (output != NULL)
    {
      tether_tmux_mark_parse (job->mark, &since);
      text = tether_tmux_receive_text (&since, output, &error);
      now = g_strndup (output, strcspn (output, "\n"));
    }
  if (job->connect)
    {
      stay_connected (self, job->session);
      /* What tmux gave could not be read: the shell comes back all the
       * same, with all its output in the terminal. */
      if (text == NULL)
        g_debug ("Nothing received before the re-attach: %s", error->message);
      g_clear_error (&error);
      g_task_return_pointer (task, text != NULL ? text : g_strdup (""), g_free);
      return;
    }
  /* Received, the session is Disconnected again, from now on: the next
   * Receive gives what comes next. */
  set_disconnected (self, job->session, job->disconnected_on,
                    now != NULL && tether_tmux_mark_parse (now, NULL) ? now : job->mark);
  if (output == NULL || text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

static void
receive_connected_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);
  Job *job = g_task_get_task_data (task);
  g_autofree char *command = NULL;
  GError *error = NULL;

  if (!tether_session_manager_open_session_finish (self, result, &error))
    {
      /* Unreachable: still Disconnected, its shell still on the server. */
      _tether_session_set_exec_only (job->session, FALSE);
      _tether_session_set_state (job->session, TETHER_SESSION_STATE_DISCONNECTED);
      g_task_return_error (task, error);
      return;
    }
  if (job->mark == NULL)
    {
      /* Disconnected as Tether quit: no mark, nothing to tell apart. */
      stay_connected (self, job->session);
      g_task_return_pointer (task, g_strdup (""), g_free);
      return;
    }
  command = tether_tmux_receive_command (tether_session_get_instance_id (job->session));
  run_job (self, task, command, received_cb);
}

/* Takes @task. */
static void
start_receive (TetherSessionManager *self,
               TetherSession        *session,
               gboolean              connect,
               GTask                *task)
{
  Job *job = g_new0 (Job, 1);

  job->session = g_object_ref (session);
  job->mark = g_strdup (_tether_session_get_receive_mark (session));
  job->disconnected_on = tether_session_get_disconnected_on (session);
  job->connect = connect;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  _tether_session_set_exec_only (session, TRUE);
  tether_session_manager_open_session_async (self, session, g_task_get_cancellable (task),
                                             receive_connected_cb, task);
}

/**
 * tether_session_manager_receive_session_async:
 *
 * Receive-PSSession: connects a Disconnected session and gives what its
 * pane printed since the Disconnect (or the last Receive), as text; the
 * session stays Disconnected, its shell left running.
 */
void
tether_session_manager_receive_session_async (TetherSessionManager *self,
                                              TetherSession        *session,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *mark;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_receive_session_async);

  mark = _tether_session_get_receive_mark (session);
  if (tether_session_get_state (session) == TETHER_SESSION_STATE_DISCONNECTED && mark == NULL)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
                               _("The session “%s” was disconnected as Tether quit, so where its new output starts is not known. Connect to it to see all its output."),
                               tether_session_get_name (session));
      return;
    }
  if (tether_session_get_state (session) != TETHER_SESSION_STATE_DISCONNECTED)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
                               _("The session “%s” was not disconnected, so there is no output to receive. Enter it to see its output."),
                               tether_session_get_name (session));
      return;
    }

  start_receive (self, session, FALSE, g_steal_pointer (&task));
}

/**
 * tether_session_manager_connect_session_async:
 *
 * Connect-PSSession as the window's Enter does it: connects a Disconnected
 * session, gives what it printed since the Disconnect (as Receive does,
 * "" when that is not known), and leaves it Opened on the same connection,
 * for tether_session_attach_async() to re-attach its shell.
 */
void
tether_session_manager_connect_session_async (TetherSessionManager *self,
                                              TetherSession        *session,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));
  g_return_if_fail (tether_session_get_state (session) == TETHER_SESSION_STATE_DISCONNECTED);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_connect_session_async);
  start_receive (self, session, TRUE, g_steal_pointer (&task));
}

/**
 * tether_session_manager_connect_session_finish:
 *
 * Returns: (transfer full): the output since the Disconnect, or ""
 */
char *
tether_session_manager_connect_session_finish (TetherSessionManager  *self,
                                               GAsyncResult          *result,
                                               GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tether_session_manager_receive_session_finish:
 *
 * Returns: (transfer full): the output since the Disconnect, a line per row
 */
char *
tether_session_manager_receive_session_finish (TetherSessionManager  *self,
                                               GAsyncResult          *result,
                                               GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
