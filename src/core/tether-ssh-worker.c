/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>   /* ssh_send_keepalive(), usable by clients too */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-connection-private.h"
#include "tether-error.h"
#include "tether-ssh-auth.h"
#include "tether-ssh-tunnel.h"
#include "tether-ssh-worker-private.h"

/*
 * The worker thread owns the libssh session for its whole life: it connects
 * (blocking, which is fine off the main thread), checks the host key, logs
 * in, then switches the session to non-blocking and runs the I/O loop.  No
 * other thread ever touches the session, which is what libssh requires.
 */

/* After the network changed or the machine woke up, a connection that
 * cannot answer this fast is taken for lost (issue #11: "within 3 s"). */
#define PROBE_TIMEOUT_US (3 * G_USEC_PER_SEC)

static void
worker_channel_free (WorkerChannel *wc)
{
  if (wc->channel != NULL)
    ssh_channel_free (wc->channel);
  g_clear_object (&wc->object);
  g_free (wc->command);
  g_byte_array_unref (wc->pending);
  g_free (wc);
}

static void
post (Worker          *w,
      TetherEventType  type,
      TetherChannel   *channel,
      GError          *error)
{
  TetherEvent *event = g_new0 (TetherEvent, 1);

  event->type = type;
  event->channel = channel != NULL ? g_object_ref (channel) : NULL;
  event->error = error;
  _tether_connection_post_event (w->shared, event);
}

gboolean
_tether_ssh_worker_is_closing (Worker *w)
{
  gboolean closing;

  g_mutex_lock (&w->shared->mutex);
  closing = w->shared->closing;
  g_mutex_unlock (&w->shared->mutex);
  return closing;
}

/* Channels */

static WorkerChannel *
find_channel (Worker        *w,
              TetherChannel *object)
{
  for (guint i = 0; i < w->channels->len; i++)
    {
      WorkerChannel *wc = g_ptr_array_index (w->channels, i);

      if (wc->object == object)
        return wc;
    }
  return NULL;
}

static void post_tunnel_opened (Worker *w,
                                guint   id,
                                int     status,
                                GError *error);

static void
listen_remote (Worker        *w,
               TetherCommand *command)
{
  GError *error = NULL;
  TetherRemoteListener *l = _tether_remote_listen (w->ssh, command->tunnel_id, command->bind_address,
                                                   command->listen_port, command->command,
                                                   command->port, w->shared->key, &error);

  if (l != NULL)
    g_ptr_array_add (w->listeners, l);
  post_tunnel_opened (w, command->tunnel_id, l != NULL ? (int) _tether_remote_listener_get_port (l) : 0,
                      error);
}

static void
run_command (Worker        *w,
             TetherCommand *command)
{
  WorkerChannel *wc = find_channel (w, command->channel);

  switch (command->type)
    {
    case TETHER_COMMAND_OPEN_CHANNEL:
      wc = g_new0 (WorkerChannel, 1);
      wc->object = g_object_ref (command->channel);
      wc->command = g_strdup (command->command);
      wc->columns = command->columns;
      wc->rows = command->rows;
      wc->forward_agent = command->forward_agent;
      wc->pending = g_byte_array_new ();
      wc->channel = ssh_channel_new (w->ssh);
      wc->step = STEP_OPEN;
      g_ptr_array_add (w->channels, wc);
      break;

    case TETHER_COMMAND_WRITE:
      if (wc != NULL)
        g_byte_array_append (wc->pending, g_bytes_get_data (command->data, NULL),
                             g_bytes_get_size (command->data));
      break;

    case TETHER_COMMAND_EOF:
      if (wc != NULL)
        wc->eof_requested = TRUE;
      break;

    case TETHER_COMMAND_RESIZE:
      if (wc != NULL)
        {
          wc->columns = command->columns;
          wc->rows = command->rows;
          wc->resize_requested = TRUE;
        }
      break;

    case TETHER_COMMAND_CLOSE_CHANNEL:
      if (wc != NULL)
        wc->close_requested = TRUE;
      break;

    case TETHER_COMMAND_PROBE:
      /* One probe at a time: the first one's deadline stands. */
      if (w->probe_sent == 0)
        {
          w->probe_sent = g_get_monotonic_time ();
          ssh_send_keepalive (w->ssh);
          ssh_send_keepalive (w->ssh);
        }
      break;

    case TETHER_COMMAND_OPEN_TUNNEL:
      g_ptr_array_add (w->tunnels,
                       _tether_tunnel_new (w->ssh, command->tunnel_id, command->command,
                                           command->port, command->fd, command->data));
      command->fd = -1;
      break;

    case TETHER_COMMAND_LISTEN_REMOTE:
      listen_remote (w, command);
      break;

    case TETHER_COMMAND_CANCEL_REMOTE:
      _tether_remote_cancel (w->ssh, w->listeners, command->tunnel_id);
      break;

    case TETHER_COMMAND_CLOSE:
    default:
      g_assert_not_reached ();
    }
}

