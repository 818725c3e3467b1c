/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-connection.h"
#include "tether-error.h"
#include "tether-test-interaction.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Connections against a real sshd: host keys, every login method, exec,
 * flow control and broken connections. */

#define WAIT_MS 20000

static guint connect_timeout_s = 10;

static TetherConnection *
connect_to (const char         *target_text,
            TetherInteraction  *interaction,
            const char         *identity_file,
            GError            **error)
{
  g_autoptr(TetherTarget) target = tether_target_parse (target_text, error);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherConnection) connection = NULL;
  TetherConfig config = *tether_test_config ();
  TetherTestWait wait = { 0 };

  if (target == NULL || (resolved = tether_target_resolve (target, ssh_dir, error)) == NULL)
    return NULL;

  config.connect_timeout_s = connect_timeout_s;
  connection = tether_connection_new (resolved, ssh_dir, &config);
  tether_connection_set_interaction (connection, interaction);
  tether_connection_set_identity_file (connection, identity_file);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);

  if (!tether_connection_connect_finish (connection, wait.result, error))
    g_clear_object (&connection);
  g_object_unref (wait.result);
  return g_steal_pointer (&connection);
}

static TetherExecResult *
run (TetherConnection *connection,
     const char       *command)
{
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  TetherExecResult *result;
  TetherTestWait wait = { 0 };

  tether_connection_open_channel_async (connection, command, 0, 0, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  channel = tether_connection_open_channel_finish (connection, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  wait.done = FALSE;
  tether_channel_collect_async (channel, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  result = tether_channel_collect_finish (channel, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return result;
}

static void
assert_logged_in (TetherConnection *connection)
{
  g_autoptr(TetherExecResult) result = NULL;

  g_assert_nonnull (connection);
  g_assert_cmpint (tether_connection_get_state (connection), ==, TETHER_CONNECTION_STATE_READY);
  result = run (connection, "echo logged-in");
  g_assert_cmpmem (g_bytes_get_data (result->stdout_bytes, NULL), g_bytes_get_size (result->stdout_bytes),
                   "logged-in\n", 10);
  g_assert_cmpint (result->exit_status, ==, 0);
}

static gboolean
no_connections (gpointer data)
{
  return tether_test_sshd_count_connections (data) == 0;
}

static void
test_exec (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(TetherExecResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (sshd);
  connection = connect_to (tether_test_sshd_get_target (sshd), NULL, NULL, &error);
  g_assert_no_error (error);

  result = run (connection, "sh -c 'echo out; echo err >&2; exit 3'");
  g_assert_cmpmem (g_bytes_get_data (result->stdout_bytes, NULL), g_bytes_get_size (result->stdout_bytes), "out\n", 4);
  g_assert_cmpmem (g_bytes_get_data (result->stderr_bytes, NULL), g_bytes_get_size (result->stderr_bytes), "err\n", 4);
  g_assert_cmpint (result->exit_status, ==, 3);

  tether_connection_close (connection);
  tether_test_wait_until (no_connections, sshd, WAIT_MS);
  tether_test_sshd_free (sshd);
}

static void
test_host_key_reject (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherPrompt *prompt;

  connection = connect_to (tether_test_sshd_get_target (sshd), TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED);
  g_assert_null (connection);

  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 1);
  prompt = g_ptr_array_index (tether_test_interaction_get_prompts (interaction), 0);
  g_assert_cmpint (tether_prompt_get_kind (prompt), ==, TETHER_PROMPT_HOST_KEY);
  g_assert_cmpstr (tether_prompt_get_fingerprint (prompt), ==, tether_test_sshd_get_fingerprint (sshd));
  g_assert_cmpstr (tether_prompt_get_key_type (prompt), ==, "ssh-ed25519");
  g_assert_nonnull (strstr (tether_prompt_get_message (prompt), tether_test_sshd_get_fingerprint (sshd)));

  tether_test_wait_until (no_connections, sshd, WAIT_MS);
  tether_test_sshd_free (sshd);
}

static void
test_host_key_accept (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *host = g_strdup_printf ("[127.0.0.1]:%u", tether_test_sshd_get_port (sshd));
  g_autofree char *out = NULL;
  int status = -1;
  const char *argv[] = { "ssh-keygen", "-F", host, "-f", known_hosts, NULL };

  connection = connect_to (tether_test_sshd_get_target (sshd), TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 1);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, host));

  /* Known now: no second question. */
  g_clear_object (&connection);
  connection = connect_to (tether_test_sshd_get_target (sshd), TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 1);

  tether_test_sshd_free (sshd);
}

static void
test_host_key_changed (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_autofree char *known = NULL;
  g_autofree char *command = NULL;

  tether_test_sshd_trust (sshd);
  known = g_strdup (tether_test_sshd_get_fingerprint (sshd));
  tether_test_sshd_change_host_key (sshd);
  connection = connect_to (tether_test_sshd_get_target (sshd), TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED);
  g_assert_null (connection);
  /* The key known_hosts holds next to the one the server sent. */
  g_assert_cmpstr (known, !=, tether_test_sshd_get_fingerprint (sshd));
  g_assert_nonnull (strstr (error->message, known));
  g_assert_nonnull (strstr (error->message, tether_test_sshd_get_fingerprint (sshd)));
  /* The command last, a paragraph of its own (the window shows it so). */
  command = g_strdup_printf ("\n\nssh-keygen -R '[127.0.0.1]:%u' -f %s/.ssh/known_hosts",
                             tether_test_sshd_get_port (sshd), g_get_home_dir ());
  g_assert_true (g_str_has_suffix (error->message, command));
  /* Never a prompt to continue. */
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);

  tether_test_sshd_free (sshd);
}

static void
test_auth_key_file (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autofree char *key = tether_test_make_key ("session-key", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char *hidden;

  tether_test_sshd_trust (sshd);
  tether_test_sshd_authorize_key (sshd, pub);
  hidden = tether_test_hide_default_key ();

  /* Without the identity file nothing logs in... */
  connection = connect_to (tether_test_sshd_get_target (sshd), NULL, NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "publickey"));
  g_clear_error (&error);

  /* ...with it, it does. */
  connection = connect_to (tether_test_sshd_get_target (sshd), NULL, key, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);

  tether_test_restore_default_key (hidden);
  tether_test_sshd_free (sshd);
}

static void
test_auth_encrypted_key (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autofree char *key = tether_test_make_key ("locked-key", "open sesame");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TetherPrompt *prompt;
  char *hidden;

  tether_test_sshd_trust (sshd);
  tether_test_sshd_authorize_key (sshd, pub);
  hidden = tether_test_hide_default_key ();

  tether_test_interaction_add_answer (interaction, "open sesame");
  connection = connect_to (tether_test_sshd_get_target (sshd), TETHER_INTERACTION (interaction), key, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);

  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSPHRASE), ==, 1);
  prompt = g_ptr_array_index (tether_test_interaction_get_prompts (interaction), 0);
  g_assert_nonnull (strstr (tether_prompt_get_message (prompt), "locked-key"));

  tether_test_restore_default_key (hidden);
  tether_test_sshd_free (sshd);
}

