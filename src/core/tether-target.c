/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>

#include "tether-error.h"
#include "tether-target.h"

G_DEFINE_BOXED_TYPE (TetherTarget, tether_target, tether_target_copy, tether_target_free)

static gpointer
ssh_init_once (gpointer data)
{
  ssh_init ();
  return NULL;
}

/**
 * tether_ssh_init:
 *
 * Initializes libssh for the process.  libssh wants ssh_init() once before
 * any session is created; every user of libssh in Tether calls this first.
 */
void
tether_ssh_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, ssh_init_once, NULL);
}

/**
 * tether_target_new:
 * @user: (nullable): the user name, or %NULL for the default
 * @host: the host name, address or alias
 * @port: the port, or 0 for the default
 *
 * Returns: (transfer full): a new target; nothing is validated
 */
TetherTarget *
tether_target_new (const char *user,
                   const char *host,
                   guint       port)
{
  TetherTarget *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_new0 (TetherTarget, 1);
  self->user = g_strdup (user);
  self->host = g_strdup (host);
  self->port = port;

  return self;
}

/**
 * tether_target_copy:
 * @self: a target
 *
 * Returns: (transfer full): a copy of @self
 */
TetherTarget *
tether_target_copy (const TetherTarget *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return tether_target_new (self->user, self->host, self->port);
}

/**
 * tether_target_free:
 * @self: (nullable): a target
 *
 * Frees @self.
 */
void
tether_target_free (TetherTarget *self)
{
  if (self == NULL)
    return;

  g_free (self->user);
  g_free (self->host);
  g_free (self);
}

/**
 * tether_target_validate_port:
 * @port: a port number as the user gave it
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @port is from 1 to 65535, otherwise %FALSE with
 *   %TETHER_ERROR_INVALID_TARGET set
 */
gboolean
tether_target_validate_port (gint64   port,
                             GError **error)
{
  g_autofree char *text = NULL;

  if (port >= 1 && port <= G_MAXUINT16)
    return TRUE;

  /* Formatted apart: xgettext cannot see through G_GINT64_FORMAT, and this
   * way the message is the same one parse_port() uses. */
  text = g_strdup_printf ("%" G_GINT64_FORMAT, port);
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
               _("“%s” is not a valid port: use a number from 1 to 65535."), text);
  return FALSE;
}

static gboolean
parse_port (const char  *text,
            guint       *port,
            GError     **error)
{
  guint64 value;

  if (*text == '\0')
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The port after “:” is missing: write a number from 1 to 65535, "
                             "or leave out the “:”."));
      return FALSE;
    }

  /* Digits only: strtoull would take signs, spaces and hex prefixes. */
  value = g_ascii_strtoull (text, NULL, 10);
  if (text[strspn (text, "0123456789")] != '\0' ||
      strlen (text) > 5 || value > G_MAXUINT16 || value == 0)
    {
      g_autofree char *shown = tether_error_escape (text);

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                   _("“%s” is not a valid port: use a number from 1 to 65535."), shown);
      return FALSE;
    }

  *port = (guint) value;
  return TRUE;
}

typedef enum {
  ADDRESS_NONE,
  ADDRESS_OK,
  ADDRESS_BAD_ZONE,
} AddressKind;

/* A zone names a network interface, which libssh 0.10.6 looks up with
 * if_nametoindex() (a number or an unknown name is refused when the host is
 * set).  So: what a Linux interface name can be (at most IFNAMSIZ - 1 = 15
 * bytes), in the letters, digits, ".", "-" and "_" interfaces are named with,
 * which keeps shell syntax out. */
