/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tether-connection.h"
#include "tether-error.h"
#include "tether-session-format.h"
#include "tether-session-manager-private.h"
#include "tether-test-interaction.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Jump hosts (ProxyJump): sessions reach their computer through one or two
 * real sshd servers, over `direct-tcpip` channels, never a local `ssh`. */

#define WAIT_MS 20000

/* sshd logs each `direct-tcpip` open, with its target, at DEBUG1. */
#define JUMP_CONFIG "LogLevel DEBUG1"

static TetherTestSshd *target_sshd;

static char *
read_log (TetherTestSshd *sshd)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (tether_test_sshd_get_log_path (sshd), &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* The jump server's log says it opened a `direct-tcpip` channel on to
 * @next's port. */
static gboolean
forwarded_to (TetherTestSshd *jump,
              TetherTestSshd *next)
{
  g_autofree char *text = read_log (jump);
  g_autofree char *line = g_strdup_printf ("target 127\\.0\\.0\\.1 port %u\\b",
                                           tether_test_sshd_get_port (next));

  return strstr (text, "direct-tcpip") != NULL && g_regex_match_simple (line, text, 0, 0);
}

/* Whether this process holds a TCP socket connected to @port: a session
 * that goes through a jump host must not. */
static gboolean
own_socket_to_port (guint port)
{
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      const char *remote;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      if (words->len < 10)
        continue;
      /* rem_address is HEXADDR:HEXPORT; the inode is the tenth field. */
      remote = g_ptr_array_index (words, 2);
      if (strchr (remote, ':') != NULL && strtoul (strchr (remote, ':') + 1, NULL, 16) == port)
        g_hash_table_add (inodes, g_strdup_printf ("socket:[%s]", (char *) g_ptr_array_index (words, 9)));
    }

  dir = g_dir_open ("/proc/self/fd", 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *link = g_file_read_link (path, NULL);

      if (link != NULL && g_hash_table_contains (inodes, link))
        return TRUE;
    }
  return FALSE;
}

