/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-inventory.h"
#include "tether-invoke-dialog.h"
#include "tether-invoke-row.h"
#include "tether-invoke-view.h"
#include "tether-session-columns.h"
#include "tether-test-keys.h"
#include "tether-test-session.h"
#include "tether-test-window.h"

/*
 * Invoke-Command in the real window against a real sshd: Run Command on a
 * folder of three Opened sessions plus computer names (one on a closed
 * port), the command entry's history, the results gathered and per
 * computer, a run that goes on when its view is closed and comes back
 * from the list of runs, and Cancel.
 */

static TetherSession *web[3];
static guint closed;

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
select_folder (const char *name)
{
  GListModel *rows = tether_session_tree_get_rows (tether_window_get_session_tree (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (TETHER_IS_SESSION_FOLDER (item) &&
          g_strcmp0 (tether_session_folder_get_name (TETHER_SESSION_FOLDER (item)), name) == 0)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), i, TRUE);
          return;
        }
    }
  g_assert_not_reached ();
}

static GtkWindow *
find_toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
toplevel_of_type_shown (gpointer type)
{
  return find_toplevel_of_type (GPOINTER_TO_SIZE (type)) != NULL;
}

static gboolean
toplevel_of_type_gone (gpointer type)
{
  return find_toplevel_of_type (GPOINTER_TO_SIZE (type)) == NULL;
}

static gboolean
is_entry_row (GtkWidget     *widget,
              gconstpointer  title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkEditable *
dialog_row (GtkWindow  *dialog,
            const char *title)
{
  GtkWidget *row = tether_test_find_widget (GTK_WIDGET (dialog), is_entry_row, title);

  g_assert_nonnull (row);
  return GTK_EDITABLE (row);
}

/* Run Command on the selection, with @extra targets after it; returns
 * the results' window. */
static TetherInvokeView *
run_command (const char *expected_targets,
             const char *extra,
             const char *command)
{
  GtkWindow *dialog;
  GtkEditable *targets;
  g_autofree char *all = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-command", NULL);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
  dialog = find_toplevel_of_type (TETHER_TYPE_INVOKE_DIALOG);
  targets = dialog_row (dialog, "Sessions and computers, separated by commas");
  g_assert_cmpstr (gtk_editable_get_text (targets), ==, expected_targets);
  if (extra != NULL)
    {
      all = g_strconcat (gtk_editable_get_text (targets), extra, NULL);
      gtk_editable_set_text (targets, all);
    }
  gtk_editable_set_text (dialog_row (dialog, "Command"), command);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "invoke-dialog.run", NULL);
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
  return TETHER_INVOKE_VIEW (find_toplevel_of_type (TETHER_TYPE_INVOKE_VIEW));
}

/* The rows the view shows, top to bottom. */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (TETHER_IS_INVOKE_ROW (widget) && gtk_widget_get_mapped (widget))
    {
      g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static GPtrArray *
view_rows (TetherInvokeView *view)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (tether_invoke_view_get_list_view (view)), rows);
  return rows;
}

typedef struct {
  TetherInvokeView *view;
  guint             n;
} RowCount;

static gboolean
n_rows_shown (gpointer data)
{
  RowCount *count = data;
  g_autoptr(GPtrArray) rows = view_rows (count->view);

  return rows->len == count->n;
}

static void
wait_rows (TetherInvokeView *view,
           guint             n)
{
  RowCount count = { view, n };

  tether_test_wait_until (n_rows_shown, &count, WAIT_MS);
}

static gboolean
has_tooltip (GtkWidget     *widget,
             gconstpointer  tooltip)
{
  g_autofree char *text = NULL;

  g_object_get (widget, "tooltip-text", &text, NULL);
  return GTK_IS_MENU_BUTTON (widget) && g_strcmp0 (text, tooltip) == 0;
}

