/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tether-error.h"
#include "tether-inventory.h"
#include "tether-invocation.h"
#include "tether-session-definition.h"
#include "tether-target.h"

/*
 * When a fleet outgrows one desktop: the sessions as an Ansible inventory.
 * Only what the definition says goes out (where, as whom, with which key
 * file); passwords and passphrases stay in the keyring.
 */

gboolean
tether_inventory_format_from_string (const char             *text,
                                     TetherInventoryFormat  *format,
                                     GError                **error)
{
  if (text == NULL || g_ascii_strcasecmp (text, "ini") == 0)
    *format = TETHER_INVENTORY_FORMAT_INI;
  else if (g_ascii_strcasecmp (text, "yaml") == 0 || g_ascii_strcasecmp (text, "yml") == 0)
    *format = TETHER_INVENTORY_FORMAT_YAML;
  else
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
                   _("“%s” is not an inventory format. Use ini or yaml."), text);
      return FALSE;
    }
  return TRUE;
}

/* Ansible names: letters, digits and underscores are safe everywhere
 * (a group name with a dash draws a warning; a space splits an INI line). */
static char *
ansible_name (const char *name)
{
  char *safe = g_strdup (name);

  for (char *p = safe; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.')
      *p = '_';
  if (g_ascii_isdigit (safe[0]))
    {
      char *prefixed = g_strconcat ("_", safe, NULL);

      g_free (safe);
      safe = prefixed;
    }
  return safe;
}

typedef struct {
  char  *name;
  char  *host;
  guint  port;
  char  *user;           /* nullable */
  char  *identity_file;  /* nullable */
} Host;

static void
host_free (gpointer data)
{
  Host *host = data;

  g_free (host->name);
  g_free (host->host);
  g_free (host->user);
  g_free (host->identity_file);
  g_free (host);
}

static Host *
host_new (TetherSession  *session,
          GError        **error)
{
  g_autoptr(TetherTarget) target = tether_target_parse (tether_session_get_target (session), error);
  Host *host;

  if (target == NULL)
    return NULL;
  host = g_new0 (Host, 1);
  host->name = ansible_name (tether_session_get_name (session));
  host->host = g_strdup (target->host);
  host->port = target->port != 0 ? target->port : 22;
  host->user = g_strdup (target->user);
  host->identity_file = g_strdup (tether_session_get_identity_file (session));
  return host;
}

/* One value, quoted when it holds what INI would split on. */
static void
append_ini_value (GString    *out,
                  const char *key,
                  const char *value)
{
  if (strpbrk (value, " \t'\"#=\\") == NULL)
    g_string_append_printf (out, " %s=%s", key, value);
  else
    {
      g_string_append_printf (out, " %s=", key);
      tether_json_append_string (out, value, -1);
    }
}

static void
append_ini_host (GString *out,
                 Host    *host)
{
  g_autofree char *port = g_strdup_printf ("%u", host->port);

  g_string_append (out, host->name);
  append_ini_value (out, "ansible_host", host->host);
  append_ini_value (out, "ansible_port", port);
  if (host->user != NULL)
    append_ini_value (out, "ansible_user", host->user);
  if (host->identity_file != NULL)
    append_ini_value (out, "ansible_ssh_private_key_file", host->identity_file);
  g_string_append_c (out, '\n');
}

static void
append_yaml_host (GString    *out,
                  Host       *host,
                  const char *indent)
{
  g_string_append_printf (out, "%s%s:\n", indent, host->name);
  g_string_append_printf (out, "%s  ansible_host: ", indent);
  tether_json_append_string (out, host->host, -1);
  g_string_append_printf (out, "\n%s  ansible_port: %u\n", indent, host->port);
  if (host->user != NULL)
    {
      g_string_append_printf (out, "%s  ansible_user: ", indent);
      tether_json_append_string (out, host->user, -1);
      g_string_append_c (out, '\n');
    }
  if (host->identity_file != NULL)
    {
      g_string_append_printf (out, "%s  ansible_ssh_private_key_file: ", indent);
      tether_json_append_string (out, host->identity_file, -1);
      g_string_append_c (out, '\n');
    }
}

static void
append_ini_group (GString    *out,
                  const char *name,
                  GPtrArray  *hosts,
                  GPtrArray  *children)
{
  if (*name != '\0')
    g_string_append_printf (out, "\n[%s]\n", name);
  for (guint j = 0; j < hosts->len; j++)
    append_ini_host (out, g_ptr_array_index (hosts, j));
  if (children != NULL)
    {
      g_string_append_printf (out, "\n[%s:children]\n", name);
      for (guint j = 0; j < children->len; j++)
        g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (children, j));
    }
}

