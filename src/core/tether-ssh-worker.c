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
#include <sys/socket.h>
#include <unistd.h>

#include "tether-connection-private.h"
#include "tether-error.h"
#include "tether-ssh-auth.h"
#include "tether-ssh-tunnel.h"

/*
 * The worker thread owns the libssh session for its whole life: it connects
 * (blocking, which is fine off the main thread), checks the host key, logs
 * in, then switches the session to non-blocking and runs the I/O loop.  No
 * other thread ever touches the session, which is what libssh requires.
 */

typedef enum {
  STEP_OPEN,
  STEP_AGENT,
  STEP_PTY,
  STEP_START,
  STEP_RUNNING,
} ChannelStep;

typedef struct {
  TetherChannel *object;
  ssh_channel    channel;
  ChannelStep    step;
  char          *command;
  guint          columns;
  guint          rows;
  GByteArray    *pending;          /* written by the main side, not sent yet */
  gboolean       eof_requested;
  gboolean       close_requested;
  gboolean       resize_requested;
  gboolean       forward_agent;
} WorkerChannel;

typedef struct {
  TetherConnectionShared *shared;
  ssh_session             ssh;
  ssh_event               event;
  GSocketConnection      *socket;
  GSubprocess            *proxy;      /* the ProxyCommand, if any */
  int                     fd;          /* libssh's duplicate of the socket */
  gboolean                ssh_owns_fd; /* libssh will close it (see worker_free) */
  GPtrArray              *channels;   /* WorkerChannel* */
  GPtrArray              *tunnels;    /* TetherTunnel* */
  GPtrArray              *listeners;  /* TetherRemoteListener* */
  GArray                 *pollfds;    /* struct pollfd: socket, wake, tunnels */
  struct ssh_callbacks_struct callbacks;
  gboolean                agent_requested;  /* a channel asked for the agent */
  gint64                  last_rx;
  guint                   missed;      /* keepalive intervals without a byte */
  gint64                  probe_sent;  /* a probe waits for a byte since then */
} Worker;

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

static gboolean
is_closing (Worker *w)
{
  gboolean closing;

  g_mutex_lock (&w->shared->mutex);
  closing = w->shared->closing;
  g_mutex_unlock (&w->shared->mutex);
  return closing;
}

/* Connecting */

static GError *
tcp_error (Worker *w,
           GError *error)
{
  TetherConnectionShared *s = w->shared;
  GError *result;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain == G_RESOLVER_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    result = g_error_new (TETHER_ERROR, TETHER_ERROR_HOST_NOT_FOUND,
                          _("The computer “%s” could not be found. Check the name, or your network connection and DNS settings."),
                          s->host);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    result = g_error_new (TETHER_ERROR, TETHER_ERROR_CONNECTION_REFUSED,
                          _("The computer “%s” refused the connection on port %u. Check that an SSH server runs there and that the port is right."),
                          s->host, s->port);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    result = g_error_new (TETHER_ERROR, TETHER_ERROR_TIMED_OUT,
                          ngettext ("Connecting to “%s” on port %u took longer than %u second. Check that the computer is on and reachable, or raise the connection timeout in Preferences.",
                                    "Connecting to “%s” on port %u took longer than %u seconds. Check that the computer is on and reachable, or raise the connection timeout in Preferences.",
                                    s->timeout_s),
                          s->host, s->port, s->timeout_s);
  else
    result = g_error_new (TETHER_ERROR, TETHER_ERROR_FAILED,
                          _("Tether could not reach “%s” on port %u (%s). Check your network connection and the address."),
                          s->host, s->port, error->message);

  g_error_free (error);
  return result;
}

