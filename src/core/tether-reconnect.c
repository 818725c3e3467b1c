/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"

/*
 * A lost connection is retried in place (issue #11, §1).  Its sessions go
 * Connecting, their viewers stay; the connection is tried again at once,
 * then every second until the `reconnect-window` runs out.  Every session
 * that shared it goes through the pool's one open path, so they share one
 * new connection again, with what the user typed in this run (the pool's
 * TetherSecretMemory) and the usual host key check: a changed key ends the
 * retries at once, and so does a question the user declined.  Back, each
 * session resumes as its configuration says
 * (tether-session.c, resume()); out of time, it is Broken.
 *
 * Losses nobody noticed yet are looked for when the network changes and
 * when the computer wakes up: every connection must then answer within 3 s
 * (tether_session_manager_check_connections()).
 */

struct _TetherReconnect
{
  TetherSessionManager *manager;     /* not owned: it frees us first */
  guint                 serial;      /* how callbacks find us, if alive */
  GPtrArray            *sessions;    /* TetherSession*, Connecting */
  gint64                deadline;
  gint64                started;     /* the last attempt */
  guint                 timer_id;
  guint                 pending;     /* sessions of the attempt under way */
  GError               *error;       /* why the last attempt failed */
};

static void attempt (TetherReconnect *r);

static guint next_serial = 1;

static TetherReconnect *
find_serial (TetherSessionManager *self,
             guint                 serial)
{
  for (guint i = 0; self->reconnects != NULL && i < self->reconnects->len; i++)
    {
      TetherReconnect *r = g_ptr_array_index (self->reconnects, i);

      if (r->serial == serial)
        return r;
    }
  return NULL;
}

static void
reconnect_free (TetherReconnect *r)
{
  g_clear_handle_id (&r->timer_id, g_source_remove);
  for (guint i = 0; i < r->sessions->len; i++)
    _tether_session_set_reconnect_deadline (g_ptr_array_index (r->sessions, i), 0);
  g_ptr_array_unref (r->sessions);
  g_clear_error (&r->error);
  g_free (r);
}

static void
finish (TetherReconnect *r)
{
  g_ptr_array_remove_fast (r->manager->reconnects, r);
}

/* Keeps only the sessions still waiting: those Closed meanwhile are gone,
 * those back are done. */
static void
prune (TetherReconnect *r)
{
  for (guint i = r->sessions->len; i-- > 0;)
    {
      TetherSession *session = g_ptr_array_index (r->sessions, i);

      if (tether_session_get_state (session) != TETHER_SESSION_STATE_CONNECTING)
        {
          _tether_session_set_reconnect_deadline (session, 0);
          g_ptr_array_remove_index (r->sessions, i);
        }
    }
}

/* Out of time, or refused for good: the sessions are Broken, but a saved
 * tmux session's shell still runs on the server, so it is Disconnected
 * (Connect re-attaches it), as at quit. */
static void
give_up (TetherReconnect *r)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_ref (r->sessions);

  for (guint i = 0; i < sessions->len; i++)
    {
      TetherSession *session = g_ptr_array_index (sessions, i);

      _tether_session_set_reconnect_deadline (session, 0);
      if (r->error != NULL)
        _tether_session_set_last_error (session, r->error->message);
      if (_tether_session_get_is_tmux (session) && tether_session_get_persistent (session))
        _tether_session_manager_disconnect_unmarked (r->manager, session);
      else
        _tether_session_set_state (session, TETHER_SESSION_STATE_BROKEN);
    }
  finish (r);
}

/* Retrying cannot help: the server is not the one the user trusted, or
 * the user declined a question it asked (asked again every second, the
 * dialog would keep coming back). */
