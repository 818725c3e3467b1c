/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-manager-private.h"
#include "tether-test-interaction.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* Invoke-Command against 20 real endpoints on loopback: one sshd listening
 * on many ports, a server that refuses our key, and a closed port. */

#define WAIT_MS 60000
#define N_PORTS 18

static TetherTestSshd *fleet[2];  /* N_PORTS / 2 ports each (sshd listens on 16 at most) */
static TetherTestSshd *refusing;  /* authorizes no key */


static guint
fleet_port (guint index)
{
  return tether_test_sshd_get_nth_port (fleet[index % 2], index / 2);
}

static char *
fleet_target (guint index)
{
  return g_strdup_printf ("%s@127.0.0.1:%u", g_get_user_name (), fleet_port (index));
}

static void
wait_fleet_connections (guint expected)
{
  tether_test_sshd_wait_connections (fleet[0], expected, WAIT_MS);
  tether_test_sshd_wait_connections (fleet[1], expected, WAIT_MS);
}

static gboolean
run_invocation (TetherInvocation  *invocation,
                GError           **error)
{
  TetherTestWait wait = { 0 };
  gboolean ok;

  tether_invocation_run_async (invocation, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  ok = tether_invocation_run_finish (invocation, wait.result, error);
  g_object_unref (wait.result);
  return ok;
}

static TetherInvocationResult *
result_at (TetherInvocation *invocation,
           guint             index)
{
  TetherInvocationResult *result = g_list_model_get_item (tether_invocation_get_results (invocation), index);

  /* The run's list keeps it alive for the test. */
  g_object_unref (result);
  return result;
}

static char *
stdout_of (TetherInvocationResult *result)
{
  g_autoptr(GBytes) bytes = tether_invocation_result_dup_output (result, FALSE, FALSE);

  /* An empty GBytes may have no data pointer. */
  return g_bytes_get_size (bytes) > 0 ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
                                      : g_strdup ("");
}

/* The same command everywhere; what it does depends on the port it came in
 * by (the last field of SSH_CONNECTION), as a fleet's hosts differ. */
static char *
fleet_command (guint fail_a,
               guint fail_b,
               guint slow)
{
  return g_strdup_printf ("p=${SSH_CONNECTION##* }; "
                          "case $p in %u|%u) echo broken; exit 3;; %u) sleep 30;; esac; "
                          "echo hello; echo warn >&2", fail_a, fail_b, slow);
}

static void
test_gathered (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  GListModel *groups;
  guint port_closed = tether_test_closed_port ();

  command = fleet_command (fleet_port (3),
                           fleet_port (11),
                           fleet_port (7));
  invocation = tether_session_manager_new_invocation (manager, command);
  tether_invocation_set_timeout (invocation, 3);
  for (guint i = 0; i < N_PORTS; i++)
    g_ptr_array_add (targets, fleet_target (i));
  g_ptr_array_insert (targets, 5, g_strdup_printf ("127.0.0.1:%u", port_closed));
  g_ptr_array_insert (targets, 9, g_strdup (tether_test_sshd_get_target (refusing)));
  for (guint i = 0; i < targets->len; i++)
    tether_invocation_add_computer (invocation, g_ptr_array_index (targets, i));
  g_assert_cmpuint (tether_invocation_get_n_targets (invocation), ==, 20);

  g_assert_false (run_invocation (invocation, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_FAILED);
  g_assert_cmpuint (tether_invocation_get_n_failed (invocation), ==, 5);
  g_assert_cmpuint (tether_invocation_get_n_finished (invocation), ==, 20);
  g_assert_cmpfloat (tether_invocation_get_fraction (invocation), ==, 1.0);

  /* Every result tagged with its own computer, and ended its own way. */
  for (guint i = 0; i < targets->len; i++)
    {
      TetherInvocationResult *result = result_at (invocation, i);
      const char *target = g_ptr_array_index (targets, i);
      g_autofree char *out = stdout_of (result);
      guint port = atoi (strrchr (target, ':') + 1);
      TetherInvocationStatus status = tether_invocation_result_get_status (result);

      g_assert_cmpstr (tether_invocation_result_get_computer_name (result), ==, target);
      g_assert_null (tether_invocation_result_get_session (result));
      if (i == 5)
        {
          g_assert_cmpint (status, ==, TETHER_INVOCATION_STATUS_ERROR);
          g_assert_nonnull (strstr (tether_invocation_result_get_error_message (result), "refused"));
        }
      else if (i == 9)
        {
          g_assert_cmpint (status, ==, TETHER_INVOCATION_STATUS_ERROR);
          g_assert_cmpstr (out, ==, "");
        }
      else if (port == fleet_port (3)
               || port == fleet_port (11))
        {
          g_assert_cmpint (status, ==, TETHER_INVOCATION_STATUS_FAILED);
          g_assert_cmpint (tether_invocation_result_get_exit_status (result), ==, 3);
          g_assert_cmpstr (out, ==, "broken\n");
        }
      else if (port == fleet_port (7))
        g_assert_cmpint (status, ==, TETHER_INVOCATION_STATUS_TIMED_OUT);
      else
        {
          g_autoptr(GBytes) err = tether_invocation_result_dup_output (result, FALSE, TRUE);

          g_assert_cmpint (status, ==, TETHER_INVOCATION_STATUS_SUCCEEDED);
          g_assert_cmpint (tether_invocation_result_get_exit_status (result), ==, 0);
          g_assert_cmpstr (out, ==, "hello\n");
          g_assert_cmpmem (g_bytes_get_data (err, NULL), g_bytes_get_size (err), "warn\n", 5);
        }
      g_assert_cmpfloat (tether_invocation_result_get_duration (result), >, 0);
    }

  /* Gathered: the 15 alike, the two that exit 3, and one per other
   * failure, failures first in list order. */
  groups = tether_invocation_get_groups (invocation);
  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 5);
  {
    g_autoptr(TetherInvocationGroup) exit3 = g_list_model_get_item (groups, 0);
    g_autoptr(TetherInvocationGroup) good = g_list_model_get_item (groups, 4);
    guint total = 0;

    /* Failures first, each by its first host's place: the exit-3 pair
     * (indexes 3 and 13) heads the list; the 15 alike come last. */
    g_assert_cmpuint (tether_invocation_group_get_n_computers (exit3), ==, 2);
    g_assert_cmpint (tether_invocation_group_get_status (exit3), ==, TETHER_INVOCATION_STATUS_FAILED);
    g_assert_cmpuint (tether_invocation_group_get_n_computers (good), ==, 15);
    g_assert_cmpint (tether_invocation_group_get_status (good), ==, TETHER_INVOCATION_STATUS_SUCCEEDED);
    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(TetherInvocationGroup) group = g_list_model_get_item (groups, i);

        total += tether_invocation_group_get_n_computers (group);
        if (i < 4)
          g_assert_true (tether_invocation_status_is_failure (tether_invocation_group_get_status (group)));
      }
    g_assert_cmpuint (total, ==, 20);
  }

  /* Serialized: the text gathers like dshbak -c, the JSON is one valid
   * document (checked by Python's parser). */
  text = tether_invocation_to_text (invocation, TRUE);
  g_assert_nonnull (strstr (text, "hello\n[stderr] warn\n"));
  g_assert_nonnull (strstr (text, "broken\n"));
  g_assert_true (strstr (text, "broken\n") < strstr (text, "hello\n"));
  json = tether_invocation_to_json (invocation);
  {
    g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), "results.json", NULL);
    g_autofree char *out = NULL;
    const char *argv[] = { "python3", "-c",
                           "import json,sys; r=json.load(open(sys.argv[1])); "
                           "print(len(r), sum(1 for x in r if x['status']=='Succeeded'), r[0]['computer'], "
                           "r[0]['output'][1]['stream'])",
                           path, NULL };
    g_autofree char *expected = g_strdup_printf ("20 15 %s stderr\n", (char *) g_ptr_array_index (targets, 0));
    int wait_status;

    g_assert_true (g_file_set_contents (path, json, -1, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                                 NULL, &wait_status, NULL));
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    g_assert_cmpstr (out, ==, expected);
  }

  /* What it opened, it closed. */
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
  wait_fleet_connections (0);
}

