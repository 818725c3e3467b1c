/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "tether-enums.h"
#include "tether-error.h"
#include "tether-forward.h"
#include "tether-socks.h"
#include "tether-util.h"

/*
 * Local and dynamic forwards listen here, on the main thread (a
 * GSocketService): each connection accepted becomes a tunnel on the
 * session's connection (tether_connection_open_tunnel_async()), after a
 * SOCKS handshake for a dynamic one (on a thread of its own: it waits for
 * the client).  A remote forward asks the server to listen
 * (tether_connection_listen_remote_async()); the connection's worker
 * connects each channel the server opens to the local destination.
 */

struct _TetherForward
{
  GObject             parent_instance;

  TetherForwardKind   kind;
  char               *spec;
  char               *bind_address;   /* NULL: loopback */
  guint               listen_port;
  char               *host;           /* destination (not for -D) */
  guint               port;

  TetherForwardState  state;
  char               *error;
  guint               bound_port;
  TetherConnection   *connection;
  GSocketService     *service;
  guint               remote_id;      /* the server's listener, for -R */
  GCancellable       *cancellable;    /* of this run */
};

G_DEFINE_FINAL_TYPE (TetherForward, tether_forward, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Parsing: [bind_address:]port:host:hostport, or [bind_address:]port for
 * -D, IPv6 addresses in brackets, as ssh(1) reads them. */

static GPtrArray *
split_fields (const char *text)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (TRUE)
    {
      const char *end;

      if (*p == '[')
        {
          const char *close = strchr (p, ']');

          if (close == NULL || (close[1] != ':' && close[1] != '\0'))
            return NULL;
          g_ptr_array_add (fields, g_strndup (p + 1, (gsize) (close - p - 1)));
          end = close + 1;
        }
      else
        {
          end = strchr (p, ':');
          if (end == NULL)
            end = p + strlen (p);
          g_ptr_array_add (fields, g_strndup (p, (gsize) (end - p)));
        }
      if (*end == '\0')
        break;
      p = end + 1;
    }
  return g_steal_pointer (&fields);
}

static gboolean
parse_port (const char *text,
            gboolean    zero_ok,
            guint      *port)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, zero_ok ? 0 : 1, 65535, &value, NULL))
    return FALSE;
  *port = (guint) value;
  return TRUE;
}

static TetherForward *
forward_new (TetherForwardKind  kind,
             const char        *option,
             const char        *value,
             GError           **error)
{
  g_autoptr(TetherForward) self = g_object_new (TETHER_TYPE_FORWARD, NULL);
  g_autoptr(GPtrArray) fields = split_fields (value);
  guint n_dest = kind == TETHER_FORWARD_DYNAMIC ? 0 : 2;
  guint first;

  self->kind = kind;
  self->spec = g_strdup_printf ("%s %s", option, value);
  if (fields == NULL || fields->len < 1 + n_dest || fields->len > 2 + n_dest)
    goto invalid;

  first = fields->len - 1 - n_dest;
  if (first == 1)
    self->bind_address = g_strdup (g_ptr_array_index (fields, 0));
  if (!parse_port (g_ptr_array_index (fields, first), kind == TETHER_FORWARD_REMOTE, &self->listen_port))
    goto invalid;
  if (n_dest > 0)
    {
      self->host = g_strdup (g_ptr_array_index (fields, first + 1));
      if (*self->host == '\0' || !parse_port (g_ptr_array_index (fields, first + 2), FALSE, &self->port))
        goto invalid;
    }
  return g_steal_pointer (&self);

invalid:
  if (kind == TETHER_FORWARD_DYNAMIC)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                 _("The forward “%s” is not valid: write it as “-D [address:]port”, like “-D 1080”."),
                 self->spec);
  else
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                 _("The forward “%s” is not valid: write it as “%s [address:]port:host:hostport”, like “%s 8080:localhost:80”."),
                 self->spec, option, option);
  return NULL;
}

/**
 * tether_forwards_parse:
 * @text: (nullable): forwards as ssh's options write them: `-L 8080:db:5432
 *   -R 9000:localhost:22 -D 1080` (the value may follow the letter directly)
 *
 * Returns: (transfer full) (element-type TetherForward): the forwards,
 *   stopped, or %NULL with @error
 */
