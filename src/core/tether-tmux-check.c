/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-tmux-check.h"

/*
 * Whether a server's tmux can hold a session's shell, told in one sentence
 * whether it is found when the session is made (`tmux -V` on an exec
 * channel, before the control client starts: the tmux session is not
 * created on a tmux that cannot run it) or when the control client
 * attaches (`#{version}`: the server may have changed since).
 */

/**
 * tether_tmux_version_supported:
 * @version: `#{version}`: `3.3a`, `next-3.4`, `master`, `openbsd-7.4`…
 *
 * Returns: whether that tmux has the control mode Tether uses; builds that
 *   do not say a release number are taken as recent
 */
gboolean
tether_tmux_version_supported (const char *version)
{
  const char *p;
  guint64 major, minor = 0;
  char *end;

  g_return_val_if_fail (version != NULL, FALSE);

  if (g_str_has_prefix (version, "openbsd-") || !g_ascii_isdigit (version[0]))
    {
      p = strchr (version, '-');
      if (p == NULL || g_str_has_prefix (version, "openbsd-") || !g_ascii_isdigit (p[1]))
        return TRUE;
      version = p + 1;
    }
  major = g_ascii_strtoull (version, &end, 10);
  if (*end == '.')
    minor = g_ascii_strtoull (end + 1, NULL, 10);
  return major > TETHER_TMUX_MINIMUM_MAJOR
         || (major == TETHER_TMUX_MINIMUM_MAJOR && minor >= TETHER_TMUX_MINIMUM_MINOR);
}

/**
 * tether_tmux_check_version:
 * @host: the server's name, for the sentence
 * @status: the exit status of a command prefixed with %TETHER_TMUX_FIND
 * @version: (nullable): the version that tmux said, if it said one
 *
 * The one judgement of a server's tmux, at creation and at attach.
 *
 * Returns: %FALSE with @error set, a sentence naming the minimum version
 *   and the package to install, when there is no tmux or it is too old
 */
gboolean
tether_tmux_check_version (const char  *host,
                           int          status,
                           const char  *version,
                           GError     **error)
{
  if (status == 127)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
                   _("There is no tmux on %s. Install the “tmux” package there (version %d.%d or later), or use the DefaultShell configuration."),
                   host, TETHER_TMUX_MINIMUM_MAJOR, TETHER_TMUX_MINIMUM_MINOR);
      return FALSE;
    }
  if (version != NULL && !tether_tmux_version_supported (version))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
                   _("The tmux on %s is version %s; the tmux configuration needs tmux %d.%d or later. Install a newer “tmux” package there, or use the DefaultShell configuration."),
                   host, version, TETHER_TMUX_MINIMUM_MAJOR, TETHER_TMUX_MINIMUM_MINOR);
      return FALSE;
    }
  return TRUE;
}

/* What `tmux -V` printed, `tmux 3.3a`, as `3.3a`; the last such line, as a
 * login script may print before it.  NULL when tmux did not say: taken as
 * recent, like a build without a release number, and left to the attach. */
static char *
parse_version (GBytes *out)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  const char *version = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "tmux ") && lines[i][strlen ("tmux ")] != '\0')
      version = g_strstrip (lines[i] + strlen ("tmux "));
  return g_strdup (version);
}

static void
collected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TetherExecResult) exec = NULL;
  g_autofree char *version = NULL;
  GError *error = NULL;

  exec = tether_channel_collect_finish (TETHER_CHANNEL (object), result, &error);
  if (exec == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  version = parse_version (exec->stdout_bytes);
  if (!tether_tmux_check_version (g_task_get_task_data (task), exec->exit_status, version, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TetherChannel) channel = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  channel = tether_connection_open_channel_finish (TETHER_CONNECTION (object), result, &error);
  if (channel == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  tether_channel_collect_async (channel, cancellable, collected_cb, g_steal_pointer (&task));
}

/**
 * tether_tmux_check_async:
 * @connection: a ready connection: the check is a channel on it, no login
 * @host: the server's name, for the sentence
 *
 * Asks the server's tmux its version (`tmux -V`) and judges it with
 * tether_tmux_check_version().
 */
void
tether_tmux_check_async (TetherConnection    *connection,
                         const char          *host,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_CONNECTION (connection));
  g_return_if_fail (host != NULL);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_tmux_check_async);
  g_task_set_task_data (task, g_strdup (host), g_free);
  tether_connection_open_channel_async (connection, TETHER_TMUX_FIND "exec tmux -V", 0, 0,
                                        cancellable, opened_cb, g_steal_pointer (&task));
}

gboolean
tether_tmux_check_finish (TetherConnection  *connection,
                          GAsyncResult      *result,
                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, connection), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_tmux_check_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