static gboolean
is_final (const GError *error)
{
  return tether_error_is_declined (error)
         || g_error_matches (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED)
         || g_error_matches (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REVOKED)
         || g_error_matches (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
attempt_timeout_cb (gpointer data)
{
  TetherReconnect *r = data;

  r->timer_id = 0;
  attempt (r);
  return G_SOURCE_REMOVE;
}

static void
attempt_done (TetherReconnect *r)
{
  gint64 now = g_get_monotonic_time ();
  gint64 next;

  prune (r);
  if (r->sessions->len == 0)
    {
      finish (r);
      return;
    }
  if ((r->error != NULL && is_final (r->error)) || now >= r->deadline)
    {
      give_up (r);
      return;
    }

  /* Every second from the start of the last attempt. */
  next = MAX (r->started + G_USEC_PER_SEC - now, 0);
  r->timer_id = g_timeout_add ((guint) (next / 1000), attempt_timeout_cb, r);
}

static void
attempt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TetherReconnect *r;

  g_task_propagate_boolean (G_TASK (result), &error);
  /* The record may be gone meanwhile (dispose, or every session closed). */
  r = find_serial (TETHER_SESSION_MANAGER (object), GPOINTER_TO_UINT (user_data));
  if (r == NULL)
    return;
  if (error != NULL)
    {
      g_clear_error (&r->error);
      r->error = g_steal_pointer (&error);
    }
  if (--r->pending == 0)
    attempt_done (r);
}

static void
attempt (TetherReconnect *r)
{
  TetherSessionManager *self = r->manager;
  g_autoptr(GPtrArray) sessions = NULL;

  prune (r);
  if (r->sessions->len == 0)
    {
      finish (r);
      return;
    }

  r->started = g_get_monotonic_time ();
  /* Held: an open may fail at once and close a session meanwhile. */
  sessions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < r->sessions->len; i++)
    g_ptr_array_add (sessions, g_object_ref (g_ptr_array_index (r->sessions, i)));
  r->pending = sessions->len + 1;
  for (guint i = 0; i < sessions->len; i++)
    {
      TetherSession *session = g_ptr_array_index (sessions, i);
      g_autoptr(GTask) task = g_task_new (self, NULL, attempt_cb, GUINT_TO_POINTER (r->serial));

      g_task_set_source_tag (task, attempt);
      /* The same path as any open (the configuration may have changed);
       * the first makes the connection, the others wait for it there. */
      _tether_session_manager_open_resolved (self, session, task);
    }
  /* The attempt's own share, so that results returned synchronously above
   * cannot end it before every session was asked. */
  if (--r->pending == 0)
    attempt_done (r);
}

/**
 * _tether_session_manager_reconnect:
 * @connection: the connection that was lost
 * @error: why
 *
 * Returns: %FALSE when reconnecting is off (`reconnect-window` 0): the
 *   caller breaks the sessions
 */
gboolean
_tether_session_manager_reconnect (TetherSessionManager *self,
                                   TetherConnection     *connection,
                                   const GError         *error)
{
  g_autoptr(GPtrArray) sessions = _tether_session_manager_all_sessions (self);
  TetherReconnect *r;

  if (self->config.reconnect_window_s == 0)
    return FALSE;

  r = g_new0 (TetherReconnect, 1);
  r->manager = self;
  r->serial = next_serial++;
  r->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  r->deadline = g_get_monotonic_time () + (gint64) self->config.reconnect_window_s * G_USEC_PER_SEC;
  r->error = error ? g_error_copy (error) : NULL;

  for (guint i = 0; i < sessions->len; i++)
    {
      TetherSession *session = g_ptr_array_index (sessions, i);

      if (_tether_session_get_connection (session) != connection)
        continue;
      /* Connecting first, so that its viewer stays when its shell goes
       * with the connection (released: the shell's close, which follows
       * `broken`, reaches nobody and cannot pass for `exit`). */
      _tether_session_set_last_error (session, error ? error->message : NULL);
      _tether_session_set_reconnect_deadline (session, r->deadline);
      _tether_session_set_state (session, TETHER_SESSION_STATE_CONNECTING);
      _tether_connection_pool_release (self->pool, session);
      g_ptr_array_add (r->sessions, g_object_ref (session));
    }

  g_ptr_array_add (self->reconnects, r);
  /* At once, but not from inside the pool's `broken` handler. */
  r->timer_id = g_idle_add (attempt_timeout_cb, r);
  return TRUE;
}