static gboolean
n_finished_is_two (gpointer data)
{
  return tether_invocation_get_n_finished (data) == 2;
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *changes)
{
  *changes += removed + added;
}

/* A group that stays the same keeps its object, and its row: a host ending
 * elsewhere does not rebuild the others. */
static void
test_groups_kept (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(TetherInvocationGroup) alike = NULL;
  g_autoptr(TetherInvocationGroup) after = NULL;
  g_autofree char *command = g_strdup_printf ("[ ${SSH_CONNECTION##* } = %u ] && sleep 1; echo alike",
                                              fleet_port (2));
  GListModel *groups;
  TetherTestWait wait = { 0 };
  guint changes = 0;

  invocation = tether_session_manager_new_invocation (manager, command);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *target = fleet_target (i);

      tether_invocation_add_computer (invocation, target);
    }
  groups = tether_invocation_get_groups (invocation);
  tether_invocation_run_async (invocation, NULL, tether_test_store_result, &wait);
  tether_test_wait_until (n_finished_is_two, invocation, WAIT_MS);

  /* The two done, gathered; the slow one a group of its own. */
  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 2);
  alike = g_list_model_get_item (groups, 1);
  g_assert_cmpuint (tether_invocation_group_get_n_computers (alike), ==, 2);
  g_signal_connect (groups, "items-changed", G_CALLBACK (count_changes), &changes);

  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_invocation_run_finish (invocation, wait.result, NULL));
  g_clear_object (&wait.result);

  /* The slow one joined them: the same group, one row fewer. */
  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 1);
  after = g_list_model_get_item (groups, 0);
  g_assert_true (after == alike);
  g_assert_cmpuint (tether_invocation_group_get_n_computers (after), ==, 3);
  g_assert_cmpuint (changes, ==, 1);
  g_signal_handlers_disconnect_by_data (groups, &changes);
  tether_session_manager_clear_invocations (manager);
}