/* Returns FALSE when the main side asked the connection to close. */
static gboolean
run_commands (Worker *w)
{
  GQueue commands = G_QUEUE_INIT;
  TetherCommand *command;
  gboolean keep_going = TRUE;

  g_mutex_lock (&w->shared->mutex);
  commands = w->shared->commands;
  g_queue_init (&w->shared->commands);
  if (w->shared->closing)
    keep_going = FALSE;
  g_mutex_unlock (&w->shared->mutex);

  while ((command = g_queue_pop_head (&commands)) != NULL)
    {
      if (command->type == TETHER_COMMAND_CLOSE)
        keep_going = FALSE;
      else if (keep_going)
        run_command (w, command);
      _tether_command_free (command);
    }

  return keep_going;
}

static GError *
channel_refused (Worker        *w,
                 WorkerChannel *wc)
{
  if (wc->command == NULL)
    return g_error_new (TETHER_ERROR, TETHER_ERROR_CHANNEL_REFUSED,
                        _("The server %s refused to start a shell (%s). Check that the account may log in with a shell and that the server allows terminals."),
                        w->shared->key, ssh_get_error (w->ssh));
  return g_error_new (TETHER_ERROR, TETHER_ERROR_CHANNEL_REFUSED,
                      _("The server %s refused to run the command (%s). Check that the server allows remote commands."),
                      w->shared->key, ssh_get_error (w->ssh));
}

/* Advances a channel that is opening.  Returns FALSE if it failed (and was
 * reported); the caller drops it. */
static gboolean
step_open (Worker        *w,
           WorkerChannel *wc)
{
  int rc = SSH_OK;

  while (rc == SSH_OK && wc->step != STEP_RUNNING)
    {
      switch (wc->step)
        {
        case STEP_OPEN:
          rc = ssh_channel_open_session (wc->channel);
          if (rc == SSH_ERROR && ssh_is_connected (w->ssh))
            {
              /* Never close a channel whose open was refused: libssh would
               * send CLOSE for remote channel 0 and kill an unrelated one. */
              post (w, TETHER_EVENT_CHANNEL_OPENED, wc->object, channel_refused (w, wc));
              return FALSE;
            }
          if (rc == SSH_OK)
            wc->step = wc->forward_agent ? STEP_AGENT
                       : wc->command == NULL ? STEP_PTY : STEP_START;
          break;

        case STEP_AGENT:
          /* As ssh -A: a server that refuses leaves the channel without
           * the agent, not failed. */
          rc = ssh_channel_request_auth_agent (wc->channel);
          if (rc != SSH_AGAIN)
            {
              w->agent_requested = TRUE;
              wc->step = wc->command == NULL ? STEP_PTY : STEP_START;
              rc = SSH_OK;
            }
          break;

        case STEP_PTY:
          rc = ssh_channel_request_pty_size (wc->channel, "xterm-256color",
                                             (int) wc->columns, (int) wc->rows);
          if (rc == SSH_OK)
            wc->step = STEP_START;
          break;

        case STEP_START:
          rc = wc->command == NULL ? ssh_channel_request_shell (wc->channel)
                                   : ssh_channel_request_exec (wc->channel, wc->command);
          if (rc == SSH_OK)
            {
              wc->step = STEP_RUNNING;
              wc->resize_requested = FALSE;
              post (w, TETHER_EVENT_CHANNEL_OPENED, wc->object, NULL);
            }
          break;

        case STEP_RUNNING:
        default:
          g_assert_not_reached ();
        }
    }

  /* A dead session fails every request: that is the connection breaking,
   * reported once for all (drop_channels()), not this server refusing. */
  if (rc == SSH_ERROR && ssh_is_connected (w->ssh))
    {
      post (w, TETHER_EVENT_CHANNEL_OPENED, wc->object, channel_refused (w, wc));
      return FALSE;
    }
  return TRUE;
}

