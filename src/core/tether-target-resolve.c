/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-target-private.h"
#include "tether-target.h"
#include "tether-util.h"

/*
 * What a target resolves to is what OpenSSH's own client would use for it:
 * `ssh -G` evaluates Include, Match (exec too), tokens and canonicalization
 * and prints every option, connecting nowhere.  Where no `ssh` is installed,
 * libssh's parser applies the file on the connection's own session instead
 * (TetherResolvedTarget.config_file), and what libssh says it skipped is
 * reported.
 *
 * The options that differ from OpenSSH's defaults (`ssh -G -F /dev/null`, run
 * once per process) and that Tether does not apply are listed as ignored.
 */

/* Keywords of `ssh -G` whose value reaches the connection (here, in
 * tether-ssh-worker.c and tether-ssh-auth.c, or the jump host and forwarding
 * code), never listed as ignored. */
static const char * const applied_keywords[] = {
  "host", "hostname", "user", "port", "identityfile", "identitiesonly", "identityagent",
  "userknownhostsfile", "globalknownhostsfile", "hostkeyalias", "stricthostkeychecking",
  "ciphers", "kexalgorithms", "hostkeyalgorithms", "macs", "compression", "connecttimeout",
  "serveraliveinterval", "serveralivecountmax", "proxyjump", "proxycommand", "localforward",
  "remoteforward", "dynamicforward", "forwardagent",
  NULL
};

/* Values that differ from OpenSSH's defaults but are what Tether does
 * anyway: OpenSSH turns UpdateHostKeys off by itself under HostKeyAlias or
 * another known_hosts file, and Tether never updates host keys. */
static const char * const tether_behaviour[] = {
  "updatehostkeys false",
  NULL
};

/* `ssh -G` output: keyword → its values, in order (IdentityFile and the
 * forwards repeat), and the keywords in the order printed. */
typedef struct {
  GPtrArray  *keywords;
  GHashTable *values;     /* char* → GPtrArray of char* */
} Options;

static void
options_free (Options *options)
{
  g_ptr_array_unref (options->keywords);
  g_hash_table_unref (options->values);
  g_free (options);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Options, options_free)

static Options *
options_parse (const char *output)
{
  Options *options = g_new0 (Options, 1);
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  options->keywords = g_ptr_array_new_with_free_func (g_free);
  options->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strchr (lines[i], ' ');
      g_autofree char *keyword = NULL;
      GPtrArray *values;

      if (space == NULL)
        continue;
      /* One option, "canonicalizePermittedcnames", is printed in mixed case. */
      keyword = g_ascii_strdown (lines[i], space - lines[i]);
      values = g_hash_table_lookup (options->values, keyword);
      if (values == NULL)
        {
          values = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (options->keywords, g_strdup (keyword));
          g_hash_table_insert (options->values, g_steal_pointer (&keyword), values);
        }
      g_ptr_array_add (values, g_strdup (space + 1));
    }
  return options;
}

static const char *
options_get (const Options *options,
             const char    *keyword)
{
  GPtrArray *values = g_hash_table_lookup (options->values, keyword);

  return values != NULL && values->len > 0 ? g_ptr_array_index (values, 0) : NULL;
}

static GPtrArray *
options_get_all (const Options *options,
                 const char    *keyword)
{
  return g_hash_table_lookup (options->values, keyword);
}

