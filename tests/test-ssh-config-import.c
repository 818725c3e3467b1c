/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-definition.h"
#include "tether-ssh-config-import.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Import from an SSH configuration: aliases become sessions in a folder
 * named after the file; importing again updates, never duplicates, and
 * never deletes. */

#define WAIT_MS 20000

static void
write_ssh_file (const char *name,
                const char *contents)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static TetherImportReport *
import (TetherSessionManager  *manager,
        const char            *path,
        GError               **error)
{
  TetherTestWait wait = { 0 };
  TetherImportReport *report;

  tether_session_manager_import_ssh_config_async (manager, path, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  report = tether_session_manager_import_ssh_config_finish (manager, wait.result, error);
  g_object_unref (wait.result);
  return report;
}

static TetherImportReport *
import_ok (TetherSessionManager *manager)
{
  g_autoptr(GError) error = NULL;
  TetherImportReport *report = import (manager, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static TetherSession *
find_in_folder (TetherSessionManager *manager,
                const char           *folder,
                const char           *target)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (manager));
  TetherSession *found = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (manager), i);

      if (g_strcmp0 (tether_session_get_folder (session), folder) == 0 &&
          g_strcmp0 (tether_session_get_target (session), target) == 0)
        {
          g_assert_null (found);
          found = session;
        }
    }
  return found;
}

static const char config[] =
  "Include ~/.ssh/import.d/*.conf\n"
  "Host web db\n"
  "  HostName 192.0.2.1\n"
  "Host *.example.org !bad\n"
  "  User someone\n"
  "Match host web\n"
  "  Port 2222\n"
  "Host = \"quoted\"\n"
  "Host *\n"
  "  ServerAliveInterval 30\n";

static void
test_import (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherImportReport) first = NULL;
  g_autoptr(TetherImportReport) second = NULL;
  g_autoptr(TetherImportReport) third = NULL;
  g_autoptr(TetherSessionDefinition) def = NULL;
  const char * const skipped[] = { "*.example.org", "!bad", "*", NULL };
  const char * const removed[] = { "db", NULL };
  g_autofree char *text = NULL;
  TetherSession *db;

  write_ssh_file ("import.d/10-cache.conf", "Host cache\n  HostName 192.0.2.2\n");
  write_ssh_file ("config", config);

  /* Concrete aliases, from included files too, in the folder of the file. */
  first = import_ok (manager);
  g_assert_cmpstr (first->folder, ==, "~/.ssh/config");
  g_assert_cmpuint (first->n_added, ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 4);
  g_assert_cmpstrv (first->skipped, skipped);
  g_assert_cmpuint (g_strv_length (first->removed), ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      const char *alias = (const char *[]) { "cache", "web", "db", "quoted" }[i];
      TetherSession *session = find_in_folder (manager, "~/.ssh/config", alias);

      g_assert_nonnull (session);
      g_assert_cmpstr (tether_session_get_name (session), ==, alias);
      g_assert_true (tether_session_get_persistent (session));
    }

  /* Again: nothing new.  A session whose target was edited gets its alias
   * back rather than a twin. */
  db = find_in_folder (manager, "~/.ssh/config", "db");
  def = tether_session_definition_new_for_session (db);
  g_free ((char *) def->target);
  def->target = g_strdup ("192.0.2.9");
  g_assert_true (tether_session_manager_update_session (manager, db, def, NULL));
  second = import_ok (manager);
  g_assert_cmpuint (second->n_added, ==, 0);
  g_assert_cmpuint (second->n_updated, ==, 1);
  g_assert_cmpuint (second->n_unchanged, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 4);
  g_assert_cmpstr (tether_session_get_target (db), ==, "db");

  /* An alias gone from the file: reported, its session kept. */
  write_ssh_file ("config", "Include ~/.ssh/import.d/*.conf\nHost web quoted\n");
  third = import_ok (manager);
  g_assert_cmpstrv (third->removed, removed);
  g_assert_cmpuint (third->n_unchanged, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 4);
  g_assert_nonnull (find_in_folder (manager, "~/.ssh/config", "db"));

  text = tether_import_report_to_string (third);
  g_assert_nonnull (strstr (text, "“~/.ssh/config”"));
  g_assert_nonnull (strstr (text, "kept: db."));

  tether_session_manager_close_all (manager);
}

/* A name already taken elsewhere: the session is added under a name of
 * its own rather than refused. */
static void
test_import_name_taken (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherImportReport) report = NULL;
  TetherSessionDefinition def = { .name = "web", .target = "192.0.2.5", .persistent = TRUE };
  TetherSession *imported;

  g_assert_nonnull (tether_session_manager_add_session (manager, &def, NULL));
  write_ssh_file ("config", "Host web\n");
  report = import_ok (manager);
  g_assert_cmpuint (report->n_added, ==, 1);
  imported = find_in_folder (manager, "~/.ssh/config", "web");
  g_assert_nonnull (imported);
  g_assert_cmpstr (tether_session_get_name (imported), !=, "web");

  tether_session_manager_close_all (manager);
}

static void
test_import_missing (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), "no-such-config", NULL);
  g_autoptr(TetherImportReport) report = import (manager, path, &error);

  g_assert_null (report);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
}

/* An imported session opens through its alias: the resolution applies at
 * connect. */
static void
test_import_opens (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherImportReport) report = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  TetherSession *session;

  tether_test_sshd_trust (sshd);
  text = g_strdup_printf ("Host opensbox\n  HostName 127.0.0.1\n  Port %u\n",
                          tether_test_sshd_get_port (sshd));
  write_ssh_file ("config", text);
  report = import_ok (manager);
  session = find_in_folder (manager, "~/.ssh/config", "opensbox");
  g_assert_nonnull (session);

  tether_session_manager_open_session_async (manager, session, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_session_manager_open_session_finish (manager, wait.result, &error));
  g_object_unref (wait.result);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  tether_session_manager_close_all (manager);
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/ssh-config-import/import", test_import);
  g_test_add_func ("/ssh-config-import/name-taken", test_import_name_taken);
  g_test_add_func ("/ssh-config-import/missing", test_import_missing);
  g_test_add_func ("/ssh-config-import/opens", test_import_opens);

  return g_test_run ();
}
