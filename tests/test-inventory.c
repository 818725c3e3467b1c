/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-inventory.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* The Ansible inventory, read back by Ansible itself: folders as groups,
 * each session a host with where it goes, as whom, with which key. */

/* `ansible-inventory --list` of @text, reduced by a Python expression over
 * its JSON (`d`). */
static char *
ansible_reads (const char *text,
               const char *name,
               const char *expression)
{
  g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), name, NULL);
  g_autofree char *script = g_strdup_printf ("import json,subprocess,sys\n"
                                             "d=json.loads(subprocess.run(['ansible-inventory','-i',sys.argv[1],'--list'],"
                                             "check=True,capture_output=True).stdout)\n"
                                             "print(%s, end='')\n", expression);
  const char *argv[] = { "python3", "-c", script, path, NULL };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "ANSIBLE_LOCAL_TEMP", tether_test_get_tmpdir (), TRUE);
  char *out = NULL;
  int wait_status;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &wait_status, NULL));
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  return out;
}

static void
add (TetherSessionManager *manager,
     const char           *name,
     const char           *target,
     const char           *folder,
     const char           *identity_file)
{
  TetherSessionDefinition def = { .name = name, .target = target, .folder = folder,
                                  .identity_file = identity_file };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (tether_session_manager_add_session (manager, &def, &error));
  g_assert_no_error (error);
}

static void
test_groups (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(GError) error = NULL;
  g_autofree char *key = tether_test_make_key ("deploy key", NULL);
  g_autofree char *ini = NULL;
  g_autofree char *yaml = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *seen = NULL;
  const char *expression = "';'.join(sorted(d['all']['children'])) + ' ' + "
                           "','.join(d['web_servers']['hosts']) + ' ' + "
                           "str(d['_meta']['hostvars']['web01']['ansible_port']) + ' ' + "
                           "d['_meta']['hostvars']['web01']['ansible_user'] + ' ' + "
                           "d['_meta']['hostvars']['web02']['ansible_ssh_private_key_file'] + ' ' + "
                           "d['_meta']['hostvars']['lone']['ansible_host'] + ' ' + "
                           "str(d['_meta']['hostvars']['lone']['ansible_port'])";

  add (manager, "web01", "deploy@10.0.0.1:2222", "web servers", NULL);
  add (manager, "web02", "10.0.0.2", "web servers", key);
  add (manager, "db01", "10.0.0.3", "db", NULL);
  add (manager, "lone", "example.org", NULL, NULL);

  expected = g_strdup_printf ("db;ungrouped;web_servers web01,web02 2222 deploy %s example.org 22", key);
  ini = tether_inventory_export (manager, NULL, TETHER_INVENTORY_FORMAT_INI, &error);
  g_assert_no_error (error);
  seen = ansible_reads (ini, "inventory.ini", expression);
  g_assert_cmpstr (seen, ==, expected);
  g_clear_pointer (&seen, g_free);

  yaml = tether_inventory_export (manager, NULL, TETHER_INVENTORY_FORMAT_YAML, &error);
  g_assert_no_error (error);
  seen = ansible_reads (yaml, "inventory.yaml", expression);
  g_assert_cmpstr (seen, ==, expected);
  g_clear_pointer (&seen, g_free);
  g_clear_pointer (&ini, g_free);

  /* One folder: only its sessions. */
  ini = tether_inventory_export (manager, "db", TETHER_INVENTORY_FORMAT_INI, &error);
  g_assert_no_error (error);
  seen = ansible_reads (ini, "db.ini", "','.join(sorted(d['_meta']['hostvars']))");
  g_assert_cmpstr (seen, ==, "db01");
  g_clear_pointer (&ini, g_free);

  ini = tether_inventory_export (manager, "nowhere", TETHER_INVENTORY_FORMAT_INI, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_NOT_FOUND);
  g_assert_null (ini);
}

/* Folders nest: Prod/Staging is a child group of Prod, in both formats, and
 * exporting Prod takes Staging along, and nothing above it. */
static void
test_nested (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(GError) error = NULL;
  const char *expression = "','.join(d['Prod']['children']) + ' ' + ','.join(d['Prod']['hosts']) + ' ' + "
                           "','.join(d['Prod_Staging']['hosts']) + ' ' + ','.join(d['Prod_Staging_db']['hosts']) + ' ' + "
                           "','.join(d['Prod_Staging']['children'])";

  add (manager, "prod01", "10.0.1.1", "Prod", NULL);
  add (manager, "stage01", "10.0.2.1", "Prod/Staging", NULL);
  add (manager, "stagedb", "10.0.2.2", "Prod/Staging/db", NULL);
  add (manager, "lab01", "10.0.3.1", "Lab/Deep", NULL);

  for (int format = TETHER_INVENTORY_FORMAT_INI; format <= TETHER_INVENTORY_FORMAT_YAML; format++)
    {
      g_autofree char *text = tether_inventory_export (manager, NULL, format, &error);
      g_autofree char *seen = NULL;
      g_autofree char *lab = NULL;
      g_autofree char *staging = NULL;

      g_assert_no_error (error);
      seen = ansible_reads (text, format == TETHER_INVENTORY_FORMAT_INI ? "nested.ini" : "nested.yaml",
                            expression);
      g_assert_cmpstr (seen, ==, "Prod_Staging prod01 stage01 stagedb Prod_Staging_db");
      /* A folder holding only folders is a group all the same. */
      lab = ansible_reads (text, format == TETHER_INVENTORY_FORMAT_INI ? "lab.ini" : "lab.yaml",
                           "','.join(d['Lab']['children']) + ' ' + str('Lab' in d['all']['children']) + ' ' + "
                           "','.join(d['Lab_Deep']['hosts'])");
      g_assert_cmpstr (lab, ==, "Lab_Deep True lab01");

      g_free (text);
      text = tether_inventory_export (manager, "Prod/Staging", format, &error);
      g_assert_no_error (error);
      staging = ansible_reads (text, format == TETHER_INVENTORY_FORMAT_INI ? "staging.ini" : "staging.yaml",
                               "','.join(sorted(d['_meta']['hostvars'])) + ' ' + str('Prod' in d)");
      g_assert_cmpstr (staging, ==, "stage01,stagedb False");
    }
}

/* No session: still an inventory Ansible reads, with no host. */
static void
test_empty (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(GError) error = NULL;

  for (int format = TETHER_INVENTORY_FORMAT_INI; format <= TETHER_INVENTORY_FORMAT_YAML; format++)
    {
      g_autofree char *text = tether_inventory_export (manager, NULL, format, &error);
      g_autofree char *seen = NULL;

      g_assert_no_error (error);
      seen = ansible_reads (text, format == TETHER_INVENTORY_FORMAT_INI ? "empty.ini" : "empty.yaml",
                            "len(d['_meta']['hostvars'])");
      g_assert_cmpstr (seen, ==, "0");
    }
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/inventory/groups", test_groups);
  g_test_add_func ("/inventory/nested", test_nested);
  g_test_add_func ("/inventory/empty", test_empty);

  return g_test_run ();
}
