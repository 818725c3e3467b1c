/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-connection.h"
#include "tether-error.h"
#include "tether-secrets.h"
#include "tether-session-manager.h"
#include "tether-test-interaction.h"
#include "tether-test-keyring.h"
#include "tether-test-session.h"

/* Remembered passwords against a real gnome-keyring-daemon on the test's
 * private bus and real password, keyboard-interactive and one-time-code
 * logins: reused, forgotten, never a code, and found nowhere else. */

#define WAIT_MS 20000
/* Searched for on disk, in the logs and in memory: a literal, so that the
 * test itself holds it only in read-only data. */
#define MARKER "MarkerPw-7f3c9e21"

static GString *log_text;

static TetherConnection *
connect_to (const char             *target_text,
            TetherTestInteraction  *interaction,
            GError                **error)
{
  g_autoptr(TetherTarget) target = tether_target_parse (target_text, error);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherConnection) connection = NULL;
  TetherTestWait wait = { 0 };

  g_assert_nonnull (target);
  resolved = tether_target_resolve (target, ssh_dir, error);
  g_assert_nonnull (resolved);

  connection = tether_connection_new (resolved, ssh_dir, tether_test_config ());
  tether_connection_set_interaction (connection, TETHER_INTERACTION (interaction));
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);

  if (!tether_connection_connect_finish (connection, wait.result, error))
    g_clear_object (&connection);
  g_object_unref (wait.result);
  return g_steal_pointer (&connection);
}

/* A server that logs @password's account in by password, with the default
 * key hidden (the shared authorized_keys would let it in). */
typedef struct {
  const char     *user;
  TetherTestSshd *sshd;
  char           *target;
  char           *key;
  char           *hidden_key;
} Server;

static void
hide_key (Server *server)
{
  server->key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  server->hidden_key = g_strconcat (server->key, ".hidden", NULL);
  g_assert_cmpint (g_rename (server->key, server->hidden_key), ==, 0);
}

static gboolean
server_start (Server     *server,
              const char *password)
{
  server->user = tether_test_password_user (password);
  if (server->user == NULL)
    return FALSE;

  server->sshd = tether_test_sshd_new ("PasswordAuthentication yes\n"
                                       "KbdInteractiveAuthentication no\n");
  tether_test_sshd_trust (server->sshd);
  server->target = g_strdup_printf ("%s@127.0.0.1:%u", server->user,
                                    tether_test_sshd_get_port (server->sshd));
  hide_key (server);
  return TRUE;
}

static void
server_stop (Server *server)
{
  g_assert_cmpint (g_rename (server->hidden_key, server->key), ==, 0);
  g_free (server->key);
  g_free (server->hidden_key);
  tether_test_sshd_free (server->sshd);
  g_free (server->target);
}

/* Connects answering @answers (NULL-terminated); returns how many
 * questions were asked, the connection in *@connection. */
static TetherTestInteraction *
login (const char        *target,
       gboolean           remember,
       TetherConnection **connection,
       GError           **error,
       ...)
{
  TetherTestInteraction *interaction = tether_test_interaction_new (FALSE);
  const char *answer;
  va_list args;

  va_start (args, error);
  while ((answer = va_arg (args, const char *)) != NULL)
    tether_test_interaction_add_answer (interaction, answer);
  va_end (args);

  tether_test_interaction_set_remember (interaction, remember);
  *connection = connect_to (target, interaction, error);
  return interaction;
}

static TetherPrompt *
prompt_at (TetherTestInteraction *interaction,
           guint                  index)
{
  GPtrArray *prompts = tether_test_interaction_get_prompts (interaction);

  g_assert_cmpuint (index, <, prompts->len);
  return g_ptr_array_index (prompts, index);
}

static char *
lookup (Server           *server,
        TetherSecretKind  kind)
{
  return _tether_secrets_lookup_sync ("127.0.0.1", tether_test_sshd_get_port (server->sshd),
                                      server->user, kind);
}

