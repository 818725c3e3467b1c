/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-invocation-private.h"
#include "tether-session-manager-private.h"
#include "tether-session.h"

/**
 * tether_session_manager_new_invocation:
 * @command: the command line for each remote shell
 *
 * A new Invoke-Command run (not started), with the settings' throttle
 * limit and timeout, listed in tether_session_manager_get_invocations()
 * so that it goes on, and can be found again, when nobody watches it.
 *
 * Returns: (transfer full): the run
 */
TetherInvocation *
tether_session_manager_new_invocation (TetherSessionManager *self,
                                       const char           *command)
{
  g_autoptr(TetherInvocation) invocation = NULL;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  g_return_val_if_fail (command != NULL && *command != '\0', NULL);

  invocation = _tether_invocation_new (self, command, self->config.throttle_limit,
                                       self->config.invoke_timeout_s);
  g_list_store_append (self->invocations, invocation);
  return g_steal_pointer (&invocation);
}

/**
 * tether_session_manager_get_invocations:
 *
 * Returns: (transfer none): the #TetherInvocation runs of this process,
 *   oldest first
 */
GListModel *
tether_session_manager_get_invocations (TetherSessionManager *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  return G_LIST_MODEL (self->invocations);
}

/**
 * tether_session_manager_clear_invocations:
 *
 * Forgets the finished runs (and those never started); running ones stay.
 */
void
tether_session_manager_clear_invocations (TetherSessionManager *self)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->invocations)); i > 0; i--)
    {
      g_autoptr(TetherInvocation) invocation =
        g_list_model_get_item (G_LIST_MODEL (self->invocations), i - 1);

      if (!tether_invocation_get_running (invocation))
        g_list_store_remove (self->invocations, i - 1);
    }
}

void
_tether_session_manager_cancel_invocations (TetherSessionManager *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->invocations)); i++)
    {
      g_autoptr(TetherInvocation) invocation =
        g_list_model_get_item (G_LIST_MODEL (self->invocations), i);

      tether_invocation_cancel (invocation);
    }
}

/**
 * tether_session_manager_list_folder:
 * @folder: a folder's path
 *
 * Returns: (transfer container) (element-type TetherSession): the named
 *   sessions in @folder and the folders inside it, in list order
 */
GPtrArray *
tether_session_manager_list_folder (TetherSessionManager *self,
                                    const char           *folder)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), sessions);
  g_return_val_if_fail (folder != NULL, sessions);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (tether_session_folder_is_within (tether_session_get_folder (session), folder))
        g_ptr_array_add (sessions, g_steal_pointer (&session));
    }
  return sessions;
}
