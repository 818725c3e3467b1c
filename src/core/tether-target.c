/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>

#include "tether-error.h"
#include "tether-target.h"

G_DEFINE_BOXED_TYPE (TetherTarget, tether_target, tether_target_copy, tether_target_free)

/* The ssh_config keywords whose effect reaches the connection.  The
 * connection parses the file onto its libssh session with the alias (see
 * ssh_setup() in tether-ssh-worker.c), then sets again what Tether decides
 * itself: host, port and user as resolved here, its own socket (so
 * ProxyCommand, ProxyJump and BindAddress do nothing), its own connect
 * timeout (ConnectTimeout), quiet logging (LogLevel) and OpenSSH's ask policy
 * for host keys (StrictHostKeyChecking).  libssh 0.10.6 also parses the
 * *Authentication switches and the GSSAPI lines, but Tether picks its login
 * methods itself, so those are reported as ignored too.  Any keyword libssh
 * does not know is ignored by it (measured: "Unsupported option",
 * "Unapplicable option" or "Unknown option" in its log).  Include is followed
 * by libssh. */
static const char * const applied_keywords[] = {
  "host", "match", "hostname", "port", "user", "identityfile", "include",
  "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms",
  "pubkeyacceptedkeytypes", "compression", "userknownhostsfile", "globalknownhostsfile",
  "identityagent", "rekeylimit",
  NULL
};

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

/* Config scanning: what libssh cannot tell us (the IdentityFile list and the
 * directives it skipped) comes from reading the file ourselves. */

typedef struct {
  const char *host;         /* the alias, which Host lines are matched against */
  const char *user;         /* the resolved user, for %r */
  guint       port;
  GPtrArray  *identity_files;
  GPtrArray  *ignored;
} ConfigScan;

static gboolean
keyword_is_applied (const char *keyword)
{
  return g_strv_contains (applied_keywords, keyword);
}

static gboolean
pattern_matches (const char *pattern,
                 const char *lower_host,
                 gboolean   *negated)
{
  g_autofree char *lower = g_ascii_strdown (pattern, -1);

  *negated = lower[0] == '!';
  return g_pattern_match_simple (*negated ? lower + 1 : lower, lower_host);
}

/* A Host line as libssh 0.10 reads it: the first pattern that matches, plain
 * or negated, decides.  OpenSSH lets any negated match win, so for it
 * "Host * !db" skips db; libssh applies that block to db, and what matters
 * here is what libssh did. */
static gboolean
host_line_matches (const char *patterns,
                   const char *host)
{
  g_auto(GStrv) words = g_strsplit_set (patterns, " \t", -1);
  g_autofree char *lower_host = g_ascii_strdown (host, -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean negated;

      if (words[i][0] != '\0' && pattern_matches (words[i], lower_host, &negated))
        return !negated;
    }

  return FALSE;
}

/* A comma-separated Match list: any negated match rules it out, otherwise one
 * plain match is enough (libssh's match_pattern_list(), like OpenSSH). */
static gboolean
pattern_list_matches (const char *patterns,
                      const char *value)
{
  g_auto(GStrv) words = g_strsplit (patterns, ",", -1);
  g_autofree char *lower_value = g_ascii_strdown (value, -1);
  gboolean matched = FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean negated;

      if (words[i][0] == '\0' || !pattern_matches (words[i], lower_value, &negated))
        continue;
      if (negated)
        return FALSE;
      matched = TRUE;
    }

  return matched;
}

/* Expands "~" and the OpenSSH tokens %d (home), %u (local user), %h, %r,
 * %p and %%.  %d follows OpenSSH, not libssh (which means the .ssh
 * directory), because the file is written for OpenSSH. */
static char *
expand_identity_file (const char       *value,
                      const ConfigScan *scan)
{
  GString *out = g_string_new (NULL);
  const char *p = value;

  if (p[0] == '~' && (p[1] == '/' || p[1] == '\0'))
    {
      g_string_append (out, g_get_home_dir ());
      p++;
    }

  for (; *p != '\0'; p++)
    {
      if (*p != '%' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }

      switch (*++p)
        {
        case 'd': g_string_append (out, g_get_home_dir ()); break;
        case 'u': g_string_append (out, g_get_user_name ()); break;
        case 'h': g_string_append (out, scan->host); break;
        case 'r': g_string_append (out, scan->user); break;
        case 'p': g_string_append_printf (out, "%u", scan->port); break;
        case '%': g_string_append_c (out, '%'); break;
        default: g_string_append_c (out, '%'); g_string_append_c (out, *p); break;
        }
    }

  return g_string_free (out, FALSE);
}

