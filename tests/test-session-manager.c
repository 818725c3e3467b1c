/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-session-store.h"
#include "tether-target.h"
#include "tether-test-caps.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* New, Enter -ComputerName, Close, Remove, Broken and the sessions file,
 * against a real sshd. */

#define WAIT_MS 20000

static TetherTestSshd *sshd;

static char *
store_path (const char *name)
{
  return g_build_filename (tether_test_get_tmpdir (), name, NULL);
}

static gboolean
file_mentions (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  return strstr (contents, text) != NULL;
}


static void
test_new_session (void)
{
  g_autofree char *path = store_path ("new.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSession) first = NULL;
  g_autoptr(TetherSession) second = NULL;
  g_autoptr(TetherSession) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  first = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (first), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (tether_session_get_availability (first), ==, TETHER_SESSION_AVAILABILITY_AVAILABLE);
  g_assert_cmpstr (tether_session_get_configuration_name (first), ==, "DefaultShell");
  g_assert_cmpstr (tether_session_get_computer_name (first), ==, "127.0.0.1");
  g_assert_cmpuint (tether_session_get_port (first), ==, tether_test_sshd_get_port (sshd));
  name = g_strdup_printf ("Session%u", tether_session_get_id (first));
  g_assert_cmpstr (tether_session_get_name (first), ==, name);
  g_assert_nonnull (tether_session_get_instance_id (first));
  g_assert_true (g_uuid_string_is_valid (tether_session_get_instance_id (first)));

  second = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_session_get_id (second), >, tether_session_get_id (first));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_true (tether_session_manager_lookup (manager, name) == first);
  g_assert_true (file_mentions (path, name));

  /* Ids are never reused, even after a removal. */
  tether_session_manager_remove_session (manager, second);
  third = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Named", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_session_get_id (third), >, tether_session_get_id (second));
  g_assert_cmpstr (tether_session_get_name (third), ==, "Named");

  /* Names are unique. */
  g_clear_object (&second);
  second = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "named", &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS);
  g_assert_null (second);

  tether_session_manager_close_all (manager);
}

static void
test_shared_connection (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) a = NULL;
  g_autoptr(TetherSession) b = NULL;
  g_autoptr(GError) error = NULL;

  a = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "A", &error);
  g_assert_no_error (error);
  b = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "B", &error);
  g_assert_no_error (error);

  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 1);
  tether_test_sshd_wait_connections (sshd, 1, WAIT_MS);

  /* Each has its own shell on the one connection. */
  tether_test_attach (a);
  tether_test_attach (b);
  tether_test_type (a, "echo shell-$((1+1))a\n");
  tether_test_type (b, "echo shell-$((1+2))b\n");
  tether_test_wait_for_output (a, "shell-2a");
  tether_test_wait_for_output (b, "shell-3b");
  g_assert_cmpuint (tether_test_sshd_count_connections (sshd), ==, 1);

  /* The connection lives until its last session closes. */
  tether_session_manager_close_session (manager, a);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 1);
  tether_session_manager_close_session (manager, b);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
  tether_test_sshd_wait_connections (sshd, 0, WAIT_MS);
}

/* The SHA256 fingerprint of a public key, as sshd logs it. */
static char *
key_fingerprint (const char *private_key)
{
  g_autofree char *pub = g_strconcat (private_key, ".pub", NULL);
  const char *argv[] = { "ssh-keygen", "-l", "-f", pub, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fields = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  fields = g_strsplit (out, " ", 3);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  return g_strdup (fields[1]);
}

static TetherSession *
add_keyed_session (TetherSessionManager *manager,
                   const char           *name,
                   const char           *identity_file)
{
  TetherSessionDefinition def = { .target = tether_test_sshd_get_target (sshd), .name = name,
                                  .identity_file = identity_file };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_session_manager_add_session (manager, &def, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  return g_object_ref (session);
}

/* Same user@host:port, another identity file: another connection, which
 * the server sees logging in with that key.  Same identity: shared. */
static void
test_identity_not_shared (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autofree char *key = tether_test_make_key ("pool-own-key", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *fingerprint = key_fingerprint (key);
  g_autofree char *accepted = NULL;
  g_autofree char *log = NULL;
  g_autoptr(TetherSession) plain = NULL;
  g_autoptr(TetherSession) keyed = NULL;
  g_autoptr(TetherSession) keyed_too = NULL;

  tether_test_sshd_authorize_key (sshd, pub);
  plain = add_keyed_session (manager, "Plain", NULL);
  keyed = add_keyed_session (manager, "Keyed", key);

  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 2);
  tether_test_sshd_wait_connections (sshd, 2, WAIT_MS);
  /* The second connection logged in with the session's own key. */
  g_assert_true (g_file_get_contents (tether_test_sshd_get_log_path (sshd), &log, NULL, NULL));
  accepted = g_strdup_printf ("ED25519 %s", fingerprint);
  g_assert_nonnull (strstr (log, accepted));

  /* A third session with the same key shares that one. */
  keyed_too = add_keyed_session (manager, "KeyedToo", key);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 2);
  g_assert_cmpuint (tether_test_sshd_count_connections (sshd), ==, 2);

  tether_session_manager_close_all (manager);
  tether_test_sshd_wait_connections (sshd, 0, WAIT_MS);
}

static void
test_temporary_session (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) temp = NULL;
  g_autoptr(GError) error = NULL;

  temp = tether_test_enter_computer (manager, tether_test_sshd_get_target (sshd), &error);
  g_assert_no_error (error);
  g_assert_true (tether_session_get_temporary (temp));
  g_assert_cmpint (tether_session_get_state (temp), ==, TETHER_SESSION_STATE_OPENED);
  /* Get-PSSession does not list temporary sessions. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_null (tether_session_manager_lookup (manager, tether_session_get_name (temp)));

  tether_test_attach (temp);
  tether_test_type (temp, "echo temp-$((2*3))\n");
  tether_test_wait_for_output (temp, "temp-6");
  tether_test_sshd_wait_connections (sshd, 1, WAIT_MS);

  tether_session_detach (temp);
  g_assert_cmpint (tether_session_get_state (temp), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
  /* Seen from the server: the TCP connection is gone. */
  tether_test_sshd_wait_connections (sshd, 0, WAIT_MS);
}

