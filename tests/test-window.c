/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include <vte/vte.h>

#include "tether-application.h"
#include "tether-new-session-dialog.h"
#include "tether-session-tab.h"
#include "tether-test-sshd.h"
#include "tether-window.h"

/*
 * The real window, presented under Xvfb, against a real sshd: the tree,
 * Enter and Exit as the seed describes them, the host-key dialog, and the
 * remote PTY following the terminal's size.  Driven through the window's
 * actions and the terminal's child input; every wait is on a condition.
 */

#define WAIT_MS 20000

static TetherTestSshd *sshd;
static TetherApplication *app;
static TetherWindow *window;
static int resized_width;

static TetherSessionManager *
manager (void)
{
  return tether_application_get_manager (app);
}

static TetherSession *
add_session (const char *target,
             const char *name,
             const char *folder)
{
  TetherSessionOptions options = {
    .target = target,
    .name = name,
    .folder = folder,
    .persistent = FALSE,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_session_manager_add_session (manager (), &options, &error);

  g_assert_no_error (error);
  return session;
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window));
}

static AdwTabView *
tab_view (void)
{
  return tether_window_get_tab_view (window);
}

static TetherSessionTab *
tab_of (TetherSession *session)
{
  return tether_window_lookup_tab (window, session);
}

static VteTerminal *
terminal_of (TetherSession *session)
{
  return VTE_TERMINAL (tether_session_tab_get_terminal (tab_of (session)));
}

static gboolean
is_entered (gpointer data)
{
  TetherSessionTab *tab = tab_of (data);
  gboolean entered = FALSE;

  if (tab == NULL)
    return FALSE;
  g_object_get (tab, "entered", &entered, NULL);
  return entered;
}

static void
enter (TetherSession *session)
{
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  tether_test_wait_until (is_entered, session, WAIT_MS);
}

typedef struct {
  TetherSession *session;
  const char    *needle;
} Search;

static gboolean
terminal_shows (gpointer data)
{
  Search *search = data;
  g_autofree char *text = NULL;

  if (tab_of (search->session) == NULL)
    return FALSE;
  text = vte_terminal_get_text (terminal_of (search->session), NULL, NULL, NULL);
  return text != NULL && strstr (text, search->needle) != NULL;
}

static void
wait_for_text (TetherSession *session,
               const char    *needle)
{
  Search search = { session, needle };

  tether_test_wait_until (terminal_shows, &search, WAIT_MS);
}

static void
type (TetherSession *session,
      const char    *text)
{
  vte_terminal_feed_child (terminal_of (session), text, -1);
}

static gboolean
no_pages (gpointer data)
{
  return adw_tab_view_get_n_pages (tab_view ()) == 0;
}

static gboolean
state_is_closed (gpointer data)
{
  return tether_session_get_state (data) == TETHER_SESSION_STATE_CLOSED;
}

static void
test_presents (void)
{
  GtkColumnView *view = tether_session_tree_get_column_view (tether_window_get_session_tree (window));
  GListModel *columns = gtk_column_view_get_columns (view);
  const char *titles[] = { "Id", "Name", "ComputerName", "State", "ConfigurationName" };

  tether_test_wait_until (window_mapped, NULL, WAIT_MS);

  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
      g_assert_nonnull (gtk_column_view_column_get_sorter (column));
    }
}

static guint n_rows_wanted;

static gboolean
n_rows_is (gpointer data)
{
  return g_list_model_get_n_items (tether_session_tree_get_rows (tether_window_get_session_tree (window))) ==
         n_rows_wanted;
}

static gpointer
row_item (guint position,
          guint *depth)
{
  GListModel *rows = tether_session_tree_get_rows (tether_window_get_session_tree (window));
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, position);

  *depth = gtk_tree_list_row_get_depth (row);
  return gtk_tree_list_row_get_item (row);
}