static void
add_unique (GPtrArray *array,
            char      *text)
{
  if (g_ptr_array_find_with_equal_func (array, text, g_str_equal, NULL))
    g_free (text);
  else
    g_ptr_array_add (array, text);
}

/* Splits "Keyword value", "Keyword=value" and "Keyword = value"; strips the
 * quotes OpenSSH allows around a value.  Returns FALSE for blank lines and
 * comments. */
static gboolean
split_config_line (char        *line,
                   const char **keyword,
                   char       **value)
{
  char *p = g_strstrip (line);
  char *v;
  gsize len;

  if (*p == '\0' || *p == '#')
    return FALSE;

  *keyword = p;
  p += strcspn (p, " \t=");
  v = p + strspn (p, " \t");
  if (*v == '=')
    v++;
  *p = '\0';
  v = g_strstrip (v);

  len = strlen (v);
  if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
    {
      v[len - 1] = '\0';
      v++;
    }

  *value = v;
  return TRUE;
}

/* libssh 0.10 evaluates Match blocks too.  The criteria that depend only on
 * the alias and the local user are evaluated the same way here; for the
 * others (exec, user, canonical…) Tether cannot tell whether libssh applied
 * the block, and says so rather than guess. */
static gboolean
match_applies (const char *criteria,
               ConfigScan *scan)
{
  g_auto(GStrv) words = g_strsplit_set (criteria, " \t", -1);
  gboolean applies = TRUE;
  guint i = 0;

  while (words[i] != NULL)
    {
      const char *word = words[i++];
      gboolean negated = word[0] == '!';
      const char *argument;
      gboolean result;

      if (word[0] == '\0')
        continue;
      if (g_ascii_strcasecmp (word, "all") == 0)
        continue;

      argument = words[i] != NULL ? words[i++] : "";
      if (negated)
        word++;

      if (g_ascii_strcasecmp (word, "host") == 0)
        result = pattern_list_matches (argument, scan->host);
      else if (g_ascii_strcasecmp (word, "localuser") == 0)
        result = pattern_list_matches (argument, g_get_user_name ());
      else
        {
          /* Translators: an entry in the list of ignored ~/.ssh/config lines;
           * %s is the rest of the Match line, e.g. exec "test -f x" */
          add_unique (scan->ignored,
                      g_strdup_printf (_("Match %s (not checked by Tether: its lines are not "
                                         "listed here)"), criteria));
          return FALSE;
        }

      applies = applies && (result != negated);
    }

  return applies;
}

static void
scan_config (const char *contents,
             ConfigScan *scan)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  gboolean applies = TRUE;   /* lines before the first Host apply to all */

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *keyword;
      char *value;
      g_autofree char *lower = NULL;

      if (!split_config_line (lines[i], &keyword, &value))
        continue;

      lower = g_ascii_strdown (keyword, -1);

      if (g_str_equal (lower, "host"))
        applies = host_line_matches (value, scan->host);
      else if (g_str_equal (lower, "match"))
        applies = match_applies (value, scan);
      else if (!applies)
        continue;
      else if (g_str_equal (lower, "identityfile"))
        add_unique (scan->identity_files, expand_identity_file (value, scan));
      else if (!keyword_is_applied (lower))
        add_unique (scan->ignored, *value != '\0' ? g_strdup_printf ("%s %s", keyword, value)
                                                   : g_strdup (keyword));
    }
}

static char *
dup_option (ssh_session             session,
            enum ssh_options_e      option)
{
  char *value = NULL;
  char *copy;

  if (ssh_options_get (session, option, &value) != SSH_OK)
    return NULL;

  copy = g_strdup (value);
  ssh_string_free_char (value);
  return copy;
}

static char **
ptr_array_to_strv (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_free (array, FALSE);
}

static gboolean
apply_config (ssh_session          session,
              const TetherTarget  *target,
              const char          *ssh_dir,
              const char          *config_path,
              GError             **error)
{
  /* Host first: libssh matches Host blocks against it while parsing. */
  if (ssh_options_set (session, SSH_OPTIONS_SSH_DIR, ssh_dir) != SSH_OK ||
      ssh_options_set (session, SSH_OPTIONS_HOST, target->host) != SSH_OK)
    {
      g_autofree char *shown = tether_error_escape (target->host);

      /* libssh 0.10.6 refuses such names without saying why. */
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                   _("“%s” cannot be used as a computer name: use a host name, an address "
                     "or an alias made of the letters a to z, digits, “.” and “-”."),
                   shown);
      return FALSE;
    }

  if (g_file_test (config_path, G_FILE_TEST_EXISTS) &&
      ssh_options_parse_config (session, config_path) != SSH_OK)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Your SSH configuration “%s” could not be read (%s): fix it, or move it "
                     "away to connect without it."),
                   config_path, ssh_get_error (session));
      return FALSE;
    }

  /* Set after parsing, so what the user typed wins over the config. */
  if (target->user != NULL)
    ssh_options_set (session, SSH_OPTIONS_USER, target->user);
  if (target->port != 0)
    {
      unsigned int port = target->port;

      ssh_options_set (session, SSH_OPTIONS_PORT, &port);
    }

  return TRUE;
}