static gboolean
values_equal (GPtrArray *a,
              GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_str_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

/* Whether @keyword was set for this host: its values differ from the
 * defaults'. */
static gboolean
options_is_set (const Options *options,
                const Options *defaults,
                const char    *keyword)
{
  return !values_equal (options_get_all (options, keyword), options_get_all (defaults, keyword));
}

/* Paths */

/* OpenSSH expands "~" with the passwd entry's home; Tether's SSH directory
 * is under $HOME (tether_get_ssh_dir()).  Where the two differ (a test, a
 * sandbox), a path OpenSSH expanded is moved under $HOME, so that "~" means
 * the same for every path of the resolution. */
static char *
rehome (const char *path)
{
  g_autofree char *buffer = NULL;
  struct passwd entry, *result = NULL;
  long size = sysconf (_SC_GETPW_R_SIZE_MAX);
  gsize length;

  buffer = g_malloc (size > 0 ? (gsize) size : 16384);
  if (getpwuid_r (getuid (), &entry, buffer, size > 0 ? (gsize) size : 16384, &result) != 0 ||
      result == NULL || g_str_equal (entry.pw_dir, g_get_home_dir ()))
    return g_strdup (path);

  length = strlen (entry.pw_dir);
  if (strncmp (path, entry.pw_dir, length) == 0 && (path[length] == '/' || path[length] == '\0'))
    return g_strconcat (g_get_home_dir (), path + length, NULL);
  return g_strdup (path);
}

typedef struct {
  const char *alias;            /* %n */
  const char *host;             /* %h */
  const char *user;             /* %r */
  const char *host_key_alias;   /* %k, when set */
  guint       port;             /* %p */
} Tokens;

static void
append_connection_hash (GString      *out,
                        const Tokens *tokens)
{
  g_autofree char *text = g_strdup_printf ("%s%s%u%s", g_get_host_name (), tokens->host,
                                           tokens->port, tokens->user);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, text, -1);

  g_string_append (out, hash);
}

/* OpenSSH's "~" and %-tokens (ssh_config(5), TOKENS), which `ssh -G` prints
 * unexpanded for IdentityFile, CertificateFile and ProxyCommand: OpenSSH
 * expands them when it connects. */
static char *
expand_tokens (const char   *value,
               const Tokens *tokens)
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
        case '%': g_string_append_c (out, '%'); break;
        case 'C': append_connection_hash (out, tokens); break;
        case 'd': g_string_append (out, g_get_home_dir ()); break;
        case 'h': g_string_append (out, tokens->host); break;
        case 'i': g_string_append_printf (out, "%u", (guint) getuid ()); break;
        case 'k': g_string_append (out, tokens->host_key_alias ? tokens->host_key_alias
                                                               : tokens->alias); break;
        case 'L':
          g_string_append_len (out, g_get_host_name (), strcspn (g_get_host_name (), "."));
          break;
        case 'l': g_string_append (out, g_get_host_name ()); break;
        case 'n': g_string_append (out, tokens->alias); break;
        case 'p': g_string_append_printf (out, "%u", tokens->port); break;
        case 'r': g_string_append (out, tokens->user); break;
        case 'u': g_string_append (out, g_get_user_name ()); break;
        default: g_string_append_c (out, '%'); g_string_append_c (out, *p); break;
        }
    }

  return g_string_free (out, FALSE);
}

static char **
strv_from (GPtrArray *values,
           char     *(*map) (const char *value, const Tokens *tokens),
           const Tokens *tokens)
{
  GPtrArray *strv = g_ptr_array_new ();

  for (guint i = 0; values != NULL && i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);

      g_ptr_array_add (strv, map != NULL ? map (value, tokens) : g_strdup (value));
    }
  return tether_strv_steal (strv);
}

/* "none" is how `ssh -G` prints an unset path or command. */
static char *
dup_unless_none (const char *value)
{
  if (value == NULL || g_str_equal (value, "none"))
    return NULL;
  return g_strdup (value);
}

static TetherHostKeyPolicy
parse_host_key_policy (const char *value)
{
  if (value == NULL || g_str_equal (value, "ask"))
    return TETHER_HOST_KEY_POLICY_ASK;
  if (g_str_equal (value, "accept-new"))
    return TETHER_HOST_KEY_POLICY_ACCEPT_NEW;
  if (g_str_equal (value, "false") || g_str_equal (value, "no") || g_str_equal (value, "off"))
    return TETHER_HOST_KEY_POLICY_NO;
  return TETHER_HOST_KEY_POLICY_YES;
}

static guint
parse_uint (const char *value)
{
  guint64 number = 0;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &number, NULL))
    return 0;
  return (guint) number;
}

/* The algorithm lists, only when the configuration changed them: libssh keeps
 * its own defaults (it has no sntrup761, which OpenSSH's start with). */
static char *
dup_if_set (const Options *options,
            const Options *defaults,
            const char    *keyword)
{
  return options_is_set (options, defaults, keyword)
         ? g_strdup (options_get (options, keyword)) : NULL;
}