static gboolean
zone_is_valid (const char *zone)
{
  gsize length = strlen (zone);

  if (length == 0 || length > 15)
    return FALSE;
  for (const char *p = zone; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* An IPv4 or IPv6 address as inet_pton() reads it, the IPv6 one with an
 * optional zone ("fe80::1%eth0").  Not g_hostname_is_ip_address(): it takes
 * ":" and anything after a "%".  @zone points at a bad zone's text. */
static AddressKind
classify_address (const char  *host,
                  const char **zone)
{
  g_autoptr(GInetAddress) address = NULL;
  const char *percent = strchr (host, '%');
  g_autofree char *bare = g_strndup (host, percent != NULL ? (gsize) (percent - host)
                                                           : strlen (host));

  *zone = NULL;
  address = g_inet_address_new_from_string (bare);
  if (address == NULL)
    return ADDRESS_NONE;
  if (percent == NULL)
    return ADDRESS_OK;
  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return ADDRESS_NONE;
  if (zone_is_valid (percent + 1))
    return ADDRESS_OK;
  *zone = percent + 1;
  return ADDRESS_BAD_ZONE;
}

static void
set_bad_zone_error (GError     **error,
                    const char  *zone)
{
  g_autofree char *shown = tether_error_escape (zone);

  g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
               _("“%s” is not a network interface: after the “%%” of an IPv6 address, write "
                 "the name of one, as in fe80::1%%eth0."), shown);
}

/* Host names, addresses and config aliases.  As strict as libssh 0.10.6,
 * which refuses any other name (an "_" or a non-ASCII letter too) when it is
 * set: better to say so while the user types.  The host also ends up in
 * ProxyCommand expansions (%h), so shell and option syntax (a leading "-")
 * must never get through. */
static gboolean
check_host (const char  *host,
            GError     **error)
{
  g_autofree char *shown = NULL;
  const char *zone;

  if (*host == '\0')
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The computer name is empty: write a host name, an address "
                             "or an alias from your SSH configuration."));
      return FALSE;
    }

  if (strchr (host, ':') != NULL)
    {
      switch (classify_address (host, &zone))
        {
        case ADDRESS_OK:
          return TRUE;
        case ADDRESS_BAD_ZONE:
          set_bad_zone_error (error, zone);
          return FALSE;
        case ADDRESS_NONE:
        default:
          shown = tether_error_escape (host);
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” is not a valid address: write an IPv6 address in brackets, "
                         "as in [::1]:2222."), shown);
          return FALSE;
        }
    }

  for (const char *p = host; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (g_ascii_isalnum (c) || c == '.' || (c == '-' && p != host))
        continue;

      shown = tether_error_escape (host);
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                   _("“%s” is not a valid computer name: use only the letters a to z, digits, "
                     "“.” and “-” (not at the start)."), shown);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_user (const char  *user,
            GError     **error)
{
  if (*user == '\0')
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The user name before “@” is empty: write it as user@host, "
                             "or leave out the “@”."));
      return FALSE;
    }

  /* ssh://user:password@host: Tether never takes a secret in a target. */
  if (strpbrk (user, ":/[]") != NULL)
    {
      g_autofree char *shown = tether_error_escape (user);

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                   _("“%s” is not a valid user name: leave out “:”, “/” and brackets, "
                     "and never put a password in the computer name."), shown);
      return FALSE;
    }

  return TRUE;
}

/* Splits "host", "host:port", "[v6]", "[v6]:port" or a bare "v6". */
static gboolean
split_host_port (const char  *text,
                 char       **host,
                 guint       *port,
                 GError     **error)
{
  const char *colon;
  const char *zone;
  g_autofree char *shown = NULL;

  *port = 0;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL)
        {
          shown = tether_error_escape (text);
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” has no closing “]”: write an IPv6 address as [::1] "
                         "or [::1]:2222."), shown);
          return FALSE;
        }

      *host = g_strndup (text + 1, close - text - 1);
      switch (**host == '\0' ? ADDRESS_OK : classify_address (*host, &zone))
        {
        case ADDRESS_OK:
          break;
        case ADDRESS_BAD_ZONE:
          set_bad_zone_error (error, zone);
          return FALSE;
        case ADDRESS_NONE:
        default:
          shown = tether_error_escape (*host);
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” is not a valid IPv6 address: only addresses go in brackets."),
                       shown);
          return FALSE;
        }

      if (close[1] == '\0')
        return check_host (*host, error);
      if (close[1] != ':')
        {
          shown = tether_error_escape (close + 1);
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” after the address is not understood: only “:” and a port "
                         "may follow “]”."), shown);
          return FALSE;
        }

      return check_host (*host, error) && parse_port (close + 2, port, error);
    }

  colon = strchr (text, ':');
  if (colon == NULL || strchr (colon + 1, ':') != NULL)
    {
      /* No port, or more than one ":": a bare IPv6 address, checked as a host. */
      *host = g_strdup (text);
      return check_host (*host, error);
    }

  *host = g_strndup (text, colon - text);
  return check_host (*host, error) && parse_port (colon + 1, port, error);
}

/* What no part of a target may hold, checked once for the whole text. */
static gboolean
check_text (const char  *text,
            GError     **error)
{
  if (*text == '\0')
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The computer name is empty: write a host name, an address "
                             "or an alias from your SSH configuration."));
      return FALSE;
    }

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The computer name is not valid text: type it again."));
      return FALSE;
    }

  /* The sessions file's rule (C0, DEL and C1 controls), so that what parses
   * can be saved; looked for in the whole text before anything quotes it. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                               _("The computer name contains a control character: "
                                 "type it again without it."));
          return FALSE;
        }
    }

  if (strchr (text, ' ') != NULL)
    {
      g_autofree char *shown = tether_error_escape (text);

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                   _("“%s” contains a space: remove it."), shown);
      return FALSE;
    }

  return TRUE;
}

/**
 * tether_target_parse:
 * @text: what the user typed: `[ssh://][user@]host[:port]`
 * @error: return location for a #GError
 *
 * Parses a target.  IPv6 addresses go in brackets when a port follows
 * (`[::1]:2222`); a bare address without a port is accepted too.  Only the
 * syntax is checked: a name that does not resolve parses fine.
 *
 * Returns: (transfer full) (nullable): the target, or %NULL with
 *   %TETHER_ERROR_INVALID_TARGET set and a message naming the bad part
 */
