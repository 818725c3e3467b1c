/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-session-format-private.h"
#include "tether-session-manager.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Get-PSSession's table and the JSON of --get-session --json. */

static TetherSessionManager *
new_manager (const char *file)
{
  g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), file, NULL);

  return tether_session_manager_new (path, tether_test_config ());
}

static TetherSession *
add (TetherSessionManager *manager,
     const char           *target,
     const char           *name,
     const char           *configuration_name)
{
  TetherSessionDefinition def = {
    .target = target,
    .name = name,
    .configuration_name = configuration_name,
    .persistent = FALSE,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_session_manager_add_session (manager, &def, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static void
test_table_seed (void)
{
  g_autoptr(TetherSessionManager) manager = new_manager ("seed.ini");
  TetherSession *session = add (manager, "Server01", NULL, "Microsoft.PowerShell");
  g_autofree char *table = NULL;
  g_autofree char *expected = NULL;
  guint id = tether_session_get_id (session);

  /* The seed's example, with the state this session really has. */
  table = tether_session_format_table (&session, 1);
  expected = g_strdup_printf ("Id Name            ComputerName    State    ConfigurationName\n"
                              "-- ----            ------------    -----    -----------------\n"
                              "%-2u %-15s Server01        Closed   Microsoft.PowerShell\n",
                              id, tether_session_get_name (session));
  g_assert_cmpstr (table, ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("Session%u", id);
  g_assert_cmpstr (tether_session_get_name (session), ==, expected);
}

static void
test_table_empty (void)
{
  g_autoptr(TetherSessionManager) manager = new_manager ("empty.ini");
  g_autofree char *table = tether_session_format_table_model (G_LIST_MODEL (manager));

  /* PowerShell prints nothing when there is no session. */
  g_assert_cmpstr (table, ==, "");
}

static void
test_table_long_values (void)
{
  g_autoptr(TetherSessionManager) manager = new_manager ("long.ini");
  TetherSession *sessions[2];
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;

  sessions[0] = add (manager, "a-very-long-host-name.example.org", "AVeryLongSessionName", NULL);
  sessions[1] = add (manager, "e.example", "Éclair", NULL);
  table = tether_session_format_table (sessions, 2);
  lines = g_strsplit (table, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  /* Cut to the column's width, ending with an ellipsis, as PowerShell 7. */
  g_assert_nonnull (strstr (lines[2], " AVeryLongSessi… a-very-long-ho… Closed   DefaultShell"));
  /* Widths count characters, not bytes. */
  g_assert_nonnull (strstr (lines[3], " Éclair          e.example       Closed   DefaultShell"));
  g_assert_cmpstr (lines[4], ==, "");
  /* Every line's columns start where the header's do. */
  for (guint i = 1; i < 4; i++)
    g_assert_cmpint (g_utf8_strlen (lines[i], -1) >= 44, ==, TRUE);
}

static void
test_table_opened (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherSessionManager) manager = new_manager ("opened.ini");
  g_autoptr(GError) error = NULL;
  g_autofree char *table = NULL;
  g_autofree char *expected_row = NULL;
  g_autoptr(TetherSession) session = NULL;

  tether_test_sshd_trust (sshd);
  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Web", &error);
  g_assert_no_error (error);

  table = tether_session_format_table_model (G_LIST_MODEL (manager));
  expected_row = g_strdup_printf ("%-2u Web             %-15.15s Opened   DefaultShell\n",
                                  tether_session_get_id (session),
                                  tether_session_get_computer_name (session));
  g_assert_true (g_str_has_suffix (table, expected_row) ||
                 /* a computer name longer than the column is cut */
                 strlen (tether_session_get_computer_name (session)) > 15);
  g_assert_nonnull (strstr (table, " Opened   DefaultShell\n"));

  tether_session_manager_close_all (manager);
}

static void
test_json_string (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  tether_session_format_json_string (out, "a\"b\\c\n\t\x01é/");
  g_assert_cmpstr (out->str, ==, "\"a\\\"b\\\\c\\n\\t\\u0001é/\"");

  g_string_truncate (out, 0);
  tether_session_format_json_string (out, NULL);
  g_assert_cmpstr (out->str, ==, "null");
}

static void
test_json (void)
{
  g_autoptr(TetherSessionManager) manager = new_manager ("json.ini");
  TetherSession *session = add (manager, "admin@server01:2222", "Db", "Cfg");
  g_autoptr(GListStore) empty = g_list_store_new (TETHER_TYPE_SESSION);
  g_autofree char *json = NULL;
  g_autofree char *id = NULL;

  json = tether_session_format_json_model (G_LIST_MODEL (manager));
  id = g_strdup_printf ("\"Id\": %u,", tether_session_get_id (session));

  g_assert_true (g_str_has_prefix (json, "[\n  {"));
  g_assert_true (g_str_has_suffix (json, "}\n]\n"));
  g_assert_nonnull (strstr (json, id));
  g_assert_nonnull (strstr (json, "\"Name\": \"Db\""));
  g_assert_nonnull (strstr (json, "\"ComputerName\": \"server01\""));
  g_assert_nonnull (strstr (json, "\"UserName\": \"admin\""));
  g_assert_nonnull (strstr (json, "\"Port\": 2222"));
  g_assert_nonnull (strstr (json, "\"State\": \"Closed\""));
  g_assert_nonnull (strstr (json, "\"ConfigurationName\": \"Cfg\""));
  g_assert_nonnull (strstr (json, "\"Temporary\": false"));
  g_assert_nonnull (strstr (json, "\"InstanceId\": \""));
  g_assert_nonnull (strstr (json, "\"Availability\": "));
  g_assert_nonnull (strstr (json, "\"JumpHosts\": null"));
  g_assert_nonnull (strstr (json, "\"ForwardAgent\": false"));
  g_assert_nonnull (strstr (json, "\"Forwards\": []"));

  g_free (json);
  json = tether_session_format_json_model (G_LIST_MODEL (empty));
  g_assert_cmpstr (json, ==, "[]\n");
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/session-format/table/seed", test_table_seed);
  g_test_add_func ("/session-format/table/empty", test_table_empty);
  g_test_add_func ("/session-format/table/long-values", test_table_long_values);
  g_test_add_func ("/session-format/table/opened", test_table_opened);
  g_test_add_func ("/session-format/json/string", test_json_string);
  g_test_add_func ("/session-format/json/sessions", test_json);

  return g_test_run ();
}