static void
test_auth_agent (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autofree char *key = tether_test_make_key ("agent-key", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *moved = g_strconcat (key, ".away", NULL);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char *hidden;

  tether_test_sshd_trust (sshd);
  tether_test_sshd_authorize_key (sshd, pub);
  tether_test_start_agent (key);
  hidden = tether_test_hide_default_key ();
  /* Only the agent holds the key now. */
  g_assert_cmpint (g_rename (key, moved), ==, 0);

  connection = connect_to (tether_test_sshd_get_target (sshd), NULL, NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);

  g_unsetenv ("SSH_AUTH_SOCK");
  tether_test_restore_default_key (hidden);
  tether_test_sshd_free (sshd);
}

static const char *
password_server_config (void)
{
  return "PasswordAuthentication yes\n"
         "KbdInteractiveAuthentication no\n";
}

/* A server that logs a local account in with a password (or through PAM),
 * with the default key hidden: the shared authorized_keys would let it in. */
typedef struct {
  const char     *user;
  TetherTestSshd *sshd;
  char           *target;
  char           *hidden_key;
} PasswordServer;

static gboolean
password_server_start (PasswordServer *server,
                       const char     *password,
                       const char     *config)
{
  server->user = tether_test_password_user (password);
  if (server->user == NULL)
    return FALSE;

  server->sshd = tether_test_sshd_new (config);
  tether_test_sshd_trust (server->sshd);
  server->hidden_key = tether_test_hide_default_key ();
  server->target = g_strdup_printf ("%s@127.0.0.1:%u", server->user,
                                    tether_test_sshd_get_port (server->sshd));
  return TRUE;
}

static void
password_server_stop (PasswordServer *server)
{
  tether_test_restore_default_key (g_steal_pointer (&server->hidden_key));
  tether_test_sshd_free (server->sshd);
  g_free (server->target);
}

static void
test_auth_password (void)
{
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  PasswordServer server = { 0 };

  if (!password_server_start (&server, "s3cret-pw", password_server_config ()))
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  tether_test_interaction_add_answer (interaction, "s3cret-pw");
  connection = connect_to (server.target, TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 1);

  password_server_stop (&server);
}

static void
test_auth_wrong_password (void)
{
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  PasswordServer server = { 0 };

  if (!password_server_start (&server, "s3cret-pw", password_server_config ()))
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  for (int i = 0; i < 3; i++)
    tether_test_interaction_add_answer (interaction, "wrong");
  connection = connect_to (server.target, TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED);
  g_assert_null (connection);
  /* A sentence that names the user and what the server accepts. */
  g_assert_nonnull (strstr (error->message, server.user));
  g_assert_nonnull (strstr (error->message, "password"));
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 3);

  password_server_stop (&server);
}