static void
test_remember_password (void)
{
  g_autoptr(TetherTestInteraction) first = NULL;
  g_autoptr(TetherTestInteraction) second = NULL;
  g_autoptr(TetherTestInteraction) off = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  Server server = { 0 };

  if (!server_start (&server, MARKER))
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  /* Off by default: typed, used, not kept. */
  off = login (server.target, FALSE, &connection, &error, MARKER, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpint (tether_prompt_get_rememberable (prompt_at (off, 0)), ==, 0);
  g_assert_null (tether_prompt_get_notice (prompt_at (off, 0)));
  g_assert_null (lookup (&server, TETHER_SECRET_PASSWORD));
  g_clear_object (&connection);

  /* Remembered: the next login asks nothing. */
  first = login (server.target, TRUE, &connection, &error, MARKER, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpuint (tether_test_interaction_get_prompts (first)->len, ==, 1);
  stored = lookup (&server, TETHER_SECRET_PASSWORD);
  g_assert_cmpstr (stored, ==, MARKER);
  g_clear_pointer (&stored, tether_secret_free);
  g_clear_object (&connection);

  second = login (server.target, FALSE, &connection, &error, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpuint (tether_test_interaction_get_prompts (second)->len, ==, 0);
  g_clear_object (&connection);

  server_stop (&server);
}

static void
forget_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_session_manager_forget_secrets_finish (TETHER_SESSION_MANAGER (source),
                                                               result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
forgotten (gpointer data)
{
  char *stored = lookup (data, TETHER_SECRET_PASSWORD);

  tether_secret_free (stored);
  return stored == NULL;
}

static void
test_forget_and_remove (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (FALSE);
  g_autoptr(GError) error = NULL;
  char *stored = NULL;
  g_autoptr(TetherSession) session = NULL;
  gboolean done = FALSE;
  Server server = { 0 };

  if (!server_start (&server, MARKER))
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  /* Through the manager, as the window opens sessions. */
  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  tether_test_interaction_set_remember (interaction, TRUE);
  tether_test_interaction_add_answer (interaction, MARKER);
  session = tether_test_new_session (manager, server.target, "Kept", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 1);
  tether_session_manager_close_session (manager, session);

  /* Reused silently. */
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 1);
  tether_session_manager_close_session (manager, session);

  /* Forget Password: asked again (and declined: no answer is left). */
  tether_session_manager_forget_secrets_async (manager, session, NULL, forget_cb, &done);
  tether_test_wait_for_flag (&done, WAIT_MS);
  g_assert_null (lookup (&server, TETHER_SECRET_PASSWORD));
  g_assert_false (tether_test_open_session (manager, session, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 2);

  /* Remembered again, then Remove forgets it too. */
  tether_test_interaction_add_answer (interaction, MARKER);
  g_assert_true (tether_test_open_session (manager, session, &error));
  g_assert_no_error (error);
  stored = lookup (&server, TETHER_SECRET_PASSWORD);
  g_assert_cmpstr (stored, ==, MARKER);
  tether_secret_free (stored);
  tether_session_manager_remove_session (manager, session);
  tether_test_wait_until (forgotten, &server, WAIT_MS);

  server_stop (&server);
}

static void
test_refused_password_forgotten (void)
{
  g_autoptr(TetherTestInteraction) interaction = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  Server server = { 0 };

  if (!server_start (&server, MARKER))
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  /* The password changed on the server: the old one costs one try, is
   * forgotten, and the user is asked. */
  g_assert_true (_tether_secrets_store_sync ("127.0.0.1", tether_test_sshd_get_port (server.sshd),
                                             server.user, TETHER_SECRET_PASSWORD, "stale"));
  interaction = login (server.target, FALSE, &connection, &error, MARKER, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 1);
  stored = lookup (&server, TETHER_SECRET_PASSWORD);
  g_assert_null (stored);

  server_stop (&server);
}

static void
test_one_time_code (void)
{
  static const char key_hex[] = "3132333435363738393031323334353637383930";
  const char *user = tether_test_password_user ("otp-static-pw");
  g_autoptr(TetherTestInteraction) first = NULL;
  g_autoptr(TetherTestInteraction) second = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code0 = tether_test_hotp (key_hex, 0);
  g_autofree char *code1 = tether_test_hotp (key_hex, 1);
  g_autofree char *target = NULL;
  g_autofree char *stored = NULL;
  Server server = { 0 };
  gboolean echo = TRUE;

  if (user == NULL)
    {
      g_test_skip ("one-time-code logins need PAM and a local account: run as root");
      return;
    }
  /* RFC 4226's own test vector: the code is computed right. */
  g_assert_cmpstr (code0, ==, "755224");

  server.user = user;
  server.sshd = tether_test_otp_sshd_new (user, key_hex);
  tether_test_sshd_trust (server.sshd);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server.sshd));
  hide_key (&server);

  /* Two rounds: the password (rememberable), then the code (never). */
  first = login (target, TRUE, &connection, &error, "otp-static-pw", code0, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpuint (tether_test_interaction_get_prompts (first)->len, ==, 2);
  g_assert_cmpint (tether_prompt_get_rememberable (prompt_at (first, 0)), ==, 0);
  g_assert_cmpint (tether_prompt_get_rememberable (prompt_at (first, 1)), ==, -1);
  g_clear_object (&connection);

  stored = lookup (&server, TETHER_SECRET_PASSWORD);
  g_assert_cmpstr (stored, ==, "otp-static-pw");
  g_clear_pointer (&stored, tether_secret_free);

  /* Again: only the code is asked. */
  second = login (target, FALSE, &connection, &error, code1, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpuint (tether_test_interaction_get_prompts (second)->len, ==, 1);
  g_assert_cmpuint (tether_prompt_get_n_questions (prompt_at (second, 0)), ==, 1);
  g_assert_nonnull (strstr (tether_prompt_get_question (prompt_at (second, 0), 0, &echo), "One-time"));
  g_clear_object (&connection);

  server_stop (&server);
  g_free (server.target);
}

static void
test_no_secret_service (void)
{
  g_autoptr(TetherTestInteraction) first = NULL;
  g_autoptr(TetherTestInteraction) second = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  Server server = { 0 };

  if (g_test_subprocess ())
    {
      /* A bus of its own, with no keyring on it. */
      tether_test_start_private_bus ();
      g_assert_true (server_start (&server, MARKER));

      first = login (server.target, TRUE, &connection, &error, MARKER, NULL);
      g_assert_no_error (error);
      g_assert_nonnull (connection);
      g_clear_object (&connection);
      second = login (server.target, TRUE, &connection, &error, MARKER, NULL);
      g_assert_no_error (error);
      g_assert_nonnull (connection);
      g_clear_object (&connection);

      /* Asked each time; told once. */
      g_assert_cmpuint (tether_test_interaction_count_kind (first, TETHER_PROMPT_PASSWORD), ==, 1);
      g_assert_cmpuint (tether_test_interaction_count_kind (second, TETHER_PROMPT_PASSWORD), ==, 1);
      g_assert_nonnull (strstr (tether_prompt_get_notice (prompt_at (first, 0)), "Secret Service"));
      g_assert_null (tether_prompt_get_notice (prompt_at (second, 0)));
      g_assert_cmpint (tether_prompt_get_rememberable (prompt_at (second, 0)), ==, -1);
      server_stop (&server);
      return;
    }

  if (tether_test_password_user (MARKER) == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_nothing_left (void)
{
  const char *dirs[] = {
    g_get_user_config_dir (), g_get_user_cache_dir (), g_get_user_data_dir (),
    g_get_home_dir (), "/tmp", "/var/tmp",
  };
  g_autoptr(TetherTestInteraction) typed = NULL;
  g_autoptr(TetherTestInteraction) reused = NULL;
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  Server server = { 0 };

  if (!server_start (&server, MARKER))
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  /* Typed and remembered, then reused from the keyring (whose own file is
   * encrypted). */
  typed = login (server.target, TRUE, &connection, &error, MARKER, NULL);
  g_assert_no_error (error);
  g_clear_object (&connection);
  reused = login (server.target, FALSE, &connection, &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_test_interaction_get_prompts (reused)->len, ==, 0);
  g_clear_object (&connection);
  g_clear_object (&typed);
  g_clear_object (&reused);
  server_stop (&server);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *found = tether_test_files_containing (dirs[i], MARKER);

      g_assert_cmpstr (found, ==, "");
    }
  g_assert_nonnull (strstr (log_text->str, "Remembered the password"));
  g_assert_null (strstr (log_text->str, MARKER));
  g_assert_false (tether_test_memory_contains (MARKER, TRUE));
}

/* Every message, debug included (G_MESSAGES_DEBUG=all), is kept to be
 * searched, then written as usual. */
static GLogWriterOutput
record_log (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (log_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  log_text = g_string_new (NULL);
  g_log_set_writer_func (record_log, NULL, NULL);
  /* stdout is TAP's. */
  g_log_writer_default_set_use_stderr (TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  tether_test_init (&argc, &argv);
  if (!g_test_subprocess ())
    tether_test_start_keyring ();

  g_test_add_func ("/secrets/password-remember", test_remember_password);
  g_test_add_func ("/secrets/password-forget-and-remove", test_forget_and_remove);
  g_test_add_func ("/secrets/password-refused", test_refused_password_forgotten);
  g_test_add_func ("/secrets/keyboard-interactive-one-time-code", test_one_time_code);
  g_test_add_func ("/secrets/no-secret-service", test_no_secret_service);
  g_test_add_func ("/secrets/nothing-left", test_nothing_left);

  status = g_test_run ();
  tether_secrets_shutdown ();
  return status;
}