static void
flush_writes (Worker        *w,
              WorkerChannel *wc)
{
  while (wc->pending->len > 0)
    {
      int n = ssh_channel_write (wc->channel, wc->pending->data, wc->pending->len);

      /* Short (or no) writes when the remote window is full: keep the rest
       * for the next wake-up, which its WINDOW_ADJUST will cause. */
      if (n <= 0)
        break;
      g_byte_array_remove_range (wc->pending, 0, (guint) n);
    }

  if (wc->eof_requested && wc->pending->len == 0)
    {
      ssh_channel_send_eof (wc->channel);
      wc->eof_requested = FALSE;
    }
}

/* Reads what the channel's credit allows. */
static void
read_output (Worker        *w,
             WorkerChannel *wc)
{
  for (int is_stderr = 0; is_stderr <= 1; is_stderr++)
    {
      for (;;)
        {
          TetherEvent *event;
          guint8 *buffer;
          int avail, n;

          avail = ssh_channel_poll (wc->channel, is_stderr);
          /* libssh 0.10 re-opens the SSH window to its full 1.28 MB on any
           * read that finds it below half, however much it already holds
           * unread: small reads of a large buffer let the server fill it
           * without bound (16.8 MB held for a 16 MB flood, measured).  So
           * read only what drains the buffer, in one call; then libssh never
           * holds more than one window, and a channel window of at least
           * that size (tether-channel.c) means the credit always gets
           * there. */
          if (avail <= 0 || !_tether_channel_has_credit (wc->object, (gsize) avail))
            break;
          buffer = g_malloc ((gsize) avail);
          n = ssh_channel_read_nonblocking (wc->channel, buffer, (uint32_t) avail, is_stderr);
          if (n <= 0)
            {
              g_free (buffer);
              break;
            }

          _tether_channel_add_in_flight (wc->object, (gsize) n);
          event = g_new0 (TetherEvent, 1);
          event->type = TETHER_EVENT_OUTPUT;
          event->channel = g_object_ref (wc->object);
          event->data = g_bytes_new_take (buffer, (gsize) n);
          event->is_stderr = is_stderr;
          _tether_connection_post_event (w->shared, event);
        }
    }
}

/* Returns FALSE when the channel is finished and must be dropped. */
static gboolean
service_channel (Worker        *w,
                 WorkerChannel *wc)
{
  TetherEvent *event;

  if (wc->step != STEP_RUNNING)
    {
      if (!step_open (w, wc))
        return FALSE;
      if (wc->step != STEP_RUNNING)
        return TRUE;
    }

  if (wc->close_requested)
    {
      post (w, TETHER_EVENT_CHANNEL_CLOSED, wc->object, NULL);
      return FALSE;
    }

  if (wc->resize_requested)
    {
      ssh_channel_change_pty_size (wc->channel, (int) wc->columns, (int) wc->rows);
      wc->resize_requested = FALSE;
    }

  flush_writes (w, wc);

  /* Until the consumer listens, read nothing and report no end: the data
   * waits in the SSH window, not in a queue nobody drains. */
  if (!_tether_channel_get_started (wc->object))
    return TRUE;
  read_output (w, wc);

  /* EOF alone is not the end: the exit status and CLOSE follow it.  And a
   * dead session makes every channel look closed (libssh checks the session
   * too): that is the connection breaking, which io_loop() reports before
   * any channel's end, not this shell's `exit`. */
  if (!ssh_channel_is_closed (wc->channel) || !ssh_is_connected (w->ssh))
    return TRUE;
  /* Closed, but what the server sent before closing is not all read yet
   * (the window is shut): wait for the credit instead of losing the end. */
  if (ssh_channel_poll (wc->channel, 0) > 0 || ssh_channel_poll (wc->channel, 1) > 0)
    return TRUE;

  event = g_new0 (TetherEvent, 1);
  event->type = TETHER_EVENT_EXITED;
  event->channel = g_object_ref (wc->object);
  event->status = ssh_channel_get_exit_status (wc->channel);
  _tether_connection_post_event (w->shared, event);
  post (w, TETHER_EVENT_CHANNEL_CLOSED, wc->object, NULL);
  return FALSE;
}