static void
test_auth_keyboard_interactive (void)
{
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  PasswordServer server = { 0 };
  TetherPrompt *prompt;
  gboolean echo = TRUE;

  if (!password_server_start (&server, "kbd-pw",
                              "UsePAM yes\n"
                              "KbdInteractiveAuthentication yes\n"
                              "PasswordAuthentication no\n"))
    {
      g_test_skip ("keyboard-interactive logins need PAM and a local account: run as root");
      return;
    }

  tether_test_interaction_add_answer (interaction, "kbd-pw");
  connection = connect_to (server.target, TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);

  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_KEYBOARD_INTERACTIVE), ==, 1);
  prompt = g_ptr_array_index (tether_test_interaction_get_prompts (interaction), 0);
  g_assert_cmpuint (tether_prompt_get_n_questions (prompt), ==, 1);
  g_assert_nonnull (tether_prompt_get_question (prompt, 0, &echo));
  g_assert_false (echo);

  password_server_stop (&server);
}

static void
test_auth_multi_factor (void)
{
  const char *user = tether_test_password_user ("second-factor");
  TetherTestSshd *sshd;
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;

  if (user == NULL)
    {
      g_test_skip ("multi-factor logins need PAM and a local account: run as root");
      return;
    }

  /* Key first (partial success), then keyboard-interactive. */
  sshd = tether_test_sshd_new ("UsePAM yes\n"
                               "KbdInteractiveAuthentication yes\n"
                               "AuthenticationMethods publickey,keyboard-interactive\n");
  tether_test_sshd_trust (sshd);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (sshd));

  tether_test_interaction_add_answer (interaction, "second-factor");
  connection = connect_to (target, TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_KEYBOARD_INTERACTIVE), ==, 1);

  tether_test_sshd_free (sshd);
}

static void
test_bad_targets (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autofree char *closed = NULL;
  guint port = tether_test_sshd_get_port (sshd);

  /* The sshd is stopped: nothing listens on its port any more. */
  tether_test_sshd_free (sshd);
  closed = g_strdup_printf ("127.0.0.1:%u", port);
  connection = connect_to (closed, NULL, NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_clear_error (&error);

  connection = connect_to ("nosuchhost.invalid", NULL, NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_HOST_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nosuchhost.invalid"));
  g_clear_error (&error);

  for (guint i = 0; i < 3; i++)
    {
      const char *bad[] = { "127.0.0.1:0", "127.0.0.1:70000", "a@@b:x" };

      connection = connect_to (bad[i], NULL, NULL, &error);
      g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
      g_assert_null (connection);
      g_clear_error (&error);
    }
}

static void
test_host_key_hashed (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *contents = NULL;
  const char *argv[] = { "ssh-keygen", "-q", "-H", "-f", known_hosts, NULL };
  int status = -1;

  /* OpenSSH's HashKnownHosts form: no host name in clear. */
  tether_test_sshd_trust (sshd);
  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (known_hosts, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "|1|"));

  connection = connect_to (tether_test_sshd_get_target (sshd), TETHER_INTERACTION (interaction), NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);
  g_assert_cmpuint (tether_test_interaction_get_prompts (interaction)->len, ==, 0);

  tether_test_sshd_free (sshd);
}

static gboolean
accept_and_stay_silent (GSocketService     *service,
                        GSocketConnection  *connection,
                        GObject            *source,
                        gpointer            user_data)
{
  /* Keep the connection open and say nothing, like a wrong service would. */
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

/* @service accepts on a new port and says nothing; returns the port. */
static guint16
listen_silently (GSocketService *service,
                 GPtrArray      *held)
{
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);

  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (accept_and_stay_silent), held);
  return port;
}