static void
test_temporary_keeps_shared_connection (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) named = NULL;
  g_autoptr(TetherSession) temp = NULL;
  g_autoptr(GError) error = NULL;

  named = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Kept", &error);
  g_assert_no_error (error);
  temp = tether_test_enter_computer (manager, tether_test_sshd_get_target (sshd), &error);
  g_assert_no_error (error);

  tether_test_attach (temp);
  tether_session_detach (temp);
  g_assert_cmpint (tether_session_get_state (temp), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpint (tether_session_get_state (named), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 1);
  tether_test_sshd_wait_connections (sshd, 1, WAIT_MS);

  tether_session_manager_close_all (manager);
  tether_test_sshd_wait_connections (sshd, 0, WAIT_MS);
}

static void
test_close_and_reopen (void)
{
  g_autofree char *path = store_path ("close.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Closer", &error);
  g_assert_no_error (error);

  tether_session_manager_close_session (manager, session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_true (tether_session_manager_lookup (manager, "Closer") == session);
  g_assert_true (file_mentions (path, "Closer"));
  tether_test_sshd_wait_connections (sshd, 0, WAIT_MS);

  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  tether_test_attach (session);
  tether_test_type (session, "echo again-$((3*3))\n");
  tether_test_wait_for_output (session, "again-9");

  tether_session_manager_close_all (manager);
}

static void
test_remove (void)
{
  g_autofree char *path = store_path ("remove.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Goner", &error);
  g_assert_no_error (error);
  g_assert_true (file_mentions (path, "Goner"));
  tether_test_sshd_wait_connections (sshd, 1, WAIT_MS);

  tether_session_manager_remove_session (manager, session);
  g_assert_null (tether_session_manager_lookup (manager, "Goner"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_false (file_mentions (path, "Goner"));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  tether_test_sshd_wait_connections (sshd, 0, WAIT_MS);
}

/* Undo of a removal: the session as it was, Id included while it is free;
 * a name taken meanwhile is refused with the reason. */
static void
test_restore (void)
{
  g_autofree char *path = store_path ("restore.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  TetherSessionDefinition def = { .name = "Back", .target = "back.example", .folder = "Prod",
                                  .configuration_name = "Cfg", .persistent = TRUE };
  g_autoptr(TetherSessionDefinition) removed = NULL;
  g_autoptr(GError) error = NULL;
  TetherSession *session;
  TetherSession *other;
  guint id;

  session = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  id = tether_session_get_id (session);
  removed = tether_session_definition_new_for_session (session);
  tether_session_manager_remove_session (manager, session);
  g_assert_false (file_mentions (path, "Back"));

  session = tether_session_manager_restore_session (manager, removed, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_session_get_id (session), ==, id);
  g_assert_cmpstr (tether_session_get_instance_id (session), ==, removed->instance_id);
  g_assert_cmpstr (tether_session_get_folder (session), ==, "Prod");
  g_assert_cmpstr (tether_session_get_configuration_name (session), ==, "Cfg");
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_true (tether_session_manager_lookup (manager, "Back") == session);
  g_assert_true (file_mentions (path, "Back"));

  /* Its Id held by another session: back with a new one. */
  def.name = "Other";
  def.folder = NULL;
  other = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  tether_session_manager_remove_session (manager, session);
  session = tether_session_manager_restore_session (manager, removed, tether_session_get_id (other), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_session_get_id (session), !=, tether_session_get_id (other));
  g_assert_cmpstr (tether_session_get_name (session), ==, "Back");

  /* Its name taken meanwhile: not back, and the reason says so. */
  tether_session_manager_remove_session (manager, session);
  def.name = "Back";
  g_assert_nonnull (tether_session_manager_add_session (manager, &def, &error));
  g_assert_null (tether_session_manager_restore_session (manager, removed, id, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS);
}

static void
test_load (void)
{
  g_autofree char *path = store_path ("load.ini");
  g_autoptr(TetherSessionManager) writer = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) reader = NULL;
  TetherSessionDefinition web = { .target = "admin@web.example:2222", .name = "Web", .folder = "Prod",
                               .configuration_name = "Bash", .persistent = TRUE };
  TetherSessionDefinition db = { .target = tether_test_sshd_get_target (sshd), .name = "Db", .persistent = TRUE };
  TetherSessionDefinition demo = { .target = tether_test_sshd_get_target (sshd), .name = "Demo", .persistent = FALSE };
  g_autoptr(GError) error = NULL;
  TetherSession *first, *second;

  g_assert_nonnull (tether_session_manager_add_session (writer, &web, &error));
  g_assert_nonnull (tether_session_manager_add_session (writer, &db, &error));
  g_assert_nonnull (tether_session_manager_add_session (writer, &demo, &error));
  g_assert_no_error (error);
  /* The Demo session is never saved. */
  g_assert_false (file_mentions (path, "Demo"));

  reader = tether_session_manager_new (path, tether_test_config ());
  g_assert_true (tether_session_manager_load (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, 2);

  first = g_list_model_get_item (G_LIST_MODEL (reader), 0);
  second = g_list_model_get_item (G_LIST_MODEL (reader), 1);
  g_assert_cmpstr (tether_session_get_name (first), ==, "Web");
  g_assert_cmpstr (tether_session_get_folder (first), ==, "Prod");
  g_assert_cmpstr (tether_session_get_configuration_name (first), ==, "Bash");
  g_assert_cmpstr (tether_session_get_computer_name (first), ==, "web.example");
  g_assert_cmpuint (tether_session_get_port (first), ==, 2222);
  g_assert_cmpint (tether_session_get_state (first), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpuint (tether_session_get_id (second), ==, tether_session_get_id (first) + 1);

  /* Opening a Closed session from the file connects it. */
  g_assert_true (tether_test_open_session (reader, second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (second), ==, TETHER_SESSION_STATE_OPENED);

  tether_session_manager_close_all (reader);
  g_object_unref (first);
  g_object_unref (second);
}

/* What the name check accepts is saved and comes back, and is unique under
 * the comparison the loader uses.  Found by fuzzing (tests/fuzz/fuzz-name.c):
 * a C1 control (U+0085, U+009C) passed the check, which looked at ASCII
 * only, and every save after it failed; "CAFÉ" passed next to "café" (the
 * check compared with g_utf8_collate() and ASCII case, the loader
 * case-folds) and was dropped as a duplicate at the next start. */
static void
test_names_saved_as_checked (void)
{
  g_autofree char *path = store_path ("names.ini");
  g_autoptr(TetherSessionManager) writer = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) reader = tether_session_manager_new (path, tether_test_config ());
  const char *kept[] = { "café", "Straße", "σοφός" };
  const char *same[] = { "CAFÉ", "STRASSE", "ΣΟΦΌΣ" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      TetherSessionDefinition options = { .target = "h", .name = kept[i], .persistent = TRUE };

      g_assert_nonnull (tether_session_manager_add_session (writer, &options, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_assert_false (tether_session_manager_check_name (writer, same[i], NULL, &error));
      g_assert_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS);
      g_assert_nonnull (strstr (error->message, kept[i]));
      g_assert_true (tether_session_manager_lookup (writer, same[i]) ==
                     tether_session_manager_lookup (writer, kept[i]));
      g_clear_error (&error);
    }

  /* The session named in the message is quoted escaped: a bidi override
   * in a name would reorder the sentence around it. */
  {
    TetherSessionDefinition options = { .target = "h", .name = "\342\200\256evil", .persistent = TRUE };

    g_assert_nonnull (tether_session_manager_add_session (writer, &options, &error));
    g_assert_false (tether_session_manager_check_name (writer, "\342\200\256EVIL", NULL, &error));
    g_assert_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS);
    g_assert_null (strstr (error->message, "\342\200\256"));
    g_assert_nonnull (strstr (error->message, "“\\u{202e}evil”"));
    g_clear_error (&error);
  }

  g_assert_false (tether_session_manager_check_name (writer, "next\302\205line", NULL, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
  g_assert_null (strstr (error->message, "\302\205"));
  g_clear_error (&error);

  g_assert_true (tether_session_manager_load (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, G_N_ELEMENTS (kept) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (reader), i);

      g_assert_cmpstr (tether_session_get_name (session), ==, kept[i]);
    }
}

/* The destination a tab's tooltip shows is the target as
 * tether_target_to_string() prints it: what the parser reads back. */
static void
test_destination (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  const char *typed[] = { "ssh://admin@web.example:2222", "u@[fe80::1%eth0]:22", "[::1]", "h" };
  const char *printed[] = { "admin@web.example:2222", "u@[fe80::1%eth0]:22", "::1", "h" };

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      TetherSessionDefinition options = { .target = typed[i] };
      g_autoptr(GError) error = NULL;
      TetherSession *session = tether_session_manager_add_session (manager, &options, &error);
      g_autofree char *destination = NULL;
      g_autoptr(TetherTarget) parsed = NULL;

      g_assert_no_error (error);
      destination = tether_session_dup_destination (session);
      g_assert_cmpstr (destination, ==, printed[i]);
      parsed = tether_target_parse (destination, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (parsed->user, ==, tether_session_get_user_name (session));
      g_assert_cmpstr (parsed->host, ==, tether_session_get_computer_name (session));
      g_assert_cmpuint (parsed->port, ==, tether_session_get_port (session));
    }
}

static void
test_corrupt_file (void)
{
  g_autofree char *path = store_path ("corrupt.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  const char garbage[] = "\x01\x02[[[not a key file\n\xff\xfe";
  g_autoptr(GDir) listing = NULL;
  const char *entry;
  gboolean found = FALSE;

  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage - 1, NULL));
  g_assert_false (tether_session_manager_load (manager, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  /* Moved aside, byte for byte. */
  listing = g_dir_open (dir, 0, NULL);
  while ((entry = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (entry, "corrupt.ini.corrupt"))
      {
        g_autofree char *aside = g_build_filename (dir, entry, NULL);
        g_autofree char *contents = NULL;
        gsize len;

        g_assert_true (g_file_get_contents (aside, &contents, &len, NULL));
        g_assert_cmpmem (contents, len, garbage, sizeof garbage - 1);
        found = TRUE;
      }
  g_assert_true (found);
}

static void
test_bad_targets_change_nothing (void)
{
  g_autofree char *path = store_path ("bad.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSession) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *closed = g_strdup_printf ("127.0.0.1:%u", tether_test_sshd_get_port (sshd) + 1);
  const char *bad[] = { "nosuchhost.invalid", "127.0.0.1:0", "127.0.0.1:70000", "a@@b:x", closed };
  const int codes[] = { TETHER_ERROR_HOST_NOT_FOUND, TETHER_ERROR_INVALID_TARGET,
                        TETHER_ERROR_INVALID_TARGET, TETHER_ERROR_INVALID_TARGET,
                        TETHER_ERROR_CONNECTION_REFUSED };

  good = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "Good", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TetherSession) session = tether_test_new_session (manager, bad[i], NULL, &error);

      g_assert_null (session);
      g_assert_error (error, TETHER_ERROR, codes[i]);
      g_assert_cmpuint (strlen (error->message), >, 20);
      g_clear_error (&error);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_cmpint (tether_session_get_state (good), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  tether_session_manager_close_all (manager);
}

static void
warning_cb (TetherSessionManager *manager,
            TetherSession        *session,
            const char           *message,
            char                **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static void
test_config_ignored_reported (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *config = NULL;
  g_autofree char *warning = NULL;

  config = g_strdup_printf ("Host cfgbox\n  Hostname 127.0.0.1\n  Port %u\n"
                            "  ControlMaster auto\n  ForwardX11 yes\n"
                            "  StrictHostKeyChecking no\n",
                            tether_test_sshd_get_port (sshd));
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  g_signal_connect (manager, "warning", G_CALLBACK (warning_cb), &warning);

  /* The alias works, and what Tether does not apply is said, once, with
   * what it applies its own way. */
  g_test_expect_message ("Tether", G_LOG_LEVEL_MESSAGE, "*controlmaster auto; forwardx11 yes*");
  session = tether_test_new_session (manager, "cfgbox", "Configured", &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "controlmaster auto; forwardx11 yes."));
  g_assert_nonnull (strstr (warning, "never accepts a changed one"));

  g_assert_true (g_file_set_contents (config_path, "", 0, NULL));
  tether_session_manager_close_all (manager);
}

static void
test_broken_and_reopen (void)
{
  TetherTestSshd *own = tether_test_sshd_new (NULL);
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) a = NULL;
  g_autoptr(TetherSession) b = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (own);
  config.keepalive_interval_ms = 300;
  config.keepalive_max_missed = 2;
  /* Never retried (reconnect-window 0): test-reconnect.c retries. */
  config.reconnect_window_s = 0;
  manager = tether_session_manager_new (NULL, &config);
  a = tether_test_new_session (manager, tether_test_sshd_get_target (own), "BrokenA", &error);
  g_assert_no_error (error);
  b = tether_test_new_session (manager, tether_test_sshd_get_target (own), "BrokenB", &error);
  g_assert_no_error (error);

  tether_test_sshd_stop_connections (own, TRUE);
  while (tether_session_get_state (a) != TETHER_SESSION_STATE_BROKEN
         || tether_session_get_state (b) != TETHER_SESSION_STATE_BROKEN)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (tether_session_get_last_error (a));
  g_assert_cmpint (tether_session_get_availability (a), ==, TETHER_SESSION_AVAILABILITY_NONE);
  tether_test_sshd_stop_connections (own, FALSE);
  tether_test_sshd_kill_connections (own);

  /* Reconnect: a Broken session opens again. */
  g_assert_true (tether_test_open_session (manager, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (a), ==, TETHER_SESSION_STATE_OPENED);

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (own);
}

typedef struct {
  TetherSession      *session;
  gboolean            exited;
  gboolean            closed;
  TetherSessionState  state_at_close;
} Lost;

static void
lost_exited_cb (TetherSession *session,
                int            status,
                Lost          *lost)
{
  lost->exited = TRUE;
}

static void
lost_closed_cb (TetherChannel *shell,
                const GError  *error,
                Lost          *lost)
{
  lost->closed = TRUE;
  lost->state_at_close = tether_session_get_state (lost->session);
}

static gboolean
lost_and_closed (gpointer data)
{
  Lost *lost = data;

  return lost->closed && tether_session_get_state (lost->session) == TETHER_SESSION_STATE_BROKEN;
}

/* The connection of an attached session breaks: the session is Broken, with
 * the reason, before its shell reports closed, and that close is no `exit`
 * (a viewer would go away as if the user had typed it). */
static void
test_broken_is_not_exit (void)
{
  TetherTestSshd *own = tether_test_sshd_new (NULL);
  TetherConfig never = *tether_test_config ();
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(TetherChannel) shell = NULL;
  g_autoptr(GError) error = NULL;
  Lost lost = { 0 };

  /* Never retried (reconnect-window 0): test-reconnect.c retries. */
  never.reconnect_window_s = 0;
  manager = tether_session_manager_new (NULL, &never);
  tether_test_sshd_trust (own);
  session = tether_test_new_session (manager, tether_test_sshd_get_target (own), "Lost", &error);
  g_assert_no_error (error);
  tether_test_attach (session);
  tether_test_type (session, "echo attached-$((2*3))\n");
  tether_test_wait_for_output (session, "attached-6");

  lost.session = session;
  shell = g_object_ref (tether_session_get_shell (session));
  g_signal_connect (session, "shell-exited", G_CALLBACK (lost_exited_cb), &lost);
  g_signal_connect (shell, "closed", G_CALLBACK (lost_closed_cb), &lost);
  tether_test_sshd_kill_connections (own);
  tether_test_wait_until (lost_and_closed, &lost, WAIT_MS);

  g_assert_cmpint (lost.state_at_close, ==, TETHER_SESSION_STATE_BROKEN);
  g_assert_false (lost.exited);
  g_assert_nonnull (strstr (tether_session_get_last_error (session), "was lost"));

  g_signal_handlers_disconnect_by_data (session, &lost);
  g_signal_handlers_disconnect_by_data (shell, &lost);
  tether_session_manager_close_all (manager);
  tether_test_sshd_free (own);
}

/* A Closed session to remember, as Duplicate and Undo add them. */
static TetherSession *
add_remembered (TetherSessionManager  *manager,
                const char            *name,
                GError               **error)
{
  TetherSessionDefinition def = { .target = "host.example", .name = name, .persistent = TRUE };

  return tether_session_manager_add_session (manager, &def, error);
}

static guint
n_listed (TetherSessionManager *manager)
{
  return g_list_model_get_n_items (G_LIST_MODEL (manager));
}

static const char *
name_at (TetherSessionManager *manager,
         guint                 position)
{
  g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (manager), position);

  return tether_session_get_name (session);
}

/* The next start: a new manager that reads @path, and finds no fault. */
static TetherSessionManager *
restart (const char *path)
{
  TetherSessionManager *manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_session_manager_load (manager, &error));
  g_assert_no_error (error);
  return manager;
}

static void
store_error_cb (TetherSessionManager  *manager,
                const GError          *error,
                GError               **last)
{
  g_clear_error (last);
  *last = g_error_copy (error);
}

/* What the file cannot keep is refused with a sentence, never accepted and
 * then lost at every save: C1 controls (U+0085 NEL) in a name, a
 * configuration, a folder or a target, and a name too long. */
static void
test_refused_not_lost (void)
{
  g_autofree char *path = store_path ("refused.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autofree char *too_long = g_strnfill (TETHER_SESSION_FIELD_MAX + 1, 'n');
  const struct {
    const char *name;
    const char *target;
    const char *configuration_name;
    const char *folder;
  } cases[] = {
    { "nel\xc2\x85name", "host", NULL, NULL },
    { "c1\xc2\x9cname", "host", NULL, NULL },
    { too_long, "host", NULL, NULL },
    { "Cfg", "host", "Bash\xc2\x85", NULL },
    { "Folder", "host", NULL, "Lab\xc2\x85" },
    { "Target", "host\xc2\x85", NULL, NULL },
  };

  g_signal_connect (manager, "store-error", G_CALLBACK (store_error_cb), &store_error);
  g_assert_nonnull (add_remembered (manager, "Kept", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TetherSessionDefinition def = { .target = cases[i].target, .name = cases[i].name,
                                      .configuration_name = cases[i].configuration_name,
                                      .folder = cases[i].folder, .persistent = TRUE };
      g_autoptr(GError) error = NULL;

      g_assert_null (tether_session_manager_add_session (manager, &def, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == TETHER_ERROR);
      g_assert_true (g_str_has_suffix (error->message, "."));
      g_assert_null (strstr (error->message, "\xc2\x85"));
      g_clear_error (&error);
      if (i < 3)
        {
          g_assert_false (tether_session_manager_check_name (manager, cases[i].name, NULL, &error));
          g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
        }
    }

  /* A private key's path is what the file system gives: kept as it is. */
  {
    TetherSessionDefinition def = { .target = "host", .name = "Keyed", .persistent = TRUE,
                                    .identity_file = "/keys/new\nline-\xff\xfe" };
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (tether_session_manager_add_session (manager, &def, &error));
    g_assert_no_error (error);
  }

  g_assert_no_error (store_error);
  g_assert_null (tether_session_manager_get_store_error (manager));
  again = restart (path);
  g_assert_cmpuint (n_listed (again), ==, 2);
  g_assert_cmpstr (name_at (again, 0), ==, "Kept");
  g_assert_cmpstr (tether_session_get_identity_file (tether_session_manager_lookup (again, "Keyed")), ==,
                   "/keys/new\nline-\xff\xfe");
}

/* Two names the check lets through are two names to the loader: one
 * comparison, tether_session_name_key(), for both. */
static void
test_names_unique_as_loaded (void)
{
  g_autofree char *path = store_path ("unique.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) again = NULL;
  const char *pairs[][2] = {
    { "café", "CAFÉ" },
    { "Straße", "STRASSE" },
    { "aς", "aσ" },
    { "İzmir", "i\xcc\x87zmir" },
    { "e\xcc\x81t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },
    { "\xef\xac\x81le", "file" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(GError) error = NULL;
      TetherSession *first = add_remembered (manager, pairs[i][0], &error);

      g_assert_no_error (error);
      g_assert_null (add_remembered (manager, pairs[i][1], &error));
      g_assert_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS);
      g_assert_true (tether_session_manager_lookup (manager, pairs[i][1]) == first);
    }

  again = restart (path);
  g_assert_cmpuint (n_listed (again), ==, G_N_ELEMENTS (pairs));
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_assert_cmpstr (name_at (again, i), ==, pairs[i][0]);
}

/* A save that fails (a read-only folder) is told, kept until a save
 * succeeds, and the next change saves the whole list. */
static void
test_save_failure_told (void)
{
  g_autofree char *dir = store_path ("read-only");
  g_autofree char *path = g_build_filename (dir, "sessions.ini", NULL);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (add_remembered (manager, "Saved", &error));
  g_assert_true (tether_session_manager_get_saved (manager));
  g_signal_connect (manager, "store-error", G_CALLBACK (store_error_cb), &store_error);

  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  tether_test_drop_file_privileges ();
  g_assert_nonnull (add_remembered (manager, "Unsaved", &error));
  g_assert_no_error (error);
  tether_test_restore_file_privileges ();

  g_assert_nonnull (store_error);
  g_assert_nonnull (strstr (store_error->message, path));
  g_assert_false (tether_session_manager_get_saved (manager));
  g_assert_nonnull (tether_session_manager_get_store_error (manager));
  g_assert_false (file_mentions (path, "Unsaved"));

  /* Writable again: the next change saves everything. */
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  g_clear_error (&store_error);
  g_assert_nonnull (add_remembered (manager, "Next", &error));
  g_assert_no_error (store_error);
  g_assert_true (tether_session_manager_get_saved (manager));
  g_assert_null (tether_session_manager_get_store_error (manager));

  again = restart (path);
  g_assert_cmpuint (n_listed (again), ==, 3);
  g_assert_cmpstr (name_at (again, 1), ==, "Unsaved");
}

/* A file that cannot be read is never written over: no session to
 * remember is added until it can be read, and then it is read first. */
static void
test_unreadable_never_overwritten (void)
{
  g_autofree char *path = store_path ("unreadable.ini");
  g_autoptr(TetherSessionManager) writer = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) manager = NULL;
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TetherSessionDefinition demo = { .target = "demo.example", .name = "Demo", .persistent = FALSE };
  TetherSession *session;

  g_assert_nonnull (add_remembered (writer, "One", NULL));
  g_assert_nonnull (add_remembered (writer, "Two", NULL));
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_cmpint (g_chmod (path, 0), ==, 0);

  tether_test_drop_file_privileges ();
  manager = tether_session_manager_new (path, tether_test_config ());
  g_assert_false (tether_session_manager_load (manager, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  g_clear_error (&error);
  g_assert_false (tether_session_manager_get_saved (manager));
  g_assert_error ((GError *) tether_session_manager_get_store_error (manager), TETHER_ERROR,
                  TETHER_ERROR_STORE_UNREADABLE);

  g_assert_null (add_remembered (manager, "New", &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  g_clear_error (&error);
  /* A session not remembered comes and goes without a save. */
  session = tether_session_manager_add_session (manager, &demo, &error);
  g_assert_no_error (error);
  tether_session_manager_remove_session (manager, session);
  tether_test_restore_file_privileges ();

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  /* Readable again: the next change reads it, then saves. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  tether_test_drop_file_privileges ();
  g_assert_nonnull (add_remembered (manager, "New", &error));
  tether_test_restore_file_privileges ();
  g_assert_no_error (error);
  g_assert_true (tether_session_manager_get_saved (manager));
  again = restart (path);
  g_assert_cmpuint (n_listed (again), ==, 3);
  g_assert_cmpstr (name_at (again, 0), ==, "One");
  g_assert_cmpstr (name_at (again, 2), ==, "New");
}

/* The user's Retry and Move Aside. */
static void
test_retry_and_move_aside (void)
{
  g_autofree char *path = store_path ("folder.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) other = NULL;
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_false (tether_session_manager_load (manager, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  g_clear_error (&error);
  g_assert_false (tether_session_manager_retry_store (manager, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  g_clear_error (&error);

  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_true (g_file_set_contents (path, "[Tether]\nVersion=1\n\n[Session f]\nName=FromFile\nComputerName=f\n",
                                      -1, NULL));
  g_assert_true (tether_session_manager_retry_store (manager, &error));
  g_assert_no_error (error);
  g_assert_true (tether_session_manager_get_saved (manager));
  g_assert_cmpuint (n_listed (manager), ==, 1);
  g_assert_cmpstr (name_at (manager, 0), ==, "FromFile");

  /* Moved aside: a new list, saved at the next change. */
  g_clear_pointer (&path, g_free);
  path = store_path ("newer.ini");
  g_assert_true (g_file_set_contents (path, "[Tether]\nVersion=2\n", -1, NULL));
  other = tether_session_manager_new (path, tether_test_config ());
  g_assert_false (tether_session_manager_load (other, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  g_clear_error (&error);
  aside = tether_session_manager_move_store_aside (other, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (aside, path));
  g_assert_true (file_mentions (aside, "Version=2"));
  g_assert_true (tether_session_manager_get_saved (other));
  g_assert_nonnull (add_remembered (other, "Fresh", &error));
  again = restart (path);
  g_assert_cmpuint (n_listed (again), ==, 1);
}

static const char *
folder_of (TetherSessionManager *manager,
           const char           *name)
{
  return tether_session_get_folder (tether_session_manager_lookup (manager, name));
}

/* Folders nest with "/", are renamed with what is inside them, and a
 * session moves between them; the next start finds all of it. */
static void
test_folders (void)
{
  g_autofree char *path = store_path ("folders.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) error = NULL;
  const struct { const char *name, *folder; } sessions[] = {
    { "Web", " Prod / Staging/ " }, { "Db", "Prod" }, { "Cache", "Prod/Staging/Cold" },
    { "Other", "Production" }, { "Loose", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      TetherSessionDefinition def = { .target = "host.invalid", .name = sessions[i].name,
                                      .folder = sessions[i].folder, .persistent = TRUE };

      g_assert_nonnull (tether_session_manager_add_session (manager, &def, &error));
      g_assert_no_error (error);
    }
  /* One way to write a folder: spaces and empty parts dropped. */
  g_assert_cmpstr (folder_of (manager, "Web"), ==, "Prod/Staging");
  again = restart (path);
  g_assert_cmpstr (folder_of (again, "Web"), ==, "Prod/Staging");
  g_assert_cmpstr (folder_of (again, "Cache"), ==, "Prod/Staging/Cold");
  g_clear_object (&again);

  /* A name is one part, never empty. */
  g_assert_false (tether_session_manager_rename_folder (manager, "Prod/Staging", "A/B", &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (tether_session_manager_rename_folder (manager, "Prod/Staging", "  ", &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
  g_clear_error (&error);

  /* Staging becomes Stage, and what is inside it moves with it; Prod and
   * Production (a folder whose name only starts the same) stay. */
  g_assert_true (tether_session_manager_rename_folder (manager, "Prod/Staging", "Stage", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (folder_of (manager, "Web"), ==, "Prod/Stage");
  g_assert_cmpstr (folder_of (manager, "Cache"), ==, "Prod/Stage/Cold");
  g_assert_cmpstr (folder_of (manager, "Db"), ==, "Prod");
  g_assert_cmpstr (folder_of (manager, "Other"), ==, "Production");
  g_assert_true (tether_session_manager_rename_folder (manager, "Prod", "Live", &error));
  g_assert_cmpstr (folder_of (manager, "Cache"), ==, "Live/Stage/Cold");

  /* A move, and one out of every folder. */
  tether_session_manager_move_session (manager, tether_session_manager_lookup (manager, "Loose"), "Live/Stage");
  tether_session_manager_move_session (manager, tether_session_manager_lookup (manager, "Db"), NULL);

  again = restart (path);
  g_assert_cmpstr (folder_of (again, "Web"), ==, "Live/Stage");
  g_assert_cmpstr (folder_of (again, "Cache"), ==, "Live/Stage/Cold");
  g_assert_cmpstr (folder_of (again, "Loose"), ==, "Live/Stage");
  g_assert_null (folder_of (again, "Db"));
  g_assert_cmpstr (folder_of (again, "Other"), ==, "Production");
}

/* A damaged file is moved aside and the good sessions written at once: the
 * next start finds them, not an empty list. */
static void
test_damaged_keeps_good_ones (void)
{
  g_autofree char *path = store_path ("damaged.ini");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "[Tether]\nVersion=1\n\n[Session g]\nName=Good\nComputerName=g\n"
                                      "[Session b]\nName=Bad\nComputerName=h:70000\n", -1, NULL));
  g_assert_false (tether_session_manager_load (manager, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_cmpuint (n_listed (manager), ==, 1);

  again = restart (path);
  g_assert_cmpuint (n_listed (again), ==, 1);
  g_assert_cmpstr (name_at (again, 0), ==, "Good");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  g_test_add_func ("/session-manager/new-session", test_new_session);
  g_test_add_func ("/session-manager/shared-connection", test_shared_connection);
  g_test_add_func ("/session-manager/identity-not-shared", test_identity_not_shared);
  g_test_add_func ("/session-manager/temporary", test_temporary_session);
  g_test_add_func ("/session-manager/temporary-keeps-shared-connection", test_temporary_keeps_shared_connection);
  g_test_add_func ("/session-manager/close-and-reopen", test_close_and_reopen);
  g_test_add_func ("/session-manager/remove", test_remove);
  g_test_add_func ("/session-manager/restore", test_restore);
  g_test_add_func ("/session-manager/load", test_load);
  g_test_add_func ("/session-manager/corrupt-file", test_corrupt_file);
  g_test_add_func ("/session-manager/names-saved-as-checked", test_names_saved_as_checked);
  g_test_add_func ("/session-manager/destination", test_destination);
  g_test_add_func ("/session-manager/bad-targets-change-nothing", test_bad_targets_change_nothing);
  g_test_add_func ("/session-manager/broken-and-reopen", test_broken_and_reopen);
  g_test_add_func ("/session-manager/broken-is-not-exit", test_broken_is_not_exit);
  g_test_add_func ("/session-manager/config-ignored-reported", test_config_ignored_reported);
  g_test_add_func ("/session-manager/store/refused-not-lost", test_refused_not_lost);
  g_test_add_func ("/session-manager/store/folders", test_folders);
  g_test_add_func ("/session-manager/store/names-unique-as-loaded", test_names_unique_as_loaded);
  g_test_add_func ("/session-manager/store/save-failure-told", test_save_failure_told);
  g_test_add_func ("/session-manager/store/unreadable-never-overwritten", test_unreadable_never_overwritten);
  g_test_add_func ("/session-manager/store/retry-and-move-aside", test_retry_and_move_aside);
  g_test_add_func ("/session-manager/store/damaged-keeps-good-ones", test_damaged_keeps_good_ones);

  status = g_test_run ();
  tether_test_sshd_free (sshd);
  return status;
}
