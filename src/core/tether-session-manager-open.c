/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-forward.h"
#include "tether-jump.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"
#include "tether-target.h"

/*
 * Opening a session: its target resolved as OpenSSH would (`ssh -G`, in a
 * subprocess), then its jump hosts (on a thread), then a connection from
 * the pool.  The session is Opening throughout.
 */

/* How many computers a run's warning names before "and N others". */
#define NAMED_COMPUTERS 5

/* “a”, “b”, “c” and 47 others */
static char *
list_computers (const char *const *computers)
{
  g_autoptr(GString) list = g_string_new (NULL);
  guint n = g_strv_length ((char **) computers);

  for (guint i = 0; i < n && i < NAMED_COMPUTERS; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      /* Translators: a computer's name, quoted, in a list of them */
      g_string_append_printf (list, _("“%s”"), computers[i]);
    }
  if (n > NAMED_COMPUTERS)
    return g_strdup_printf (ngettext ("%s and %u other", "%s and %u others", n - NAMED_COMPUTERS),
                            list->str, n - NAMED_COMPUTERS);
  return g_string_free (g_steal_pointer (&list), FALSE);
}

/**
 * _tether_config_warning_message:
 * @computers: the computers it concerns, at least one
 * @ignored: (nullable): the settings Tether does not apply, "; "-separated
 * @accept_new: whether StrictHostKeyChecking no is applied as accept-new
 *
 * The one sentence for what the SSH configuration sets that Tether does
 * not apply, or applies its own way, for one open or a whole run.
 */
char *
_tether_config_warning_message (const char *const *computers,
                                const char         *ignored,
                                gboolean            accept_new)
{
  GString *message = g_string_new (NULL);
  guint n = g_strv_length ((char **) computers);

  if (ignored != NULL && n == 1)
    g_string_append_printf (message, _("Tether does not apply these settings of your SSH configuration to “%s”: %s. Set what you need in the session itself, or ignore this if they do not matter."),
                            computers[0], ignored);
  else if (ignored != NULL)
    {
      g_autofree char *list = list_computers (computers);

      g_string_append_printf (message, ngettext ("Tether does not apply these settings of your SSH configuration to %u computer (%s): %s. Set what you need in the sessions themselves, or ignore this if they do not matter.",
                                                 "Tether does not apply these settings of your SSH configuration to %u computers (%s): %s. Set what you need in the sessions themselves, or ignore this if they do not matter.",
                                                 n),
                              n, list, ignored);
    }
  if (accept_new)
    {
      if (message->len > 0)
        g_string_append_c (message, ' ');
      g_string_append (message, _("“StrictHostKeyChecking no” is applied as “accept-new”: a new host key is saved without asking, but Tether never accepts a changed one."));
    }
  return g_string_free (message, FALSE);
}

/* What the configuration sets for this host that Tether does not apply,
 * and what it applies differently from OpenSSH, said once per open, or
 * kept for the run of Invoke-Command that opened it. */
static void
report_ignored (TetherSessionManager       *self,
                TetherSession              *session,
                const TetherResolvedTarget *resolved,
                GPtrArray                  *skipped_forwards)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ignored = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *message = NULL;
  gboolean accept_new = resolved->host_key_policy == TETHER_HOST_KEY_POLICY_NO;
  const char *computers[] = { tether_session_get_computer_name (session), NULL };

  g_strv_builder_addv (builder, (const char **) resolved->ignored);
  /* Forwards Tether cannot run (Unix sockets, remote SOCKS) are settings
   * it does not apply, told in the same sentence. */
  for (guint i = 0; i < skipped_forwards->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (skipped_forwards, i));
  ignored = g_strv_builder_end (builder);
  if (ignored[0] != NULL)
    lines = g_strjoinv ("; ", ignored);

  if (_tether_session_get_hold_warnings (session))
    {
      _tether_session_hold_warning (session, lines, accept_new);
      return;
    }
  if (lines == NULL && !accept_new)
    return;
  message = _tether_config_warning_message (computers, lines, accept_new);
  _tether_session_manager_warn (self, session, message);
}