static void
append_yaml_group (GString    *out,
                   const char *name,
                   GPtrArray  *hosts,
                   GPtrArray  *children)
{
  g_string_append_printf (out, "    %s:\n", *name != '\0' ? name : "ungrouped");
  /* A group of folders only: an empty mapping, not a null one. */
  g_string_append (out, hosts->len > 0 ? "      hosts:\n" : "      hosts: {}\n");
  for (guint j = 0; j < hosts->len; j++)
    append_yaml_host (out, g_ptr_array_index (hosts, j), "        ");
  if (children != NULL)
    {
      g_string_append (out, "      children:\n");
      for (guint j = 0; j < children->len; j++)
        g_string_append_printf (out, "        %s: {}\n", (const char *) g_ptr_array_index (children, j));
    }
}

typedef struct {
  GPtrArray  *names;     /* the groups' names, "" for no folder */
  GHashTable *hosts;     /* name → GPtrArray of Host */
  GHashTable *children;  /* name → GPtrArray of its child groups' names */
} Groups;

static void
groups_clear (Groups *groups)
{
  g_clear_pointer (&groups->names, g_ptr_array_unref);
  g_clear_pointer (&groups->hosts, g_hash_table_unref);
  g_clear_pointer (&groups->children, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Groups, groups_clear)

static GPtrArray *
ensure_group (Groups     *groups,
              const char *name)
{
  GPtrArray *hosts = g_hash_table_lookup (groups->hosts, name);

  if (hosts == NULL)
    {
      hosts = g_ptr_array_new_with_free_func (host_free);
      g_ptr_array_add (groups->names, g_strdup (name));
      g_hash_table_insert (groups->hosts, g_strdup (name), hosts);
    }
  return hosts;
}

/* Folders nest (`Prod/Staging` is Staging inside Prod): each folder's group
 * is a child of its parent folder's, as Ansible's `children`, so that a
 * play on Prod reaches Staging's hosts too.  Nothing above @top, the folder
 * exported, is added. */
static void
add_parents (Groups     *groups,
             const char *folder,
             const char *top)
{
  g_autofree char *path = g_strdup (folder);
  char *slash;

  while (g_strcmp0 (path, top) != 0 && (slash = strrchr (path, '/')) != NULL)
    {
      g_autofree char *child = ansible_name (path);
      g_autofree char *parent = NULL;
      GPtrArray *list;

      *slash = '\0';
      parent = ansible_name (path);
      ensure_group (groups, parent);
      if ((list = g_hash_table_lookup (groups->children, parent)) == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (groups->children, g_strdup (parent), list);
        }
      if (!g_ptr_array_find_with_equal_func (list, child, g_str_equal, NULL))
        g_ptr_array_add (list, g_steal_pointer (&child));
    }
}

/* Hosts by group, in list order; "" holds those in no folder. */
static gboolean
collect (TetherSessionManager  *manager,
         const char            *folder,
         Groups                *groups,
         GError               **error)
{
  GListModel *sessions = G_LIST_MODEL (manager);

  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (sessions, i);
      const char *session_folder = tether_session_get_folder (session);
      g_autofree char *group = session_folder != NULL ? ansible_name (session_folder) : g_strdup ("");
      Host *host;

      if (folder != NULL && !tether_session_folder_is_within (session_folder, folder))
        continue;
      if ((host = host_new (session, error)) == NULL)
        return FALSE;
      g_ptr_array_add (ensure_group (groups, group), host);
      if (session_folder != NULL)
        add_parents (groups, session_folder, folder);
    }

  if (folder != NULL && groups->names->len == 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND,
                   _("No session is in the folder “%s”. Check the folder’s name in the session list."),
                   folder);
      return FALSE;
    }
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/**
 * tether_inventory_export:
 * @folder: (nullable): only this folder's sessions
 *
 * Returns: (transfer full): the inventory, or %NULL with @error set
 */
char *
tether_inventory_export (TetherSessionManager   *manager,
                         const char             *folder,
                         TetherInventoryFormat   format,
                         GError                **error)
{
  g_auto(Groups) groups = {
    g_ptr_array_new_with_free_func (g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref),
  };
  GString *out;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (manager), NULL);

  if (!collect (manager, folder, &groups, error))
    return NULL;

  out = g_string_new (format == TETHER_INVENTORY_FORMAT_INI
                      ? "# Ansible inventory exported by Tether\n"
                      : "# Ansible inventory exported by Tether\nall:\n");
  /* An empty mapping rather than a null one, which Ansible refuses. */
  if (format == TETHER_INVENTORY_FORMAT_YAML)
    g_string_append (out, groups.names->len > 0 ? "  hosts: {}\n  children:\n" : "  hosts: {}\n  children: {}\n");

  /* INI wants the hosts in no group first, before any [section]. */
  g_ptr_array_sort (groups.names, compare_names);
  for (guint i = 0; i < groups.names->len; i++)
    {
      const char *name = g_ptr_array_index (groups.names, i);

      if (format == TETHER_INVENTORY_FORMAT_INI)
        append_ini_group (out, name, g_hash_table_lookup (groups.hosts, name),
                          g_hash_table_lookup (groups.children, name));
      else
        append_yaml_group (out, name, g_hash_table_lookup (groups.hosts, name),
                           g_hash_table_lookup (groups.children, name));
    }
  return g_string_free (out, FALSE);
}