static void
service_channels (Worker *w)
{
  for (guint i = 0; i < w->channels->len;)
    {
      WorkerChannel *wc = g_ptr_array_index (w->channels, i);

      if (service_channel (w, wc))
        i++;
      else
        g_ptr_array_remove_index (w->channels, i);
    }
}

static void
post_tunnel_opened (Worker *w,
                    guint   id,
                    int     status,
                    GError *error)
{
  TetherEvent *event = g_new0 (TetherEvent, 1);

  event->type = TETHER_EVENT_TUNNEL_OPENED;
  event->tunnel_id = id;
  event->status = status;
  event->error = error;
  _tether_connection_post_event (w->shared, event);
}

static void
service_tunnels (Worker *w)
{
  for (guint i = 0; i < w->tunnels->len;)
    {
      TetherTunnel *t = g_ptr_array_index (w->tunnels, i);
      guint id = _tether_tunnel_get_id (t);
      GError *error = NULL;
      gboolean opened;
      gboolean keep = _tether_tunnel_service (t, w->shared->key, &opened, &error);

      if (opened)
        post_tunnel_opened (w, id, 0, error);
      if (keep)
        i++;
      else
        g_ptr_array_remove_index (w->tunnels, i);
    }
}

/* The server opens an auth-agent@openssh.com channel for each program on
 * its side that talks to SSH_AUTH_SOCK; it is joined to the local agent.
 * Refused (NULL) unless a channel asked for the agent: a server must not
 * reach it on its own. */
/* The server opens an auth-agent@openssh.com channel for each program on
 * its side that talks to SSH_AUTH_SOCK; it is joined to the local agent.
 * Refused (NULL) unless a channel asked for the agent: a server must not
 * reach it on its own. */
static ssh_channel
agent_channel_cb (ssh_session  session,
                  void        *userdata)
{
  Worker *w = userdata;
  TetherTunnel *t;

  if (!w->agent_requested || w->shared->agent_socket == NULL ||
      (t = _tether_tunnel_new_for_agent (session, w->shared->agent_socket)) == NULL)
    return NULL;
  g_ptr_array_add (w->tunnels, t);
  return _tether_tunnel_get_channel (t);
}

/* Tells every channel it is gone, with @error (NULL for a normal close).
 * After TETHER_EVENT_BROKEN when the connection broke: see the order in
 * tether-connection-private.h. */
static void
drop_channels (Worker       *w,
               const GError *error)
{
  for (guint i = 0; i < w->channels->len; i++)
    {
      WorkerChannel *wc = g_ptr_array_index (w->channels, i);

      if (wc->step != STEP_RUNNING)
        post (w, TETHER_EVENT_CHANNEL_OPENED, wc->object,
              error ? g_error_copy (error)
                    : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The connection was closed before the channel opened.")));
      else
        post (w, TETHER_EVENT_CHANNEL_CLOSED, wc->object, error ? g_error_copy (error) : NULL);
    }
  g_ptr_array_set_size (w->channels, 0);

  /* Closing a tunnel's descriptor is its end: a connection through this
   * one sees its socket closed and breaks too. */
  for (guint i = 0; i < w->tunnels->len; i++)
    {
      TetherTunnel *t = g_ptr_array_index (w->tunnels, i);

      if (!_tether_tunnel_is_open (t))
        post_tunnel_opened (w, _tether_tunnel_get_id (t), 0,
                            error ? g_error_copy (error)
                                  : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         _("The connection was closed before the channel opened.")));
    }
  g_ptr_array_set_size (w->tunnels, 0);
  g_ptr_array_set_size (w->listeners, 0);
}

/* Keepalive: libssh ignores ServerAliveInterval, so it is done here.  Each
 * interval the server stays silent, a keepalive@openssh.com request with
 * want-reply asks it to answer, and any byte from it counts as an answer.
 * As OpenSSH documents ServerAliveCountMax, the connection is Broken once
 * the server was silent for interval × max_missed, not one interval more. */