static gboolean
is_visible_label (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
invocation_finished (gpointer invocation)
{
  return tether_invocation_get_finished (invocation);
}

static char *
computer (guint port)
{
  return g_strdup_printf ("%s@127.0.0.1:%u", tether_test_sshd_get_user (sshd), port);
}

/* Gathered: the failure first and alone, the four identical hosts as one
 * row with the output once; per computer: one row each, failure first.
 * The run goes on with its view closed and the list of runs reopens it. */
static void
test_gathered (void)
{
  g_autofree char *good = computer (tether_test_sshd_get_port (sshd));
  g_autofree char *bad = computer (closed);
  g_autofree char *extra = g_strdup_printf (", %s, %s", good, bad);
  g_autofree char *gathered = g_strdup_printf ("web01, web02, web03 … 4 computers");
  TetherInvokeView *view;
  TetherInvocation *invocation;
  g_autoptr(TetherInvocation) keep = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkMenuButton *runs_button;
  GtkPopover *runs;
  GtkWidget *list;

  select_folder ("Web");
  view = run_command ("web01, web02, web03", extra, "sleep 0.5; echo hi $((6*7))");
  invocation = tether_invoke_view_get_invocation (view);
  keep = g_object_ref (invocation);
  g_assert_cmpuint (tether_invocation_get_n_targets (invocation), ==, 5);

  /* Closed while it runs: the run goes on. */
  g_assert_false (tether_invocation_get_finished (invocation));
  gtk_window_close (GTK_WINDOW (view));
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
  tether_test_wait_until (invocation_finished, invocation, WAIT_MS);
  g_assert_cmpuint (tether_invocation_get_n_failed (invocation), ==, 1);

  /* The list of runs has it; a click shows its results again. */
  runs_button = GTK_MENU_BUTTON (tether_test_find_widget (GTK_WIDGET (window), has_tooltip, "Command Runs"));
  g_assert_nonnull (runs_button);
  gtk_menu_button_popup (runs_button);
  runs = gtk_menu_button_get_popover (runs_button);
  g_assert_nonnull (runs);
  list = tether_test_find_widget (GTK_WIDGET (runs), tether_test_is_of_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_VIEW));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)))), ==, 1);
  g_signal_emit_by_name (list, "activate", 0);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
  view = TETHER_INVOKE_VIEW (find_toplevel_of_type (TETHER_TYPE_INVOKE_VIEW));
  g_assert_true (tether_invoke_view_get_invocation (view) == invocation);

  /* Gathered: the failure first, then the four alike, output once. */
  wait_rows (view, 2);
  rows = view_rows (view);
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[0]), ==, bad);
  g_assert_true (gtk_widget_has_css_class (rows->pdata[0], "error"));
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[1]), ==, gathered);
  g_assert_cmpstr (tether_invoke_row_get_output (rows->pdata[1]), ==, "hi 42\n");
  g_assert_false (gtk_widget_has_css_class (rows->pdata[1], "error"));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* One row per computer, the failure still first. */
  gtk_widget_activate_action (GTK_WIDGET (view), "invoke.per-computer", NULL);
  wait_rows (view, 5);
  rows = view_rows (view);
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[0]), ==, bad);
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[1]), ==, "web01");
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[2]), ==, "web02");
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[3]), ==, "web03");
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[4]), ==, good);
  for (guint i = 1; i < 5; i++)
    g_assert_cmpstr (tether_invoke_row_get_output (rows->pdata[i]), ==, "hi 42\n");

  gtk_window_close (GTK_WINDOW (view));
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
}

/* Up brings back the command run before. */
static void
test_history (void)
{
  GtkWindow *dialog;
  GtkEditable *command;

  TETHER_TEST_NEEDS_XTEST ();
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), web[0]));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-command", NULL);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
  dialog = find_toplevel_of_type (TETHER_TYPE_INVOKE_DIALOG);
  command = dialog_row (dialog, "Command");
  g_assert_cmpstr (gtk_editable_get_text (dialog_row (dialog, "Sessions and computers, separated by commas")),
                   ==, "web01");
  gtk_widget_grab_focus (GTK_WIDGET (command));
  tether_test_type_keys (GTK_WIDGET (dialog), "Up");
  g_assert_cmpstr (gtk_editable_get_text (command), ==, "sleep 0.5; echo hi $((6*7))");
  tether_test_type_keys (GTK_WIDGET (dialog), "Down");
  g_assert_cmpstr (gtk_editable_get_text (command), ==, "");
  gtk_window_close (dialog);
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
}