/* Counted on the server side: each command bumps a counter under flock,
 * records it, waits, and takes it back; no more than the limit ever ran at
 * once, and the connections open at once (sampled as each host changes
 * state) never passed it either. */
typedef struct {
  GArray *order;            /* guint: indexes as they started connecting */
  guint   max_connections;
} Watch;

static void
status_cb (TetherInvocationResult *result,
           GParamSpec             *pspec,
           Watch                  *watch)
{
  guint n = tether_test_sshd_count_connections (fleet[0]) + tether_test_sshd_count_connections (fleet[1]);
  guint index = tether_invocation_result_get_index (result);

  watch->max_connections = MAX (watch->max_connections, n);
  if (tether_invocation_result_get_status (result) == TETHER_INVOCATION_STATUS_CONNECTING)
    g_array_append_val (watch->order, index);
}

static void
test_throttle (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (tether_test_get_tmpdir (), "throttle", NULL);
  g_autofree char *script = g_build_filename (dir, "count.sh", NULL);
  g_autofree char *seen_path = g_build_filename (dir, "seen", NULL);
  g_autofree char *seen = NULL;
  g_autofree char *command = NULL;
  g_auto(GStrv) lines = NULL;
  Watch watch = { g_array_new (FALSE, FALSE, sizeof (guint)), 0 };
  guint max_seen = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (script,
                                      "d=$(dirname \"$0\")\n"
                                      "exec 9>\"$d/lock\"\n"
                                      "flock 9; n=$(( $(cat \"$d/n\" 2>/dev/null || echo 0) + 1 ))\n"
                                      "echo $n > \"$d/n\"; echo $n >> \"$d/seen\"; flock -u 9\n"
                                      "sleep 0.3\n"
                                      "flock 9; echo $(( $(cat \"$d/n\") - 1 )) > \"$d/n\"; flock -u 9\n"
                                      "echo done\n", -1, NULL));
  command = g_strdup_printf ("sh %s", script);
  invocation = tether_session_manager_new_invocation (manager, command);
  tether_invocation_set_throttle_limit (invocation, 3);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *target = fleet_target (i);

      tether_invocation_add_computer (invocation, target);
      g_signal_connect (result_at (invocation, i), "notify::status", G_CALLBACK (status_cb), &watch);
    }

  g_assert_true (run_invocation (invocation, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (seen_path, &seen, NULL, NULL));
  lines = g_strsplit (g_strstrip (seen), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 12);
  for (guint i = 0; lines[i] != NULL; i++)
    max_seen = MAX (max_seen, (guint) atoi (lines[i]));
  g_assert_cmpuint (max_seen, >=, 1);
  g_assert_cmpuint (max_seen, <=, 3);
  g_assert_cmpuint (watch.max_connections, <=, 3);

  /* Started in list order. */
  g_assert_cmpuint (watch.order->len, ==, 12);
  for (guint i = 0; i < watch.order->len; i++)
    g_assert_cmpuint (g_array_index (watch.order, guint, i), ==, i);

  for (guint i = 0; i < 12; i++)
    g_signal_handlers_disconnect_by_data (result_at (invocation, i), &watch);
  g_array_unref (watch.order);
  wait_fleet_connections (0);
}

