/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-forward.h"
#include "tether-session-format.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Port forwards (-L, -R, -D) through a real sshd, carried by curl, to a
 * small HTTP server of the test's own on loopback. */

#define WAIT_MS 20000

static TetherTestSshd *sshd;

/* The HTTP server: answers any request with its body, then closes. */

typedef struct {
  GSocketService *service;
  guint           port;
  char           *body;
  guint           requests;
} Http;

static void
http_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GSocketConnection) client = user_data;
  Http *http = g_object_get_data (G_OBJECT (client), "http");
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client));
  g_autoptr(GBytes) request = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  g_autofree char *response = NULL;

  if (request == NULL || g_bytes_get_size (request) == 0)
    return;
  http->requests++;
  response = g_strdup_printf ("HTTP/1.0 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                              strlen (http->body), http->body);
  g_output_stream_write_all (out, response, strlen (response), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (client), NULL, NULL);
}

static gboolean
http_incoming_cb (GSocketService    *service,
                  GSocketConnection *client,
                  GObject           *source,
                  gpointer           user_data)
{
  g_object_set_data (G_OBJECT (client), "http", user_data);
  /* One read holds a curl request whole. */
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (client)), 4096,
                                   G_PRIORITY_DEFAULT, NULL, http_read_cb, g_object_ref (client));
  return TRUE;
}

