/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>
#include <libssh/server.h>   /* ssh_send_keepalive(), usable by clients too */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-ssh-tunnel.h"
#include "tether-util.h"

/*
 * A tunnel joins a local file descriptor (one end of a socket pair whose
 * other end a jump's next connection uses, or an accepted socket of a
 * forward) to a `direct-tcpip` channel, on the worker thread that owns the
 * libssh session.  Bytes are copied both ways with at most one buffer each
 * way: while a buffer holds data, its source is not read, so a slow side
 * slows the other down instead of filling the memory.
 */

#define CHUNK (64 * 1024)

typedef enum {
  TUNNEL_OPENING,
  TUNNEL_RUNNING,
} TunnelStep;

struct _TetherTunnel {
  guint        id;
  ssh_session  ssh;
  ssh_channel  channel;
  TunnelStep   step;
  char        *host;
  guint        port;
  int          fd;
  GByteArray  *to_channel;
  GByteArray  *to_fd;
  gboolean     fd_eof;        /* the local side sent EOF */
  gboolean     eof_sent;      /* ...and it went on to the channel */
  gboolean     channel_eof;   /* the remote side sent EOF, passed on */
  short        revents;
};

TetherTunnel *
_tether_tunnel_new (ssh_session  ssh,
                    guint        id,
                    const char  *host,
                    guint        port,
                    int          fd,
                    GBytes      *reply)
{
  TetherTunnel *t = g_new0 (TetherTunnel, 1);

  t->id = id;
  t->ssh = ssh;
  t->channel = ssh_channel_new (ssh);
  t->host = g_strdup (host);
  t->port = port;
  t->fd = fd;
  t->to_channel = g_byte_array_new ();
  t->to_fd = g_byte_array_new ();
  /* What the local side must read first once the channel is open (a SOCKS
   * reply), before anything from the remote side. */
  if (reply != NULL)
    g_byte_array_append (t->to_fd, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  return t;
}

void
_tether_tunnel_free (TetherTunnel *t)
{
  if (t->channel != NULL)
    {
      /* Only a channel that opened may be closed: closing a refused one
       * would close remote channel 0 (see the libssh notes). */
      if (t->step == TUNNEL_RUNNING && ssh_channel_is_open (t->channel))
        ssh_channel_close (t->channel);
      ssh_channel_free (t->channel);
    }
  if (t->fd >= 0)
    close (t->fd);
  g_free (t->host);
  g_byte_array_unref (t->to_channel);
  g_byte_array_unref (t->to_fd);
  g_free (t);
}

guint
_tether_tunnel_get_id (TetherTunnel *t)
{
  return t->id;
}

gboolean
_tether_tunnel_is_open (TetherTunnel *t)
{
  return t->step == TUNNEL_RUNNING;
}

void
_tether_tunnel_get_pollfd (TetherTunnel  *t,
                           struct pollfd *pfd)
{
  pfd->fd = t->fd;
  pfd->events = 0;
  pfd->revents = 0;
  if (t->step != TUNNEL_RUNNING)
    {
      pfd->fd = -1;
      return;
    }
  if (!t->fd_eof && t->to_channel->len == 0)
    pfd->events |= POLLIN;
  if (t->to_fd->len > 0)
    pfd->events |= POLLOUT;
  /* POLLHUP is reported whatever the events: once the local side is gone
   * and nothing is left to send it, poll() would spin on it. */
  if (pfd->events == 0)
    pfd->fd = -1;
}

void
_tether_tunnel_set_revents (TetherTunnel *t,
                            short         revents)
{
  t->revents = revents;
}

static GError *
refused_error (TetherTunnel *t,
               const char   *via)
{
  return g_error_new (TETHER_ERROR, TETHER_ERROR_CHANNEL_REFUSED,
                      _("The server %s refused to connect on to “%s” port %u (%s). Check that the address is reachable from it and that its sshd allows TCP forwarding (AllowTcpForwarding, PermitOpen)."),
                      via, t->host, t->port, ssh_get_error (t->ssh));
}

/* Sends what the local side wrote; FALSE when the channel failed. */
static gboolean
flush_to_channel (TetherTunnel *t)
{
  while (t->to_channel->len > 0)
    {
      int n = ssh_channel_write (t->channel, t->to_channel->data, t->to_channel->len);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      g_byte_array_remove_range (t->to_channel, 0, (guint) n);
    }
  if (t->fd_eof && !t->eof_sent && t->to_channel->len == 0)
    {
      ssh_channel_send_eof (t->channel);
      t->eof_sent = TRUE;
    }
  return TRUE;
}

/* Writes what the remote side sent; FALSE when the local side is gone. */
static gboolean
flush_to_fd (TetherTunnel *t)
{
  while (t->to_fd->len > 0)
    {
      ssize_t n = write (t->fd, t->to_fd->data, t->to_fd->len);

      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        break;
      if (n <= 0)
        return FALSE;
      g_byte_array_remove_range (t->to_fd, 0, (guint) n);
    }
  if (t->channel_eof && t->to_fd->len == 0)
    shutdown (t->fd, SHUT_WR);
  return TRUE;
}

static gboolean
read_fd (TetherTunnel *t)
{
  guint8 buffer[CHUNK];
  ssize_t n;

  if (t->fd_eof || t->to_channel->len > 0)
    return TRUE;
  n = read (t->fd, buffer, sizeof buffer);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR;
  if (n == 0)
    t->fd_eof = TRUE;
  else
    g_byte_array_append (t->to_channel, buffer, (guint) n);
  return TRUE;
}

static void
read_channel (TetherTunnel *t)
{
  guint8 buffer[CHUNK];
  int n;

  if (t->channel_eof || t->to_fd->len > 0)
    return;
  n = ssh_channel_read_nonblocking (t->channel, buffer, sizeof buffer, 0);
  if (n > 0)
    g_byte_array_append (t->to_fd, buffer, (guint) n);
  else if (n == SSH_EOF || (n == 0 && ssh_channel_is_eof (t->channel)))
    t->channel_eof = TRUE;
}

/* Advances the tunnel.  Returns FALSE once it is finished, the caller then
 * frees it; *@opened tells the caller to report the open (with *@error when
 * it failed). */
gboolean
_tether_tunnel_service (TetherTunnel  *t,
                        const char    *via,
                        gboolean      *opened,
                        GError       **error)
{
  *opened = FALSE;

  if (t->step == TUNNEL_OPENING)
    {
      int rc = ssh_channel_open_forward (t->channel, t->host, (int) t->port, "127.0.0.1", 0);

      if (rc == SSH_AGAIN)
        return TRUE;
      *opened = TRUE;
      if (rc != SSH_OK)
        {
          *error = refused_error (t, via);
          return FALSE;
        }
      t->step = TUNNEL_RUNNING;
    }

  /* Both ways, until nothing moves: one wake-up may bring both a read and
   * a window adjust. */
  for (guint round = 0; round < 8; round++)
    {
      guint before = t->to_channel->len + t->to_fd->len;
      gboolean was_eof = t->fd_eof || t->channel_eof;

      if (!read_fd (t) || !flush_to_channel (t))
        return FALSE;
      read_channel (t);
      if (!flush_to_fd (t))
        return FALSE;
      if (t->to_channel->len + t->to_fd->len == before && was_eof == (t->fd_eof || t->channel_eof))
        break;
    }

  if ((t->revents & (POLLHUP | POLLERR)) && !(t->revents & POLLIN))
    return FALSE;
  /* Over when both sides said EOF and all was passed on, or the server
   * closed the channel and everything it sent was written. */
  if (t->eof_sent && t->channel_eof && t->to_fd->len == 0)
    return FALSE;
  if (ssh_channel_is_closed (t->channel) && t->to_fd->len == 0
      && ssh_channel_poll (t->channel, 0) <= 0)
    return FALSE;
  return TRUE;
}

/* A tunnel for a channel the server opened (a remote forward's
 * connection), already open. */
TetherTunnel *
_tether_tunnel_new_accepted (ssh_session ssh,
                             ssh_channel channel,
                             int         fd)
{
  TetherTunnel *t = _tether_tunnel_new (ssh, 0, "", 0, fd, NULL);

  ssh_channel_free (t->channel);
  t->channel = channel;
  t->step = TUNNEL_RUNNING;
  return t;
}

/* Remote forwards: the server listens (`tcpip-forward`) and opens a
 * `forwarded-tcpip` channel for each connection, which is joined to a
 * connection made here to the destination. */

struct _TetherRemoteListener {
  guint  id;
  char  *bind_address;
  guint  bound_port;
  char  *host;
  guint  port;
};

/* The global request is made in blocking mode, one round trip: libssh has
 * one global request state per session, and a keepalive left pending
 * would take its reply.  The keepalive first collects such a reply (or
 * makes one round trip of its own). */
static int
global_request (ssh_session  ssh,
                const char  *bind_address,
                guint        port,
                int         *bound,
                gboolean     cancel)
{
  int rc;

  ssh_set_blocking (ssh, 1);
  ssh_send_keepalive (ssh);
  rc = cancel ? ssh_channel_cancel_forward (ssh, bind_address, (int) port)
              : ssh_channel_listen_forward (ssh, bind_address, (int) port, bound);
  ssh_set_blocking (ssh, 0);
  return rc;
}

TetherRemoteListener *
_tether_remote_listen (ssh_session   ssh,
                       guint         id,
                       const char   *bind_address,
                       guint         listen_port,
                       const char   *host,
                       guint         port,
                       const char   *via,
                       GError      **error)
{
  TetherRemoteListener *l;
  int bound = 0;

  if (global_request (ssh, bind_address, listen_port, &bound, FALSE) != SSH_OK)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_CHANNEL_REFUSED,
                   _("The server %s refused to listen on port %u for a remote forward (%s). Check that the port is free there and that its sshd allows it (AllowTcpForwarding, GatewayPorts)."),
                   via, listen_port, ssh_get_error (ssh));
      return NULL;
    }

  l = g_new0 (TetherRemoteListener, 1);
  l->id = id;
  l->bind_address = g_strdup (bind_address);
  l->bound_port = listen_port != 0 ? listen_port : (guint) bound;
  l->host = g_strdup (host);
  l->port = port;
  return l;
}