static gboolean
all_running (gpointer invocation)
{
  for (guint i = 0; i < tether_invocation_get_n_targets (invocation); i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (tether_invocation_get_results (invocation), i);

      if (tether_invocation_result_get_status (result) != TETHER_INVOCATION_STATUS_RUNNING)
        return FALSE;
    }
  return TRUE;
}

static gboolean
rows_say_started (gpointer view)
{
  g_autoptr(GPtrArray) rows = view_rows (view);

  if (rows->len != 3)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (tether_invoke_row_get_output (rows->pdata[i]), "started\n") != 0)
      return FALSE;
  return TRUE;
}

/* Cancel stops what runs; the rows and the progress bar say so. */
static void
test_cancel (void)
{
  TetherInvokeView *view;
  TetherInvocation *invocation;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *progress;

  select_folder ("Web");
  view = run_command ("web01, web02, web03", NULL, "echo started; sleep 60");
  invocation = tether_invoke_view_get_invocation (view);
  tether_test_wait_until (all_running, invocation, WAIT_MS);
  /* Output shows as it comes: each host still running is a row of its own. */
  tether_test_wait_until (rows_say_started, view, WAIT_MS);
  gtk_widget_activate_action (GTK_WIDGET (view), "invoke.cancel", NULL);
  tether_test_wait_until (invocation_finished, invocation, WAIT_MS);
  g_assert_true (tether_invocation_get_cancelled (invocation));

  progress = tether_test_find_widget (GTK_WIDGET (view), tether_test_is_of_type,
                                      GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));
  g_assert_true (g_str_has_prefix (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (progress)), "Canceled"));
  g_assert_false (gtk_widget_is_sensitive (tether_test_find_widget (GTK_WIDGET (view), tether_test_is_of_type,
                                                                     GSIZE_TO_POINTER (GTK_TYPE_BUTTON))));
  wait_rows (view, 1);
  rows = view_rows (view);
  g_assert_cmpstr (tether_invoke_row_get_heading (rows->pdata[0]), ==, "web01, web02, web03");
  g_assert_cmpstr (tether_invoke_row_get_output (rows->pdata[0]), ==, "started\n");
  /* The sessions stay Opened: only the command's channels went. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (tether_session_get_state (web[i]), ==, TETHER_SESSION_STATE_OPENED);

  gtk_window_close (GTK_WINDOW (view));
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
  tether_session_manager_clear_invocations (manager ());
  g_assert_cmpuint (g_list_model_get_n_items (tether_session_manager_get_invocations (manager ())), ==, 0);
}

static gboolean
is_same_answer_check (GtkWidget     *widget,
                      gconstpointer  data)
{
  return GTK_IS_CHECK_BUTTON (widget) &&
         g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)),
                    "Give the _same answer to the other computers of this run") == 0;
}

static gboolean
is_password_entry (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_PASSWORD_ENTRY (widget);
}

typedef struct {
  TetherInvocation *invocation;
  GPtrArray        *seen;  /* the password questions shown */
} Questions;

static gboolean
finished_counting_questions (gpointer data)
{
  Questions *questions = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (toplevel)), "tether-password-dialog") == 0 &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)) &&
          !g_ptr_array_find (questions->seen, toplevel, NULL))
        g_ptr_array_add (questions->seen, toplevel);
    }
  return tether_invocation_get_finished (questions->invocation);
}

/* Three computers asking one user's password: one question, naming its
 * computer, whose answer is given to the others when the user says so. */