void
_tether_session_manager_init_reconnects (TetherSessionManager *self)
{
  self->reconnects = g_ptr_array_new_with_free_func ((GDestroyNotify) reconnect_free);
}

void
_tether_session_manager_stop_reconnects (TetherSessionManager *self)
{
  g_clear_pointer (&self->reconnects, g_ptr_array_unref);
}

/**
 * tether_session_manager_reconnect_now:
 *
 * Reconnect Now: a Connecting session's connection is tried again at once
 * instead of at the next second.  Does nothing while an attempt is under
 * way, or for a session that is not Connecting.
 */
void
tether_session_manager_reconnect_now (TetherSessionManager *self,
                                      TetherSession        *session)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  for (guint i = 0; i < self->reconnects->len; i++)
    {
      TetherReconnect *r = g_ptr_array_index (self->reconnects, i);

      if (g_ptr_array_find (r->sessions, session, NULL) && r->pending == 0 && r->timer_id != 0)
        {
          g_clear_handle_id (&r->timer_id, g_source_remove);
          attempt (r);
          return;
        }
    }
}

/* For the tests: whether an attempt for @session is under way (started,
 * not finished), as opposed to waiting for its next second. */
gboolean
_tether_session_manager_is_attempting (TetherSessionManager *self,
                                       TetherSession        *session)
{
  for (guint i = 0; i < self->reconnects->len; i++)
    {
      TetherReconnect *r = g_ptr_array_index (self->reconnects, i);

      if (g_ptr_array_find (r->sessions, session, NULL))
        return r->pending > 0;
    }
  return FALSE;
}

/**
 * tether_session_manager_check_connections:
 *
 * Every open connection must answer within 3 s, or it is lost (and
 * retried).  Called when the network changed or the computer woke up.
 */
void
tether_session_manager_check_connections (TetherSessionManager *self)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));

  _tether_connection_pool_check_all (self->pool);
}

/* What tells that connections may have died unseen. */

static void
network_changed_cb (GNetworkMonitor      *monitor,
                    gboolean              available,
                    TetherSessionManager *self)
{
  tether_session_manager_check_connections (self);
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean sleeping = TRUE;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    g_variant_get (parameters, "(b)", &sleeping);
  /* PrepareForSleep(false): the computer just woke up. */
  if (!sleeping)
    tether_session_manager_check_connections (user_data);
}

static void
system_bus_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);
  TetherSessionManager *self;

  /* No system bus (a container, the tests): resume goes unnoticed, and the
   * keepalives still find a dead connection. */
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, so no resume detection: %s", error->message);
      return;
    }

  self = user_data;
  if (g_cancellable_is_cancelled (self->link_cancellable))
    {
      g_object_unref (bus);
      return;
    }
  self->system_bus = bus;
  self->sleep_id = g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                                       "org.freedesktop.login1.Manager",
                                                       "PrepareForSleep",
                                                       "/org/freedesktop/login1", NULL,
                                                       G_DBUS_SIGNAL_FLAGS_NONE,
                                                       prepare_for_sleep_cb, self, NULL);
}

/* Once per manager; later calls do nothing. */
void
_tether_session_manager_watch_links (TetherSessionManager *self)
{
  if (self->link_cancellable != NULL)
    return;
  self->link_cancellable = g_cancellable_new ();
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (network_changed_cb), self, 0);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->link_cancellable, system_bus_cb, self);
}

void
_tether_session_manager_unwatch_links (TetherSessionManager *self)
{
  if (self->link_cancellable == NULL)
    return;
  g_signal_handlers_disconnect_by_func (g_network_monitor_get_default (), network_changed_cb, self);
  g_cancellable_cancel (self->link_cancellable);
  g_clear_object (&self->link_cancellable);
  if (self->system_bus != NULL && self->sleep_id != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_id);
  self->sleep_id = 0;
  g_clear_object (&self->system_bus);
}