GPtrArray *
tether_forwards_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(GPtrArray) forwards = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) argv = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*stripped == '\0')
    return g_steal_pointer (&forwards);
  if (!g_shell_parse_argv (stripped, NULL, &argv, NULL))
    argv = g_strsplit (stripped, " ", -1);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      const char *arg = argv[i];
      const char *value;
      TetherForwardKind kind;
      TetherForward *forward;
      char option[3] = { '-', 0, 0 };

      if (*arg == '\0')
        continue;
      if (arg[0] != '-' || strchr ("LRD", arg[1]) == NULL || arg[1] == '\0')
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” is not a forward: start each one with -L (local), -R (remote) or -D (SOCKS), as ssh does."),
                       arg);
          return NULL;
        }
      option[1] = arg[1];
      kind = arg[1] == 'L' ? TETHER_FORWARD_LOCAL
             : arg[1] == 'R' ? TETHER_FORWARD_REMOTE : TETHER_FORWARD_DYNAMIC;
      value = arg[2] != '\0' ? arg + 2 : argv[++i];
      if (value == NULL)
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("The forward “%s” has no ports: write them after it, like “-L 8080:localhost:80”."),
                       option);
          return NULL;
        }
      if ((forward = forward_new (kind, option, value, error)) == NULL)
        return NULL;
      g_ptr_array_add (forwards, forward);
    }
  return g_steal_pointer (&forwards);
}

static void
add_config_entries (GString            *spec,
                    const char         *option,
                    const char * const *entries,
                    GPtrArray          *skipped)
{
  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (entries[i], " ", -1);
      g_autofree char *value = g_strjoinv (":", parts);
      g_autofree char *one = g_strdup_printf ("%s %s", option, value);
      g_autoptr(GPtrArray) parsed = NULL;

      /* Unix sockets and remote SOCKS (RemoteForward with one port) are
       * not forwards Tether runs. */
      if (g_strv_length (parts) > 2 || (parsed = tether_forwards_parse (one, NULL)) == NULL ||
          strstr (value, "[socks]") != NULL)
        {
          if (skipped != NULL)
            g_ptr_array_add (skipped, g_strdup (entries[i]));
          continue;
        }
      if (spec->len > 0)
        g_string_append_c (spec, ' ');
      g_string_append (spec, one);
    }
}

/**
 * tether_forwards_from_config:
 * @local: (nullable) (array zero-terminated=1): `LocalForward` entries as
 *   `ssh -G` prints them: "LISTEN CONNECT", like "8080 [localhost]:80"
 * @remote: (nullable) (array zero-terminated=1): `RemoteForward` entries
 * @dynamic: (nullable) (array zero-terminated=1): `DynamicForward` entries
 * @skipped: (nullable) (element-type utf8): gets the entries Tether cannot
 *   run (Unix sockets, remote SOCKS), to be reported
 *
 * Returns: (transfer full) (nullable): the same forwards as ssh options,
 *   for tether_forwards_parse(), or %NULL for none
 */
char *
tether_forwards_from_config (const char * const *local,
                             const char * const *remote,
                             const char * const *dynamic,
                             GPtrArray          *skipped)
{
  g_autoptr(GString) spec = g_string_new (NULL);

  add_config_entries (spec, "-L", local, skipped);
  add_config_entries (spec, "-R", remote, skipped);
  add_config_entries (spec, "-D", dynamic, skipped);
  return spec->len > 0 ? g_string_free (g_steal_pointer (&spec), FALSE) : NULL;
}

/* State */

static void
set_state (TetherForward      *self,
           TetherForwardState  state,
           const char         *error)
{
  if (g_strcmp0 (self->error, error) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
fail (TetherForward *self,
      const GError  *error)
{
  g_message ("%s", error->message);
  set_state (self, TETHER_FORWARD_STATE_FAILED, error->message);
}

/* Local and dynamic: the listener */

static int
dup_socket (GSocketConnection *connection)
{
  return tether_dup_cloexec (g_socket_get_fd (g_socket_connection_get_socket (connection)));
}

static void
tunnel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TetherForward) self = user_data;
  g_autoptr(GError) error = NULL;

  /* One refused connection does not stop the forward: the next one may
   * go elsewhere (SOCKS) or find the service back. */
  if (!tether_connection_open_tunnel_finish (TETHER_CONNECTION (object), result, &error))
    g_message ("%s: %s", self->spec, error->message);
}

