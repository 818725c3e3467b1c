/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-jump.h"

static char **
split_hops (const char *jump_hosts)
{
  g_autofree char *copy = g_strstrip (g_strdup (jump_hosts != NULL ? jump_hosts : ""));

  if (*copy == '\0' || g_ascii_strcasecmp (copy, "none") == 0)
    return g_new0 (char *, 1);
  return g_strsplit (copy, ",", -1);
}

/* Parses one hop, with an error that names it among the jump hosts. */
static TetherTarget *
parse_hop (const char  *hop,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (hop));
  TetherTarget *target;

  if (*stripped == '\0')
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("A jump host is empty. Separate jump hosts with single commas, as in “user@bastion:22,inner”."));
      return NULL;
    }
  if ((target = tether_target_parse (stripped, &local_error)) == NULL)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                   _("The jump host is not valid: %s"), local_error->message);
      return NULL;
    }
  return target;
}

/**
 * tether_jump_hosts_check:
 * @jump_hosts: (nullable): a ProxyJump value
 *
 * Returns: whether every hop parses as a target
 */
gboolean
tether_jump_hosts_check (const char  *jump_hosts,
                         GError     **error)
{
  g_auto(GStrv) hops = split_hops (jump_hosts);

  for (guint i = 0; hops[i] != NULL; i++)
    {
      g_autoptr(TetherTarget) target = parse_hop (hops[i], error);

      if (target == NULL)
        return FALSE;
    }
  return TRUE;
}

/**
 * tether_jump_hosts_resolve:
 * @jump_hosts: (nullable): a ProxyJump value
 * @ssh_dir: (nullable): the `~/.ssh` directory, whose config applies to
 *   each hop as to any target
 *
 * Returns: (transfer full) (element-type TetherResolvedTarget): the hops in
 *   the order they are connected to, empty for none
 */
GPtrArray *
tether_jump_hosts_resolve (const char  *jump_hosts,
                           const char  *ssh_dir,
                           GError     **error)
{
  g_autoptr(GPtrArray) resolved = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_resolved_target_free);
  g_auto(GStrv) hops = split_hops (jump_hosts);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; hops[i] != NULL; i++)
    {
      g_autoptr(TetherTarget) target = parse_hop (hops[i], error);
      TetherResolvedTarget *hop;

      if (target == NULL || (hop = tether_target_resolve (target, ssh_dir, error)) == NULL)
        return NULL;
      g_ptr_array_add (resolved, hop);
    }
  return g_steal_pointer (&resolved);
}

static void
resolve_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  char **args = data;
  GError *error = NULL;
  GPtrArray *resolved = tether_jump_hosts_resolve (args[0], args[1], &error);

  if (resolved == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resolved, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tether_jump_hosts_resolve_async:
 *
 * tether_jump_hosts_resolve() on a thread: the configuration is read (or
 * `ssh -G` run) for each hop, never on the main loop.
 */
void
tether_jump_hosts_resolve_async (const char          *jump_hosts,
                                 const char          *ssh_dir,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char **args = g_new0 (char *, 3);

  args[0] = g_strdup (jump_hosts);
  args[1] = g_strdup (ssh_dir);
  g_task_set_source_tag (task, tether_jump_hosts_resolve_async);
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, resolve_thread);
}

/**
 * tether_jump_hosts_resolve_finish:
 *
 * Returns: (transfer full) (element-type TetherResolvedTarget): the hops
 */
GPtrArray *
tether_jump_hosts_resolve_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_jump_hosts_resolve_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