static TetherSession *
new_session (TetherSessionManager  *manager,
             const char            *target,
             const char            *jump_hosts,
             const char            *name,
             GError               **error)
{
  TetherSessionDefinition def = {
    .target = target, .name = name, .jump_hosts = jump_hosts,
  };
  TetherTestWait wait = { 0 };
  TetherSession *session;

  tether_session_manager_new_session_async (manager, &def, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  session = tether_session_manager_new_session_finish (manager, wait.result, error);
  g_object_unref (wait.result);
  return session;
}

static void
assert_shell_works (TetherSession *session)
{
  tether_test_attach (session);
  tether_test_type (session, "echo jumped-$((20+22))\n");
  tether_test_wait_for_output (session, "jumped-42");
}

static void
test_one_hop (void)
{
  g_autoptr(TetherTestSshd) jump = tether_test_sshd_new (JUMP_CONFIG);
  g_autofree char *jump_member = g_strdup_printf ("\"JumpHosts\": \"%s\"", tether_test_sshd_get_target (jump));
  g_autofree char *json = NULL;
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (jump);
  session = new_session (manager, tether_test_sshd_get_target (target_sshd),
                         tether_test_sshd_get_target (jump), "OneHop", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  assert_shell_works (session);

  /* The computer was reached from the jump server, not from here. */
  g_assert_true (forwarded_to (jump, target_sshd));
  g_assert_cmpuint (tether_test_sshd_count_connections (target_sshd), ==, 1);
  g_assert_false (own_socket_to_port (tether_test_sshd_get_port (target_sshd)));
  g_assert_true (own_socket_to_port (tether_test_sshd_get_port (jump)));
  json = tether_session_format_json_model (G_LIST_MODEL (manager));
  g_assert_nonnull (strstr (json, jump_member));
  /* Two pooled connections: the jump host's and the computer's. */
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 2);

  tether_session_manager_close_all (manager);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

static void
test_two_hops (void)
{
  g_autoptr(TetherTestSshd) first = tether_test_sshd_new (JUMP_CONFIG);
  g_autoptr(TetherTestSshd) second = tether_test_sshd_new (JUMP_CONFIG);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hops = NULL;

  tether_test_sshd_trust (first);
  tether_test_sshd_trust (second);
  /* As ProxyJump writes them, with a space after the comma forgiven. */
  hops = g_strdup_printf ("ssh://%s, %s", tether_test_sshd_get_target (first),
                          tether_test_sshd_get_target (second));
  session = new_session (manager, tether_test_sshd_get_target (target_sshd), hops, "TwoHops", &error);
  g_assert_no_error (error);
  assert_shell_works (session);

  g_assert_true (forwarded_to (first, second));
  g_assert_true (forwarded_to (second, target_sshd));
  g_assert_false (forwarded_to (first, target_sshd));
  g_assert_false (own_socket_to_port (tether_test_sshd_get_port (second)));
  g_assert_false (own_socket_to_port (tether_test_sshd_get_port (target_sshd)));
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 3);

  tether_session_manager_close_all (manager);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

/* The jump host's connection is pooled: a second session through it, and
 * a session on the jump host itself, open no new connection to it. */
static void
test_jump_shared (void)
{
  g_autoptr(TetherTestSshd) jump = tether_test_sshd_new (JUMP_CONFIG);
  g_autoptr(TetherTestSshd) other = tether_test_sshd_new_sibling (target_sshd);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) a = NULL;
  g_autoptr(TetherSession) b = NULL;
  g_autoptr(TetherSession) on_jump = NULL;
  g_autoptr(GError) error = NULL;
  const char *via = tether_test_sshd_get_target (jump);

  tether_test_sshd_trust (jump);
  tether_test_sshd_trust (other);
  a = new_session (manager, tether_test_sshd_get_target (target_sshd), via, "SharedA", &error);
  g_assert_no_error (error);
  b = new_session (manager, tether_test_sshd_get_target (other), via, "SharedB", &error);
  g_assert_no_error (error);
  on_jump = new_session (manager, via, NULL, "OnJump", &error);
  g_assert_no_error (error);

  g_assert_cmpuint (tether_test_sshd_count_connections (jump), ==, 1);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 3);
  assert_shell_works (b);

  /* The jump host stays while a connection goes through it. */
  tether_session_manager_close_session (manager, on_jump);
  tether_session_manager_close_session (manager, a);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 2);
  tether_session_manager_close_session (manager, b);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
  tether_session_manager_close_all (manager);
}

/* The host-key question for an unknown jump host names that host, with
 * its own key, and the computer behind it, already known, asks nothing. */
static void
test_hop_host_key_prompt (void)
{
  g_autoptr(TetherTestSshd) jump = tether_test_sshd_new (JUMP_CONFIG);
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (jump));
  GPtrArray *prompts;
  TetherPrompt *prompt;

  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  session = new_session (manager, tether_test_sshd_get_target (target_sshd),
                         tether_test_sshd_get_target (jump), "PromptHop", &error);
  g_assert_no_error (error);

  prompts = tether_test_interaction_get_prompts (interaction);
  g_assert_cmpuint (prompts->len, ==, 1);
  prompt = g_ptr_array_index (prompts, 0);
  g_assert_cmpint (tether_prompt_get_kind (prompt), ==, TETHER_PROMPT_HOST_KEY);
  g_assert_nonnull (strstr (tether_prompt_get_destination (prompt), port));
  g_assert_cmpstr (tether_prompt_get_fingerprint (prompt), ==, tether_test_sshd_get_fingerprint (jump));

  tether_session_manager_close_all (manager);
}

/* A hop that dies is a lost connection for every session behind it: they
 * are Connecting, with a reason that names the jump host, and come back by
 * themselves, through the hop again. */