static void
test_same_password (void)
{
  const char *user = tether_test_password_user ("inv-pw-1");
  TetherTestSshd *servers[3];
  g_autoptr(GString) targets = g_string_new (NULL);
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  g_autofree char *hidden = g_strconcat (key, ".hidden", NULL);
  GtkWindow *dialog;
  GtkWindow *question;
  TetherInvokeView *view;
  TetherInvocation *invocation;
  g_autofree char *body = NULL;
  Questions questions;
  GtkWidget *same;

  if (user == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }
  /* Three computers, so three connections and three logins. */
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      servers[i] = tether_test_sshd_new ("PasswordAuthentication yes\n"
                                         "KbdInteractiveAuthentication no\n");
      tether_test_sshd_trust (servers[i]);
      g_string_append_printf (targets, "%s%s@127.0.0.1:%u", i > 0 ? ", " : "", user,
                              tether_test_sshd_get_port (servers[i]));
    }
  /* The suite's key would log in without a password. */
  g_assert_cmpint (g_rename (key, hidden), ==, 0);

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), web[0]));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-command", NULL);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
  dialog = find_toplevel_of_type (TETHER_TYPE_INVOKE_DIALOG);
  gtk_editable_set_text (dialog_row (dialog, "Sessions and computers, separated by commas"), targets->str);
  gtk_editable_set_text (dialog_row (dialog, "Command"), "echo pw $((2*21))");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "invoke-dialog.run", NULL);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
  view = TETHER_INVOKE_VIEW (find_toplevel_of_type (TETHER_TYPE_INVOKE_VIEW));
  invocation = tether_invoke_view_get_invocation (view);

  tether_test_wait_until (toplevel_shown, (gpointer) "tether-password-dialog", WAIT_MS);
  question = find_toplevel ("tether-password-dialog");
  g_object_get (question, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "127.0.0.1"));
  same = tether_test_find_widget (GTK_WIDGET (question), is_same_answer_check, NULL);
  g_assert_nonnull (same);
  /* Off unless the user turns it on. */
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (same)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (same), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (tether_test_find_widget (GTK_WIDGET (question), is_password_entry, NULL)),
                         "inv-pw-1");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "accept");
  /* A response from code leaves the dialog up; a click would close it, the
   * focus on the button clicked. */
  gtk_widget_grab_focus (same);
  gtk_window_close (question);

  /* No other question: the run ends by itself. */
  questions.invocation = invocation;
  questions.seen = g_ptr_array_new ();
  g_ptr_array_add (questions.seen, question);
  tether_test_wait_until (finished_counting_questions, &questions, WAIT_MS);
  g_assert_cmpuint (tether_invocation_get_n_failed (invocation), ==, 0);
  g_assert_cmpuint (questions.seen->len, ==, 1);
  g_ptr_array_unref (questions.seen);

  g_assert_cmpint (g_rename (hidden, key), ==, 0);

  gtk_window_close (GTK_WINDOW (view));
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    tether_test_sshd_free (servers[i]);
}

/* Export as Ansible Inventory… writes the core's inventory of the folder
 * where the user said, YAML for a .yml name.  (GTK's own file chooser is
 * not opened: under LeakSanitizer it leaks, it and libcloudproviders.) */
static void
test_export_inventory (void)
{
  const char *names[] = { "web.ini", "web.yml" };
  const TetherInventoryFormat formats[] = { TETHER_INVENTORY_FORMAT_INI, TETHER_INVENTORY_FORMAT_YAML };


  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tether_test_get_tmpdir (), names[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autofree char *expected = tether_inventory_export (manager (), "Web", formats[i], NULL);
      g_autofree char *written = NULL;
      g_autoptr(GError) error = NULL;
      TetherTestWait wait = { 0 };

      _tether_window_export_inventory_async (window, "Web", file, tether_test_store_result, &wait);
      tether_test_wait_for_flag (&wait.done, WAIT_MS);
      g_assert_true (_tether_window_export_inventory_finish (window, wait.result, &error));
      g_assert_no_error (error);
      g_clear_object (&wait.result);
      g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
      g_assert_cmpstr (written, ==, expected);
      g_assert_nonnull (strstr (written, "web03"));
    }
}

/* Adds the row of @session, or of the folder @folder, to the selection. */
static void
also_select (TetherSession *session,
             const char    *folder)
{
  GListModel *rows = tether_session_tree_get_rows (tether_window_get_session_tree (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if ((session != NULL && item == (GObject *) session) ||
          (folder != NULL && TETHER_IS_SESSION_FOLDER (item) &&
           g_strcmp0 (tether_session_folder_get_name (TETHER_SESSION_FOLDER (item)), folder) == 0))
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), i, FALSE);
          return;
        }
    }
  g_assert_not_reached ();
}