static void
fill_identity (TetherResolvedTarget *resolved,
               const Options        *options,
               const Options        *defaults,
               const Tokens         *tokens)
{
  const char *agent = options_get (options, "identityagent");
  const char *forward = options_get (options, "forwardagent");

  /* OpenSSH's default list is printed when nothing is configured: then
   * libssh's own defaults are tried, as before. */
  if (options_is_set (options, defaults, "identityfile"))
    resolved->identity_files = strv_from (options_get_all (options, "identityfile"),
                                          expand_tokens, tokens);
  else
    resolved->identity_files = g_new0 (char *, 1);
  resolved->certificate_files = strv_from (options_get_all (options, "certificatefile"),
                                           expand_tokens, tokens);
  resolved->identities_only = g_strcmp0 (options_get (options, "identitiesonly"), "yes") == 0;
  if (agent != NULL && !g_str_equal (agent, "SSH_AUTH_SOCK"))
    resolved->identity_agent = g_str_equal (agent, "none") ? g_strdup (agent) : rehome (agent);

  resolved->forward_agent = forward != NULL && !g_str_equal (forward, "no");
  if (resolved->forward_agent && !g_str_equal (forward, "yes"))
    resolved->forward_agent_socket = rehome (forward);
}

static void
fill_host_keys (TetherResolvedTarget *resolved,
                const Options        *options,
                const Options        *defaults,
                const char           *ssh_dir,
                const Tokens         *tokens)
{
  /* OpenSSH's default is the passwd entry's ~/.ssh/known_hosts (and
   * known_hosts2); Tether's is in its own SSH directory. */
  if (options_is_set (options, defaults, "userknownhostsfile"))
    {
      g_auto(GStrv) files = g_strsplit (options_get (options, "userknownhostsfile"), " ", -1);

      resolved->user_known_hosts_files = g_new0 (char *, g_strv_length (files) + 1);
      for (guint i = 0; files[i] != NULL; i++)
        resolved->user_known_hosts_files[i] = rehome (files[i]);
    }
  else
    {
      resolved->user_known_hosts_files = g_new0 (char *, 2);
      resolved->user_known_hosts_files[0] = g_build_filename (ssh_dir, "known_hosts", NULL);
    }

  {
    g_auto(GStrv) files = g_strsplit (options_get (options, "globalknownhostsfile") ?: "", " ", -1);

    resolved->global_known_hosts_files = g_new0 (char *, g_strv_length (files) + 1);
    for (guint i = 0, j = 0; files[i] != NULL; i++)
      if (*files[i] != '\0')
        resolved->global_known_hosts_files[j++] = expand_tokens (files[i], tokens);
  }

  resolved->host_key_alias = dup_unless_none (options_get (options, "hostkeyalias"));
  resolved->host_key_policy = parse_host_key_policy (options_get (options, "stricthostkeychecking"));
}

static void
fill_ignored (TetherResolvedTarget *resolved,
              const Options        *options,
              const Options        *defaults)
{
  GPtrArray *ignored = g_ptr_array_new ();

  for (guint i = 0; i < options->keywords->len; i++)
    {
      const char *keyword = g_ptr_array_index (options->keywords, i);
      GPtrArray *values = options_get_all (options, keyword);

      /* LogLevel is -v's, not the configuration's (and means nothing to
       * Tether, which logs nothing of libssh's). */
      if (g_strv_contains (applied_keywords, keyword) || g_str_equal (keyword, "loglevel") ||
          !options_is_set (options, defaults, keyword))
        continue;
      for (guint j = 0; j < values->len; j++)
        {
          char *line = g_strdup_printf ("%s %s", keyword, (char *) g_ptr_array_index (values, j));

          if (g_strv_contains (tether_behaviour, line))
            g_free (line);
          else
            g_ptr_array_add (ignored, line);
        }
    }

  /* libssh 0.10 reads and writes one known_hosts file of each kind. */
  for (guint i = 1; resolved->user_known_hosts_files[i] != NULL; i++)
    if (options_is_set (options, defaults, "userknownhostsfile"))
      g_ptr_array_add (ignored, g_strdup_printf ("userknownhostsfile %s",
                                                 resolved->user_known_hosts_files[i]));

  resolved->ignored = tether_strv_steal (ignored);
}