/* On Opened sessions the command runs on the session's own connection:
 * while it prints, the server sees exactly the sessions' connections. */
typedef struct {
  guint connections_at_output;
} OutputWatch;

static void
output_cb (TetherInvocationResult *result,
           GBytes                 *data,
           gboolean                is_stderr,
           OutputWatch            *watch)
{
  watch->connections_at_output = MAX (watch->connections_at_output,
                                      tether_test_sshd_count_connections (fleet[0]));
}

static void
test_sessions (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TetherSession) closed = NULL;
  OutputWatch watch = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *target = fleet_target (2 * i);
      g_autofree char *name = g_strdup_printf ("web%02u", i + 1);
      TetherSession *session = tether_test_new_session (manager, target, name, &error);

      g_assert_no_error (error);
      g_ptr_array_add (sessions, session);
    }
  tether_test_sshd_wait_connections (fleet[0], 3, WAIT_MS);
  {
    g_autofree char *target = fleet_target (6);

    closed = tether_test_new_session (manager, target, "db01", &error);
    g_assert_no_error (error);
    tether_session_manager_close_session (manager, closed);
  }
  tether_test_sshd_wait_connections (fleet[0], 3, WAIT_MS);

  invocation = tether_session_manager_new_invocation (manager, "echo on $((6*7))");
  for (guint i = 0; i < sessions->len; i++)
    tether_invocation_add_session (invocation, g_ptr_array_index (sessions, i));
  tether_invocation_add_session (invocation, closed);
  for (guint i = 0; i < 3; i++)
    g_signal_connect (result_at (invocation, i), "output", G_CALLBACK (output_cb), &watch);

  g_assert_false (run_invocation (invocation, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_FAILED);

  /* No new handshake: the server saw the three sessions' connections. */
  g_assert_cmpuint (watch.connections_at_output, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      TetherInvocationResult *result = result_at (invocation, i);
      g_autofree char *out = stdout_of (result);

      g_assert_true (tether_invocation_result_get_session (result) == g_ptr_array_index (sessions, i));
      g_assert_cmpstr (tether_invocation_result_get_computer_name (result), ==,
                       tether_session_get_name (g_ptr_array_index (sessions, i)));
      g_assert_cmpstr (out, ==, "on 42\n");
      g_assert_cmpint (tether_invocation_result_get_status (result), ==, TETHER_INVOCATION_STATUS_SUCCEEDED);
      g_signal_handlers_disconnect_by_data (result, &watch);
      /* The sessions stay Opened. */
      g_assert_cmpint (tether_session_get_state (g_ptr_array_index (sessions, i)), ==,
                       TETHER_SESSION_STATE_OPENED);
    }
  /* A session not open is that host's error, told in a sentence. */
  g_assert_cmpint (tether_invocation_result_get_status (result_at (invocation, 3)), ==,
                   TETHER_INVOCATION_STATUS_ERROR);
  g_assert_nonnull (strstr (tether_invocation_result_get_error_message (result_at (invocation, 3)), "db01"));

  tether_session_manager_close_all (manager);
  wait_fleet_connections (0);
}

