/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-ssh-auth.h"
#include "tether-ssh-tunnel.h"
#include "tether-ssh-worker-private.h"
#include "tether-util.h"

/*
 * The worker's first half, on its own thread: a socket (TCP, the user's
 * ProxyCommand, or a tunnel through a jump host), libssh's options from the
 * resolved target, the handshake, the host key and the login.
 */

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

void
_tether_ssh_worker_quick_ack (int fd)
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
  w->fd = tether_dup_cloexec (w->shared->tunnel_fd);
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
  w->fd = tether_dup_cloexec (g_socket_get_fd (socket));
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

  if (_tether_ssh_worker_is_closing (w))
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

gboolean
_tether_ssh_worker_connect (Worker  *w,
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