static void
test_rows_and_filter (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  TetherSession *alpha = add_session ("alpha.example", "Alpha", NULL);
  TetherSession *beta = add_session ("beta.example", "Beta", "Prod");
  TetherSession *gamma = add_session ("gamma.example", "Gamma", "Prod");
  g_autoptr(GObject) item = NULL;
  guint depth;

  /* The folder, its two sessions under it, then the session with no folder. */
  n_rows_wanted = 4;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
  item = row_item (0, &depth);
  g_assert_false (TETHER_IS_SESSION (item));
  g_assert_cmpuint (depth, ==, 0);
  g_clear_object (&item);
  item = row_item (1, &depth);
  g_assert_true (item == (GObject *) beta);
  g_assert_cmpuint (depth, ==, 1);
  g_clear_object (&item);
  item = row_item (2, &depth);
  g_assert_true (item == (GObject *) gamma);
  g_assert_cmpuint (depth, ==, 1);
  g_clear_object (&item);
  item = row_item (3, &depth);
  g_assert_true (item == (GObject *) alpha);
  g_assert_cmpuint (depth, ==, 0);
  g_clear_object (&item);

  /* By name, case-insensitively. */
  gtk_editable_set_text (tether_session_tree_get_search_entry (tree), "alp");
  n_rows_wanted = 1;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
  item = row_item (0, &depth);
  g_assert_true (item == (GObject *) alpha);
  g_clear_object (&item);

  /* By host: the folder comes with its matching session. */
  gtk_editable_set_text (tether_session_tree_get_search_entry (tree), "GAMMA.ex");
  n_rows_wanted = 2;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
  item = row_item (1, &depth);
  g_assert_true (item == (GObject *) gamma);
  g_clear_object (&item);

  gtk_editable_set_text (tether_session_tree_get_search_entry (tree), "");
  n_rows_wanted = 4;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);

  /* Sorted by Name, descending: the folder stays first and keeps its
   * sessions under it, sorted too. */
  {
    GtkColumnView *view = tether_session_tree_get_column_view (tree);
    g_autoptr(GtkColumnViewColumn) name_column = g_list_model_get_item (gtk_column_view_get_columns (view), 1);

    gtk_column_view_sort_by_column (view, name_column, GTK_SORT_DESCENDING);
    item = row_item (1, &depth);
    g_assert_true (item == (GObject *) gamma);
    g_assert_cmpuint (depth, ==, 1);
    g_clear_object (&item);
    item = row_item (2, &depth);
    g_assert_true (item == (GObject *) beta);
    g_clear_object (&item);
    item = row_item (3, &depth);
    g_assert_true (item == (GObject *) alpha);
    g_clear_object (&item);
    gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  }

  /* A state change is in the row at once: the column's label follows. */
  tether_session_manager_remove_session (manager (), alpha);
  tether_session_manager_remove_session (manager (), beta);
  tether_session_manager_remove_session (manager (), gamma);
  n_rows_wanted = 0;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
}

static void
test_enter_exit (void)
{
  TetherSession *session = add_session (tether_test_sshd_get_target (sshd), "Web", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  TetherSessionTab *first_tab;

  enter (session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);
  first_tab = tab_of (session);

  type (session, "X=42; echo marker-$((6*7))\n");
  wait_for_text (session, "marker-42");

  /* Exit-PSSession: the tab goes, the session stays Opened. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  /* Enter again: the same screen and the same shell. */
  enter (session);
  g_assert_true (tab_of (session) == first_tab);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (terminal_of (session))) ||
                 gtk_widget_is_focus (GTK_WIDGET (terminal_of (session))));
  type (session, "echo again-$X-end\n");
  wait_for_text (session, "again-42-end");

  /* Entering an entered session focuses its tab: still one view. */
  enter (session);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);

  /* The terminal's accelerators reach it through the window while it has
   * the focus, and leave other widgets their keys otherwise. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "term.zoom-in", NULL));
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal_of (session)), >, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "term.zoom-reset", NULL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-list", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "term.zoom-in", NULL);
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal_of (session)), ==, 1.0);
  enter (session);

  /* `exit` has the same effect as Exit.  The shell has been running for a
   * while (a shell that dies within a second keeps its tab open). */
  type (session, "sleep 1.2; echo ready-$((2+3))\n");
  wait_for_text (session, "ready-5");
  type (session, "exit\n");
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

static void
on_computer_entered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TetherSession **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tether_window_enter_computer_finish (TETHER_WINDOW (source), result, &error);
  g_assert_no_error (error);
}