static void
test_timeout (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;

  target = g_strdup_printf ("127.0.0.1:%u", listen_silently (service, held));

  connect_timeout_s = 1;
  connection = connect_to (target, NULL, NULL, &error);
  connect_timeout_s = 10;
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_TIMED_OUT);
  g_assert_null (connection);
  g_assert_nonnull (strstr (error->message, "did not answer within 1 second."));

  g_socket_service_stop (service);
}

static void
write_ssh_config (const char *text)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);

  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_config_applied (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new ("Ciphers aes256-ctr\n");
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;

  tether_test_sshd_trust (sshd);
  good = g_strdup_printf ("Host box\n  Hostname 127.0.0.1\n  Port %u\n  Ciphers aes256-ctr\n",
                          tether_test_sshd_get_port (sshd));
  bad = g_strdup_printf ("Host box\n  Hostname 127.0.0.1\n  Port %u\n  Ciphers aes128-ctr\n",
                         tether_test_sshd_get_port (sshd));

  /* The alias resolves, and its Ciphers line reaches the key exchange: with
   * a cipher the server refuses, the handshake fails. */
  write_ssh_config (good);
  connection = connect_to ("box", NULL, NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);
  g_clear_object (&connection);

  write_ssh_config (bad);
  connection = connect_to ("box", NULL, NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL);
  g_assert_null (connection);

  write_ssh_config ("");
  tether_test_sshd_free (sshd);
}

static char *
fingerprint_of (const char *public_key)
{
  const char *argv[] = { "ssh-keygen", "-lf", public_key, NULL };
  g_autofree char *output = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(GError) error = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, NULL,
                NULL, &error);
  g_assert_no_error (error);
  fields = g_strsplit (output, " ", 3);
  return g_strdup (fields[1]);
}

/* The alias's HostName, Port, User and IdentityFile are what the connection
 * uses: the server's log names the configured key as the one accepted. */
static void
test_config_identity (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autofree char *key = tether_test_make_key ("configured", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *fingerprint = fingerprint_of (pub);
  g_autofree char *config = NULL;
  g_autofree char *log = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *accepted = NULL;

  tether_test_sshd_trust (sshd);
  tether_test_sshd_authorize_key (sshd, pub);
  config = g_strdup_printf ("Host idbox\n  HostName 127.0.0.1\n  Port %u\n  User %s\n"
                            "  IdentityFile %s\n  IdentitiesOnly yes\n",
                            tether_test_sshd_get_port (sshd), tether_test_sshd_get_user (sshd), key);
  write_ssh_config (config);
  connection = connect_to ("idbox", NULL, NULL, &error);
  g_assert_no_error (error);
  assert_logged_in (connection);
  g_assert_cmpuint (tether_connection_get_port (connection), ==, tether_test_sshd_get_port (sshd));
  g_assert_cmpstr (tether_connection_get_user (connection), ==, tether_test_sshd_get_user (sshd));

  accepted = g_strdup_printf ("Accepted publickey for %s from 127.0.0.1", tether_test_sshd_get_user (sshd));
  g_assert_true (g_file_get_contents (tether_test_sshd_get_log_path (sshd), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, accepted));
  g_assert_nonnull (strstr (log, fingerprint));

  g_clear_object (&connection);
  write_ssh_config ("");
  tether_test_sshd_free (sshd);
}

/* IdentitiesOnly and IdentityAgent none: the agent's keys are not offered;
 * without them, the same agent logs in. */
static void
test_config_agent_off (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autofree char *key = tether_test_make_key ("agent-only", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *moved = g_strconcat (key, ".away", NULL);
  const char *lines[] = { "  IdentitiesOnly yes\n", "  IdentityAgent none\n", "" };
  char *hidden;

  tether_test_sshd_trust (sshd);
  tether_test_sshd_authorize_key (sshd, pub);
  tether_test_start_agent (key);
  hidden = tether_test_hide_default_key ();
  g_assert_cmpint (g_rename (key, moved), ==, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *config = g_strdup_printf ("Host agentbox\n  HostName 127.0.0.1\n  Port %u\n%s",
                                                 tether_test_sshd_get_port (sshd), lines[i]);
      g_autoptr(TetherConnection) connection = NULL;
      g_autoptr(GError) error = NULL;

      write_ssh_config (config);
      connection = connect_to ("agentbox", NULL, NULL, &error);
      if (*lines[i] != '\0')
        {
          g_assert_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED);
          g_assert_null (connection);
        }
      else
        {
          g_assert_no_error (error);
          assert_logged_in (connection);
        }
    }

  write_ssh_config ("");
  g_unsetenv ("SSH_AUTH_SOCK");
  tether_test_restore_default_key (hidden);
  tether_test_sshd_free (sshd);
}

/* ConnectTimeout from the configuration wins over the preference (10 s
 * here): the silent server is given up on after 1 s, and the message says
 * so. */
static void
test_config_connect_timeout (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;

  config = g_strdup_printf ("Host slowbox\n  HostName 127.0.0.1\n  Port %u\n  ConnectTimeout 1\n",
                            listen_silently (service, held));
  write_ssh_config (config);

  connection = connect_to ("slowbox", NULL, NULL, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_TIMED_OUT);
  g_assert_null (connection);
  g_assert_nonnull (strstr (error->message, "did not answer within 1 second."));

  write_ssh_config ("");
  g_socket_service_stop (service);
}

typedef struct {
  gboolean broken;
  gboolean closed;
  gboolean closed_after_broken;
  gboolean exited;
  GError  *closed_error;
} Break;

static void
broken_cb (TetherConnection *connection,
           const GError     *error,
           Break            *seen)
{
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN);
  seen->broken = TRUE;
}