TetherTarget *
tether_target_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(TetherTarget) self = NULL;
  g_autofree char *copy = NULL;
  const char *rest;
  const char *at;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Forgive what a paste drags along around the name, not inside it. */
  copy = g_strstrip (g_strdup (text));
  rest = copy;

  if (g_ascii_strncasecmp (rest, "ssh://", 6) == 0)
    rest += 6;

  if (!check_text (rest, error))
    return NULL;

  self = g_new0 (TetherTarget, 1);

  at = strchr (rest, '@');
  if (at != NULL)
    {
      if (strchr (at + 1, '@') != NULL)
        {
          g_autofree char *shown = tether_error_escape (rest);

          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” contains more than one “@”: write the user name once, "
                         "as in user@host."), shown);
          return NULL;
        }

      self->user = g_strndup (rest, at - rest);
      if (!check_user (self->user, error))
        return NULL;
      rest = at + 1;
    }

  if (!split_host_port (rest, &self->host, &self->port, error))
    return NULL;

  return g_steal_pointer (&self);
}

static char *
format_host_port (const char *host,
                  guint       port)
{
  if (port == 0)
    return g_strdup (host);
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/**
 * tether_target_to_string:
 * @self: a target
 *
 * Returns: (transfer full): the canonical `[user@]host[:port]` text, which
 *   tether_target_parse() reads back to the same target
 */
char *
tether_target_to_string (const TetherTarget *self)
{
  g_autofree char *host_port = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  host_port = format_host_port (self->host, self->port);
  if (self->user == NULL)
    return g_steal_pointer (&host_port);

  return g_strconcat (self->user, "@", host_port, NULL);
}

/**
 * tether_get_ssh_dir:
 *
 * Returns: (transfer full): `$HOME/.ssh`
 */
char *
tether_get_ssh_dir (void)
{
  /* g_get_home_dir() honours $HOME; libssh would look the passwd entry up
   * and read the real ~/.ssh even in a test or a sandbox with its own HOME. */
  return g_build_filename (g_get_home_dir (), ".ssh", NULL);
}

/**
 * tether_resolved_target_copy:
 * @self: a resolved target
 *
 * Returns: (transfer full): a copy of @self
 */
TetherResolvedTarget *
tether_resolved_target_copy (const TetherResolvedTarget *self)
{
  TetherResolvedTarget *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->user = g_strdup (self->user);
  copy->host = g_strdup (self->host);
  copy->alias = g_strdup (self->alias);
  copy->identity_files = g_strdupv (self->identity_files);
  copy->identity_agent = g_strdup (self->identity_agent);
  copy->certificate_files = g_strdupv (self->certificate_files);
  copy->user_known_hosts_files = g_strdupv (self->user_known_hosts_files);
  copy->global_known_hosts_files = g_strdupv (self->global_known_hosts_files);
  copy->host_key_alias = g_strdup (self->host_key_alias);
  copy->ciphers = g_strdup (self->ciphers);
  copy->kex_algorithms = g_strdup (self->kex_algorithms);
  copy->host_key_algorithms = g_strdup (self->host_key_algorithms);
  copy->macs = g_strdup (self->macs);
  copy->proxy_jump = g_strdup (self->proxy_jump);
  copy->proxy_command = g_strdup (self->proxy_command);
  copy->local_forwards = g_strdupv (self->local_forwards);
  copy->remote_forwards = g_strdupv (self->remote_forwards);
  copy->dynamic_forwards = g_strdupv (self->dynamic_forwards);
  copy->forward_agent_socket = g_strdup (self->forward_agent_socket);
  copy->config_file = g_strdup (self->config_file);
  copy->ignored = g_strdupv (self->ignored);
  return copy;
}

/**
 * tether_resolved_target_free:
 * @self: (nullable): a resolved target
 *
 * Frees @self.
 */
void
tether_resolved_target_free (TetherResolvedTarget *self)
{
  if (self == NULL)
    return;

  g_free (self->user);
  g_free (self->host);
  g_free (self->alias);
  g_strfreev (self->identity_files);
  g_free (self->identity_agent);
  g_strfreev (self->certificate_files);
  g_strfreev (self->user_known_hosts_files);
  g_strfreev (self->global_known_hosts_files);
  g_free (self->host_key_alias);
  g_free (self->ciphers);
  g_free (self->kex_algorithms);
  g_free (self->host_key_algorithms);
  g_free (self->macs);
  g_free (self->proxy_jump);
  g_free (self->proxy_command);
  g_strfreev (self->local_forwards);
  g_strfreev (self->remote_forwards);
  g_strfreev (self->dynamic_forwards);
  g_free (self->forward_agent_socket);
  g_free (self->config_file);
  g_strfreev (self->ignored);
  g_free (self);
}

/**
 * tether_resolved_target_dup_key:
 * @self: a resolved target
 *
 * Returns: (transfer full): `user@host:port` (an IPv6 host in brackets), the
 *   key under which sessions share one connection
 */
char *
tether_resolved_target_dup_key (const TetherResolvedTarget *self)
{
  g_autofree char *host_port = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  host_port = format_host_port (self->host, self->port);
  return g_strconcat (self->user, "@", host_port, NULL);
}