static TetherResolvedTarget *
resolved_from_options (const TetherTarget *target,
                       const char         *ssh_dir,
                       const Options      *options,
                       const Options      *defaults)
{
  g_autoptr(TetherResolvedTarget) resolved = g_new0 (TetherResolvedTarget, 1);
  const char *proxy_command;
  Tokens tokens;

  resolved->alias = g_strdup (target->host);
  resolved->host = g_strdup (options_get (options, "hostname") ?: target->host);
  resolved->user = g_strdup (options_get (options, "user") ?: g_get_user_name ());
  resolved->port = parse_uint (options_get (options, "port"));
  if (resolved->port == 0 || resolved->port > G_MAXUINT16)
    resolved->port = 22;

  tokens = (Tokens) {
    .alias = resolved->alias,
    .host = resolved->host,
    .user = resolved->user,
    .host_key_alias = options_get (options, "hostkeyalias"),
    .port = resolved->port,
  };

  fill_identity (resolved, options, defaults, &tokens);
  fill_host_keys (resolved, options, defaults, ssh_dir, &tokens);

  resolved->ciphers = dup_if_set (options, defaults, "ciphers");
  resolved->kex_algorithms = dup_if_set (options, defaults, "kexalgorithms");
  resolved->host_key_algorithms = dup_if_set (options, defaults, "hostkeyalgorithms");
  resolved->macs = dup_if_set (options, defaults, "macs");
  resolved->compression = g_strcmp0 (options_get (options, "compression"), "yes") == 0;
  resolved->connect_timeout_s = parse_uint (options_get (options, "connecttimeout"));
  resolved->server_alive_interval_s = parse_uint (options_get (options, "serveraliveinterval"));
  if (options_is_set (options, defaults, "serveralivecountmax"))
    resolved->server_alive_count_max = parse_uint (options_get (options, "serveralivecountmax"));

  resolved->proxy_jump = dup_unless_none (options_get (options, "proxyjump"));
  proxy_command = options_get (options, "proxycommand");
  if (proxy_command != NULL && !g_str_equal (proxy_command, "none"))
    resolved->proxy_command = expand_tokens (proxy_command, &tokens);
  resolved->local_forwards = strv_from (options_get_all (options, "localforward"), NULL, NULL);
  resolved->remote_forwards = strv_from (options_get_all (options, "remoteforward"), NULL, NULL);
  resolved->dynamic_forwards = strv_from (options_get_all (options, "dynamicforward"), NULL, NULL);

  fill_ignored (resolved, options, defaults);
  return g_steal_pointer (&resolved);
}

/* Running `ssh -G` */

G_LOCK_DEFINE_STATIC (defaults);
static GHashTable *defaults_cache;   /* the ssh program → its defaults' Options */

static const Options *
lookup_defaults (const char *program)
{
  const Options *defaults = NULL;

  G_LOCK (defaults);
  if (defaults_cache != NULL)
    defaults = g_hash_table_lookup (defaults_cache, program);
  G_UNLOCK (defaults);
  return defaults;
}

/* Kept for the process's life: OpenSSH's defaults do not change under it. */
static const Options *
store_defaults (const char *program,
                Options    *options)
{
  const Options *stored;

  G_LOCK (defaults);
  if (defaults_cache == NULL)
    defaults_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) options_free);
  stored = g_hash_table_lookup (defaults_cache, program);
  if (stored == NULL)
    g_hash_table_insert (defaults_cache, g_strdup (program), (gpointer) (stored = options));
  else
    options_free (options);
  G_UNLOCK (defaults);
  return stored;
}

static char *
config_path (const char *ssh_dir)
{
  return g_build_filename (ssh_dir, "config", NULL);
}

/* `ssh -G -v -F FILE [-l USER] [-p PORT] -- HOST`, or OpenSSH's defaults
 * with no file and no @target.  -F makes ssh read Tether's SSH directory
 * (under $HOME), not the passwd entry's; -v logs the files it reads, for
 * the cache (tether-target-cache.c). */
static char **
ssh_argv (const char         *program,
          const TetherTarget *target,
          const char         *ssh_dir)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_autofree char *config = target != NULL ? config_path (ssh_dir) : NULL;

  g_ptr_array_add (argv, g_strdup (program));
  g_ptr_array_add (argv, g_strdup ("-G"));
  if (target != NULL)
    g_ptr_array_add (argv, g_strdup ("-v"));
  g_ptr_array_add (argv, g_strdup ("-F"));
  if (config != NULL && g_file_test (config, G_FILE_TEST_EXISTS))
    g_ptr_array_add (argv, g_steal_pointer (&config));
  else
    g_ptr_array_add (argv, g_strdup ("/dev/null"));
  if (target != NULL && target->user != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-l"));
      g_ptr_array_add (argv, g_strdup (target->user));
    }
  if (target != NULL && target->port != 0)
    g_ptr_array_add (argv, g_strdup_printf ("-p%u", target->port));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup (target != NULL ? target->host : "defaults.invalid"));
  return tether_strv_steal (argv);
}