guint
_tether_remote_listener_get_port (TetherRemoteListener *l)
{
  return l->bound_port;
}

void
_tether_remote_listener_free (TetherRemoteListener *l)
{
  g_free (l->bind_address);
  g_free (l->host);
  g_free (l);
}

/* Stops the server's listener @id of @listeners, and drops it (the
 * tunnels it brought stay). */
void
_tether_remote_cancel (ssh_session  ssh,
                       GPtrArray   *listeners,
                       guint        id)
{
  for (guint i = 0; i < listeners->len; i++)
    {
      TetherRemoteListener *l = g_ptr_array_index (listeners, i);

      if (l->id == id)
        {
          global_request (ssh, l->bind_address, l->bound_port, NULL, TRUE);
          g_ptr_array_remove_index (listeners, i);
          return;
        }
    }
}

static int
connect_locally (const char *host,
                 guint       port,
                 guint       timeout_s)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_client_set_timeout (client, timeout_s);
  connection = g_socket_client_connect_to_host (client, host, (guint16) port, NULL, &error);
  if (connection == NULL)
    {
      g_message ("A remote forward could not reach %s port %u: %s", host, port, error->message);
      return -1;
    }
  /* The duplicate outlives the GSocketConnection, which closes its own. */
  return tether_dup_cloexec (g_socket_get_fd (g_socket_connection_get_socket (connection)));
}