static void
socks_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  TetherForward *self = TETHER_FORWARD (object);
  g_autoptr(TetherSocksRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  request = _tether_socks_handshake_finish (result, &error);
  if (request == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("%s: %s", self->spec, error->message);
      return;
    }
  if (self->connection == NULL || (fd = dup_socket (request->client)) < 0)
    return;
  tether_connection_open_tunnel_async (self->connection, request->host, request->port, fd,
                                       request->reply, NULL, tunnel_cb, g_object_ref (self));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *client,
             GObject           *source,
             gpointer           user_data)
{
  TetherForward *self = user_data;
  int fd;

  if (self->connection == NULL)
    return TRUE;
  if (self->kind == TETHER_FORWARD_DYNAMIC)
    {
      _tether_socks_handshake_async (G_OBJECT (self), client, self->cancellable, socks_cb, NULL);
      return TRUE;
    }
  /* The worker gets a descriptor of its own; the GSocketConnection, dropped
   * after this handler, closes only the original. */
  if ((fd = dup_socket (client)) >= 0)
    tether_connection_open_tunnel_async (self->connection, self->host, self->port, fd, NULL,
                                         NULL, tunnel_cb, g_object_ref (self));
  return TRUE;
}

static void
listen_locally (TetherForward *self)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  const char *bind = self->bind_address;

  /* As ssh without GatewayPorts: loopback unless an address is given. */
  if (bind == NULL || *bind == '\0' || g_strcmp0 (bind, "localhost") == 0)
    bind = "127.0.0.1";
  else if (g_strcmp0 (bind, "*") == 0)
    bind = "0.0.0.0";
  address = g_inet_socket_address_new_from_string (bind, self->listen_port);
  if (address == NULL)
    {
      error = g_error_new (TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The forward “%s” cannot listen on “%s”: it is not an IP address. Use an address such as 127.0.0.1."),
                           self->spec, bind);
      fail (self, error);
      return;
    }

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &error))
    {
      g_autoptr(GError) told = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        told = g_error_new (TETHER_ERROR, TETHER_ERROR_FAILED,
                            _("The forward “%s” is off: port %u is already in use on this computer. Close the program that uses it, or choose another port."),
                            self->spec, self->listen_port);
      else
        told = g_error_new (TETHER_ERROR, TETHER_ERROR_FAILED,
                            _("The forward “%s” is off: Tether cannot listen on port %u (%s)."),
                            self->spec, self->listen_port, error->message);
      g_clear_object (&self->service);
      fail (self, told);
      return;
    }

  self->bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  set_state (self, TETHER_FORWARD_STATE_ACTIVE, NULL);
}

/* Remote: the server listens */

static void
listen_remote_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TetherForward) self = user_data;
  g_autoptr(GError) error = NULL;
  guint bound;

  bound = tether_connection_listen_remote_finish (TETHER_CONNECTION (object), result, &error);
  if (self->connection != TETHER_CONNECTION (object))
    return;
  if (bound == 0)
    {
      fail (self, error);
      return;
    }
  self->bound_port = bound;
  set_state (self, TETHER_FORWARD_STATE_ACTIVE, NULL);
}

/**
 * _tether_forward_start:
 *
 * Starts the forward on @connection (ready): every session open and
 * re-open comes here.
 */
void
_tether_forward_start (TetherForward    *self,
                       TetherConnection *connection)
{
  g_return_if_fail (TETHER_IS_FORWARD (self));
  g_return_if_fail (TETHER_IS_CONNECTION (connection));

  _tether_forward_stop (self);
  self->connection = g_object_ref (connection);
  self->cancellable = g_cancellable_new ();
  set_state (self, TETHER_FORWARD_STATE_STARTING, NULL);

  if (self->kind == TETHER_FORWARD_REMOTE)
    self->remote_id = tether_connection_listen_remote_async (connection, self->bind_address,
                                                             self->listen_port, self->host,
                                                             self->port, self->cancellable,
                                                             listen_remote_cb, g_object_ref (self));
  else
    listen_locally (self);
}

void
_tether_forward_stop (TetherForward *self)
{
  g_return_if_fail (TETHER_IS_FORWARD (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_clear_object (&self->service);
    }
  if (self->remote_id != 0 && self->connection != NULL)
    tether_connection_cancel_remote (self->connection, self->remote_id);
  self->remote_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  self->bound_port = 0;
  if (self->state != TETHER_FORWARD_STATE_FAILED)
    set_state (self, TETHER_FORWARD_STATE_STOPPED, NULL);
}

/* A session's forwards: its own, then its configuration's (as ssh's -L on
 * the command line adds to LocalForward), as one list. */

struct _TetherForwardSet {
  GListStore *store;      /* TetherForward* */
  char       *own;
  char       *config;
  GCallback   on_state;
  GObject    *object;     /* not owned: the session */
};

TetherForwardSet *
_tether_forward_set_new (GCallback  on_state,
                         GObject   *object)
{
  TetherForwardSet *set = g_new0 (TetherForwardSet, 1);

  set->store = g_list_store_new (TETHER_TYPE_FORWARD);
  set->on_state = on_state;
  set->object = object;
  return set;
}

void
_tether_forward_set_free (TetherForwardSet *set)
{
  _tether_forward_set_sync (set, NULL);
  g_object_unref (set->store);
  g_free (set->own);
  g_free (set->config);
  g_free (set);
}

/* Starts every forward on @connection, or stops them all. */
void
_tether_forward_set_sync (TetherForwardSet *set,
                          TetherConnection *connection)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (set->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherForward) forward = g_list_model_get_item (G_LIST_MODEL (set->store), i);

      if (connection != NULL)
        _tether_forward_start (forward, connection);
      else
        _tether_forward_stop (forward);
    }
}

