/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-connection.h"
#include "tether-error.h"
#include "tether-test-interaction.h"
#include "tether-test-sshd.h"

/* Questions whose connection died or that nobody answers, against a real
 * sshd. */

#define WAIT_MS 20000

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

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

static TetherConnection *
start_connect (TetherTestSshd    *sshd,
               const char        *ssh_dir,
               TetherInteraction *interaction,
               guint              timeout_s,
               Wait              *wait)
{
  g_autoptr(TetherTarget) target = tether_target_parse (tether_test_sshd_get_target (sshd), NULL);
  g_autoptr(TetherResolvedTarget) resolved = tether_target_resolve (target, ssh_dir, NULL);
  TetherConnection *connection = tether_connection_new (resolved, ssh_dir);
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);

  tether_connection_set_interaction (connection, interaction);
  tether_connection_set_identity_file (connection, key);
  tether_connection_set_timeout (connection, timeout_s);
  wait->done = FALSE;
  tether_connection_connect_async (connection, NULL, store_result, wait);
  return connection;
}

static gboolean
finish_connect (TetherConnection  *connection,
                Wait              *wait,
                GError           **error)
{
  gboolean ok;

  tether_test_wait_for_flag (&wait->done, WAIT_MS);
  ok = tether_connection_connect_finish (connection, wait->result, error);
  g_clear_object (&wait->result);
  return ok;
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
  Wait wait = { 0 };

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
  Wait wait = { 0 };

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
  Wait wait = { 0 };

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
  connection = tether_connection_new (resolved, ssh_dir);
  tether_test_interaction_set_hold (interaction, TRUE);
  tether_connection_set_interaction (connection, TETHER_INTERACTION (interaction));
  tether_connection_set_identity_file (connection, key);
  tether_connection_set_timeout (connection, 600);
  tether_connection_connect_async (connection, NULL, store_result, &wait);
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
  Wait wait = { 0 };

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

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/host-keys/prompt/connection-lost", test_prompt_connection_lost);
  g_test_add_func ("/host-keys/prompt/accept-after-server-gone", test_prompt_accept_after_server_gone);
  g_test_add_func ("/host-keys/prompt/passphrase-lost", test_prompt_passphrase_lost);
  g_test_add_func ("/host-keys/prompt/unanswered", test_prompt_unanswered);

  return g_test_run ();
}
