/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tether-connection.h"
#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-test-interaction.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* known_hosts as OpenSSH reads it (@revoked, @cert-authority, files that
 * cannot be read), the modes of what Tether writes there, and questions
 * whose connection died or that nobody answers, against a real sshd. */

#define WAIT_MS 20000

static char *
known_hosts_path (void)
{
  return g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
}

static void
write_known_hosts (const char *text)
{
  g_autofree char *path = known_hosts_path ();
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* "[127.0.0.1]:PORT ssh-ed25519 AAAA…", the line the harness trusts. */
static char *
server_entry (TetherTestSshd *sshd)
{
  g_autofree char *path = known_hosts_path ();
  g_autofree char *prefix = g_strdup_printf ("[127.0.0.1]:%u ", tether_test_sshd_get_port (sshd));
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  write_known_hosts ("");
  tether_test_sshd_trust (sshd);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i]);
  g_assert_not_reached ();
}

/* The "type base64" part of an entry or a .pub file. */
static char *
key_of (const char *entry)
{
  g_auto(GStrv) fields = g_strsplit (entry, " ", 4);

  return g_strdup_printf ("%s %s", fields[1], fields[2]);
}

static char *
other_key (void)
{
  g_autofree char *key = tether_test_make_key ("not-the-server", NULL);
  g_autofree char *pub_path = g_strconcat (key, ".pub", NULL);
  g_autofree char *pub = NULL;

  g_assert_true (g_file_get_contents (pub_path, &pub, NULL, NULL));
  return key_of (g_strstrip (pub));
}

static TetherConnection *
start_connect (TetherTestSshd    *sshd,
               const char        *ssh_dir,
               TetherInteraction *interaction,
               guint              timeout_s,
               TetherTestWait              *wait)
{
  g_autoptr(TetherTarget) target = tether_target_parse (tether_test_sshd_get_target (sshd), NULL);
  g_autoptr(TetherResolvedTarget) resolved = tether_target_resolve (target, ssh_dir, NULL);
  TetherConfig config = *tether_test_config ();
  TetherConnection *connection;
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);

  config.connect_timeout_s = timeout_s;
  connection = tether_connection_new (resolved, ssh_dir, &config);
  tether_connection_set_interaction (connection, interaction);
  tether_connection_set_identity_file (connection, key);
  wait->done = FALSE;
  tether_connection_connect_async (connection, NULL, tether_test_store_result, wait);
  return connection;
}

static gboolean
finish_connect (TetherConnection  *connection,
                TetherTestWait              *wait,
                GError           **error)
{
  gboolean ok;

  tether_test_wait_for_flag (&wait->done, WAIT_MS);
  ok = tether_connection_connect_finish (connection, wait->result, error);
  g_clear_object (&wait->result);
  return ok;
}

/* Connects with the default ~/.ssh; returns whether it logged in. */
static gboolean
try_connect (TetherTestSshd         *sshd,
             TetherTestInteraction  *interaction,
             GError                **error)
{
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherConnection) connection = NULL;
  TetherTestWait wait = { 0 };

  connection = start_connect (sshd, ssh_dir, TETHER_INTERACTION (interaction), 10, &wait);
  return finish_connect (connection, &wait, error);
}

static void
assert_refused (TetherTestSshd *sshd,
                gint            code,
                const char     *needle)
{
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_false (try_connect (sshd, interaction, &error));
  g_assert_error (error, TETHER_ERROR, code);
  g_assert_nonnull (strstr (error->message, needle));
  /* Refused outright: never offered to the user. */
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);
}

static void
assert_connects (TetherTestSshd *sshd)
{
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (try_connect (sshd, interaction, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);
}

static void
test_revoked_alone (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *entry = server_entry (sshd);
  g_autofree char *text = g_strdup_printf ("# revoked\n@revoked %s\n", entry);
  g_autofree char *path = known_hosts_path ();
  g_autofree char *where = g_strdup_printf ("%s, line 2", path);

  write_known_hosts (text);
  assert_refused (sshd, TETHER_ERROR_HOST_KEY_REVOKED, where);
}

static void
test_revoked_and_known (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *entry = server_entry (sshd);
  g_autofree char *text = g_strdup_printf ("%s\n@revoked %s\n", entry, entry);

  write_known_hosts (text);
  assert_refused (sshd, TETHER_ERROR_HOST_KEY_REVOKED, tether_test_sshd_get_fingerprint (sshd));
}

/* The same host and key, hashed the way ssh-keygen -H hashes names. */
static char *
hashed_entry (const char *entry)
{
  g_autofree char *dir = g_build_filename (tether_test_get_tmpdir (), "hashing", NULL);
  g_autofree char *file = g_build_filename (dir, "known_hosts", NULL);
  g_autofree char *line = g_strconcat (entry, "\n", NULL);
  g_autofree char *hashed = NULL;
  const char *argv[] = { "ssh-keygen", "-q", "-H", "-f", file, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, line, -1, NULL));
  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (file, &hashed, NULL, NULL));
  g_assert_true (g_str_has_prefix (hashed, "|1|"));
  return g_strdup (g_strstrip (hashed));
}

