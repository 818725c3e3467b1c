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