static void
assert_dialog_targets (const char *expected)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-command", NULL);
  tether_test_wait_until (toplevel_of_type_shown, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
  dialog = find_toplevel_of_type (TETHER_TYPE_INVOKE_DIALOG);
  g_assert_cmpstr (gtk_editable_get_text (dialog_row (dialog, "Sessions and computers, separated by commas")),
                   ==, expected);
  gtk_window_close (dialog);
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_DIALOG), WAIT_MS);
}

/* Several sessions, a folder, or both: Run Command starts from all of
 * them, each session once. */
static void
test_selection (void)
{
  TetherSession *db = add_session (tether_test_sshd_get_target (sshd), "db01", NULL);
  TetherSessionTree *tree = tether_window_get_session_tree (window);

  /* Nothing selected: computer names only. */
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (tether_session_tree_get_rows (tree)));
  assert_dialog_targets ("");

  g_assert_true (tether_session_tree_select_session (tree, web[0]));
  also_select (web[2], NULL);
  assert_dialog_targets ("web01, web03");

  select_folder ("Web");
  also_select (db, NULL);
  also_select (web[1], NULL);
  assert_dialog_targets ("web01, web02, web03, db01");

  tether_session_manager_remove_session (manager (), db);
}

/* A long output shows its end only, and says so. */
static void
test_long_output (void)
{
  TetherInvokeView *view;
  g_autoptr(GPtrArray) rows = NULL;
  const char *output;

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), web[0]));
  view = run_command ("web01", NULL, "seq 1 20000");
  tether_test_wait_until (invocation_finished, tether_invoke_view_get_invocation (view), WAIT_MS);
  wait_rows (view, 1);
  rows = view_rows (view);
  output = tether_invoke_row_get_output (rows->pdata[0]);
  g_assert_cmpuint (strlen (output), <=, 64 * 1024);
  g_assert_true (g_str_has_suffix (output, "\n19999\n20000\n"));
  g_assert_false (g_str_has_prefix (output, "1\n2\n"));
  g_assert_nonnull (tether_test_find_widget (rows->pdata[0], is_visible_label,
                                             "Only the end of the output is shown here: "
                                             "copy or save the results for all of it."));

  gtk_window_close (GTK_WINDOW (view));
  tether_test_wait_until (toplevel_of_type_gone, GSIZE_TO_POINTER (TETHER_TYPE_INVOKE_VIEW), WAIT_MS);
}

static gboolean
toast_shown (gpointer title)
{
  return tether_test_find_widget (GTK_WIDGET (window), tether_test_is_label, title) != NULL;
}

/* A run's one sentence about the SSH configuration (no session: it is for
 * all its computers) is a toast with a title of its own. */
static void
test_config_warning (void)
{
  g_signal_emit_by_name (manager (), "warning", NULL,
                         "Tether does not apply these settings of your SSH configuration to 3 computers");
  tether_test_wait_until (toast_shown, (gpointer) "How Tether applies your SSH configuration", WAIT_MS);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);
  tether_test_wait_until (window_mapped, NULL, WAIT_MS);

  closed = closed_port ();
  for (guint i = 0; i < G_N_ELEMENTS (web); i++)
    {
      g_autofree char *name = g_strdup_printf ("web%02u", i + 1);
      g_autoptr(GError) error = NULL;

      web[i] = add_session (tether_test_sshd_get_target (sshd), name, "Web");
      g_assert_true (tether_test_open_session (manager (), web[i], &error));
      g_assert_no_error (error);
    }

  g_test_add_func ("/invoke-view/selection", test_selection);
  g_test_add_func ("/invoke-view/config-warning", test_config_warning);
  g_test_add_func ("/invoke-view/gathered", test_gathered);
  g_test_add_func ("/invoke-view/history", test_history);
  g_test_add_func ("/invoke-view/cancel", test_cancel);
  g_test_add_func ("/invoke-view/long-output", test_long_output);
  g_test_add_func ("/invoke-view/same-password", test_same_password);
  g_test_add_func ("/invoke-view/export-inventory", test_export_inventory);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