/* What the configuration adds to the session for this open: its forwards
 * (run after the session's own, never saved with it) and ForwardAgent;
 * what of it Tether does not apply is said once. */
static void
apply_config (TetherSessionManager       *self,
              TetherSession              *session,
              const TetherResolvedTarget *resolved)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *forwards = tether_forwards_from_config ((const char *const *) resolved->local_forwards,
                                                           (const char *const *) resolved->remote_forwards,
                                                           (const char *const *) resolved->dynamic_forwards,
                                                           skipped);

  _tether_session_set_config_forwards (session, forwards);
  _tether_session_set_config_forward_agent (session, resolved->forward_agent);
  report_ignored (self, session, resolved, skipped);
}

typedef struct {
  GTask                *task;       /* the open's */
  TetherSession        *session;
  TetherSessionState    previous;   /* given back if the open fails */
  TetherSessionState    expected;   /* while resolving; else closed meanwhile */
  TetherResolvedTarget *resolved;   /* once `ssh -G` has told it */
} Resolving;

static void
resolving_free (Resolving *resolving)
{
  g_object_unref (resolving->task);
  g_object_unref (resolving->session);
  g_clear_pointer (&resolving->resolved, tether_resolved_target_free);
  g_free (resolving);
}

/* Whether the open can go on: the session may have been closed (or
 * removed), or the manager disposed, while `ssh -G` ran. */
static gboolean
still_opening (TetherSessionManager *self,
               Resolving            *resolving)
{
  if (self->pool != NULL &&
      tether_session_get_state (resolving->session) == resolving->expected)
    return TRUE;
  g_task_return_new_error (resolving->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The connection was closed before it was open."));
  return FALSE;
}

static void
open_failed (Resolving *resolving,
             GError    *error)
{
  _tether_session_set_last_error (resolving->session, error->message);
  _tether_session_set_state (resolving->session, resolving->previous);
  g_task_return_error (resolving->task, error);
}

/* @jumps: (nullable): the resolved jump hosts, in order */
static void
open_on_pool (TetherSessionManager *self,
              Resolving            *resolving,
              GPtrArray            *jumps)
{
  TetherInteraction *interaction = _tether_session_get_interaction (resolving->session);

  if (jumps != NULL)
    g_ptr_array_add (jumps, NULL);
  _tether_connection_pool_open (self->pool, resolving->session, resolving->previous,
                                resolving->resolved,
                                jumps != NULL ? (const TetherResolvedTarget **) jumps->pdata : NULL,
                                interaction != NULL ? interaction : self->interaction,
                                &self->config, resolving->task);
}

static void
jumps_resolved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Resolving *resolving = user_data;
  TetherSessionManager *self = g_task_get_source_object (resolving->task);
  g_autoptr(GPtrArray) jumps = NULL;
  GError *error = NULL;

  if ((jumps = tether_jump_hosts_resolve_finish (result, &error)) == NULL)
    open_failed (resolving, error);
  else if (still_opening (self, resolving))
    open_on_pool (self, resolving, jumps);
  resolving_free (resolving);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Resolving *resolving = user_data;
  TetherSessionManager *self = g_task_get_source_object (resolving->task);
  const char *jump_hosts;
  g_autofree char *ssh_dir = NULL;
  GError *error = NULL;

  if ((resolving->resolved = tether_target_resolve_finish (result, &error)) == NULL)
    open_failed (resolving, error);
  else if (still_opening (self, resolving))
    {
      apply_config (self, resolving->session, resolving->resolved);
      /* The session's own jump hosts win over the configuration's, as
       * `ssh -J` does over ProxyJump. */
      jump_hosts = tether_session_get_jump_hosts (resolving->session);
      if (jump_hosts == NULL)
        jump_hosts = resolving->resolved->proxy_jump;
      if (jump_hosts != NULL)
        {
          /* Each hop is resolved too, on a thread (`ssh -G` each). */
          ssh_dir = tether_get_ssh_dir ();
          tether_jump_hosts_resolve_async (jump_hosts, ssh_dir,
                                           g_task_get_cancellable (resolving->task),
                                           jumps_resolved_cb, resolving);
          return;
        }
      open_on_pool (self, resolving, NULL);
    }
  resolving_free (resolving);
}

