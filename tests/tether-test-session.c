/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-test-session.h"
#include "tether-session-private.h"
#include "tether-test-sshd.h"

#define WAIT_MS 20000

const TetherConfig *
tether_test_config (void)
{
  static TetherConfig config;

  if (config.connect_timeout_s == 0)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      tether_config_init_from_settings (&config, settings);
    }
  return &config;
}

void
tether_test_store_result (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  TetherTestWait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

TetherSession *
tether_test_new_session (TetherSessionManager *manager,
                         const char           *target,
                         const char           *name,
                         GError              **error)
{
  TetherSessionDefinition def = { .target = target, .name = name, .persistent = TRUE };

  return tether_test_new_session_def (manager, &def, error);
}

/* New-PSSession with @def, waited for. */
TetherSession *
tether_test_new_session_def (TetherSessionManager          *manager,
                             const TetherSessionDefinition *def,
                             GError                       **error)
{
  TetherSession *session;
  TetherTestWait wait = { 0 };

  tether_session_manager_new_session_async (manager, def, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  session = tether_session_manager_new_session_finish (manager, wait.result, error);
  g_object_unref (wait.result);
  return session;
}

/* A named session in the tmux configuration, opened. */
TetherSession *
tether_test_new_tmux_session (TetherSessionManager *manager,
                              const char           *target)
{
  TetherSessionDefinition def = {
    .target = target,
    .configuration_name = TETHER_TMUX_CONFIGURATION_NAME,
    .persistent = TRUE,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_test_new_session_def (manager, &def, &error);

  g_assert_no_error (error);
  return session;
}

/* Runs @command on an exec channel of @session's connection.
 * Returns: (transfer full): what it printed on its standard output */
char *
tether_test_exec (TetherSession *session,
                  const char    *command)
{
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(TetherExecResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  tether_session_exec_async (session, command, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  channel = tether_session_exec_finish (session, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  wait.done = FALSE;
  tether_channel_collect_async (channel, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  result = tether_channel_collect_finish (channel, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  if (g_bytes_get_size (result->stdout_bytes) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (result->stdout_bytes, NULL),
                    g_bytes_get_size (result->stdout_bytes));
}

TetherSession *
tether_test_enter_computer (TetherSessionManager *manager,
                            const char           *target,
                            GError              **error)
{
  TetherSession *session;
  TetherTestWait wait = { 0 };

  tether_session_manager_enter_computer_async (manager, target, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  session = tether_session_manager_enter_computer_finish (manager, wait.result, error);
  g_object_unref (wait.result);
  return session;
}

gboolean
tether_test_open_session (TetherSessionManager *manager,
                          TetherSession        *session,
                          GError              **error)
{
  gboolean ok;
  TetherTestWait wait = { 0 };

  tether_session_manager_open_session_async (manager, session, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  ok = tether_session_manager_open_session_finish (manager, wait.result, error);
  g_object_unref (wait.result);
  return ok;
}

static void
free_string (GString *s)
{
  g_string_free (s, TRUE);
}

static GString *
transcript (TetherSession *session)
{
  GString *s = g_object_get_data (G_OBJECT (session), "test-transcript");

  if (s == NULL)
    {
      s = g_string_new (NULL);
      g_object_set_data_full (G_OBJECT (session), "test-transcript", s, (GDestroyNotify) free_string);
    }
  return s;
}

/* Copies the output and leaves it to the session to give back. */
static gboolean
output_cb (TetherSession *session,
           TetherChannel *shell,
           GBytes        *data,
           gpointer       user_data)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);

  g_string_append_len (transcript (session), bytes, (gssize) len);
  return FALSE;
}

void
tether_test_attach (TetherSession *session)
{
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  if (g_object_get_data (G_OBJECT (session), "test-output-handler") == NULL)
    {
      g_signal_connect (session, "output", G_CALLBACK (output_cb), NULL);
      g_object_set_data (G_OBJECT (session), "test-output-handler", GINT_TO_POINTER (1));
    }

  tether_session_attach_async (session, 80, 24, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_session_attach_finish (session, wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

void
tether_test_type (TetherSession *session,
                  const char    *text)
{
  tether_session_write (session, text, strlen (text));
}

typedef struct {
  TetherSession *session;
  const char    *needle;
} Search;

static gboolean
has_output (gpointer data)
{
  Search *search = data;

  return strstr (transcript (search->session)->str, search->needle) != NULL;
}

void
tether_test_wait_for_output (TetherSession *session,
                             const char    *needle)
{
  Search search = { session, needle };

  tether_test_wait_until (has_output, &search, WAIT_MS);
}

static gboolean
has_any_output (gpointer data)
{
  return transcript (data)->len > 0;
}

void
tether_test_wait_for_any_output (TetherSession *session)
{
  tether_test_wait_until (has_any_output, session, WAIT_MS);
}

void
tether_test_clear_output (TetherSession *session)
{
  g_string_truncate (transcript (session), 0);
}

static void
shell_exited_cb (TetherSession *session,
                 int            status,
                 int           *out)
{
  *out = status;
}

static gboolean
has_exited (gpointer data)
{
  return *(int *) data != G_MININT;
}

int
tether_test_wait_shell_exit (TetherSession *session)
{
  int status = G_MININT;
  gulong id = g_signal_connect (session, "shell-exited", G_CALLBACK (shell_exited_cb), &status);

  tether_test_wait_until (has_exited, &status, WAIT_MS);
  g_signal_handler_disconnect (session, id);
  return status;
}

typedef struct {
  TetherSession      *session;
  TetherSessionState  state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *wait = data;

  return tether_session_get_state (wait->session) == wait->state;
}

static char *
describe_state (gpointer data)
{
  StateWait *wait = data;
  const char *error = tether_session_get_last_error (wait->session);

  return g_strdup_printf ("“%s” to be %s; it is %s (last error: %s)",
                          tether_session_get_name (wait->session),
                          tether_session_state_to_string (wait->state),
                          tether_session_state_to_string (tether_session_get_state (wait->session)),
                          error ? error : "none");
}

void
tether_test_wait_state (TetherSession      *session,
                        TetherSessionState  state,
                        guint               timeout_ms)
{
  StateWait wait = { session, state };

  tether_test_wait_until_described (state_is, describe_state, &wait, timeout_ms);
}

char *
tether_test_hide_default_key (void)
{
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  char *hidden = g_strconcat (key, ".hidden", NULL);

  g_assert_cmpint (g_rename (key, hidden), ==, 0);
  return hidden;
}

void
tether_test_restore_default_key (char *hidden)
{
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);

  g_assert_cmpint (g_rename (hidden, key), ==, 0);
  g_free (hidden);
}