static void
test_temporary (void)
{
  g_autoptr(TetherSession) session = NULL;
  guint listed = g_list_model_get_n_items (G_LIST_MODEL (manager ()));

  tether_window_enter_computer_async (window, tether_test_sshd_get_target (sshd), NULL,
                                      on_computer_entered, &session);
  while (session == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (tether_session_get_temporary (session));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager ())), ==, listed);
  tether_test_wait_until (is_entered, session, WAIT_MS);
  type (session, "echo temp-$((1+1))\n");
  wait_for_text (session, "temp-2");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
  g_assert_null (tab_of (session));
}

static gboolean
editable_empty (gpointer editable)
{
  return *gtk_editable_get_text (editable) == '\0';
}

static void
test_quick_connect_field (void)
{
  GtkWidget *focus;
  GtkWidget *entry;

  /* The action moves the keyboard to the field. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.quick-connect", NULL);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  entry = gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);

  /* What cannot be a target says so while typing, and does nothing. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "a@@b");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (entry), tether_test_sshd_get_target (sshd));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_signal_emit_by_name (entry, "activate");
  /* Cleared once the temporary session is entered. */
  tether_test_wait_until (editable_empty, entry, WAIT_MS);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
}

static GtkWindow *
find_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (toplevel)), name) == 0 &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
host_key_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-host-key-dialog") != NULL;
}

static gboolean
label_contains (GtkWidget  *widget,
                const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_contains (child, needle))
      return TRUE;
  return FALSE;
}