static gboolean
n_running_is (gpointer data)
{
  TetherInvocation *invocation = data;
  guint n = 0;

  for (guint i = 0; i < tether_invocation_get_n_targets (invocation); i++)
    n += tether_invocation_result_get_status (result_at (invocation, i)) == TETHER_INVOCATION_STATUS_RUNNING;
  return n == 3;
}

/* Cancel stops what runs, never starts the rest, and closes every
 * connection it opened. */
static void
test_cancel (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  invocation = tether_session_manager_new_invocation (manager, "sleep 60");
  tether_invocation_set_throttle_limit (invocation, 3);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *target = fleet_target (i);

      tether_invocation_add_computer (invocation, target);
    }
  tether_invocation_run_async (invocation, cancellable, tether_test_store_result, &wait);
  tether_test_wait_until (n_running_is, invocation, WAIT_MS);
  g_cancellable_cancel (cancellable);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);

  g_assert_false (tether_invocation_run_finish (invocation, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&wait.result);
  g_assert_true (tether_invocation_get_cancelled (invocation));
  for (guint i = 0; i < 8; i++)
    {
      TetherInvocationResult *result = result_at (invocation, i);

      g_assert_cmpint (tether_invocation_result_get_status (result), ==, TETHER_INVOCATION_STATUS_CANCELLED);
      /* The last five never started. */
      if (i >= 3)
        g_assert_cmpfloat (tether_invocation_result_get_duration (result), ==, 0);
    }
  g_assert_cmpuint (tether_session_manager_get_n_connections (manager), ==, 0);
  wait_fleet_connections (0);
}

static gboolean
invocation_finished (gpointer data)
{
  return tether_invocation_get_finished (data);
}

/* Nobody holds the run but the manager's list: it still runs to its end,
 * and is found there with its results until cleared. */
static void
test_unwatched (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  GListModel *runs = tether_session_manager_get_invocations (manager);
  g_autoptr(TetherInvocation) found = NULL;
  TetherInvocation *invocation;
  g_autofree char *first = fleet_target (0);
  g_autofree char *second = fleet_target (1);

  invocation = tether_session_manager_new_invocation (manager, "echo unwatched");
  tether_invocation_add_computer (invocation, first);
  tether_invocation_add_computer (invocation, second);
  tether_invocation_run_async (invocation, NULL, NULL, NULL);
  g_object_unref (invocation);

  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 1);
  found = g_list_model_get_item (runs, 0);
  g_assert_true (found == invocation);
  g_clear_object (&found);
  tether_test_wait_until (invocation_finished, invocation, WAIT_MS);
  g_assert_cmpuint (tether_invocation_get_n_failed (invocation), ==, 0);
  {
    g_autofree char *text = tether_invocation_to_text (invocation, TRUE);

    g_assert_nonnull (strstr (text, "unwatched\n"));
    g_assert_nonnull (strstr (text, first));
  }

  g_object_add_weak_pointer (G_OBJECT (invocation), (gpointer *) &invocation);
  tether_session_manager_clear_invocations (manager);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 0);
  g_assert_null (invocation);
  wait_fleet_connections (0);
}

typedef struct {
  TetherTestInteraction *interaction;
  TetherTestSshd        *sshd;
  guint                  n_prompts;
} PromptWait;

/* Every host is connected and waits at its question, or has answered. */
static gboolean
next_prompt_held (gpointer data)
{
  PromptWait *wait = data;

  return tether_test_interaction_get_n_held (wait->interaction) > 0;
}

static TetherPrompt *
last_prompt (TetherTestInteraction *interaction)
{
  GPtrArray *prompts = tether_test_interaction_get_prompts (interaction);

  return g_ptr_array_index (prompts, prompts->len - 1);
}