/**
 * tether_target_resolve:
 * @self: a target
 * @ssh_dir: (nullable): the SSH directory, or %NULL for tether_get_ssh_dir()
 * @error: return location for a #GError
 *
 * Applies `@ssh_dir/config` to @self with libssh's own parser, so Tether
 * connects where libssh would.  The user and port typed in @self win over the
 * file.  Without a user anywhere the current user logs in; without a port,
 * port 22.
 *
 * The `IdentityFile` entries and the `ignored` list (every directive for this
 * host other than Hostname, Port, User and IdentityFile, which are all that
 * reach the connection) are read from the file by Tether itself, since
 * libssh 0.10 has no getter for them: from `Host` blocks, matched the way
 * libssh matches them, and from `Match` blocks on `all`, `host` and
 * `localuser`.  Other `Match` blocks are listed in `ignored` as not checked;
 * included files are not examined.
 *
 * Returns: (transfer full) (nullable): the resolved target, or %NULL with
 *   @error set
 */
TetherResolvedTarget *
tether_target_resolve (const TetherTarget  *self,
                       const char          *ssh_dir,
                       GError             **error)
{
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autofree char *default_ssh_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *contents = NULL;
  ssh_session session;
  ConfigScan scan = { 0 };
  unsigned int port = 22;
  gboolean ok;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->host != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tether_ssh_init ();

  if (ssh_dir == NULL)
    ssh_dir = default_ssh_dir = tether_get_ssh_dir ();
  config_path = g_build_filename (ssh_dir, "config", NULL);

  session = ssh_new ();
  ok = apply_config (session, self, ssh_dir, config_path, error);
  if (ok)
    {
      resolved = g_new0 (TetherResolvedTarget, 1);
      resolved->alias = g_strdup (self->host);
      resolved->host = dup_option (session, SSH_OPTIONS_HOST);
      resolved->user = dup_option (session, SSH_OPTIONS_USER);
      ssh_options_get_port (session, &port);
      resolved->port = port;
    }
  ssh_free (session);

  if (!ok)
    return NULL;

  if (resolved->host == NULL)
    resolved->host = g_strdup (self->host);
  /* libssh only fills the user in on connect when nothing set it. */
  if (resolved->user == NULL)
    resolved->user = g_strdup (g_get_user_name ());

  scan.host = self->host;
  scan.user = resolved->user;
  scan.port = resolved->port;
  scan.identity_files = g_ptr_array_new_with_free_func (g_free);
  scan.ignored = g_ptr_array_new_with_free_func (g_free);

  /* libssh just read the file; a file that vanished since is merely empty. */
  if (g_file_get_contents (config_path, &contents, NULL, NULL))
    scan_config (contents, &scan);

  resolved->identity_files = ptr_array_to_strv (scan.identity_files);
  resolved->ignored = ptr_array_to_strv (scan.ignored);

  return g_steal_pointer (&resolved);
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *ssh_dir = g_object_get_data (G_OBJECT (task), "ssh-dir");
  GError *error = NULL;
  TetherResolvedTarget *resolved = tether_target_resolve (task_data, ssh_dir, &error);

  if (resolved == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resolved, (GDestroyNotify) tether_resolved_target_free);
}

/**
 * tether_target_resolve_async:
 * @self: a target
 * @ssh_dir: (nullable): the SSH directory, or %NULL for tether_get_ssh_dir()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the target is resolved
 * @user_data: for @callback
 *
 * tether_target_resolve() without blocking the caller's thread.
 */
void
tether_target_resolve_async (const TetherTarget  *self,
                             const char          *ssh_dir,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_target_resolve_async);
  g_task_set_task_data (task, tether_target_copy (self), (GDestroyNotify) tether_target_free);
  g_object_set_data_full (G_OBJECT (task), "ssh-dir", g_strdup (ssh_dir), g_free);
  g_task_run_in_thread (task, resolve_thread);
}

/**
 * tether_target_resolve_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the resolved target, or %NULL with
 *   @error set
 */
TetherResolvedTarget *
tether_target_resolve_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_target_resolve_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