static void
test_revoked_hashed (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *entry = server_entry (sshd);
  g_autofree char *hashed = hashed_entry (entry);
  /* Hashed again: another salt. */
  g_autofree char *revoked = hashed_entry (entry);
  g_autofree char *text = g_strdup_printf ("%s\n@revoked %s\n", hashed, revoked);

  write_known_hosts (text);
  assert_refused (sshd, TETHER_ERROR_HOST_KEY_REVOKED, "revoked");
}

static void
test_revoked_patterns (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *entry = server_entry (sshd);
  g_autofree char *key = key_of (entry);
  g_autofree char *another = other_key ();
  g_autofree char *wildcard = g_strdup_printf ("%s\n@revoked [127.0.0.?]:*,other %s\n", entry, key);
  g_autofree char *negated = g_strdup_printf ("%s\n@revoked *,![127.0.0.1]:%u %s\n",
                                              entry, tether_test_sshd_get_port (sshd), key);
  g_autofree char *elsewhere = g_strdup_printf ("%s\n@revoked [127.0.0.1]:%u %s\n",
                                                entry, tether_test_sshd_get_port (sshd), another);

  write_known_hosts (wildcard);
  assert_refused (sshd, TETHER_ERROR_HOST_KEY_REVOKED, "revoked");

  /* A negated pattern takes the host out; another key's revocation is not
   * this one's. */
  write_known_hosts (negated);
  assert_connects (sshd);
  write_known_hosts (elsewhere);
  assert_connects (sshd);
}

static void
test_cert_authority (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *entry = server_entry (sshd);
  g_autofree char *another = other_key ();
  g_autofree char *authority = g_strdup_printf ("@cert-authority [127.0.0.1]:* %s\n", another);
  g_autofree char *both = g_strconcat (authority, entry, "\n", NULL);
  g_autofree char *path = known_hosts_path ();
  g_autofree char *where = g_strdup_printf ("%s, line 1", path);

  /* Unknown key, an authority for the host: said, not asked. */
  write_known_hosts (authority);
  assert_refused (sshd, TETHER_ERROR_NOT_SUPPORTED, where);

  /* The key itself is known: the authority does not matter. */
  write_known_hosts (both);
  assert_connects (sshd);
}

static void
assert_unreadable (TetherTestSshd *sshd,
                   const char     *reason)
{
  g_autofree char *path = known_hosts_path ();
  g_autofree char *needle = g_strdup_printf ("%s could not be read (%s)", path, reason);

  assert_refused (sshd, TETHER_ERROR_FAILED, needle);
}