static Http *
http_new (const char *body)
{
  Http *http = g_new0 (Http, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;

  http->body = g_strdup (body);
  http->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (http->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  http->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (http->service, "incoming", G_CALLBACK (http_incoming_cb), http);
  g_socket_service_start (http->service);
  return http;
}

static void
http_free (Http *http)
{
  g_socket_service_stop (http->service);
  g_socket_listener_close (G_SOCKET_LISTENER (http->service));
  g_object_unref (http->service);
  g_free (http->body);
  g_free (http);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Http, http_free)

/* A port nobody listens on now (the kernel's choice, then let go). */
static guint
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/* Runs curl with @args while the main loop turns (the forwards' listeners
 * and the HTTP server live on it); returns what it printed. */
static char *
curl (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) "curl");
  g_ptr_array_add (argv, (gpointer) "--silent");
  g_ptr_array_add (argv, (gpointer) "--show-error");
  g_ptr_array_add (argv, (gpointer) "--max-time");
  g_ptr_array_add (argv, (gpointer) "15");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_subprocess_communicate_utf8_finish (process, wait.result, &out, NULL, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  return out;
}

static TetherSession *
new_session_to (TetherSessionManager *manager,
                const char           *target,
                const char           *forwards,
                gboolean              forward_agent,
                const char           *name)
{
  TetherSessionDefinition def = {
    .target = target, .name = name, .forwards = forwards, .forward_agent = forward_agent,
  };
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };
  TetherSession *session;

  tether_session_manager_new_session_async (manager, &def, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  session = tether_session_manager_new_session_finish (manager, wait.result, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  return session;
}

static TetherSession *
new_session (TetherSessionManager *manager,
             const char           *forwards,
             const char           *name)
{
  return new_session_to (manager, tether_test_sshd_get_target (sshd), forwards, FALSE, name);
}

/* ~/.ssh/config (the test's own HOME) naming @alias for the sshd, with
 * @extra lines; returns its path, to remove. */
static char *
write_ssh_config (const char *alias,
                  const char *extra)
{
  char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *text = g_strdup_printf ("Host %s\n  HostName 127.0.0.1\n  Port %u\n  User %s\n%s",
                                           alias, tether_test_sshd_get_port (sshd),
                                           tether_test_sshd_get_user (sshd), extra);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static TetherForward *
forward_at (TetherSession *session,
            guint          i)
{
  g_autoptr(TetherForward) forward = g_list_model_get_item (tether_session_get_forwards (session), i);

  return forward;
}

static gboolean
forward_settled (gpointer data)
{
  TetherForwardState state = tether_forward_get_state (data);

  return state == TETHER_FORWARD_STATE_ACTIVE || state == TETHER_FORWARD_STATE_FAILED;
}

static void
test_local (void)
{
  g_autoptr(Http) http = http_new ("local-forward-works");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  guint port = free_port ();
  g_autofree char *spec = g_strdup_printf ("-L %u:127.0.0.1:%u", port, http->port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *out = NULL;
  TetherForward *forward;

  session = new_session (manager, spec, "Local");
  g_assert_cmpuint (g_list_model_get_n_items (tether_session_get_forwards (session)), ==, 1);
  forward = forward_at (session, 0);
  g_assert_cmpstr (tether_forward_get_spec (forward), ==, spec);
  g_assert_cmpint (tether_forward_get_state (forward), ==, TETHER_FORWARD_STATE_ACTIVE);

  out = curl ((const char *[]) { url, NULL });
  g_assert_cmpstr (out, ==, "local-forward-works");
  g_assert_cmpuint (http->requests, ==, 1);

  /* Closed: the port is given back. */
  tether_session_manager_close_session (manager, session);
  g_assert_cmpint (tether_forward_get_state (forward), ==, TETHER_FORWARD_STATE_STOPPED);
  g_clear_pointer (&out, g_free);
  out = curl ((const char *[]) { url, NULL });
  g_assert_nonnull (strstr (out, "onnect"));
  g_assert_cmpuint (http->requests, ==, 1);
}

/* A SOCKS 5 forward carries curl --socks5-hostname, the name resolved on
 * the server's side; SOCKS 4a too. */
static void
test_dynamic (void)
{
  g_autoptr(Http) http = http_new ("socks-forward-works");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  guint port = free_port ();
  g_autofree char *spec = g_strdup_printf ("-D 127.0.0.1:%u", port);
  g_autofree char *proxy = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *url = g_strdup_printf ("http://localhost:%u/", http->port);
  g_autofree char *out5 = NULL;
  g_autofree char *out4 = NULL;

  session = new_session (manager, spec, "Dynamic");
  g_assert_cmpint (tether_forward_get_state (forward_at (session, 0)), ==, TETHER_FORWARD_STATE_ACTIVE);
  out5 = curl ((const char *[]) { "--socks5-hostname", proxy, url, NULL });
  g_assert_cmpstr (out5, ==, "socks-forward-works");
  out4 = curl ((const char *[]) { "--socks4a", proxy, url, NULL });
  g_assert_cmpstr (out4, ==, "socks-forward-works");
  g_assert_cmpuint (http->requests, ==, 2);

  tether_session_manager_close_all (manager);
}

/* The server listens, and its connections reach a listener here. */
static void
test_remote (void)
{
  g_autoptr(Http) http = http_new ("remote-forward-works");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  guint port = free_port ();
  g_autofree char *spec = g_strdup_printf ("-R %u:127.0.0.1:%u", port, http->port);
  g_autofree char *command = NULL;
  TetherForward *forward;

  session = new_session (manager, spec, "Remote");
  forward = forward_at (session, 0);
  tether_test_wait_until (forward_settled, forward, WAIT_MS);
  g_assert_cmpstr (tether_forward_get_error (forward), ==, NULL);
  g_assert_cmpint (tether_forward_get_state (forward), ==, TETHER_FORWARD_STATE_ACTIVE);
  g_assert_cmpuint (tether_forward_get_bound_port (forward), ==, port);

  /* curl on the server's side, through its listener, back to here. */
  tether_test_attach (session);
  command = g_strdup_printf ("echo \"[$(curl -s --max-time 10 http://127.0.0.1:%u/)]\"\n", port);
  tether_test_type (session, command);
  tether_test_wait_for_output (session, "[remote-forward-works]");
  g_assert_cmpuint (http->requests, ==, 1);

  tether_session_manager_close_all (manager);
}

/* A local port already taken: a clear reason on the forward, and the
 * session open all the same. */
static void
test_busy_port (void)
{
  g_autoptr(Http) busy = http_new ("not-through-tether");
  g_autoptr(Http) http = http_new ("second-forward-works");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  guint port = free_port ();
  g_autofree char *spec = g_strdup_printf ("-L %u:127.0.0.1:1 -L %u:127.0.0.1:%u",
                                           busy->port, port, http->port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *port_text = g_strdup_printf ("port %u", busy->port);
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  TetherForward *failed;

  session = new_session (manager, spec, "Busy");
  failed = forward_at (session, 0);
  g_assert_cmpint (tether_forward_get_state (failed), ==, TETHER_FORWARD_STATE_FAILED);
  g_assert_nonnull (strstr (tether_forward_get_error (failed), "already in use"));
  g_assert_nonnull (strstr (tether_forward_get_error (failed), port_text));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  /* The session's details (--get-session --json) list both, with their
   * state, and the reason. */
  json = tether_session_format_json_model (G_LIST_MODEL (manager));
  g_assert_nonnull (strstr (json, "\"State\": \"Failed\""));
  g_assert_nonnull (strstr (json, "already in use"));
  g_assert_nonnull (strstr (json, "\"State\": \"Active\""));

  out = curl ((const char *[]) { url, NULL });
  g_assert_cmpstr (out, ==, "second-forward-works");
  g_assert_cmpuint (busy->requests, ==, 0);

  tether_session_manager_close_all (manager);
}

/* A reconnect brings the forwards back. */
static gboolean
forward_active (gpointer session)
{
  return tether_forward_get_state (forward_at (session, 0)) == TETHER_FORWARD_STATE_ACTIVE;
}

static void
test_back_after_reconnect (void)
{
  g_autoptr(Http) http = http_new ("back-again");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  guint port = free_port ();
  g_autofree char *spec = g_strdup_printf ("-L %u:127.0.0.1:%u", port, http->port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *out = NULL;

  session = new_session (manager, spec, "Reconnect");
  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_state (session, TETHER_SESSION_STATE_CONNECTING, WAIT_MS);
  g_assert_cmpint (tether_forward_get_state (forward_at (session, 0)), ==, TETHER_FORWARD_STATE_STOPPED);

  /* Retried by itself: the forward comes back with the connection. */
  tether_test_wait_state (session, TETHER_SESSION_STATE_OPENED, WAIT_MS);
  tether_test_wait_until (forward_active, session, WAIT_MS);
  g_assert_cmpint (tether_forward_get_state (forward_at (session, 0)), ==, TETHER_FORWARD_STATE_ACTIVE);
  out = curl ((const char *[]) { url, NULL });
  g_assert_cmpstr (out, ==, "back-again");

  tether_session_manager_close_all (manager);
}

static char *
fingerprint (const char *public_key)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "ssh-keygen", "-l", "-f", public_key, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  fields = g_strsplit (out, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  return g_strdup (fields[1]);
}

/* ssh-add -l on the server lists the local agent's key in a session that
 * asked for the agent, and in no other: not even one to the same
 * computer, opened before or after. */
static void
test_agent (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) without = NULL;
  g_autoptr(TetherSession) with = NULL;
  g_autoptr(TetherSession) after = NULL;
  g_autoptr(TetherSession) from_config = NULL;
  g_autofree char *config = NULL;
  g_autofree char *key = tether_test_make_key ("agent-key", NULL);
  g_autofree char *public_key = g_strconcat (key, ".pub", NULL);
  g_autofree char *print = fingerprint (public_key);
  const char *command = "ssh-add -l; echo \"agent-done-$?\"\n";

  tether_test_start_agent (key);

  without = new_session_to (manager, tether_test_sshd_get_target (sshd), NULL, FALSE, "NoAgent");
  tether_test_attach (without);
  tether_test_type (without, command);
  tether_test_wait_for_output (without, "agent-done-2");

  with = new_session_to (manager, tether_test_sshd_get_target (sshd), NULL, TRUE, "Agent");
  g_assert_true (tether_session_get_forward_agent (with));
  tether_test_attach (with);
  tether_test_type (with, command);
  tether_test_wait_for_output (with, print);
  tether_test_wait_for_output (with, "agent-done-0");

  after = new_session_to (manager, tether_test_sshd_get_target (sshd), NULL, FALSE, "NoAgentAfter");
  tether_test_attach (after);
  tether_test_type (after, command);
  tether_test_wait_for_output (after, "agent-done-2");

  /* ForwardAgent in ~/.ssh/config does the same as the switch, without
   * turning it on. */
  config = write_ssh_config ("cfgagent", "  ForwardAgent yes\n");
  from_config = new_session_to (manager, "cfgagent", NULL, FALSE, "AgentFromConfig");
  g_assert_false (tether_session_get_forward_agent (from_config));
  tether_test_attach (from_config);
  tether_test_type (from_config, command);
  tether_test_wait_for_output (from_config, print);
  tether_test_wait_for_output (from_config, "agent-done-0");

  tether_session_manager_close_all (manager);
  g_remove (config);
}

/* The configuration's LocalForward, RemoteForward and DynamicForward, as
 * ssh -G prints them, become the same options; what Tether cannot run is
 * set aside to be reported. */
static void
test_from_config (void)
{
  const char *local[] = { "8080 [localhost]:80", "[127.0.0.1]:8081 [::1]:81", "/tmp/a.sock /tmp/b.sock", NULL };
  const char *remote[] = { "9000 [localhost]:22", "9001 [socks]:0", NULL };
  const char *dynamic[] = { "1080", "[127.0.0.1]:1081", NULL };
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *spec = tether_forwards_from_config (local, remote, dynamic, skipped);
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (spec, ==, "-L 8080:[localhost]:80 -L [127.0.0.1]:8081:[::1]:81 -R 9000:[localhost]:22 "
                             "-D 1080 -D [127.0.0.1]:1081");
  g_assert_cmpuint (skipped->len, ==, 2);
  g_assert_cmpstr (skipped->pdata[0], ==, "/tmp/a.sock /tmp/b.sock");
  g_assert_cmpstr (skipped->pdata[1], ==, "9001 [socks]:0");
  forwards = tether_forwards_parse (spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (forwards->len, ==, 5);
  g_assert_null (tether_forwards_from_config (NULL, NULL, NULL, NULL));
}

static void
store_warning (TetherSessionManager *manager,
               TetherSession        *session,
               const char           *message,
               char                **warning)
{
  g_free (*warning);
  *warning = g_strdup (message);
}

/* LocalForward in ~/.ssh/config runs with the session's own forwards, and
 * is not kept as its own; one Tether cannot run (a Unix socket) is in the
 * sentence of what is not applied. */
static void
test_config_forwards (void)
{
  g_autoptr(Http) http = http_new ("config-forward-works");
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  guint port = free_port ();
  g_autofree char *extra = g_strdup_printf ("  LocalForward %u 127.0.0.1:%u\n"
                                            "  LocalForward /tmp/tether-test-here.sock /tmp/tether-test-there.sock\n",
                                            port, http->port);
  g_autofree char *config = write_ssh_config ("cfgforward", extra);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *out = NULL;
  g_autofree char *warning = NULL;

  g_signal_connect (manager, "warning", G_CALLBACK (store_warning), &warning);
  session = new_session_to (manager, "cfgforward", NULL, FALSE, "FromConfig");
  g_assert_cmpuint (g_list_model_get_n_items (tether_session_get_forwards (session)), ==, 1);
  g_assert_null (tether_session_get_forwards_spec (session));
  out = curl ((const char *[]) { url, NULL });
  g_assert_cmpstr (out, ==, "config-forward-works");
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "/tmp/tether-test-here.sock /tmp/tether-test-there.sock"));

  tether_session_manager_close_all (manager);
  g_remove (config);
}

static void
test_parse (void)
{
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "-L 8080", "-L 8080:host", "-X 1", "8080:a:80", "-D", "-D a:b:c",
                        "-L 0:h:80", "-L 70000:h:80", "-L [::1:8080:h:80", NULL };

  forwards = tether_forwards_parse ("-L 8080:localhost:80 -L[::1]:8081:[::1]:81 -R9000:localhost:22 -D 1080", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (forwards->len, ==, 4);
  g_assert_cmpint (tether_forward_get_kind (forwards->pdata[0]), ==, TETHER_FORWARD_LOCAL);
  g_assert_cmpstr (tether_forward_get_spec (forwards->pdata[1]), ==, "-L [::1]:8081:[::1]:81");
  g_assert_cmpint (tether_forward_get_kind (forwards->pdata[2]), ==, TETHER_FORWARD_REMOTE);
  g_assert_cmpint (tether_forward_get_kind (forwards->pdata[3]), ==, TETHER_FORWARD_DYNAMIC);
  g_clear_pointer (&forwards, g_ptr_array_unref);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      forwards = tether_forwards_parse (bad[i], &error);
      g_assert_null (forwards);
      g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  g_test_add_func ("/forward/parse", test_parse);
  g_test_add_func ("/forward/from-config", test_from_config);
  g_test_add_func ("/forward/local", test_local);
  g_test_add_func ("/forward/config-forwards", test_config_forwards);
  g_test_add_func ("/forward/dynamic", test_dynamic);
  g_test_add_func ("/forward/remote", test_remote);
  g_test_add_func ("/forward/busy-port", test_busy_port);
  g_test_add_func ("/forward/back-after-reconnect", test_back_after_reconnect);
  /* Last: it gives the test process an agent. */
  g_test_add_func ("/forward/agent", test_agent);

  status = g_test_run ();
  tether_test_sshd_free (sshd);
  return status;
}