static gboolean
keepalive (Worker  *w,
           gint64   now,
           GError **error)
{
  gint64 interval = (gint64) w->shared->keepalive_ms * 1000;
  guint max_missed = w->shared->keepalive_max_missed;
  gint64 silent = now - w->last_rx;

  if (silent < interval * (w->missed + 1))
    return TRUE;

  w->missed = (guint) MIN (silent / interval, (gint64) max_missed);
  if (w->missed >= max_missed)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN,
                   ngettext ("The connection to %s stopped answering: %u keepalive interval went by without a reply. Check the network, then connect the session again.",
                             "The connection to %s stopped answering: %u keepalive intervals in a row went by without a reply. Check the network, then connect the session again.",
                             max_missed),
                   w->shared->key, max_missed);
      return FALSE;
    }

  /* In non-blocking mode the first call after a reply only collects that
   * reply and resets libssh's request state; the second sends.  When a
   * request is still pending both only poll: never two in flight. */
  ssh_send_keepalive (w->ssh);
  ssh_send_keepalive (w->ssh);
  return TRUE;
}

/* A probe (tether_connection_check()) any byte answers; none within
 * PROBE_TIMEOUT_US means the connection is lost. */
static gboolean
probe (Worker  *w,
       gint64   now,
       GError **error)
{
  if (w->probe_sent == 0)
    return TRUE;
  if (w->last_rx >= w->probe_sent)
    {
      w->probe_sent = 0;
      return TRUE;
    }
  if (now < w->probe_sent + PROBE_TIMEOUT_US)
    return TRUE;

  g_set_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN,
               _("The connection to %s did not answer within 3 seconds when Tether checked it, after the network changed or the computer woke up. Check the network, then connect the session again."),
               w->shared->key);
  return FALSE;
}

/* Until the next keepalive (or the probe's deadline) is due. */
static int
poll_timeout (Worker *w)
{
  gint64 next = w->last_rx + (gint64) w->shared->keepalive_ms * 1000 * (w->missed + 1);
  /* Rounded up: waking a little early would only spin. */
  gint64 wait;

  if (w->probe_sent != 0)
    next = MIN (next, w->probe_sent + PROBE_TIMEOUT_US);
  wait = (next - g_get_monotonic_time () + 999) / 1000;

  return (int) CLAMP (wait, 0, G_MAXINT);
}

static GError *
lost_error (Worker *w)
{
  /* Through a jump host, its loss is the likelier cause: name it. */
  if (w->shared->via != NULL)
    return g_error_new (TETHER_ERROR, TETHER_ERROR_BROKEN,
                        _("The connection to %s through the jump host %s was lost (%s). Connect the session again when both are reachable."),
                        w->shared->key, w->shared->via, ssh_get_error (w->ssh));
  return g_error_new (TETHER_ERROR, TETHER_ERROR_BROKEN,
                      _("The connection to %s was lost (%s). Connect the session again when the server is reachable."),
                      w->shared->key, ssh_get_error (w->ssh));
}

/* Returns NULL when the main side closed the connection, or why it broke. */
static GError *
io_loop (Worker *w)
{
  GError *error = NULL;
  guint64 rx_seen = 0;

  w->last_rx = g_get_monotonic_time ();
  memset (&w->rx, 0, sizeof w->rx);
  ssh_set_counters (w->ssh, NULL, &w->rx);

  for (;;)
    {
      struct pollfd *fds;
      gint64 now;
      guint64 count;
      int timeout;

      g_array_set_size (w->pollfds, 2 + w->tunnels->len);
      fds = (struct pollfd *) (void *) w->pollfds->data;
      fds[0] = (struct pollfd) { .fd = w->fd, .events = POLLIN };
      fds[1] = (struct pollfd) { .fd = w->shared->wake_fd, .events = POLLIN };
      for (guint i = 0; i < w->tunnels->len; i++)
        _tether_tunnel_get_pollfd (g_ptr_array_index (w->tunnels, i), &fds[2 + i]);

      if (ssh_get_poll_flags (w->ssh) & SSH_WRITE_PENDING)
        fds[0].events |= POLLOUT;

      /* Not only ssh_event_dopoll() reads the socket: so does a
       * channel's poll, which finds its stream empty and reads on, and the
       * packets it reads may hold output for a stream or a channel looked
       * at before it.  Sleeping then on the drained socket would leave
       * that output unread until the next keepalive (15 s; a re-attach
       * waited that long now and then): after a pass that received
       * anything, look again at once. */
      timeout = w->rx.in_packets != rx_seen ? 0 : poll_timeout (w);
      rx_seen = w->rx.in_packets;
      if (poll (fds, w->pollfds->len, timeout) < 0 && errno != EINTR)
        return lost_error (w);

      now = g_get_monotonic_time ();
      if (fds[0].revents & (POLLIN | POLLERR | POLLHUP))
        {
          w->last_rx = now;
          w->missed = 0;
        }
      if ((fds[1].revents & POLLIN) && read (w->shared->wake_fd, &count, sizeof count) < 0)
        count = 0;
      for (guint i = 0; i < w->tunnels->len; i++)
        _tether_tunnel_set_revents (g_ptr_array_index (w->tunnels, i), fds[2 + i].revents);

      ssh_event_dopoll (w->event, 0);
      if (fds[0].revents & POLLIN)
        _tether_ssh_worker_quick_ack (w->fd);

      if (!run_commands (w))
        return NULL;
      service_channels (w);
      _tether_remote_accept (w->ssh, w->listeners, w->tunnels, w->shared->timeout_s);
      service_tunnels (w);

      if (!ssh_is_connected (w->ssh) || (fds[0].revents & (POLLERR | POLLHUP)))
        return lost_error (w);
      if (!keepalive (w, now, &error) || !probe (w, now, &error))
        return error;
    }
}

