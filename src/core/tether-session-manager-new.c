/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-session-manager-private.h"
#include "tether-session-private.h"

/*
 * New sessions and temporary ones: New-PSSession (a named session, opened,
 * then listed and saved), Enter-PSSession -ComputerName (a temporary
 * session, closed when its viewer leaves) and Invoke-Command -ComputerName
 * (a temporary session with no shell, closed when its command ends).  All
 * open through tether-session-manager-open.c.
 */

static void
new_session_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);
  TetherSession *session = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tether_session_manager_open_session_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Listed only once open: a failed New-PSSession leaves no session. */
  if (tether_session_get_temporary (session))
    g_ptr_array_add (self->temporary, g_object_ref (session));
  else
    {
      g_list_store_append (self->sessions, session);
      if (tether_session_get_persistent (session))
        _tether_session_manager_save (self);
    }
  g_task_return_pointer (task, g_object_ref (session), g_object_unref);
}

static void
start_new_session (TetherSessionManager          *self,
                   const TetherSessionDefinition *def,
                   gboolean                       temporary,
                   gboolean                       shell,
                   TetherInteraction             *interaction,
                   GTask                         *task)
{
  g_autoptr(TetherSession) session = NULL;
  GError *error = NULL;

  if (!tether_session_manager_check_definition (self, def, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  session = _tether_session_manager_make_session (self, def, temporary);
  _tether_session_set_shell_on_open (session, shell);
  _tether_session_set_interaction (session, interaction);
  g_task_set_task_data (task, g_object_ref (session), g_object_unref);
  tether_session_manager_open_session_async (self, session, g_task_get_cancellable (task),
                                             new_session_cb, g_object_ref (task));
}

/**
 * tether_session_manager_new_session_async:
 *
 * New-PSSession: creates a session and opens it (connect, host key, login).
 */
void
tether_session_manager_new_session_async (TetherSessionManager          *self,
                                          const TetherSessionDefinition *def,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (def != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_new_session_async);
  start_new_session (self, def, FALSE, TRUE, NULL, task);
}

/**
 * tether_session_manager_new_session_finish:
 *
 * Returns: (transfer full): the Opened session
 */
TetherSession *
tether_session_manager_new_session_finish (TetherSessionManager  *self,
                                           GAsyncResult          *result,
                                           GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
temporary_attached_cb (TetherSession        *session,
                       GParamSpec           *pspec,
                       TetherSessionManager *self)
{
  /* Enter-PSSession -ComputerName: the session ends with the interactive
   * session. */
  if (!tether_session_get_attached (session))
    tether_session_manager_close_session (self, session);
}

static void
enter_computer_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);
  TetherSession *session;
  GError *error = NULL;

  session = tether_session_manager_new_session_finish (self, result, &error);
  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_connect_object (session, "notify::attached", G_CALLBACK (temporary_attached_cb),
                           self, 0);
  g_task_return_pointer (task, session, g_object_unref);
}

/**
 * tether_session_manager_enter_computer_async:
 * @target: `[user@]host[:port]`
 *
 * Enter-PSSession -ComputerName: opens a temporary session, never listed,
 * closed when its viewer detaches (attach it next).
 */
void
tether_session_manager_enter_computer_async (TetherSessionManager *self,
                                             const char           *target,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  TetherSessionDefinition def = { .target = target };

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (target != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_enter_computer_async);

  inner = g_task_new (self, cancellable, enter_computer_cb, g_steal_pointer (&task));
  g_task_set_source_tag (inner, tether_session_manager_new_session_async);
  start_new_session (self, &def, TRUE, TRUE, NULL, inner);
}

/**
 * tether_session_manager_enter_computer_finish:
 *
 * Returns: (transfer full): the temporary, Opened session
 */
TetherSession *
tether_session_manager_enter_computer_finish (TetherSessionManager  *self,
                                              GAsyncResult          *result,
                                              GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tether_session_manager_open_computer_async:
 * @target: `[user@]host[:port]`
 * @interaction: (nullable): who asks while it connects (a run's queue),
 *   or %NULL for the manager's
 *
 * Invoke-Command -ComputerName: opens a temporary session with no shell,
 * never listed, for tether_session_exec_async(); the caller closes it with
 * tether_session_manager_close_session() when its command ends.
 */
void
tether_session_manager_open_computer_async (TetherSessionManager *self,
                                            const char           *target,
                                            TetherInteraction    *interaction,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  TetherSessionDefinition def = { .target = target };

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (target != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_new_session_async);
  start_new_session (self, &def, TRUE, FALSE, interaction, task);
}

/**
 * tether_session_manager_open_computer_finish:
 *
 * Returns: (transfer full): the temporary, Opened session
 */
TetherSession *
tether_session_manager_open_computer_finish (TetherSessionManager  *self,
                                             GAsyncResult          *result,
                                             GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

