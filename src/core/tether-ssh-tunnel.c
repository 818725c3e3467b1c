/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-ssh-tunnel.h"

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
