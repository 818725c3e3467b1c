/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "tether-error.h"
#include "tether-target-private.h"
#include "tether-target.h"
#include "tether-util.h"

/*
 * The fallback of tether-target-resolve.c where OpenSSH's client is not
 * installed: libssh's own parser of the SSH configuration, and what it says
 * it skipped, reported as settings Tether does not apply.
 */

static void
libssh_log_cb (int         priority,
               const char *function,
               const char *buffer,
               void       *userdata)
{
  static const char * const skipped[] = {
    "Unsupported option: ", "Unapplicable option: ", "Unknown option: ",
  };
  GPtrArray *ignored = userdata;

  for (gsize i = 0; i < G_N_ELEMENTS (skipped); i++)
    {
      const char *found = strstr (buffer, skipped[i]);
      g_autofree char *line = NULL;

      if (found == NULL)
        continue;
      /* "Keyword, line: 12", as libssh words it.  libssh says so of every
       * line it skips, whichever host its block is for. */
      line = g_strdup (found + strlen (skipped[i]));
      if (!g_ptr_array_find_with_equal_func (ignored, line, g_str_equal, NULL))
        g_ptr_array_add (ignored, g_steal_pointer (&line));
    }
}

static char *
dup_libssh_option (ssh_session        session,
                   enum ssh_options_e option)
{
  char *value = NULL;
  char *copy;

  if (ssh_options_get (session, option, &value) != SSH_OK)
    return NULL;
  copy = g_strdup (value);
  ssh_string_free_char (value);
  return copy;
}

static gboolean
libssh_parse (ssh_session          session,
              const TetherTarget  *target,
              const char          *ssh_dir,
              const char          *config,
              GPtrArray           *ignored,
              GError             **error)
{
  /* The log callback and level are libssh's thread-local state: set only
   * around this parse, on this thread. */
  ssh_logging_callback previous_cb = ssh_get_log_callback ();
  int previous_level = ssh_get_log_level ();
  gboolean ok = TRUE;

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

  ssh_set_log_userdata (ignored);
  ssh_set_log_callback (libssh_log_cb);
  ssh_set_log_level (SSH_LOG_INFO);
  if (g_file_test (config, G_FILE_TEST_EXISTS) && ssh_options_parse_config (session, config) != SSH_OK)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("Your SSH configuration “%s” could not be read (%s): fix it, or move it "
                     "away to connect without it."),
                   config, ssh_get_error (session));
      ok = FALSE;
    }
  ssh_set_log_level (previous_level);
  ssh_set_log_callback (previous_cb);
  ssh_set_log_userdata (NULL);
  return ok;
}

/* Where OpenSSH's client is missing: the host, user and port libssh's parser
 * gives; the connection lets libssh apply the file again on its own session
 * (config_file), since libssh has no getter for the rest. */
TetherResolvedTarget *
_tether_target_resolve_with_libssh (const TetherTarget  *target,
                                    const char          *ssh_dir,
                                    const char          *config,
                                    GError             **error)
{
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(GPtrArray) ignored = g_ptr_array_new_with_free_func (g_free);
  ssh_session session;
  unsigned int port = 22;

  tether_ssh_init ();
  session = ssh_new ();
  if (!libssh_parse (session, target, ssh_dir, config, ignored, error))
    {
      ssh_free (session);
      return NULL;
    }
  /* Set after parsing, so what the user typed wins over the config. */
  if (target->user != NULL)
    ssh_options_set (session, SSH_OPTIONS_USER, target->user);
  if (target->port != 0)
    ssh_options_set (session, SSH_OPTIONS_PORT, &target->port);

  resolved = g_new0 (TetherResolvedTarget, 1);
  resolved->alias = g_strdup (target->host);
  resolved->host = dup_libssh_option (session, SSH_OPTIONS_HOST);
  resolved->user = dup_libssh_option (session, SSH_OPTIONS_USER);
  ssh_options_get_port (session, &port);
  resolved->port = port;
  resolved->proxy_command = dup_libssh_option (session, SSH_OPTIONS_PROXYCOMMAND);
  ssh_free (session);

  if (resolved->host == NULL)
    resolved->host = g_strdup (target->host);
  /* libssh only fills the user in on connect when nothing set it. */
  if (resolved->user == NULL)
    resolved->user = g_strdup (g_get_user_name ());
  if (g_file_test (config, G_FILE_TEST_EXISTS))
    resolved->config_file = g_strdup (config);

  resolved->identity_files = g_new0 (char *, 1);
  resolved->certificate_files = g_new0 (char *, 1);
  resolved->user_known_hosts_files = g_new0 (char *, 1);
  resolved->global_known_hosts_files = g_new0 (char *, 1);
  resolved->local_forwards = g_new0 (char *, 1);
  resolved->remote_forwards = g_new0 (char *, 1);
  resolved->dynamic_forwards = g_new0 (char *, 1);
  resolved->ignored = tether_strv_steal (g_steal_pointer (&ignored));
  return g_steal_pointer (&resolved);
}