static void
tune_socket (int   fd,
             guint timeout_s)
{
  int one = 1;
  int idle = 5, interval = 2, count = 3;
  unsigned int user_timeout = timeout_s * 1000;

  /* Latency: without TCP_NODELAY every small packet waits for Nagle
   * (33 → 73 ms per login measured here). */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  /* A peer that vanishes (cable, firewall) turns into a socket error instead
   * of silence: unacknowledged data fails after the timeout. */
  setsockopt (fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  setsockopt (fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
}

static void
quick_ack (int fd)
{
  int one = 1;

  /* Linux falls back to delayed ACKs after a while; a request that waits for
   * our ACK then costs ~40 ms (measured: first channel 45 → 4 ms). */
  setsockopt (fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* Through a jump host: the socket is one end of a socket pair whose other
 * end the jump connection's worker bridges to a `direct-tcpip` channel. */
static gboolean
tunnel_connect (Worker  *w,
                GError **error)
{
  w->fd = dup (w->shared->tunnel_fd);
  if (w->fd < 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Tether could not start a connection (%s). Close some sessions and try again."),
                   g_strerror (errno));
      return FALSE;
    }

  g_mutex_lock (&w->shared->mutex);
  w->shared->socket_fd = w->shared->tunnel_fd;
  g_mutex_unlock (&w->shared->mutex);
  return TRUE;
}

/* ProxyCommand: the user's command speaks SSH for the socket. */
static gboolean
proxy_connect (Worker  *w,
               GError **error)
{
  int fd;

  w->proxy = _tether_proxy_spawn (w->shared->proxy_command, w->shared->resolved->alias, &fd, error);
  if (w->proxy == NULL)
    return FALSE;
  g_mutex_lock (&w->shared->mutex);
  w->shared->tunnel_fd = fd;
  g_mutex_unlock (&w->shared->mutex);
  return tunnel_connect (w, error);
}

static gboolean
tcp_connect (Worker  *w,
             GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = g_network_address_new (w->shared->host, w->shared->port);
  g_autoptr(GError) local_error = NULL;
  GSocket *socket;

  if (w->shared->tunnel_fd >= 0)
    return tunnel_connect (w, error);
  if (w->shared->proxy_command != NULL)
    return proxy_connect (w, error);

  g_socket_client_set_timeout (client, w->shared->timeout_s);
  w->socket = g_socket_client_connect (client, address, w->shared->cancellable, &local_error);
  if (w->socket == NULL)
    {
      *error = tcp_error (w, g_steal_pointer (&local_error));
      return FALSE;
    }

  socket = g_socket_connection_get_socket (w->socket);
  /* The GSocket's own timeout would only apply to GIO calls; libssh uses
   * SSH_OPTIONS_TIMEOUT on the raw fd. */
  g_socket_set_timeout (socket, 0);
  tune_socket (g_socket_get_fd (socket), w->shared->timeout_s);

  /* libssh closes a socket given with SSH_OPTIONS_FD once it has tried to
   * connect on it (measured), and GSocket closes its own: two owners would
   * mean a double close, which may hit a descriptor another thread has just
   * opened.  libssh gets a duplicate of its own; the original stays open
   * until the worker ends, so that shutdown() from the main side can always
   * abort a blocking libssh call safely. */
  w->fd = dup (g_socket_get_fd (socket));
  if (w->fd < 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Tether could not start a connection (%s). Close some sessions and try again."),
                   g_strerror (errno));
      return FALSE;
    }

  g_mutex_lock (&w->shared->mutex);
  w->shared->socket_fd = g_socket_get_fd (socket);
  g_mutex_unlock (&w->shared->mutex);
  return TRUE;
}

/* The algorithm lists the configuration changed (ssh -G). */
static gboolean
set_algorithms (Worker  *w,
                GError **error)
{
  const TetherResolvedTarget *r = w->shared->resolved;
  const struct {
    enum ssh_options_e  option;
    const char         *value;
    const char         *keyword;
  } lists[] = {
    { SSH_OPTIONS_CIPHERS_C_S, r->ciphers, "Ciphers" },
    { SSH_OPTIONS_CIPHERS_S_C, r->ciphers, "Ciphers" },
    { SSH_OPTIONS_KEY_EXCHANGE, r->kex_algorithms, "KexAlgorithms" },
    { SSH_OPTIONS_HOSTKEYS, r->host_key_algorithms, "HostKeyAlgorithms" },
    { SSH_OPTIONS_HMAC_C_S, r->macs, "MACs" },
    { SSH_OPTIONS_HMAC_S_C, r->macs, "MACs" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      if (lists[i].value == NULL || ssh_options_set (w->ssh, lists[i].option, lists[i].value) == SSH_OK)
        continue;
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
                   _("Tether supports none of the algorithms that %s lists for “%s” in your SSH configuration (%s). Add one that libssh supports, or remove the line."),
                   lists[i].keyword, r->alias, ssh_get_error (w->ssh));
      return FALSE;
    }
  return TRUE;
}

/* What `ssh -G` resolved: keys, known_hosts files, algorithms, compression. */
static gboolean
apply_resolved (Worker  *w,
                GError **error)
{
  const TetherResolvedTarget *r = w->shared->resolved;
  guint n_identities = g_strv_length (r->identity_files);

  if (r->user_known_hosts_files[0] != NULL)
    ssh_options_set (w->ssh, SSH_OPTIONS_KNOWNHOSTS, r->user_known_hosts_files[0]);
  if (r->global_known_hosts_files[0] != NULL)
    ssh_options_set (w->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, r->global_known_hosts_files[0]);

  /* SSH_OPTIONS_IDENTITY prepends: the last one set is tried first. */
  for (guint i = n_identities; i > 0; i--)
    ssh_options_set (w->ssh, SSH_OPTIONS_IDENTITY, r->identity_files[i - 1]);

  /* libssh offers every key of the agent, which IdentitiesOnly is there to
   * prevent (servers refuse after a few): the keys come from the files
   * only.  libssh has no switch for its agent and refuses an empty socket
   * path: /dev/null is one no agent ever answers on. */
  if (r->identities_only || g_strcmp0 (r->identity_agent, "none") == 0)
    ssh_options_set (w->ssh, SSH_OPTIONS_IDENTITY_AGENT, "/dev/null");
  else if (r->identity_agent != NULL)
    ssh_options_set (w->ssh, SSH_OPTIONS_IDENTITY_AGENT, r->identity_agent);

  if (r->compression)
    ssh_options_set (w->ssh, SSH_OPTIONS_COMPRESSION, "yes");
  return set_algorithms (w, error);
}

static gboolean
ssh_setup (Worker  *w,
           GError **error)
{
  TetherConnectionShared *s = w->shared;
  g_autofree char *known_hosts = g_build_filename (s->ssh_dir, "known_hosts", NULL);
  long timeout = s->timeout_s;
  int no = 0, quiet = SSH_LOG_NOLOG;
  socket_t fd = w->fd;

  w->ssh = ssh_new ();
  if (w->ssh == NULL)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                           _("Tether ran out of memory while connecting. Close some sessions and try again."));
      return FALSE;
    }

  /* Everything explicit: libssh would otherwise read ~/.ssh/config again at
   * connect and look for ~/.ssh in the passwd entry's home, not $HOME. */
  ssh_options_set (w->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set (w->ssh, SSH_OPTIONS_SSH_DIR, s->ssh_dir);
  ssh_options_set (w->ssh, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
  ssh_options_set (w->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/etc/ssh/ssh_known_hosts");

  /* Without OpenSSH's client, libssh applies the file itself for the alias
   * (tether-target-resolve.c)... */
  if (s->resolved->config_file != NULL)
    {
      ssh_options_set (w->ssh, SSH_OPTIONS_HOST, s->resolved->alias);
      ssh_options_parse_config (w->ssh, s->resolved->config_file);
    }
  else if (!apply_resolved (w, error))
    return FALSE;

  /* ...then what Tether decides itself, which the config must not change:
   * where to go (already resolved, explicit user and port winning), its own
   * socket and timeout, and no libssh logging on the user's terminal. */
  ssh_options_set (w->ssh, SSH_OPTIONS_HOST, s->host);
  ssh_options_set (w->ssh, SSH_OPTIONS_PORT, &s->port);
  /* A session's own known hosts file (the Demo's) wins over the config's
   * UserKnownHostsFile. */
  if (s->known_hosts_file != NULL)
    ssh_options_set (w->ssh, SSH_OPTIONS_KNOWNHOSTS, s->known_hosts_file);
  ssh_options_set (w->ssh, SSH_OPTIONS_USER, s->user);
  ssh_options_set (w->ssh, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set (w->ssh, SSH_OPTIONS_LOG_VERBOSITY, &quiet);
  ssh_options_set (w->ssh, SSH_OPTIONS_FD, &fd);

  /* The session's own key is tried before the config's and the default
   * ones, as `ssh -i` would. */
  if (s->identity_file != NULL)
    ssh_options_set (w->ssh, SSH_OPTIONS_IDENTITY, s->identity_file);

  return TRUE;
}

static gboolean
ssh_handshake (Worker  *w,
               GError **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 limit = (gint64) w->shared->timeout_s * G_USEC_PER_SEC;

  w->ssh_owns_fd = TRUE;
  if (ssh_connect (w->ssh) == SSH_OK)
    return TRUE;

  if (is_closing (w))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The connection was closed before it was open."));
  /* libssh gives no error code for a timeout: a server that accepted the TCP
   * connection but never spoke used up the whole time. */
  else if (g_get_monotonic_time () - start >= limit - G_USEC_PER_SEC / 10)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_TIMED_OUT,
                 ngettext ("The server “%s” on port %u accepted the connection but did not answer within %u second. Check that this port belongs to an SSH server, or raise the connection timeout in Preferences.",
                           "The server “%s” on port %u accepted the connection but did not answer within %u seconds. Check that this port belongs to an SSH server, or raise the connection timeout in Preferences.",
                           w->shared->timeout_s),
                 w->shared->host, w->shared->port, w->shared->timeout_s);
  else
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                 _("The SSH handshake with “%s” on port %u failed (%s). Check that this port belongs to an SSH server."),
                 w->shared->host, w->shared->port, ssh_get_error (w->ssh));
  return FALSE;
}

static gboolean
worker_connect (Worker  *w,
                GError **error)
{
  if (tcp_connect (w, error)
      && ssh_setup (w, error)
      && ssh_handshake (w, error)
      && _tether_ssh_check_host_key (w->ssh, w->shared, error)
      && _tether_ssh_authenticate (w->ssh, w->shared, error))
    return TRUE;
  if (w->proxy != NULL)
    _tether_proxy_explain (w->proxy, w->shared->resolved->alias, error);
  return FALSE;
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
          gsize credit = _tether_channel_get_credit (wc->object);
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
          if (avail <= 0 || (gsize) avail > credit)
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

  w->last_rx = g_get_monotonic_time ();

  for (;;)
    {
      struct pollfd *fds;
      gint64 now;
      guint64 count;

      g_array_set_size (w->pollfds, 2 + w->tunnels->len);
      fds = (struct pollfd *) (void *) w->pollfds->data;
      fds[0] = (struct pollfd) { .fd = w->fd, .events = POLLIN };
      fds[1] = (struct pollfd) { .fd = w->shared->wake_fd, .events = POLLIN };
      for (guint i = 0; i < w->tunnels->len; i++)
        _tether_tunnel_get_pollfd (g_ptr_array_index (w->tunnels, i), &fds[2 + i]);

      if (ssh_get_poll_flags (w->ssh) & SSH_WRITE_PENDING)
        fds[0].events |= POLLOUT;

      if (poll (fds, w->pollfds->len, poll_timeout (w)) < 0 && errno != EINTR)
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
        quick_ack (w->fd);

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
  if (!worker_connect (w, &error))
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