/* Sets both specs (already checked); the list is made again, stopped,
 * when either changed, which it returns. */
gboolean
_tether_forward_set_specs (TetherForwardSet *set,
                           const char       *own,
                           const char       *config)
{
  g_autoptr(GPtrArray) parsed = NULL;
  g_autofree char *spec = NULL;

  if (g_strcmp0 (set->own, own) == 0 && g_strcmp0 (set->config, config) == 0)
    return FALSE;
  tether_set_str (&set->own, own);
  tether_set_str (&set->config, config);
  spec = g_strjoin (" ", own ? own : "", config ? config : "", NULL);
  parsed = tether_forwards_parse (spec, NULL);
  g_return_val_if_fail (parsed != NULL, TRUE);

  _tether_forward_set_sync (set, NULL);
  for (guint i = 0; i < parsed->len; i++)
    g_signal_connect_object (parsed->pdata[i], "notify::state", set->on_state, set->object, 0);
  g_list_store_splice (set->store, 0, g_list_model_get_n_items (G_LIST_MODEL (set->store)),
                       parsed->pdata, parsed->len);
  return TRUE;
}

const char *
_tether_forward_set_get_own (TetherForwardSet *set)
{
  return set->own;
}

const char *
_tether_forward_set_get_config (TetherForwardSet *set)
{
  return set->config;
}

GListModel *
_tether_forward_set_get_model (TetherForwardSet *set)
{
  return G_LIST_MODEL (set->store);
}

/* GObject */

static void
tether_forward_dispose (GObject *object)
{
  _tether_forward_stop (TETHER_FORWARD (object));
  G_OBJECT_CLASS (tether_forward_parent_class)->dispose (object);
}

static void
tether_forward_finalize (GObject *object)
{
  TetherForward *self = TETHER_FORWARD (object);

  g_free (self->spec);
  g_free (self->bind_address);
  g_free (self->host);
  g_free (self->error);
  G_OBJECT_CLASS (tether_forward_parent_class)->finalize (object);
}

static void
tether_forward_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TetherForward *self = TETHER_FORWARD (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_forward_class_init (TetherForwardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_forward_dispose;
  object_class->finalize = tether_forward_finalize;
  object_class->get_property = tether_forward_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TETHER_TYPE_FORWARD_STATE, TETHER_FORWARD_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tether_forward_init (TetherForward *self)
{
}

TetherForwardKind
tether_forward_get_kind (TetherForward *self)
{
  g_return_val_if_fail (TETHER_IS_FORWARD (self), TETHER_FORWARD_LOCAL);
  return self->kind;
}

const char *
tether_forward_get_spec (TetherForward *self)
{
  g_return_val_if_fail (TETHER_IS_FORWARD (self), NULL);
  return self->spec;
}

TetherForwardState
tether_forward_get_state (TetherForward *self)
{
  g_return_val_if_fail (TETHER_IS_FORWARD (self), TETHER_FORWARD_STATE_STOPPED);
  return self->state;
}

const char *
tether_forward_get_error (TetherForward *self)
{
  g_return_val_if_fail (TETHER_IS_FORWARD (self), NULL);
  return self->error;
}

guint
tether_forward_get_bound_port (TetherForward *self)
{
  g_return_val_if_fail (TETHER_IS_FORWARD (self), 0);
  return self->bound_port;
}

/**
 * tether_forward_state_to_string:
 *
 * Returns: the state's invariant English name, as `--get-session` prints it
 */
const char *
tether_forward_state_to_string (TetherForwardState state)
{
  switch (state)
    {
    case TETHER_FORWARD_STATE_STARTING: return "Starting";
    case TETHER_FORWARD_STATE_ACTIVE: return "Active";
    case TETHER_FORWARD_STATE_FAILED: return "Failed";
    case TETHER_FORWARD_STATE_STOPPED:
    default: return "Stopped";
    }
}