static GSubprocess *
spawn_ssh (const char * const *argv,
           GError            **error)
{
  /* INHERIT_FDS lets GLib use posix_spawn() instead of fork(): copying this
   * large, threaded process's page tables cost more than `ssh -G` itself
   * when Invoke-Command resolves fifty computers (measured: 2.7 → 1.8 s
   * of CPU).  Tether's own descriptors are all close-on-exec
   * (tether_dup_cloexec()); one libssh keeps open (an agent socket) would
   * live only as long as `ssh -G`, which uses none. */
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_INHERIT_FDS);

  /* `ssh -G` talks to no agent and no server; what a Match exec runs gets
   * no terminal input and no askpass, so nothing can ask the user
   * anything, and messages in English, which the error quotes. */
  g_subprocess_launcher_unsetenv (launcher, "SSH_ASKPASS");
  g_subprocess_launcher_unsetenv (launcher, "SSH_ASKPASS_REQUIRE");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

/* The output of a finished `ssh -G` (kept for the next time when it ran for
 * a target), or why it failed. */
static Options *
options_from_run (GSubprocess        *process,
                  const char * const *argv,
                  gboolean            for_target,
                  const char         *output,
                  const char         *errors,
                  const char         *ssh_dir,
                  GError            **error)
{
  g_autofree char *config = config_path (ssh_dir);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) reason = NULL;

  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0)
    {
      if (for_target)
        _tether_target_cache_store (argv, config, output ?: "", errors ?: "");
      return options_parse (output ?: "");
    }

  /* The lines that say what is wrong, without ssh's version, its -v log
   * and its remark about stdin. */
  reason = g_string_new (NULL);
  lines = g_strsplit (errors ?: "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);   /* ssh ends its lines with "\r\n" */
      if (*lines[i] == '\0' || g_str_has_prefix (lines[i], "Pseudo-terminal") ||
          g_str_has_prefix (lines[i], "debug") || g_str_has_prefix (lines[i], "OpenSSH_"))
        continue;
      if (reason->len > 0)
        g_string_append (reason, "; ");
      g_string_append (reason, lines[i]);
    }
  if (reason->len == 0)
    g_string_append (reason, "ssh -G"); /* no-i18n: the command's name */

  g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
               _("Your SSH configuration “%s” could not be read (%s): fix it, or move it "
                 "away to connect without it."),
               config, reason->str);
  return NULL;
}

static Options *
run_ssh_sync (const char         *program,
              const TetherTarget *target,
              const char         *ssh_dir,
              GError            **error)
{
  g_auto(GStrv) argv = ssh_argv (program, target, ssh_dir);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;

  if (target != NULL && (output = _tether_target_cache_lookup ((const char * const *) argv)) != NULL)
    return options_parse (output);
  if ((process = spawn_ssh ((const char * const *) argv, error)) == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, NULL, &output, &errors, error))
    return NULL;
  return options_from_run (process, (const char * const *) argv, target != NULL, output, errors,
                           ssh_dir, error);
}

/**
 * tether_target_resolve:
 * @self: a target
 * @ssh_dir: (nullable): the SSH directory, or %NULL for tether_get_ssh_dir()
 * @error: return location for a #GError
 *
 * Applies `@ssh_dir/config` to @self as OpenSSH's client does: `ssh -G`,
 * or, where no `ssh` is in `PATH`, libssh's parser.  The user and port typed
 * in @self win over the file, as `ssh -l` and `-p` do.  Blocks until `ssh`
 * is done: the main thread uses tether_target_resolve_async().
 *
 * Returns: (transfer full) (nullable): the resolved target, or %NULL with
 *   @error set
 */