static void
test_unreadable_directory (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *path = known_hosts_path ();

  g_unlink (path);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  assert_unreadable (sshd, g_strerror (EISDIR));
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
test_unreadable_io_error (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *path = known_hosts_path ();

  /* Reading a process's memory at address 0 fails with EIO. */
  g_unlink (path);
  g_assert_cmpint (symlink ("/proc/self/mem", path), ==, 0);
  assert_unreadable (sshd, g_strerror (EIO));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_unreadable_permission (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autofree char *path = known_hosts_path ();
  const char *write_only = "/proc/sys/vm/compact_memory";

  /* Root reads any file whatever its mode, but not a write-only procfs
   * file. */
  if (getuid () != 0)
    {
      write_known_hosts ("");
      g_assert_cmpint (g_chmod (path, 0), ==, 0);
    }
  else if (g_file_test (write_only, G_FILE_TEST_EXISTS))
    {
      g_unlink (path);
      g_assert_cmpint (symlink (write_only, path), ==, 0);
    }
  else
    {
      g_test_skip ("as root, a permission error needs /proc/sys/vm/compact_memory");
      return;
    }

  assert_unreadable (sshd, g_strerror (EACCES));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_file_modes (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestSshd) second = tether_test_sshd_new_sibling (sshd);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autofree char *ssh_dir = g_build_filename (tether_test_get_tmpdir (), "fresh-ssh", NULL);
  g_autofree char *file = g_build_filename (ssh_dir, "known_hosts", NULL);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  mode_t old_umask = umask (0);

  /* A first key: ~/.ssh and known_hosts are created private, whatever the
   * umask... */
  connection = start_connect (sshd, ssh_dir, TETHER_INTERACTION (interaction), 10, &wait);
  g_assert_true (finish_connect (connection, &wait, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mode_of (ssh_dir), ==, 0700);
  g_assert_cmpuint (mode_of (file), ==, 0600);
  g_clear_object (&connection);

  /* ...and what exists keeps the mode its owner gave it. */
  g_assert_cmpint (g_chmod (ssh_dir, 0750), ==, 0);
  g_assert_cmpint (g_chmod (file, 0640), ==, 0);
  connection = start_connect (second, ssh_dir, TETHER_INTERACTION (interaction), 10, &wait);
  g_assert_true (finish_connect (connection, &wait, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mode_of (ssh_dir), ==, 0750);
  g_assert_cmpuint (mode_of (file), ==, 0640);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 2);

  umask (old_umask);
}

static gboolean
has_entry_for (TetherTestSshd *sshd)
{
  g_autofree char *path = known_hosts_path ();
  g_autofree char *host = g_strdup_printf ("[127.0.0.1]:%u", tether_test_sshd_get_port (sshd));
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, host) != NULL;
}

static gboolean
one_held (gpointer data)
{
  return tether_test_interaction_get_n_held (data) == 1;
}

static gboolean
no_connections (gpointer data)
{
  return tether_test_sshd_count_connections (data) == 0;
}

/* The server's connection dies while its host key is being asked about:
 * the question is withdrawn and the connect fails at once, long before its
 * timeout; the answer given afterwards saves nothing. */
static void
test_prompt_connection_lost (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  write_known_hosts ("");
  tether_test_interaction_set_hold (interaction, TRUE);
  connection = start_connect (sshd, ssh_dir, TETHER_INTERACTION (interaction), 600, &wait);
  tether_test_wait_until (one_held, interaction, WAIT_MS);

  tether_test_sshd_kill_connections (sshd);
  g_assert_false (finish_connect (connection, &wait, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN);
  g_assert_nonnull (strstr (error->message, "withdrawn"));
  g_assert_true (tether_test_interaction_held_is_withdrawn (interaction));

  tether_test_interaction_answer_held (interaction, TRUE);
  g_assert_false (has_entry_for (sshd));
}

/* Accept given once the server is gone, before Tether noticed: nothing is
 * saved either. */
static void
test_prompt_accept_after_server_gone (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  write_known_hosts ("");
  tether_test_interaction_set_hold (interaction, TRUE);
  connection = start_connect (sshd, ssh_dir, TETHER_INTERACTION (interaction), 600, &wait);
  tether_test_wait_until (one_held, interaction, WAIT_MS);

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_until (no_connections, sshd, WAIT_MS);
  tether_test_interaction_answer_held (interaction, TRUE);

  g_assert_false (finish_connect (connection, &wait, &error));
  g_assert_false (has_entry_for (sshd));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN);
}

/* Any question, not only host keys: a key's passphrase. */
static void
test_prompt_passphrase_lost (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autofree char *key = tether_test_make_key ("locked", "a passphrase");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autoptr(TetherTarget) target = tether_target_parse (tether_test_sshd_get_target (sshd), NULL);
  g_autofree char *ssh_dir = g_build_filename (tether_test_get_tmpdir (), "keyless-ssh", NULL);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherConfig config = *tether_test_config ();
  TetherTestWait wait = { 0 };

  /* Only the locked key: no default key in that ~/.ssh. */
  g_assert_cmpint (g_mkdir_with_parents (ssh_dir, 0700), ==, 0);
  tether_test_sshd_authorize_key (sshd, pub);
  write_known_hosts ("");
  tether_test_sshd_trust (sshd);
  {
    g_autofree char *known = known_hosts_path ();
    g_autofree char *copy = g_build_filename (ssh_dir, "known_hosts", NULL);
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (known, &contents, NULL, NULL));
    g_assert_true (g_file_set_contents (copy, contents, -1, NULL));
  }

  resolved = tether_target_resolve (target, ssh_dir, NULL);
  config.connect_timeout_s = 600;
  connection = tether_connection_new (resolved, ssh_dir, &config);
  tether_test_interaction_set_hold (interaction, TRUE);
  tether_connection_set_interaction (connection, TETHER_INTERACTION (interaction));
  tether_connection_set_identity_file (connection, key);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_until (one_held, interaction, WAIT_MS);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSPHRASE), ==, 1);

  tether_test_sshd_kill_connections (sshd);
  g_assert_false (finish_connect (connection, &wait, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN);
  g_assert_true (tether_test_interaction_held_is_withdrawn (interaction));

  tether_test_interaction_add_answer (interaction, "a passphrase");
  tether_test_interaction_answer_held (interaction, FALSE);
  /* Nothing more was asked after the withdrawal. */
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 1);
}