static void
test_host_key (void)
{
  g_autoptr(TetherTestSshd) stranger = tether_test_sshd_new_sibling (sshd);
  TetherSession *session = add_session (tether_test_sshd_get_target (stranger), "Stranger", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *host = g_strdup_printf ("[127.0.0.1]:%u", tether_test_sshd_get_port (stranger));
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *out = NULL;
  GtkWindow *dialog;
  int status = -1;
  const char *argv[] = { "ssh-keygen", "-F", host, "-f", known_hosts, NULL };

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);

  tether_test_wait_until (host_key_dialog_shown, NULL, WAIT_MS);
  dialog = find_toplevel ("tether-host-key-dialog");
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  /* The SHA256 fingerprint the user compares with the administrator's. */
  g_assert_true (label_contains (GTK_WIDGET (dialog), tether_test_sshd_get_fingerprint (stranger)));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  tether_test_wait_until (is_entered, session, WAIT_MS);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "127.0.0.1"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

static void
collect_editables (GtkWidget *widget,
                   GPtrArray *editables)
{
  /* The entries themselves, not the GtkText inside them. */
  if ((GTK_IS_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget)) && gtk_widget_get_visible (widget))
    {
      g_ptr_array_add (editables, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_editables (child, editables);
}

static gboolean
toplevel_shown (gpointer name)
{
  return find_toplevel (name) != NULL;
}

/* Waits for the dialog called @name, checks its entries hide what is typed
 * (@hidden), fills them with @answer and accepts. */
static void
answer_dialog (const char *name,
               const char *answer,
               gboolean    hidden)
{
  g_autoptr(GPtrArray) editables = g_ptr_array_new ();
  GtkWindow *dialog;

  tether_test_wait_until (toplevel_shown, (gpointer) name, WAIT_MS);
  dialog = find_toplevel (name);
  collect_editables (GTK_WIDGET (dialog), editables);
  g_assert_cmpuint (editables->len, ==, 1);
  g_assert_true (GTK_IS_PASSWORD_ENTRY (editables->pdata[0]) == hidden);
  gtk_editable_set_text (editables->pdata[0], answer);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
}

static char *
hide_default_key (void)
{
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  char *hidden = g_strconcat (key, ".hidden", NULL);

  g_assert_cmpint (g_rename (key, hidden), ==, 0);
  return hidden;
}

static void
restore_default_key (char *hidden)
{
  g_autofree char *key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);

  g_assert_cmpint (g_rename (hidden, key), ==, 0);
  g_free (hidden);
}

static void
enter_answering (TetherSession *session,
                 const char    *dialog,
                 const char    *answer,
                 gboolean       hidden)
{
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  answer_dialog (dialog, answer, hidden);
  tether_test_wait_until (is_entered, session, WAIT_MS);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

static void
test_passphrase_dialog (void)
{
  g_autofree char *key = tether_test_make_key ("gui-encrypted", "pass-phrase-1");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  TetherSessionOptions options = {
    .target = tether_test_sshd_get_target (sshd),
    .name = "Locked",
    .identity_file = key,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  tether_test_sshd_authorize_key (sshd, pub);
  hidden = hide_default_key ();
  session = tether_session_manager_add_session (manager (), &options, &error);
  g_assert_no_error (error);
  keep = g_object_ref (session);

  enter_answering (session, "tether-passphrase-dialog", "pass-phrase-1", TRUE);
  restore_default_key (hidden);
}

static void
test_password_dialog (void)
{
  const char *user = tether_test_password_user ("gui-pw-1");
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  if (user == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  server = tether_test_sshd_new ("PasswordAuthentication yes\n"
                                 "KbdInteractiveAuthentication no\n");
  tether_test_sshd_trust (server);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = hide_default_key ();
  keep = g_object_ref (add_session (target, "Password", NULL));

  enter_answering (keep, "tether-password-dialog", "gui-pw-1", TRUE);
  restore_default_key (hidden);
}

static void
test_keyboard_interactive_dialog (void)
{
  const char *user = tether_test_password_user ("gui-kbd-1");
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  if (user == NULL)
    {
      g_test_skip ("keyboard-interactive logins need PAM and a local account: run as root");
      return;
    }

  server = tether_test_sshd_new ("UsePAM yes\n"
                                 "KbdInteractiveAuthentication yes\n"
                                 "PasswordAuthentication no\n");
  tether_test_sshd_trust (server);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = hide_default_key ();
  keep = g_object_ref (add_session (target, "Kbd", NULL));

  /* PAM's "Password:" does not echo: a hidden entry. */
  enter_answering (keep, "tether-keyboard-interactive-dialog", "gui-kbd-1", TRUE);
  restore_default_key (hidden);
}

typedef struct {
  TetherSession *session;
  guint          marker;
} SizeCheck;

static void
ask_size (SizeCheck *check)
{
  g_autofree char *command = NULL;

  check->marker++;
  command = g_strdup_printf ("echo SZ%u=$(stty size)=END\n", check->marker);
  type (check->session, command);
}

/* Asks the remote shell for its size until it says the terminal's rows and
 * columns (an answer may predate the resize reaching the server: then it
 * asks again). */
static gboolean
stty_matches (gpointer data)
{
  SizeCheck *check = data;
  VteTerminal *terminal = terminal_of (check->session);
  g_autofree char *text = vte_terminal_get_text (terminal, NULL, NULL, NULL);
  g_autofree char *begin = NULL;
  const char *p;
  long rows, columns;

  if (check->marker == 0)
    {
      ask_size (check);
      return FALSE;
    }

  begin = g_strdup_printf ("SZ%u=", check->marker);
  /* The first match is the echo of the command line: find the answer. */
  for (p = text != NULL ? strstr (text, begin) : NULL; p != NULL; p = strstr (p + 1, begin))
    if (g_ascii_isdigit (p[strlen (begin)]) &&
        sscanf (p + strlen (begin), "%ld %ld", &rows, &columns) == 2)
      break;
  if (p == NULL)
    return FALSE;

  if (rows == vte_terminal_get_row_count (terminal) && columns == vte_terminal_get_column_count (terminal))
    return TRUE;

  ask_size (check);
  return FALSE;
}

typedef struct {
  VteTerminal *terminal;
  long         columns;
} Columns;

static gboolean
columns_changed (gpointer data)
{
  Columns *c = data;

  return vte_terminal_get_column_count (c->terminal) != c->columns;
}

static void
test_resize (void)
{
  TetherSession *session = add_session (tether_test_sshd_get_target (sshd), "Sized", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  SizeCheck check = { session };
  Columns columns;
  int width, height;

  enter (session);
  type (session, "echo sized-shell\n");
  wait_for_text (session, "sized-shell");

  columns.terminal = terminal_of (session);
  columns.columns = vte_terminal_get_column_count (columns.terminal);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  resized_width = width - 200;
  gtk_window_set_default_size (GTK_WINDOW (window), resized_width, height - 100);
  tether_test_wait_until (columns_changed, &columns, WAIT_MS);

  tether_test_wait_until (stty_matches, &check, WAIT_MS);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

static gboolean
session_listed_opened (gpointer data)
{
  TetherSession *session = tether_session_manager_lookup (manager (), data);

  return session != NULL && tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED;
}

static void
test_new_session_dialog (void)
{
  TetherSession *taken = add_session ("taken.example", "Taken", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (taken);
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  TetherNewSessionDialog *dialog;
  TetherSession *created;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  g_assert_nonnull (dialog);

  /* Nothing typed yet: Create waits. */
  g_assert_false (tether_new_session_dialog_get_valid (dialog));

  /* Each field is checked while typing, with the core's reasons. */
  tether_new_session_dialog_set_fields (dialog, "a@@b", NULL, NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", NULL, NULL, "70000");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", NULL, NULL, "ssh");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Taken", NULL, port);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Created", "bad user", port);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));

  /* User and port fields complete the target. */
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Created", tether_test_sshd_get_user (sshd), port);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");
  tether_test_wait_until (session_listed_opened, (gpointer) "Created", WAIT_MS);
  g_assert_null (find_toplevel ("tether-new-session-dialog"));

  created = tether_session_manager_lookup (manager (), "Created");
  g_assert_cmpuint (tether_session_get_port (created), ==, tether_test_sshd_get_port (sshd));
  g_assert_cmpstr (tether_session_get_user_name (created), ==, tether_test_sshd_get_user (sshd));

  /* Duplicate lists a Closed copy under a free name. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.duplicate-session", NULL);
  g_assert_nonnull (tether_session_manager_lookup (manager (), "Created-2"));
  g_assert_cmpint (tether_session_get_state (tether_session_manager_lookup (manager (), "Created-2")), ==,
                   TETHER_SESSION_STATE_CLOSED);

  /* Remove forgets it (Undo is in a toast). */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-session", NULL);
  g_assert_null (tether_session_manager_lookup (manager (), "Created-2"));

  /* Edit: the same dialog, filled in; Save renames in place. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  g_assert_true (tether_new_session_dialog_get_session (dialog) == created);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, tether_session_get_target (created), "Taken", NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, tether_session_get_target (created), "Renamed", NULL, NULL);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");
  g_assert_cmpstr (tether_session_get_name (created), ==, "Renamed");
  g_assert_null (find_toplevel ("tether-new-session-dialog"));

  /* Close: Closed, still listed. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-session", NULL);
  tether_test_wait_until (state_is_closed, created, WAIT_MS);
  g_assert_nonnull (tether_session_manager_lookup (manager (), "Renamed"));

  tether_session_manager_remove_session (manager (), created);
  tether_session_manager_remove_session (manager (), taken);
}

static gboolean
quit_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-quit-dialog") != NULL;
}

static void
test_quit_confirmation (void)
{
  TetherSession *session = add_session (tether_test_sshd_get_target (sshd), "Busy", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  GtkWindow *dialog;

  enter (session);

  /* Opened sessions: Quit asks first; Cancel keeps everything. */
  tether_application_request_quit (app);
  tether_test_wait_until (quit_dialog_shown, NULL, WAIT_MS);
  dialog = find_toplevel ("tether-quit-dialog");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_init (&argc, &argv);

  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  /* No D-Bus name: several test programs run at once on one bus. */
  app = tether_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = TETHER_WINDOW (tether_application_ensure_window (app));
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/window/presents", test_presents);
  g_test_add_func ("/window/rows-and-filter", test_rows_and_filter);
  g_test_add_func ("/window/enter-exit", test_enter_exit);
  g_test_add_func ("/window/temporary", test_temporary);
  g_test_add_func ("/window/quick-connect-field", test_quick_connect_field);
  g_test_add_func ("/window/host-key", test_host_key);
  g_test_add_func ("/window/resize", test_resize);
  g_test_add_func ("/window/passphrase-dialog", test_passphrase_dialog);
  g_test_add_func ("/window/password-dialog", test_password_dialog);
  g_test_add_func ("/window/keyboard-interactive-dialog", test_keyboard_interactive_dialog);
  g_test_add_func ("/window/new-session-dialog", test_new_session_dialog);
  g_test_add_func ("/window/quit-confirmation", test_quit_confirmation);

  status = g_test_run ();

  tether_session_manager_close_all (manager ());
  /* The window and every tab it kept go with it: a leak check. */
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
  /* The size the window had is remembered. */
  if (resized_width > 0)
    g_assert_cmpint (g_settings_get_int (tether_application_get_settings (app), "window-width"), ==, resized_width);
  g_object_unref (app);
  tether_test_sshd_free (sshd);

  return status;
}