/* Takes every connection the server has brought to a listener: a tunnel
 * each, added to @tunnels.  The local connect blocks this worker (a
 * destination is usually on this computer or its network). */
void
_tether_remote_accept (ssh_session  ssh,
                       GPtrArray   *listeners,
                       GPtrArray   *tunnels,
                       guint        timeout_s)
{
  ssh_channel channel;
  int port = 0;

  if (listeners->len == 0)
    return;

  while ((channel = ssh_channel_open_forward_port (ssh, 0, &port, NULL, NULL)) != NULL)
    {
      TetherRemoteListener *found = NULL;
      int fd = -1;

      for (guint i = 0; i < listeners->len; i++)
        {
          TetherRemoteListener *l = g_ptr_array_index (listeners, i);

          if (l->bound_port == (guint) port)
            found = l;
        }
      if (found != NULL)
        fd = connect_locally (found->host, found->port, timeout_s);
      if (fd < 0)
        {
          /* An accepted channel is open: closing it is safe. */
          ssh_channel_close (channel);
          ssh_channel_free (channel);
          continue;
        }
      g_ptr_array_add (tunnels, _tether_tunnel_new_accepted (ssh, channel, fd));
    }
}

ssh_channel
_tether_tunnel_get_channel (TetherTunnel *t)
{
  return t->channel;
}

