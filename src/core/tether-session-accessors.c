/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-session-fields.h"
#include "tether-target.h"
#include "tether-util.h"

/* What a session tells of itself, and the tmux facts the manager keeps on
 * it (no property: nothing is notified); whatever changes a property stays
 * in tether-session.c, next to its notify. */

const char *
_tether_session_get_receive_mark (TetherSession *self)
{
  return self->receive_mark;
}

/* Disconnected on @disconnected_on (0: connected again), its pane then at
 * @receive_mark. */
void
_tether_session_set_disconnected (TetherSession *self,
                                  gint64         disconnected_on,
                                  const char    *receive_mark)
{
  self->disconnected_on = disconnected_on;
  tether_set_str (&self->receive_mark, receive_mark);
}

void
_tether_session_set_exec_only (TetherSession *self,
                               gboolean       exec_only)
{
  self->exec_only = exec_only;
}

/* Whether opening it from @previous makes its tmux session on the server
 * (from Closed, with its shell): the server's tmux is checked first, so
 * that a session no tmux there can hold is not created.  Re-attaching
 * (Connect, a reconnection, a Broken one opened again) finds its tmux
 * session there and is not refused: Enter says what is wrong, if anything. */
gboolean
_tether_session_get_makes_tmux (TetherSession      *self,
                                TetherSessionState  previous)
{
  return _tether_session_get_is_tmux (self) && self->shell_on_open && !self->exec_only
         && previous == TETHER_SESSION_STATE_CLOSED;
}

/* Invoke-Command's sessions, the ones without a shell, leave their
 * configuration warning to their run. */
gboolean
_tether_session_get_hold_warnings (TetherSession *self)
{
  return !self->shell_on_open;
}

/* Keeps what the configuration sets that Tether does not apply (@ignored,
 * "; "-separated, or %NULL) and whether StrictHostKeyChecking no is
 * applied as accept-new, for the run to say. */
void
_tether_session_hold_warning (TetherSession *self,
                              const char    *ignored,
                              gboolean       accept_new)
{
  g_free (self->held_ignored);
  self->held_ignored = g_strdup (ignored);
  self->held_accept_new = accept_new;
}

/* Returns: (nullable): what _tether_session_hold_warning() kept */
const char *
_tether_session_get_held_warning (TetherSession *self,
                                  gboolean      *accept_new)
{
  *accept_new = self->held_accept_new;
  return self->held_ignored;
}

void
_tether_session_set_idle_timeout (TetherSession *self,
                                  guint          idle_timeout_s)
{
  self->idle_timeout_s = idle_timeout_s;
}

/**
 * tether_session_get_idle_timeout:
 *
 * Returns: how long (seconds) the session's tmux session may stay detached
 *   before tmux ends it; 0 for a DefaultShell session
 */
guint
tether_session_get_idle_timeout (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return _tether_session_get_is_tmux (self) ? self->idle_timeout_s : 0;
}

/**
 * tether_session_get_disconnected_on:
 *
 * Returns: when the session was disconnected (Unix time), 0 if it is not
 */
gint64
tether_session_get_disconnected_on (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->disconnected_on;
}

guint
tether_session_get_id (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->id;
}

const char *
tether_session_get_instance_id (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->instance_id;
}

const char *
tether_session_get_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->name;
}

/**
 * tether_session_get_target:
 *
 * Returns: the target as the user typed it (`[user@]host[:port]` or alias)
 */
const char *
tether_session_get_target (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->target;
}

const char *
tether_session_get_computer_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->computer_name;
}

const char *
tether_session_get_user_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->user_name;
}

guint
tether_session_get_port (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->port;
}

const char *
tether_session_get_configuration_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->configuration_name;
}

gboolean
tether_session_get_forward_agent (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->forward_agent;
}

const char *
tether_session_get_forwards_spec (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return _tether_forward_set_get_own (self->forwards);
}

/**
 * tether_session_get_forwards:
 *
 * Returns: (transfer none): its forwards (TetherForward), with their state
 */
GListModel *
tether_session_get_forwards (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return _tether_forward_set_get_model (self->forwards);
}

const char *
tether_session_get_jump_hosts (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->jump_hosts;
}

const char *
tether_session_get_identity_file (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->identity_file;
}

/**
 * tether_session_get_known_hosts_file:
 *
 * Returns: (nullable): the known hosts file of this session alone, or %NULL
 *   for `~/.ssh/known_hosts`
 */
const char *
tether_session_get_known_hosts_file (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->known_hosts_file;
}

const char *
tether_session_get_folder (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->folder;
}

TetherSessionState
tether_session_get_state (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), TETHER_SESSION_STATE_CLOSED);
  return self->state;
}

TetherSessionAvailability
tether_session_get_availability (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), TETHER_SESSION_AVAILABILITY_NONE);

  if (self->state != TETHER_SESSION_STATE_OPENED)
    return TETHER_SESSION_AVAILABILITY_NONE;
  return tether_session_get_attached (self) ? TETHER_SESSION_AVAILABILITY_BUSY
                                            : TETHER_SESSION_AVAILABILITY_AVAILABLE;
}

gboolean
tether_session_get_temporary (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->temporary;
}

gboolean
tether_session_get_persistent (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->persistent;
}

const char *
tether_session_get_last_error (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->last_error;
}

/**
 * tether_session_dup_destination:
 *
 * Returns: (transfer full): `user@host:port` as far as known, for tooltips:
 *   the target as tether_target_to_string() prints it, which parses back
 *   to the same user, host and port
 */
char *
tether_session_dup_destination (TetherSession *self)
{
  g_autoptr(TetherTarget) target = NULL;

  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);

  target = tether_target_new (self->user_name, self->computer_name, self->port);
  return tether_target_to_string (target);
}

/**
 * tether_session_dup_shown_computer:
 *
 * The user and port count as typed: one that `~/.ssh/config` gives is what
 * SSH does for that host anyway, and the list does not change as the
 * session opens.
 *
 * Returns: (transfer full): the ComputerName the list and a temporary
 *   session's tab show: the host, with the user typed when it is not the
 *   local user and the port typed when it is not SSH's (`user@host:port`),
 *   so that two targets on one host look different
 */
char *
tether_session_dup_shown_computer (TetherSession *self)
{
  g_autoptr(TetherTarget) typed = NULL;
  g_autoptr(TetherTarget) shown = NULL;

  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);

  typed = tether_target_parse (self->target, NULL);
  if (typed == NULL)
    return g_strdup (self->computer_name);

  shown = tether_target_new (g_strcmp0 (typed->user, g_get_user_name ()) != 0 ? typed->user : NULL,
                             typed->host,
                             typed->port != TETHER_SSH_DEFAULT_PORT ? typed->port : 0);
  return tether_target_to_string (shown);
}

gboolean
tether_session_get_attached (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->attached;
}

gboolean
tether_session_get_has_shell (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return tether_session_get_shell (self) != NULL;
}

/**
 * tether_session_get_shell:
 *
 * Returns: (transfer none) (nullable): the shell channel, if there is one
 */
TetherChannel *
tether_session_get_shell (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->shell;
}