static gboolean
n_connections_is (gpointer data)
{
  PromptWait *wait = data;

  return tether_test_sshd_count_connections (wait->sshd) == wait->n_prompts;
}

/* Unknown host keys: asked one host at a time, each naming its host, and
 * never answered for the rest, whatever the user ticks. */
static void
test_prompts_host_keys (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherTestSshd) unknown = tether_test_sshd_new_multi (NULL, 3);
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GHashTable) destinations = g_hash_table_new (g_str_hash, g_str_equal);
  TetherTestWait wait = { 0 };
  PromptWait prompts = { interaction, unknown, 3 };

  tether_test_interaction_set_hold (interaction, TRUE);
  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  invocation = tether_session_manager_new_invocation (manager, "echo known");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *target = g_strdup_printf ("%s@127.0.0.1:%u", g_get_user_name (),
                                                 tether_test_sshd_get_nth_port (unknown, i));

      tether_invocation_add_computer (invocation, target);
    }
  tether_invocation_run_async (invocation, NULL, tether_test_store_result, &wait);

  /* All three are at their question; one is shown. */
  tether_test_wait_until (n_connections_is, &prompts, WAIT_MS);
  for (guint i = 0; i < 3; i++)
    {
      TetherPrompt *prompt;
      g_autofree char *port = NULL;

      tether_test_wait_until (next_prompt_held, &prompts, WAIT_MS);
      g_assert_cmpuint (tether_test_interaction_get_n_held (interaction), ==, 1);
      prompt = last_prompt (interaction);
      g_assert_cmpint (tether_prompt_get_kind (prompt), ==, TETHER_PROMPT_HOST_KEY);
      g_assert_false (tether_prompt_get_offer_same_answer (prompt));
      tether_prompt_set_same_answer (prompt, TRUE);
      g_hash_table_add (destinations, (gpointer) tether_prompt_get_destination (prompt));
      tether_test_interaction_answer_held (interaction, TRUE);
    }
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_invocation_run_finish (invocation, wait.result, NULL));
  g_clear_object (&wait.result);

  /* Three questions, three hosts. */
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_HOST_KEY), ==, 3);
  g_assert_cmpuint (g_hash_table_size (destinations), ==, 3);
  tether_test_sshd_wait_connections (unknown, 0, WAIT_MS);
}

/* A password for one user on many hosts: asked once, with "the same answer
 * for the rest" offered and taken; the other hosts log in with it. */
static void
test_prompts_same_password (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherTestInteraction) interaction = tether_test_interaction_new (TRUE);
  g_autoptr(TetherTestSshd) servers = NULL;
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;
  const char *user = tether_test_password_user ("fleet-secret");
  TetherTestWait wait = { 0 };
  PromptWait prompts = { interaction, NULL, 4 };
  TetherPrompt *prompt;

  if (user == NULL)
    {
      g_test_skip ("Creating a password account needs root");
      return;
    }
  servers = tether_test_sshd_new_multi ("PasswordAuthentication yes\n"
                                        "KbdInteractiveAuthentication no\n"
                                        "AuthorizedKeysFile /dev/null\n", 4);
  tether_test_sshd_trust (servers);
  prompts.sshd = servers;

  tether_test_interaction_set_hold (interaction, TRUE);
  tether_test_interaction_add_answer (interaction, "fleet-secret");
  tether_session_manager_set_interaction (manager, TETHER_INTERACTION (interaction));
  invocation = tether_session_manager_new_invocation (manager, "echo in");
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *target = g_strdup_printf ("%s@127.0.0.1:%u", user,
                                                 tether_test_sshd_get_nth_port (servers, i));

      tether_invocation_add_computer (invocation, target);
    }
  tether_invocation_run_async (invocation, NULL, tether_test_store_result, &wait);

  tether_test_wait_until (n_connections_is, &prompts, WAIT_MS);
  tether_test_wait_until (next_prompt_held, &prompts, WAIT_MS);
  g_assert_cmpuint (tether_test_interaction_get_n_held (interaction), ==, 1);
  prompt = last_prompt (interaction);
  g_assert_cmpint (tether_prompt_get_kind (prompt), ==, TETHER_PROMPT_PASSWORD);
  g_assert_true (tether_prompt_get_offer_same_answer (prompt));
  g_assert_nonnull (strstr (tether_prompt_get_destination (prompt), user));
  tether_prompt_set_same_answer (prompt, TRUE);
  tether_test_interaction_answer_held (interaction, TRUE);

  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  g_assert_true (tether_invocation_run_finish (invocation, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_cmpuint (tether_test_interaction_count_kind (interaction, TETHER_PROMPT_PASSWORD), ==, 1);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *out = stdout_of (result_at (invocation, i));

      g_assert_cmpstr (out, ==, "in\n");
    }
  tether_test_sshd_wait_connections (servers, 0, WAIT_MS);
}