/* A channel the server opens to reach the agent, joined to the local
 * agent's socket at @path; NULL when it cannot be reached. */
TetherTunnel *
_tether_tunnel_new_for_agent (ssh_session  ssh,
                              const char  *path)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  ssh_channel channel;
  int fd;

  if (strlen (path) >= sizeof address.sun_path)
    return NULL;
  g_strlcpy (address.sun_path, path, sizeof address.sun_path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  if (connect (fd, (struct sockaddr *) &address, sizeof address) < 0 ||
      (channel = ssh_channel_new (ssh)) == NULL)
    {
      close (fd);
      return NULL;
    }
  return _tether_tunnel_new_accepted (ssh, channel, fd);
}

/* ProxyCommand, as OpenSSH runs it: `/bin/sh -c COMMAND` with SSH on its
 * standard input and output (one end of a socket pair, the other in
 * *@fd), its standard error kept for the error message. */
GSubprocess *
_tether_proxy_spawn (const char  *command,
                     const char  *alias,
                     int         *fd,
                     GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) local_error = NULL;
  GSubprocess *proxy;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Tether could not start a connection (%s). Close some sessions and try again."),
                   g_strerror (errno));
      return NULL;
    }
  g_subprocess_launcher_take_stdin_fd (launcher, fds[1]);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (fds[1]));
  proxy = g_subprocess_launcher_spawn (launcher, &local_error, "/bin/sh", "-c", command, NULL);
  if (proxy == NULL)
    {
      close (fds[0]);
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("The ProxyCommand for “%s” in your SSH configuration could not start (%s)."),
                   alias, local_error->message);
      return NULL;
    }
  *fd = fds[0];
  return proxy;
}

/* What the ProxyCommand printed on stderr, until it ended (or a second
 * passed). */
static char *
proxy_stderr (GSubprocess *proxy)
{
  GInputStream *stream = g_subprocess_get_stderr_pipe (proxy);
  g_autoptr(GByteArray) text = g_byte_array_new ();
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  struct pollfd pfd = { .fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (stream)), .events = POLLIN };

  while (text->len < 4096 && g_get_monotonic_time () < deadline)
    {
      guint8 buffer[1024];
      ssize_t n;

      if (poll (&pfd, 1, (int) ((deadline - g_get_monotonic_time ()) / 1000) + 1) <= 0)
        break;
      n = read (pfd.fd, buffer, sizeof buffer);
      if (n <= 0)
        break;
      g_byte_array_append (text, buffer, (guint) n);
    }
  g_byte_array_append (text, (const guint8 *) "", 1);
  return g_utf8_make_valid (g_strstrip ((char *) text->data), -1);
}

/* A connection through the ProxyCommand failed with *@error: the reason
 * the command gave goes first. */
void
_tether_proxy_explain (GSubprocess  *proxy,
                       const char   *alias,
                       GError      **error)
{
  g_autofree char *said = NULL;
  GError *wrapped;

  if (error == NULL || *error == NULL || g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  said = proxy_stderr (proxy);
  if (*said == '\0')
    wrapped = g_error_new (TETHER_ERROR, (*error)->code,
                           _("The ProxyCommand for “%s” in your SSH configuration ended without a word, and: %s"),
                           alias, (*error)->message);
  else
    wrapped = g_error_new (TETHER_ERROR, (*error)->code,
                           _("The ProxyCommand for “%s” in your SSH configuration said: “%s”. %s"),
                           alias, said, (*error)->message);
  g_clear_error (error);
  *error = wrapped;
}
