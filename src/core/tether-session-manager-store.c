/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"
#include "tether-session-store.h"

/*
 * The manager and its sessions file (tether-session-store.c): every change
 * to a session to remember is saved, and a failure is kept and told, never
 * only logged.  A file that cannot be read is never written over.
 */

static void
set_store_error (TetherSessionManager *self,
                 const GError         *error)
{
  gboolean was_saved = self->store_error == NULL;

  g_clear_error (&self->store_error);
  if (error != NULL)
    self->store_error = g_error_copy (error);
  if (was_saved != (error == NULL))
    g_object_notify (G_OBJECT (self), "saved");
}

/* Every change to a remembered session ends here.  A failure is kept and
 * told (the window and the command line show it); the next change tries
 * again, with the whole list. */
void
_tether_session_manager_save (TetherSessionManager *self)
{
  g_autoptr(GPtrArray) definitions = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (self->store_path == NULL || self->store_blocked)
    return;

  definitions = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (tether_session_get_persistent (session))
        g_ptr_array_add (definitions, tether_session_definition_new_for_session (session));
    }

  if (!tether_session_store_save (self->store_path, definitions, &error))
    {
      g_debug ("%s", error->message);
      set_store_error (self, error);
      g_signal_emit_by_name (self, "store-error", error);
      return;
    }
  set_store_error (self, NULL);
}

/* A session of the file takes its name from one that is not remembered
 * (the Demo session): the user's wins, as at start. */
static void
make_room_for (TetherSessionManager *self,
               const char           *name)
{
  TetherSession *other = tether_session_manager_lookup (self, name);
  guint position;

  if (other == NULL || tether_session_get_persistent (other))
    return;
  tether_session_manager_close_session (self, other);
  if (g_list_store_find (self->sessions, other, &position))
    g_list_store_remove (self->sessions, position);
}

/* Reads the file and lists what it holds.  A damaged file was moved aside:
 * the good sessions are written at once, so that the next start finds
 * them.  One that cannot be read blocks every save until it is read. */
static gboolean
read_store (TetherSessionManager  *self,
            GError               **error)
{
  g_autoptr(GPtrArray) definitions = NULL;
  GError *local_error = NULL;

  definitions = tether_session_store_load (self->store_path, NULL, &local_error);
  self->store_blocked = g_error_matches (local_error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  for (guint i = 0; definitions != NULL && i < definitions->len; i++)
    {
      TetherSessionDefinition *def = g_ptr_array_index (definitions, i);
      g_autoptr(TetherSession) session = NULL;

      make_room_for (self, def->name);
      session = _tether_session_new (def, FALSE);
      g_list_store_append (self->sessions, session);
    }

  if (self->store_blocked)
    set_store_error (self, local_error);
  else if (local_error != NULL && definitions != NULL)
    _tether_session_manager_save (self);
  else
    set_store_error (self, NULL);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* A session to remember waits for a file that could not be read: saved, it
 * would replace it.  The file is read again first, in case it can be now. */
gboolean
_tether_session_manager_check_store (TetherSessionManager  *self,
                                     GError               **error)
{
  g_autoptr(GError) warning = NULL;

  if (!self->store_blocked)
    return TRUE;

  if (!read_store (self, &warning) && !self->store_blocked)
    g_signal_emit_by_name (self, "store-error", warning);
  if (!self->store_blocked)
    return TRUE;

  g_propagate_error (error, g_error_copy (self->store_error));
  return FALSE;
}

/**
 * tether_session_manager_get_store_error:
 *
 * Returns: (transfer none) (nullable): why the sessions file does not hold
 *   the listed sessions (a save that failed, or a file that could not be
 *   read), or %NULL when it does
 */
const GError *
tether_session_manager_get_store_error (TetherSessionManager *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  return self->store_error;
}

/**
 * tether_session_manager_get_saved:
 *
 * Returns: whether the sessions file holds every listed session to remember
 */
gboolean
tether_session_manager_get_saved (TetherSessionManager *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);
  return self->store_error == NULL;
}

/**
 * tether_session_manager_retry_store:
 *
 * The user's Retry: reads a sessions file that could not be read (and lists
 * its sessions), or saves again after a failed save.
 *
 * Returns: %TRUE once the file holds the list; otherwise %FALSE with @error
 *   set, which is also a warning to show when the file could be read but
 *   was damaged (%TETHER_ERROR_STORE_CORRUPT, moved aside)
 */
gboolean
tether_session_manager_retry_store (TetherSessionManager  *self,
                                    GError               **error)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);

  if (self->store_path == NULL)
    return TRUE;
  if (self->store_blocked)
    return read_store (self, error);

  _tether_session_manager_save (self);
  if (self->store_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->store_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * tether_session_manager_move_store_aside:
 *
 * The user's Move Aside, for a sessions file that could not be read: it is
 * renamed (tether_session_store_move_aside()) and the list saved in its
 * place, without the sessions it may hold.
 *
 * Returns: (transfer full): where the file went, or %NULL with @error set
 */
char *
tether_session_manager_move_store_aside (TetherSessionManager  *self,
                                         GError               **error)
{
  char *aside;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  g_return_val_if_fail (self->store_blocked, NULL);

  aside = tether_session_store_move_aside (self->store_path, error);
  if (aside != NULL)
    {
      self->store_blocked = FALSE;
      _tether_session_manager_save (self);
    }
  return aside;
}

/**
 * tether_session_manager_load:
 *
 * Lists the sessions of the file as Closed, ids in file order.  On error
 * (a corrupt file, moved aside) the good entries are still listed.  A file
 * that cannot be read (%TETHER_ERROR_STORE_UNREADABLE) is left as it is, and
 * no session is saved until it is read (tether_session_manager_retry_store(),
 * or a new session to remember, which reads it again first) or moved
 * (tether_session_manager_move_store_aside()).
 */
gboolean
tether_session_manager_load (TetherSessionManager  *self,
                             GError               **error)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);

  if (self->store_path == NULL)
    return TRUE;
  return read_store (self, error);
}