static void
warning_cb (TetherSessionManager *manager,
            TetherSession        *session,
            const char           *message,
            GPtrArray            *warnings)
{
  /* Said for the run, not for one of its sessions. */
  g_assert_null (session);
  g_ptr_array_add (warnings, g_strdup (message));
}

static const char *
warning_with (GPtrArray  *warnings,
              const char *needle)
{
  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), needle) != NULL)
      return g_ptr_array_index (warnings, i);
  return NULL;
}

/* What the SSH configuration sets that Tether does not apply is said once
 * for the run, per way it is applied, naming the computers in the run's
 * order: not once per computer. */
static void
test_config_warning_once (void)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  const char *said;

  /* Seven aliases of the fleet; the last also sets StrictHostKeyChecking
   * no, which Tether applies its own way: a second sentence. */
  for (guint i = 0; i < 7; i++)
    g_string_append_printf (config, "Host warn-%u\n  HostName 127.0.0.1\n  Port %u\n%s", i, fleet_port (i),
                            i == 6 ? "  StrictHostKeyChecking no\n" : "");
  g_string_append (config, "Host warn-*\n  ControlMaster auto\n");
  g_assert_true (g_file_set_contents (path, config->str, -1, NULL));

  g_signal_connect (manager, "warning", G_CALLBACK (warning_cb), warnings);
  invocation = tether_session_manager_new_invocation (manager, "true");
  tether_invocation_set_throttle_limit (invocation, 7);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *alias = g_strdup_printf ("warn-%u", i);

      tether_invocation_add_computer (invocation, alias);
    }
  g_assert_true (run_invocation (invocation, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (warnings->len, ==, 2);
  said = warning_with (warnings, "to 6 computers");
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "(“warn-0”, “warn-1”, “warn-2”, “warn-3”, “warn-4” and 1 other): "
                                  "controlmaster auto."));
  g_assert_null (strstr (said, "StrictHostKeyChecking"));
  said = warning_with (warnings, "to “warn-6”: controlmaster auto.");
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "never accepts a changed one"));

  g_remove (path);
  wait_fleet_connections (0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (fleet); i++)
    {
      fleet[i] = tether_test_sshd_new_multi (NULL, N_PORTS / 2);
      tether_test_sshd_trust (fleet[i]);
    }
  refusing = tether_test_sshd_new ("AuthorizedKeysFile /dev/null");
  tether_test_sshd_trust (refusing);

  g_test_add_func ("/invocation/gathered", test_gathered);
  g_test_add_func ("/invocation/groups-kept", test_groups_kept);
  g_test_add_func ("/invocation/throttle", test_throttle);
  g_test_add_func ("/invocation/sessions", test_sessions);
  g_test_add_func ("/invocation/cancel", test_cancel);
  g_test_add_func ("/invocation/unwatched", test_unwatched);
  g_test_add_func ("/invocation/prompts/host-keys", test_prompts_host_keys);
  g_test_add_func ("/invocation/prompts/same-password", test_prompts_same_password);
  g_test_add_func ("/invocation/config-warning-once", test_config_warning_once);

  status = g_test_run ();
  tether_test_sshd_free (refusing);
  tether_test_sshd_free (fleet[0]);
  tether_test_sshd_free (fleet[1]);
  return status;
}