/**
 * _tether_session_manager_open_resolved:
 * @task: the open's: returns once @session has a connection
 *
 * Where the session logs in is its target after the SSH configuration,
 * which `ssh -G` tells without blocking; then the pool opens it.  A new
 * open is Opening meanwhile, so that a second one is refused rather than
 * run twice; a reconnection (tether-reconnect.c) stays Connecting.  A
 * session closed meanwhile is not opened.
 */
void
_tether_session_manager_open_resolved (TetherSessionManager *self,
                                       TetherSession        *session,
                                       GTask                *task)
{
  g_autoptr(TetherTarget) target = NULL;
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  Resolving *resolving;
  GError *error = NULL;

  if ((target = tether_target_parse (tether_session_get_target (session), &error)) == NULL)
    {
      _tether_session_set_last_error (session, error->message);
      g_task_return_error (task, error);
      return;
    }

  /* The setting may have changed since the session was made. */
  _tether_session_set_idle_timeout (session, self->config.idle_timeout_s);
  resolving = g_new0 (Resolving, 1);
  resolving->task = g_object_ref (task);
  resolving->session = g_object_ref (session);
  /* Only once there is a connection to lose: a manager that never
   * connects (tether --get-session) starts faster without. */
  _tether_session_manager_watch_links (self);

  resolving->previous = tether_session_get_state (session);
  if (resolving->previous != TETHER_SESSION_STATE_CONNECTING)
    _tether_session_set_state (session, TETHER_SESSION_STATE_OPENING);
  resolving->expected = tether_session_get_state (session);
  tether_target_resolve_async (target, ssh_dir, g_task_get_cancellable (task), resolved_cb,
                               resolving);
}

/* Connect-PSSession done: the session is no longer Disconnected. */
static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _tether_session_manager_connected (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

/**
 * tether_session_manager_open_session_async:
 *
 * Opens a Closed or Broken session again (or completes at once if Opened);
 * Connect-PSSession for a Disconnected one: Enter then re-attaches its
 * tmux session.
 */
void
tether_session_manager_open_session_async (TetherSessionManager *self,
                                           TetherSession        *session,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_open_session_async);

  switch (tether_session_get_state (session))
    {
    case TETHER_SESSION_STATE_OPENED:
      g_task_return_boolean (task, TRUE);
      return;

    case TETHER_SESSION_STATE_CLOSED:
    case TETHER_SESSION_STATE_BROKEN:
      _tether_session_manager_open_resolved (self, session, task);
      return;

    case TETHER_SESSION_STATE_DISCONNECTED:
      {
        g_autoptr(GTask) inner = NULL;

        /* The pool keeps its own data on the task it is given. */
        g_task_set_task_data (task, g_object_ref (session), g_object_unref);
        inner = g_task_new (self, cancellable, connected_cb, g_steal_pointer (&task));
        g_task_set_source_tag (inner, tether_session_manager_open_session_async);
        _tether_session_manager_open_resolved (self, session, inner);
        return;
      }

    case TETHER_SESSION_STATE_OPENING:
    case TETHER_SESSION_STATE_CLOSING:
    case TETHER_SESSION_STATE_DISCONNECTING:
    case TETHER_SESSION_STATE_CONNECTING:
    default:
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_FAILED,
                               _("The session “%s” cannot be opened while it is %s. Wait a moment and try again."),
                               tether_session_get_name (session),
                               tether_session_state_to_display (tether_session_get_state (session)));
      return;
    }
}

gboolean
tether_session_manager_open_session_finish (TetherSessionManager  *self,
                                            GAsyncResult          *result,
                                            GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