static void
break_exited_cb (TetherChannel *channel,
                 int            status,
                 Break         *seen)
{
  seen->exited = TRUE;
}

static void
break_closed_cb (TetherChannel *channel,
                 const GError  *error,
                 Break         *seen)
{
  seen->closed = TRUE;
  seen->closed_after_broken = seen->broken;
  seen->closed_error = error != NULL ? g_error_copy (error) : NULL;
}

static void
check_broken (gboolean stop_instead_of_kill)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherTarget) target = tether_target_parse (tether_test_sshd_get_target (sshd), NULL);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherResolvedTarget) resolved = tether_target_resolve (target, ssh_dir, NULL);
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  Break seen = { 0 };
  TetherTestWait wait = { 0 };

  tether_test_sshd_trust (sshd);
  config.keepalive_interval_ms = 300;
  config.keepalive_max_missed = 2;
  connection = tether_connection_new (resolved, ssh_dir, &config);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_connection_connect_finish (connection, wait.result, NULL));
  g_clear_object (&wait.result);
  g_signal_connect (connection, "broken", G_CALLBACK (broken_cb), &seen);

  /* A channel running when the connection breaks (cat prints nothing, and
   * ends with its input, so nothing is left on the server). */
  wait.done = FALSE;
  tether_connection_open_channel_async (connection, "cat", 0, 0, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  channel = tether_connection_open_channel_finish (connection, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_signal_connect (channel, "exited", G_CALLBACK (break_exited_cb), &seen);
  g_signal_connect (channel, "closed", G_CALLBACK (break_closed_cb), &seen);
  tether_channel_start (channel);

  if (stop_instead_of_kill)
    tether_test_sshd_stop_connections (sshd, TRUE);
  else
    tether_test_sshd_kill_connections (sshd);

  /* Well within the keepalive window: 300 ms × (2 + 1) plus slack. */
  tether_test_wait_for_flag (&seen.broken, 5000);
  g_assert_cmpint (tether_connection_get_state (connection), ==, TETHER_CONNECTION_STATE_BROKEN);

  /* The connection says why before its channel ends, and the channel ends
   * with that reason: it did not exit. */
  tether_test_wait_for_flag (&seen.closed, WAIT_MS);
  g_assert_true (seen.closed_after_broken);
  g_assert_false (seen.exited);
  g_assert_error (seen.closed_error, TETHER_ERROR, TETHER_ERROR_BROKEN);
  g_clear_error (&seen.closed_error);

  if (stop_instead_of_kill)
    tether_test_sshd_stop_connections (sshd, FALSE);
  tether_test_sshd_free (sshd);
}

static void
test_broken_killed (void)
{
  check_broken (FALSE);
}

static void
test_broken_silent (void)
{
  check_broken (TRUE);
}

static void
consume_cb (TetherChannel *channel,
            GBytes        *data,
            gboolean       is_stderr,
            gsize         *received)
{
  *received += g_bytes_get_size (data);
  tether_channel_consume (channel, g_bytes_get_size (data));
}

static void
broken_error_cb (TetherConnection *connection,
                 const GError     *error,
                 GError          **out)
{
  *out = g_error_copy (error);
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

static gboolean
received_some (gpointer data)
{
  return *(gsize *) data > 0;
}

/* ServerAliveCountMax as OpenSSH documents it: with 3 allowed misses of a
 * 1 s interval, a server gone silent is Broken after 3 s, not 4.  The server
 * prints a line every 50 ms until it is stopped, so the silence starts when
 * the test stops it. */
static void
test_keepalive_misses (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTarget) target = tether_target_parse (tether_test_sshd_get_target (sshd), NULL);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherResolvedTarget) resolved = tether_target_resolve (target, ssh_dir, NULL);
  g_autoptr(TetherConnection) connection = NULL;
  TetherConfig config = *tether_test_config ();
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) broken = NULL;
  const gint64 interval_ms = 1000;
  gsize received = 0;
  gint64 stopped, elapsed_ms;
  TetherTestWait wait = { 0 };

  tether_test_sshd_trust (sshd);
  config.keepalive_interval_ms = interval_ms;
  config.keepalive_max_missed = 3;
  connection = tether_connection_new (resolved, ssh_dir, &config);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_connection_connect_finish (connection, wait.result, NULL));
  g_clear_object (&wait.result);

  wait.done = FALSE;
  tether_connection_open_channel_async (connection, "while :; do echo .; sleep 0.05; done",
                                        0, 0, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  channel = tether_connection_open_channel_finish (connection, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_signal_connect (channel, "output", G_CALLBACK (consume_cb), &received);
  tether_channel_start (channel);
  tether_test_wait_until (received_some, &received, WAIT_MS);

  g_signal_connect (connection, "broken", G_CALLBACK (broken_error_cb), &broken);
  stopped = g_get_monotonic_time ();
  tether_test_sshd_stop_connections (sshd, TRUE);
  tether_test_wait_until (error_set, &broken, WAIT_MS);
  elapsed_ms = (g_get_monotonic_time () - stopped) / 1000;
  tether_test_sshd_stop_connections (sshd, FALSE);

  g_test_message ("Broken %" G_GINT64_FORMAT " ms after the server stopped", elapsed_ms);
  g_assert_error (broken, TETHER_ERROR, TETHER_ERROR_BROKEN);
  /* Never before the three intervals (the silence cannot start earlier
   * than 50 ms before the stop), and before a fourth one ends. */
  g_assert_cmpint (elapsed_ms, >=, 3 * interval_ms - 100);
  g_assert_cmpint (elapsed_ms, <, 4 * interval_ms);
  g_assert_nonnull (strstr (broken->message, " 3 keepalive intervals"));
}

/* ServerAliveInterval and ServerAliveCountMax are that host's keepalive,
 * over the preferences' (here ten minutes, five misses). */
static void
test_config_keepalive (void)
{
  g_autoptr(TetherTestSshd) sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherTarget) target = tether_target_parse ("alivebox", NULL);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autofree char *text = NULL;
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) broken = NULL;
  TetherConfig config = *tether_test_config ();
  TetherTestWait wait = { 0 };

  tether_test_sshd_trust (sshd);
  text = g_strdup_printf ("Host alivebox\n  HostName 127.0.0.1\n  Port %u\n"
                          "  ServerAliveInterval 1\n  ServerAliveCountMax 2\n",
                          tether_test_sshd_get_port (sshd));
  write_ssh_config (text);
  resolved = tether_target_resolve (target, ssh_dir, NULL);
  write_ssh_config ("");
  g_assert_nonnull (resolved);

  config.keepalive_interval_ms = 600000;
  config.keepalive_max_missed = 5;
  connection = tether_connection_new (resolved, ssh_dir, &config);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_connection_connect_finish (connection, wait.result, NULL));
  g_clear_object (&wait.result);

  g_signal_connect (connection, "broken", G_CALLBACK (broken_error_cb), &broken);
  tether_test_sshd_stop_connections (sshd, TRUE);
  tether_test_wait_until (error_set, &broken, WAIT_MS);
  tether_test_sshd_stop_connections (sshd, FALSE);

  g_assert_error (broken, TETHER_ERROR, TETHER_ERROR_BROKEN);
  g_assert_nonnull (strstr (broken->message, "2 keepalive intervals in a row"));
}