static void
worker_free (Worker *w)
{
  g_ptr_array_unref (w->channels);
  g_ptr_array_unref (w->tunnels);
  g_ptr_array_unref (w->listeners);
  g_array_unref (w->pollfds);
  if (w->event != NULL)
    {
      ssh_event_remove_session (w->event, w->ssh);
      ssh_event_free (w->event);
    }
  if (w->ssh != NULL)
    {
      /* Measured on libssh 0.10.6 with SSH_OPTIONS_FD: once ssh_connect()
       * was called, its error paths and ssh_free() close the socket, but
       * ssh_disconnect() lets go of it without closing it. */
      if (ssh_is_connected (w->ssh))
        {
          ssh_disconnect (w->ssh);
          w->ssh_owns_fd = FALSE;
        }
      ssh_free (w->ssh);
    }

  if (w->fd >= 0 && !w->ssh_owns_fd)
    close (w->fd);

  g_mutex_lock (&w->shared->mutex);
  w->shared->socket_fd = -1;
  if (w->shared->tunnel_fd >= 0)
    close (w->shared->tunnel_fd);
  w->shared->tunnel_fd = -1;
  g_mutex_unlock (&w->shared->mutex);
  if (w->socket != NULL)
    g_io_stream_close (G_IO_STREAM (w->socket), NULL, NULL);
  g_clear_object (&w->socket);
  /* Its socket is closed: a well-behaved proxy has ended; one that has
   * not is not left behind. */
  if (w->proxy != NULL)
    g_subprocess_force_exit (w->proxy);
  g_clear_object (&w->proxy);

  _tether_connection_shared_unref (w->shared);
  g_free (w);
}

gpointer
_tether_ssh_worker_run (gpointer data)
{
  Worker *w = g_new0 (Worker, 1);
  TetherEvent *event;
  GError *error = NULL;

  w->shared = data;
  w->fd = -1;
  w->channels = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_channel_free);
  w->tunnels = g_ptr_array_new_with_free_func ((GDestroyNotify) _tether_tunnel_free);
  w->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) _tether_remote_listener_free);
  w->pollfds = g_array_new (FALSE, TRUE, sizeof (struct pollfd));
  tether_ssh_init ();

  event = g_new0 (TetherEvent, 1);
  event->type = TETHER_EVENT_CONNECTED;
  if (!_tether_ssh_worker_connect (w, &error))
    {
      event->error = error;
      _tether_connection_post_event (w->shared, event);
      worker_free (w);
      return NULL;
    }

  ssh_set_blocking (w->ssh, 0);
  w->callbacks.userdata = w;
  w->callbacks.channel_open_request_auth_agent_function = agent_channel_cb;
  ssh_callbacks_init (&w->callbacks);
  ssh_set_callbacks (w->ssh, &w->callbacks);
  w->event = ssh_event_new ();
  ssh_event_add_session (w->event, w->ssh);
  _tether_connection_post_event (w->shared, event);

  /* Why the connection broke comes before its channels' ends, so that the
   * sessions on it are Broken by the time their shells report closed. */
  error = io_loop (w);
  if (error != NULL)
    post (w, TETHER_EVENT_BROKEN, NULL, g_error_copy (error));
  drop_channels (w, error);
  g_clear_error (&error);
  post (w, TETHER_EVENT_FINISHED, NULL, NULL);

  worker_free (w);
  return NULL;
}