TetherResolvedTarget *
tether_target_resolve (const TetherTarget  *self,
                       const char          *ssh_dir,
                       GError             **error)
{
  g_autofree char *default_ssh_dir = NULL;
  g_autofree char *program = NULL;
  g_autoptr(Options) options = NULL;
  const Options *defaults;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->host != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ssh_dir == NULL)
    ssh_dir = default_ssh_dir = tether_get_ssh_dir ();

  if ((program = g_find_program_in_path ("ssh")) == NULL)
    {
      g_autofree char *config = config_path (ssh_dir);

      return _tether_target_resolve_with_libssh (self, ssh_dir, config, error);
    }

  if ((defaults = lookup_defaults (program)) == NULL)
    {
      Options *fresh = run_ssh_sync (program, NULL, ssh_dir, error);

      if (fresh == NULL)
        return NULL;
      defaults = store_defaults (program, fresh);
    }
  if ((options = run_ssh_sync (program, self, ssh_dir, error)) == NULL)
    return NULL;
  return resolved_from_options (self, ssh_dir, options, defaults);
}

/* Asynchronously
 *
 * Two `ssh -G` runs make a resolution: the target's and OpenSSH's defaults
 * (what the target's options are compared with).  They run side by side;
 * the defaults run once per process, and resolutions started while that run
 * is under way wait for it instead of starting their own: Invoke-Command
 * resolves fifty computers at once, and fifty more processes would be half
 * its cost. */

typedef struct {
  TetherTarget *target;
  char         *ssh_dir;
  char         *program;
  Options      *options;   /* the target's, once its run is done */
  GError       *error;     /* the first part's failure */
  guint         pending;   /* parts not done: the target's run, the defaults */
} Resolve;

static void
resolve_free (Resolve *resolve)
{
  tether_target_free (resolve->target);
  g_free (resolve->ssh_dir);
  g_free (resolve->program);
  g_clear_pointer (&resolve->options, options_free);
  g_clear_error (&resolve->error);
  g_free (resolve);
}

static void
libssh_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Resolve *resolve = task_data;
  g_autofree char *config = config_path (resolve->ssh_dir);
  GError *error = NULL;
  TetherResolvedTarget *resolved;

  if ((resolved = _tether_target_resolve_with_libssh (resolve->target, resolve->ssh_dir, config, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resolved, (GDestroyNotify) tether_resolved_target_free);
}

/* One part of @task is done, with @error (taken) when it failed; the last
 * part returns.  Takes @task's reference of that part. */
static void
part_done (GTask  *task,
           GError *error)
{
  Resolve *resolve = g_task_get_task_data (task);

  if (error != NULL && resolve->error == NULL)
    resolve->error = error;
  else if (error != NULL)
    g_error_free (error);

  if (--resolve->pending == 0)
    {
      if (resolve->error != NULL)
        g_task_return_error (task, g_steal_pointer (&resolve->error));
      else
        g_task_return_pointer (task,
                               resolved_from_options (resolve->target, resolve->ssh_dir,
                                                      resolve->options,
                                                      lookup_defaults (resolve->program)),
                               (GDestroyNotify) tether_resolved_target_free);
    }
  g_object_unref (task);
}

/* The defaults' run under way, per program: the tasks waiting for it. */
static GHashTable *defaults_waiting;   /* program → GPtrArray of GTask */

static void
defaults_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  g_autofree char *program = user_data;
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autofree char *key = NULL;
  GError *error = NULL;
  Options *options = NULL;

  if (g_subprocess_communicate_utf8_finish (process, result, &output, &errors, &error))
    options = options_from_run (process, g_object_get_data (object, "argv"), FALSE, output, errors,
                                g_object_get_data (object, "ssh-dir"), &error);
  if (options != NULL)
    store_defaults (program, options);

  G_LOCK (defaults);
  g_hash_table_steal_extended (defaults_waiting, program, (gpointer *) &key, (gpointer *) &waiting);
  G_UNLOCK (defaults);
  for (guint i = 0; i < waiting->len; i++)
    part_done (g_ptr_array_index (waiting, i), error != NULL ? g_error_copy (error) : NULL);
  g_clear_error (&error);
}

static GSubprocess *
spawn_ssh_for (const char         *program,
               const TetherTarget *target,
               const char         *ssh_dir,
               GError            **error)
{
  char **argv = ssh_argv (program, target, ssh_dir);
  GSubprocess *process = spawn_ssh ((const char * const *) argv, error);

  if (process == NULL)
    g_strfreev (argv);
  else
    g_object_set_data_full (G_OBJECT (process), "argv", argv, (GDestroyNotify) g_strfreev);
  return process;
}