static void
test_lost_hop_breaks (void)
{
  g_autoptr(TetherTestSshd) jump = tether_test_sshd_new (JUMP_CONFIG);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) a = NULL;
  g_autoptr(TetherSession) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  tether_test_sshd_trust (jump);
  a = new_session (manager, tether_test_sshd_get_target (target_sshd),
                   tether_test_sshd_get_target (jump), "LostA", &error);
  g_assert_no_error (error);
  b = new_session (manager, tether_test_sshd_get_target (jump), NULL, "LostB", &error);
  g_assert_no_error (error);

  tether_test_sshd_kill_connections (jump);
  tether_test_wait_state (a, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  tether_test_wait_state (b, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  g_assert_nonnull (strstr (tether_session_get_last_error (a), "jump host"));
  g_assert_nonnull (strstr (tether_session_get_last_error (a), tether_test_sshd_get_target (jump)));

  /* Reconnecting goes through the hop again. */
  tether_test_wait_state (a, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_test_wait_state (b, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  assert_shell_works (a);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 2);
  g_assert_true (g_file_get_contents (tether_test_sshd_get_log_path (jump), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "direct-tcpip"));

  tether_session_manager_close_all (manager);
}

/* A jump server that forwards nothing: the session says why and stays
 * closed; nothing is left in the pool. */
static void
test_forwarding_refused (void)
{
  g_autoptr(TetherTestSshd) jump = tether_test_sshd_new ("AllowTcpForwarding no");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (jump);
  session = new_session (manager, tether_test_sshd_get_target (target_sshd),
                         tether_test_sshd_get_target (jump), "Refused", &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_CHANNEL_REFUSED);
  g_assert_nonnull (strstr (error->message, "AllowTcpForwarding"));
  g_assert_null (session);
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
}

static void
test_bad_jump_host (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = new_session (manager, tether_test_sshd_get_target (target_sshd), "a@b@c", "Bad", &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
  g_assert_nonnull (strstr (error->message, "jump host"));
  g_clear_error (&error);
  session = new_session (manager, tether_test_sshd_get_target (target_sshd), "host,,other", "Bad", &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
  g_assert_null (session);
}

static TetherConnection *
connect_through_proxy (TetherTestSshd  *sshd,
                       const char      *command,
                       GError         **error)
{
  g_autoptr(TetherTarget) target = tether_target_parse (tether_test_sshd_get_target (sshd), NULL);
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  g_autoptr(TetherResolvedTarget) resolved = tether_target_resolve (target, ssh_dir, NULL);
  g_autoptr(TetherConnection) connection = tether_connection_new (resolved, ssh_dir, tether_test_config ());
  TetherTestWait wait = { 0 };

  tether_connection_set_proxy_command (connection, command);
  tether_connection_connect_async (connection, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  if (!tether_connection_connect_finish (connection, wait.result, error))
    g_clear_object (&connection);
  g_object_unref (wait.result);
  return g_steal_pointer (&connection);
}

/* The user's ProxyCommand carries the connection (here a bash relay to
 * the server), and what it says on stderr is the reason when it fails. */
static void
test_proxy_command (void)
{
  g_autoptr(TetherConnection) connection = NULL;
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *relay = g_strdup_printf ("exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/%u; cat <&3 & exec cat >&3'",
                                            tether_test_sshd_get_port (target_sshd));
  guint before = tether_test_sshd_count_connections (target_sshd);
  TetherTestWait wait = { 0 };

  connection = connect_through_proxy (target_sshd, relay, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_connection_get_state (connection), ==, TETHER_CONNECTION_STATE_READY);
  g_assert_cmpuint (tether_test_sshd_count_connections (target_sshd), ==, before + 1);
  g_assert_false (own_socket_to_port (tether_test_sshd_get_port (target_sshd)));
  tether_connection_open_channel_async (connection, "true", 0, 0, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  channel = tether_connection_open_channel_finish (connection, wait.result, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  tether_connection_close (connection);
  g_clear_object (&connection);

  connection = connect_through_proxy (target_sshd, "echo 'bastion.example: no route to host' >&2; exit 255",
                                      &error);
  g_assert_null (connection);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "ProxyCommand"));
  g_assert_nonnull (strstr (error->message, "bastion.example: no route to host"));
}

/* ~/.ssh/config (the test's own HOME) naming @alias for @sshd, with
 * @extra lines; returns its path, to remove. */
static char *
write_ssh_config (const char     *alias,
                  TetherTestSshd *sshd,
                  const char     *extra)
{
  char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *text = g_strdup_printf ("Host %s\n  HostName 127.0.0.1\n  Port %u\n  User %s\n%s",
                                           alias, tether_test_sshd_get_port (sshd),
                                           tether_test_sshd_get_user (sshd), extra);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* ProxyJump in ~/.ssh/config: the alias is reached through the jump
 * server, as a session's own jump hosts are, without becoming the
 * session's (nothing of it is saved). */
static void
test_config_proxy_jump (void)
{
  g_autoptr(TetherTestSshd) jump = tether_test_sshd_new (JUMP_CONFIG);
  g_autofree char *extra = g_strdup_printf ("  ProxyJump %s\n", tether_test_sshd_get_target (jump));
  g_autofree char *path = write_ssh_config ("cfgjump", target_sshd, extra);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  tether_test_sshd_trust (jump);
  session = new_session (manager, "cfgjump", NULL, "ConfigJump", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  assert_shell_works (session);
  g_assert_true (forwarded_to (jump, target_sshd));
  g_assert_false (own_socket_to_port (tether_test_sshd_get_port (target_sshd)));
  g_assert_null (tether_session_get_jump_hosts (session));

  tether_session_manager_close_all (manager);
  g_remove (path);
}

/* ProxyCommand in ~/.ssh/config (with its %p token) carries the session:
 * the user's own relay connects, not Tether. */
static void
test_config_proxy_command (void)
{
  g_autofree char *marker = g_build_filename (g_get_home_dir (), "proxy-command-ran", NULL);
  g_autofree char *extra =
    g_strdup_printf ("  ProxyCommand exec bash -c 'echo %%h:%%p >%s; exec 3<>/dev/tcp/127.0.0.1/%%p; cat <&3 & exec cat >&3'\n",
                     marker);
  g_autofree char *path = write_ssh_config ("cfgproxy", target_sshd, extra);
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u\n", tether_test_sshd_get_port (target_sshd));
  g_autofree char *ran = NULL;
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = new_session (manager, "cfgproxy", NULL, "ConfigProxy", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  assert_shell_works (session);
  g_assert_false (own_socket_to_port (tether_test_sshd_get_port (target_sshd)));
  /* The user's command ran, its tokens expanded. */
  g_assert_true (g_file_get_contents (marker, &ran, NULL, NULL));
  g_assert_cmpstr (ran, ==, expected);

  tether_session_manager_close_all (manager);
  g_remove (path);
  g_remove (marker);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  target_sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (target_sshd);

  g_test_add_func ("/jump/one-hop", test_one_hop);
  g_test_add_func ("/jump/two-hops", test_two_hops);
  g_test_add_func ("/jump/shared", test_jump_shared);
  g_test_add_func ("/jump/hop-host-key-prompt", test_hop_host_key_prompt);
  g_test_add_func ("/jump/lost-hop-breaks", test_lost_hop_breaks);
  g_test_add_func ("/jump/forwarding-refused", test_forwarding_refused);
  g_test_add_func ("/jump/bad-jump-host", test_bad_jump_host);
  g_test_add_func ("/jump/proxy-command", test_proxy_command);
  g_test_add_func ("/jump/config-proxy-jump", test_config_proxy_jump);
  g_test_add_func ("/jump/config-proxy-command", test_config_proxy_command);

  status = g_test_run ();
  tether_test_sshd_free (target_sshd);
  return status;
}
