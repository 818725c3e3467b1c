/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-socks.h"

/*
 * Only CONNECT, without authentication: what `curl --socks5-hostname`,
 * browsers and `ssh -o ProxyCommand='nc -X 5 …'` use.  The handshake runs
 * on a thread with blocking reads (a client that never speaks costs a
 * thread for SOCKS_TIMEOUT_S, not the main loop), before any tunnel is
 * opened; the success reply is sent by the connection's worker once the
 * tunnel is open, ahead of any byte from the remote side.
 */

#define SOCKS_TIMEOUT_S 10

void
_tether_socks_request_free (TetherSocksRequest *request)
{
  g_clear_object (&request->client);
  g_free (request->host);
  g_clear_pointer (&request->reply, g_bytes_unref);
  g_free (request);
}

static gboolean
read_exact (GSocket       *socket,
            guint8        *buffer,
            gsize          size,
            GCancellable  *cancellable,
            GError       **error)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = g_socket_receive (socket, (char *) buffer + done, size - done, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               _("The SOCKS client closed the connection during the handshake."));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
send_all (GSocket       *socket,
          const guint8  *data,
          gsize          size,
          GCancellable  *cancellable,
          GError       **error)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = g_socket_send (socket, (const char *) data + done, size - done, cancellable, error);

      if (n < 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* A NUL-terminated string of at most 255 bytes. */
static char *
read_string (GSocket       *socket,
             GCancellable  *cancellable,
             GError       **error)
{
  GString *text = g_string_new (NULL);

  for (;;)
    {
      guint8 c;

      if (!read_exact (socket, &c, 1, cancellable, error))
        break;
      if (c == '\0')
        return g_string_free (text, FALSE);
      if (text->len >= 255)
        {
          g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                               _("The SOCKS client sent a name longer than 255 bytes."));
          break;
        }
      g_string_append_c (text, (char) c);
    }
  g_string_free (text, TRUE);
  return NULL;
}

static gboolean
socks4 (GSocket             *socket,
        TetherSocksRequest  *request,
        GCancellable        *cancellable,
        GError             **error)
{
  static const guint8 refused[8] = { 0, 0x5b };
  static const guint8 granted[8] = { 0, 0x5a };
  g_autofree char *user = NULL;
  guint8 head[7];
  char address[INET_ADDRSTRLEN];

  /* After the version: command, port, IPv4 address, user id. */
  if (!read_exact (socket, head, sizeof head, cancellable, error) ||
      (user = read_string (socket, cancellable, error)) == NULL)
    return FALSE;
  if (head[0] != 1)
    {
      send_all (socket, refused, sizeof refused, cancellable, NULL);
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                           _("The SOCKS client asked for something other than a connection."));
      return FALSE;
    }
  request->port = (guint) head[1] << 8 | head[2];
  /* SOCKS 4a: 0.0.0.x, x ≠ 0, means the name follows. */
  if (head[3] == 0 && head[4] == 0 && head[5] == 0 && head[6] != 0)
    request->host = read_string (socket, cancellable, error);
  else
    request->host = g_strdup (inet_ntop (AF_INET, head + 3, address, sizeof address));
  request->reply = g_bytes_new_static (granted, sizeof granted);
  return request->host != NULL;
}

static gboolean
socks5 (GSocket             *socket,
        TetherSocksRequest  *request,
        GCancellable        *cancellable,
        GError             **error)
{
  static const guint8 granted[10] = { 5, 0, 0, 1 };
  static const guint8 no_method[2] = { 5, 0xff };
  static const guint8 no_auth[2] = { 5, 0 };
  static const guint8 unsupported[10] = { 5, 7, 0, 1 };
  guint8 buffer[256];
  guint8 head[4];
  char address[INET6_ADDRSTRLEN];

  if (!read_exact (socket, buffer, 1, cancellable, error) ||
      !read_exact (socket, buffer + 1, buffer[0], cancellable, error))
    return FALSE;
  if (memchr (buffer + 1, 0, buffer[0]) == NULL)
    {
      send_all (socket, no_method, sizeof no_method, cancellable, NULL);
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                           _("The SOCKS client wants to authenticate, which Tether’s SOCKS forward does not ask."));
      return FALSE;
    }
  if (!send_all (socket, no_auth, sizeof no_auth, cancellable, error) ||
      !read_exact (socket, head, sizeof head, cancellable, error))
    return FALSE;
  if (head[0] != 5 || head[1] != 1)
    {
      send_all (socket, unsupported, sizeof unsupported, cancellable, NULL);
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                           _("The SOCKS client asked for something other than a connection."));
      return FALSE;
    }

  switch (head[3])
    {
    case 1:
      if (!read_exact (socket, buffer, 4, cancellable, error))
        return FALSE;
      request->host = g_strdup (inet_ntop (AF_INET, buffer, address, sizeof address));
      break;
    case 3:
      if (!read_exact (socket, buffer, 1, cancellable, error) ||
          !read_exact (socket, buffer + 1, buffer[0], cancellable, error))
        return FALSE;
      request->host = g_strndup ((const char *) buffer + 1, buffer[0]);
      break;
    case 4:
      if (!read_exact (socket, buffer, 16, cancellable, error))
        return FALSE;
      request->host = g_strdup (inet_ntop (AF_INET6, buffer, address, sizeof address));
      break;
    default:
      send_all (socket, unsupported, sizeof unsupported, cancellable, NULL);
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                           _("The SOCKS client sent an address of an unknown type."));
      return FALSE;
    }
  if (!read_exact (socket, buffer, 2, cancellable, error))
    return FALSE;
  request->port = (guint) buffer[0] << 8 | buffer[1];
  request->reply = g_bytes_new_static (granted, sizeof granted);
  return TRUE;
}

static void
handshake_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  GSocketConnection *client = data;
  GSocket *socket = g_socket_connection_get_socket (client);
  g_autoptr(TetherSocksRequest) request = g_new0 (TetherSocksRequest, 1);
  GError *error = NULL;
  guint8 version;
  gboolean ok;

  request->client = g_object_ref (client);
  g_socket_set_blocking (socket, TRUE);
  g_socket_set_timeout (socket, SOCKS_TIMEOUT_S);
  if (!read_exact (socket, &version, 1, cancellable, &error))
    ok = FALSE;
  else if (version == 4)
    ok = socks4 (socket, request, cancellable, &error);
  else if (version == 5)
    ok = socks5 (socket, request, cancellable, &error);
  else
    {
      g_set_error (&error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                   _("The client of the SOCKS forward does not speak SOCKS 4 or 5 (first byte %u)."),
                   version);
      ok = FALSE;
    }
  g_socket_set_timeout (socket, 0);

  if (ok)
    g_task_return_pointer (task, g_steal_pointer (&request), (GDestroyNotify) _tether_socks_request_free);
  else
    g_task_return_error (task, error);
}

void
_tether_socks_handshake_async (GObject             *source,
                               GSocketConnection   *client,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, _tether_socks_handshake_async);
  g_task_set_task_data (task, g_object_ref (client), g_object_unref);
  g_task_run_in_thread (task, handshake_thread);
}

TetherSocksRequest *
_tether_socks_handshake_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _tether_socks_handshake_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