/* Takes a reference of @task: given back when OpenSSH's defaults are known. */
static void
wait_for_defaults (GTask *task)
{
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(GSubprocess) process = NULL;
  GPtrArray *waiting;
  GError *error = NULL;

  G_LOCK (defaults);
  if (defaults_waiting == NULL)
    defaults_waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_ptr_array_unref);
  if ((waiting = g_hash_table_lookup (defaults_waiting, resolve->program)) != NULL)
    {
      g_ptr_array_add (waiting, task);
      G_UNLOCK (defaults);
      return;
    }
  g_hash_table_insert (defaults_waiting, g_strdup (resolve->program),
                       g_ptr_array_new_full (1, NULL));
  waiting = g_hash_table_lookup (defaults_waiting, resolve->program);
  g_ptr_array_add (waiting, task);
  G_UNLOCK (defaults);

  /* Not the task's cancellable: others wait for the same run. */
  if ((process = spawn_ssh_for (resolve->program, NULL, resolve->ssh_dir, &error)) == NULL)
    {
      g_autofree char *key = NULL;

      G_LOCK (defaults);
      g_hash_table_steal_extended (defaults_waiting, resolve->program, (gpointer *) &key,
                                   (gpointer *) &waiting);
      G_UNLOCK (defaults);
      for (guint i = 0; i < waiting->len; i++)
        part_done (g_ptr_array_index (waiting, i), g_error_copy (error));
      g_ptr_array_unref (waiting);
      g_error_free (error);
      return;
    }
  g_object_set_data_full (G_OBJECT (process), "ssh-dir", g_strdup (resolve->ssh_dir), g_free);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, defaults_done_cb,
                                       g_strdup (resolve->program));
}

static void
target_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  GTask *task = user_data;
  Resolve *resolve = g_task_get_task_data (task);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  GError *error = NULL;

  if (g_subprocess_communicate_utf8_finish (process, result, &output, &errors, &error))
    resolve->options = options_from_run (process, g_object_get_data (object, "argv"), TRUE,
                                         output, errors, resolve->ssh_dir, &error);
  part_done (task, error);
}

/* Takes a reference of @task: the target's own `ssh -G`, or its kept output. */
static void
run_target (GTask *task)
{
  Resolve *resolve = g_task_get_task_data (task);
  g_auto(GStrv) argv = ssh_argv (resolve->program, resolve->target, resolve->ssh_dir);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *cached = NULL;
  GError *error = NULL;

  if ((cached = _tether_target_cache_lookup ((const char * const *) argv)) != NULL)
    {
      resolve->options = options_parse (cached);
      part_done (task, NULL);
      return;
    }
  if ((process = spawn_ssh_for (resolve->program, resolve->target, resolve->ssh_dir, &error)) == NULL)
    {
      part_done (task, error);
      return;
    }
  g_subprocess_communicate_utf8_async (process, NULL, g_task_get_cancellable (task),
                                       target_done_cb, task);
}

/**
 * tether_target_resolve_async:
 * @self: a target
 * @ssh_dir: (nullable): the SSH directory, or %NULL for tether_get_ssh_dir()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the target is resolved
 * @user_data: for @callback
 *
 * tether_target_resolve() without blocking the caller's thread: `ssh -G`
 * runs as a #GSubprocess, libssh's parser in a thread.
 */
void
tether_target_resolve_async (const TetherTarget  *self,
                             const char          *ssh_dir,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  Resolve *resolve;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->host != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  resolve = g_new0 (Resolve, 1);
  resolve->target = tether_target_copy (self);
  resolve->ssh_dir = ssh_dir != NULL ? g_strdup (ssh_dir) : tether_get_ssh_dir ();
  resolve->program = g_find_program_in_path ("ssh");

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_target_resolve_async);
  g_task_set_task_data (task, resolve, (GDestroyNotify) resolve_free);

  if (resolve->program == NULL)
    {
      g_task_run_in_thread (task, libssh_thread);
      g_object_unref (task);
      return;
    }
  resolve->pending = 1;
  if (lookup_defaults (resolve->program) == NULL)
    {
      resolve->pending++;
      wait_for_defaults (g_object_ref (task));
    }
  run_target (task);
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
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_target_resolve_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