typedef struct {
  gsize    received;
  gsize    max_seen;
  gboolean closed;
  gboolean give_back;
} Flood;

static void
flood_output_cb (TetherChannel *channel,
                 GBytes        *data,
                 gboolean       is_stderr,
                 Flood         *flood)
{
  flood->received += g_bytes_get_size (data);
  if (flood->give_back)
    tether_channel_consume (channel, g_bytes_get_size (data));
}

static void
flood_closed_cb (TetherChannel *channel,
                 const GError  *error,
                 Flood         *flood)
{
  flood->closed = TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_flow_control (void)
{
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  Flood flood = { 0 };
  gboolean waited = FALSE;
  TetherTestWait wait = { 0 };
  const gsize total = 16 * 1024 * 1024;

  tether_test_sshd_trust (sshd);
  connection = connect_to (tether_test_sshd_get_target (sshd), NULL, NULL, &error);
  g_assert_no_error (error);

  tether_connection_open_channel_async (connection, "head -c 16777216 /dev/zero", 0, 0, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  channel = tether_connection_open_channel_finish (connection, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);

  g_signal_connect (channel, "output", G_CALLBACK (flood_output_cb), &flood);
  g_signal_connect (channel, "closed", G_CALLBACK (flood_closed_cb), &flood);
  tether_channel_start (channel);

  /* Nobody consumes: the channel must stop at its window, not take in the
   * 16 MiB the server wants to send. */
  g_timeout_add (500, timeout_cb, &waited);
  tether_test_wait_for_flag (&waited, WAIT_MS);
  g_assert_cmpuint (flood.received, >, 0);
  g_assert_cmpuint (flood.received, <=, tether_channel_get_window (channel));
  g_assert_cmpuint (tether_channel_get_window (channel), <, total / 4);
  g_assert_false (flood.closed);

  /* Giving back lets everything through. */
  flood.give_back = TRUE;
  g_assert_cmpuint (tether_channel_get_in_flight (channel), ==, flood.received);
  tether_channel_consume (channel, flood.received);
  tether_test_wait_for_flag (&flood.closed, WAIT_MS);
  g_assert_cmpuint (flood.received, ==, total);
  g_assert_cmpint (tether_channel_get_exit_status (channel), ==, 0);

  tether_test_sshd_free (sshd);
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/connection/exec", test_exec);
  g_test_add_func ("/connection/host-key/reject", test_host_key_reject);
  g_test_add_func ("/connection/host-key/accept", test_host_key_accept);
  g_test_add_func ("/connection/host-key/changed", test_host_key_changed);
  g_test_add_func ("/connection/host-key/hashed", test_host_key_hashed);
  g_test_add_func ("/connection/timeout", test_timeout);
  g_test_add_func ("/connection/auth/key-file", test_auth_key_file);
  g_test_add_func ("/connection/auth/encrypted-key", test_auth_encrypted_key);
  g_test_add_func ("/connection/auth/agent", test_auth_agent);
  g_test_add_func ("/connection/auth/password", test_auth_password);
  g_test_add_func ("/connection/auth/wrong-password", test_auth_wrong_password);
  g_test_add_func ("/connection/auth/keyboard-interactive", test_auth_keyboard_interactive);
  g_test_add_func ("/connection/auth/multi-factor", test_auth_multi_factor);
  g_test_add_func ("/connection/bad-targets", test_bad_targets);
  g_test_add_func ("/connection/config-applied", test_config_applied);
  g_test_add_func ("/connection/config-identity", test_config_identity);
  g_test_add_func ("/connection/config-agent-off", test_config_agent_off);
  g_test_add_func ("/connection/config-connect-timeout", test_config_connect_timeout);
  g_test_add_func ("/connection/config-keepalive", test_config_keepalive);
  g_test_add_func ("/connection/broken/killed", test_broken_killed);
  g_test_add_func ("/connection/broken/silent", test_broken_silent);
  g_test_add_func ("/connection/broken/keepalive-misses", test_keepalive_misses);
  g_test_add_func ("/connection/flow-control", test_flow_control);

  return g_test_run ();
}