/* Nobody answers: the question ends with the connect timeout. */
static void
test_prompt_unanswered (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  write_known_hosts ("");
  tether_test_interaction_set_hold (interaction, TRUE);
  connection = start_connect (sshd, ssh_dir, TETHER_INTERACTION (interaction), 1, &wait);

  g_assert_false (finish_connect (connection, &wait, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "within 1 second,"));
  g_assert_cmpuint (tether_test_interaction_get_n_held (interaction), ==, 1);
  g_assert_true (tether_test_interaction_held_is_withdrawn (interaction));

  tether_test_interaction_answer_held (interaction, TRUE);
  g_assert_false (has_entry_for (sshd));
}

/* A session with a known hosts file of its own (the Demo's, written by
 * build-aux/run for the server it started) is trusted from that file alone:
 * no question, nothing written in ~/.ssh/known_hosts, no connection shared
 * with a session that trusts ~/.ssh/known_hosts; and a changed key is
 * refused all the same. */
static void
test_session_known_hosts_file (void)
{
  g_autoptr(TetherTestSshd) demo = tether_test_sshd_new (NULL);
  g_autofree char *entry = server_entry (demo);
  g_autofree char *user_file = known_hosts_path ();
  g_autofree char *own_file = g_build_filename (tether_test_get_tmpdir (), "demo-known_hosts", NULL);
  g_autofree char *own_text = g_strconcat (entry, "\n", NULL);
  g_autofree char *after = NULL;
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(GError) error = NULL;
  TetherSessionDefinition def = {
    .target = tether_test_sshd_get_target (demo),
    .name = "Demo",
    .known_hosts_file = own_file,
  };
  TetherSession *session;
  g_autoptr(TetherSession) other = NULL;

  /* Only a full path: it is read wherever Tether was started from. */
  def.known_hosts_file = "demo/known_hosts";
  g_assert_null (tether_session_manager_add_session (manager, &def, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
  g_clear_error (&error);
  def.known_hosts_file = own_file;

  g_assert_cmpint (g_unlink (user_file), ==, 0);
  g_file_set_contents (own_file, own_text, -1, &error);
  g_assert_no_error (error);
  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));

  session = tether_session_manager_add_session (manager, &def, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tether_session_get_known_hosts_file (session), ==, own_file);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 0);
  g_assert_false (g_file_test (user_file, G_FILE_TEST_EXISTS));

  /* The same server, trusted the usual way: asked, and a connection of its
   * own. */
  other = tether_test_new_session (manager, tether_test_sshd_get_target (demo), "Other", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 1);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 2);
  tether_session_manager_close_all (manager);

  /* A changed key: refused, and the file keeps the key it had. */
  tether_test_sshd_change_host_key (demo);
  g_assert_false (tether_test_open_session (manager, session, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 1);
  g_assert_true (g_file_get_contents (own_file, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, own_text);
  tether_session_manager_close_all (manager);
}

/* StrictHostKeyChecking and HostKeyAlias from ~/.ssh/config, through the
 * alias "policyhost" and ssh -G. */

static gboolean
connect_policy (TetherTestSshd         *sshd,
                const char             *extra,
                TetherTestInteraction  *interaction,
                GError                **error)
{
  g_autofree char *config_path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *config = g_strdup_printf ("Host policyhost\n  HostName 127.0.0.1\n  Port %u\n%s",
                                             tether_test_sshd_get_port (sshd), extra);
  g_autoptr(TetherTarget) target = tether_target_parse ("policyhost", NULL);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autofree char *key = g_build_filename (ssh_dir, "id_ed25519", NULL);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  TetherConfig config_s = *tether_test_config ();
  TetherTestWait wait = { 0 };
  gboolean ok;

  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  resolved = tether_target_resolve (target, ssh_dir, error);
  g_remove (config_path);
  g_assert_nonnull (resolved);

  config_s.connect_timeout_s = 10;
  connection = tether_connection_new (resolved, ssh_dir, &config_s);
  tether_connection_set_interaction (connection, TETHER_INTERACTION (interaction));
  tether_connection_set_identity_file (connection, key);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  ok = finish_connect (connection, &wait, error);
  if (ok)
    tether_connection_close (connection);
  return ok;
}

static gboolean
file_has_port (const char *path,
               guint       port)
{
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("[127.0.0.1]:%u ", port);

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL;
}

/* accept-new (and no, which Tether treats the same): a new key is saved
 * unasked, in the configured known_hosts file; a changed one is refused. */
static void
test_policy_accept_new (gconstpointer data)
{
  const char *value = data;
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autofree char *kh = g_build_filename (g_get_home_dir (), ".ssh", "kh_policy", NULL);
  g_autofree char *extra = g_strdup_printf ("  StrictHostKeyChecking %s\n"
                                            "  UserKnownHostsFile ~/.ssh/kh_policy\n", value);
  g_autoptr(GError) error = NULL;

  g_remove (kh);
  write_known_hosts ("");
  g_assert_true (connect_policy (sshd, extra, interaction, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);
  g_assert_true (file_has_port (kh, tether_test_sshd_get_port (sshd)));
  g_assert_false (has_entry_for (sshd));

  tether_test_sshd_change_host_key (sshd);
  g_assert_false (connect_policy (sshd, extra, interaction, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);
  g_remove (kh);
}

/* yes: an unknown key is refused without a question, nothing saved. */
static void
test_policy_yes (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(GError) error = NULL;

  write_known_hosts ("");
  g_assert_false (connect_policy (sshd, "  StrictHostKeyChecking yes\n", interaction, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED);
  g_assert_nonnull (strstr (error->message, "StrictHostKeyChecking yes"));
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);
  g_assert_false (has_entry_for (sshd));
}

/* HostKeyAlias: the key is looked up under the alias alone. */
static void
test_host_key_alias (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autofree char *entry = server_entry (sshd);
  g_autofree char *key = key_of (entry);
  g_autofree char *aliased = g_strdup_printf ("keyalias %s\n", key);
  g_autoptr(GError) error = NULL;

  write_known_hosts (aliased);
  g_assert_true (connect_policy (sshd, "  HostKeyAlias keyalias\n", interaction, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);

  /* Without the alias the same file knows nothing of this server. */
  g_assert_false (connect_policy (sshd, "", interaction, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/host-keys/revoked/alone", test_revoked_alone);
  g_test_add_func ("/host-keys/revoked/and-known", test_revoked_and_known);
  g_test_add_func ("/host-keys/revoked/hashed", test_revoked_hashed);
  g_test_add_func ("/host-keys/revoked/patterns", test_revoked_patterns);
  g_test_add_func ("/host-keys/cert-authority", test_cert_authority);
  g_test_add_func ("/host-keys/unreadable/directory", test_unreadable_directory);
  g_test_add_func ("/host-keys/unreadable/io-error", test_unreadable_io_error);
  g_test_add_func ("/host-keys/unreadable/permission", test_unreadable_permission);
  g_test_add_func ("/host-keys/file-modes", test_file_modes);
  g_test_add_func ("/host-keys/prompt/connection-lost", test_prompt_connection_lost);
  g_test_add_func ("/host-keys/prompt/accept-after-server-gone", test_prompt_accept_after_server_gone);
  g_test_add_func ("/host-keys/prompt/passphrase-lost", test_prompt_passphrase_lost);
  g_test_add_func ("/host-keys/prompt/unanswered", test_prompt_unanswered);
  g_test_add_func ("/host-keys/session-known-hosts-file", test_session_known_hosts_file);
  g_test_add_data_func ("/host-keys/policy/accept-new", "accept-new", test_policy_accept_new);
  g_test_add_data_func ("/host-keys/policy/no", "no", test_policy_accept_new);
  g_test_add_func ("/host-keys/policy/yes", test_policy_yes);
  g_test_add_func ("/host-keys/policy/host-key-alias", test_host_key_alias);

  return g_test_run ();
}
