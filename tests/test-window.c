/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include "tether-test-keys.h"
#include "tether-test-window.h"

/*
 * The real window, presented under Xvfb, against a real sshd: the tree,
 * Enter and Exit as the seed describes them, temporary sessions, the
 * terminal's keys and the shortcuts window, the remote PTY following the
 * terminal's size, a connection lost under an entered session, and Quit.
 * Driven through the window's actions, keys typed on the X server and the
 * terminal's child input; every wait is on a condition.  The dialogs are in
 * test-dialogs.c.
 */

static int resized_width;


static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
widget_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

static void
test_presents (void)
{
  GtkColumnView *view = tether_session_tree_get_column_view (tether_window_get_session_tree (window));
  GListModel *columns = gtk_column_view_get_columns (view);
  const char *titles[] = { "Id", "Name", "ComputerName", "State", "ConfigurationName" };

  TetherSession *session;

  tether_test_wait_until (window_mapped, NULL, WAIT_MS);

  /* No session, no tab: one page says what to do, and the list and the
   * terminal area are not shown. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
  session = add_session ("alice@example.invalid", "First", NULL);
  tether_test_wait_until (widget_mapped, view, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (widget_unmapped, view, WAIT_MS);

  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
      g_assert_nonnull (gtk_column_view_column_get_sorter (column));
    }
}

static gboolean
has_class (GtkWidget     *widget,
           gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

/* The window has libadwaita's look: without its stylesheet, the suggested
 * button of the empty page would be black text on nothing. */
static void
test_style (void)
{
  GtkWidget *button = tether_test_find_widget (GTK_WIDGET (window), has_class, "suggested-action");
  GdkRGBA color;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  gtk_style_context_get_color (gtk_widget_get_style_context (button), &color);
  g_assert_cmpfloat_with_epsilon (color.red, 1.0, 0.01);
  g_assert_cmpfloat_with_epsilon (color.green, 1.0, 0.01);
  g_assert_cmpfloat_with_epsilon (color.blue, 1.0, 0.01);
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
  GtkWidget *tab_bar = tether_test_find_widget (GTK_WIDGET (window), tether_test_is_of_type,
                                                GSIZE_TO_POINTER (ADW_TYPE_TAB_BAR));
  TetherSessionTab *first_tab;

  /* No tab, no tab bar: the status page says that nothing is entered. */
  g_assert_nonnull (tab_bar);
  g_assert_false (gtk_widget_get_visible (tab_bar));

  enter (session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);
  g_assert_true (gtk_widget_get_visible (tab_bar));
  first_tab = tab_of (session);

  type (session, "X=42; echo marker-$((6*7))\n");
  wait_for_text (session, "marker-42");

  /* Exit-PSSession: the tab goes, the session stays Opened. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_false (gtk_widget_get_visible (tab_bar));

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

static gboolean
terminal_has_focus (gpointer session)
{
  return gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (terminal_of (session));
}

/* The terminal's keys are its own, and its tab's their own: typed while the
 * terminal has the focus they reach it, typed elsewhere they do what they
 * do there.  The window has no copy of their actions. */
static void
test_terminal_keys (void)
{
  TetherSession *session;
  VteTerminal *terminal;
  GtkWidget *focus;

  for (guint i = 0;; i++)
    {
      const GVariantType *parameter_type;
      const char *property;
      const char *name;
      GType owner;

      if (!gtk_widget_class_query_action (g_type_class_peek (TETHER_TYPE_WINDOW), i, &owner, &name,
                                          &parameter_type, &property))
        break;
      g_assert_false (g_str_has_prefix (name, "term."));
    }
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "term.zoom-in", NULL));

  TETHER_TEST_NEEDS_XTEST ();
  session = add_session (tether_test_sshd_get_target (sshd), "Keys", NULL);
  enter (session);
  terminal = terminal_of (session);
  tether_test_wait_until (terminal_has_focus, session, WAIT_MS);

  tether_test_type_keys (GTK_WIDGET (window), "<Control>plus");
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal), >, 1.0);
  tether_test_type_keys (GTK_WIDGET (window), "<Control>0");
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal), ==, 1.0);

  /* The tab's: Find moves the focus to its search entry. */
  tether_test_type_keys (GTK_WIDGET (window), "<Control><Shift>f");
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (tab_of (session))));

  /* In the session list, the same key is the list's. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-list", NULL);
  tether_test_type_keys (GTK_WIDGET (window), "<Control>plus");
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal), ==, 1.0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
}

static gboolean
is_shortcut_titled (GtkWidget     *widget,
                    gconstpointer  title)
{
  g_autofree char *shown = NULL;

  if (!GTK_IS_SHORTCUTS_SHORTCUT (widget))
    return FALSE;
  g_object_get (widget, "title", &shown, NULL);
  return g_strcmp0 (shown, title) == 0;
}

static void
check_shortcuts_have_keys (GtkWidget *widget)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;

      g_object_get (widget, "title", &title, "accelerator", &accelerator, NULL);
      if (accelerator == NULL || *accelerator == '\0')
        g_error ("“%s” has no key in the shortcuts window", title);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_shortcuts_have_keys (child);
}

/* Every line of the shortcuts window shows its keys, the terminal's and the
 * tab's too, which are not the application's. */
static void
test_shortcuts_window (void)
{
  g_autofree char *accelerator = NULL;
  GtkWindow *overlay;
  GtkWidget *copy;

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  tether_test_wait_until (widget_mapped, overlay, WAIT_MS);
  check_shortcuts_have_keys (GTK_WIDGET (overlay));
  copy = tether_test_find_widget (GTK_WIDGET (overlay), is_shortcut_titled, "Copy");
  g_assert_nonnull (copy);
  g_object_get (copy, "accelerator", &accelerator, NULL);
  g_assert_cmpstr (accelerator, ==, "<Control><Shift>c");
  gtk_window_close (overlay);
  tether_test_wait_until (widget_unmapped, overlay, WAIT_MS);
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

typedef struct {
  TetherSession *session;
  TetherChannel *shell;
} Lost;

/* Both ends of the break are in: the session is Broken and its shell's
 * channel has reported closed, whatever order they came in. */
static gboolean
broken_and_closed (gpointer data)
{
  Lost *lost = data;

  return tether_session_get_state (lost->session) == TETHER_SESSION_STATE_BROKEN
         && tether_channel_get_closed (lost->shell);
}

/* The network breaks under an entered session (@data FALSE: the server's
 * side is killed; TRUE: it goes silent and keepalives find out).  The tab
 * stays, says why in its message bar, and keeps what the shell printed: it
 * does not close as if `exit` had been typed. */
static void
test_connection_lost (gconstpointer data)
{
  gboolean silent = GPOINTER_TO_INT (data);
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;
  g_autoptr(TetherChannel) shell = NULL;
  g_autofree char *text = NULL;
  TetherSessionTab *tab;
  const char *message;
  TetherConfig config = *tether_session_manager_get_config (manager ());
  TetherConfig quick = config;
  Lost lost;

  /* Keepalives that give up quickly, for this session's connection only:
   * it takes them when it opens. */
  quick.keepalive_interval_ms = 300;
  quick.keepalive_max_missed = 2;
  if (silent)
    tether_session_manager_set_config (manager (), &quick);
  session = add_session (tether_test_sshd_get_target (sshd), silent ? "Silent" : "Killed", NULL);
  keep = g_object_ref (session);
  enter (session);
  if (silent)
    tether_session_manager_set_config (manager (), &config);
  tab = tab_of (session);
  shell = g_object_ref (tether_session_get_shell (session));
  type (session, "echo before-$((6*7))-break\n");
  wait_for_text (session, "before-42-break");

  if (silent)
    tether_test_sshd_stop_connections (sshd, TRUE);
  else
    tether_test_sshd_kill_connections (sshd);
  lost = (Lost) { session, shell };
  tether_test_wait_until (broken_and_closed, &lost, WAIT_MS);

  g_assert_true (tab_of (session) == tab);
  g_assert_nonnull (adw_tab_view_get_page (tab_view (), GTK_WIDGET (tab)));
  g_assert_cmpint (tether_session_tab_get_state (tab), ==, TETHER_SESSION_TAB_STATE_FAILED);
  /* The worker's own sentence, as the session has it. */
  message = tether_session_tab_get_message (tab);
  g_assert_nonnull (message);
  g_assert_cmpstr (message, ==, tether_session_get_last_error (session));
  g_assert_nonnull (strstr (message, silent ? "stopped answering" : "was lost"));
  text = vte_terminal_get_text (terminal_of (session), NULL, NULL, NULL);
  g_assert_nonnull (strstr (text, "before-42-break"));

  if (silent)
    {
      tether_test_sshd_stop_connections (sshd, FALSE);
      tether_test_sshd_kill_connections (sshd);
    }
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
}

static gboolean
keepalive_is (gpointer data)
{
  const TetherConfig *config = tether_session_manager_get_config (manager ());

  return config->keepalive_interval_ms == GPOINTER_TO_UINT (data);
}

/* What Preferences writes reaches the connections opened from then on; the
 * shells still start at the size the terminals were measured at. */
static void
test_connection_settings (void)
{
  GSettings *settings = tether_application_get_settings (app);
  TetherConfig before = *tether_session_manager_get_config (manager ());
  const TetherConfig *config;

  g_settings_set_uint (settings, "connect-timeout", 9);
  g_settings_set_uint (settings, "keepalive-max-missed", 5);
  g_settings_set_uint (settings, "terminal-columns", before.columns + 7);
  g_settings_set_uint (settings, "keepalive-interval", 7);
  tether_test_wait_until (keepalive_is, GUINT_TO_POINTER (7000), WAIT_MS);

  config = tether_session_manager_get_config (manager ());
  g_assert_cmpuint (config->connect_timeout_s, ==, 9);
  g_assert_cmpuint (config->keepalive_max_missed, ==, 5);
  g_assert_cmpuint (config->columns, ==, before.columns);
  g_assert_cmpuint (config->rows, ==, before.rows);

  g_settings_reset (settings, "connect-timeout");
  g_settings_reset (settings, "keepalive-max-missed");
  g_settings_reset (settings, "terminal-columns");
  g_settings_reset (settings, "keepalive-interval");
  tether_test_wait_until (keepalive_is, GUINT_TO_POINTER (before.keepalive_interval_ms), WAIT_MS);
  g_assert_cmpmem (config, sizeof *config, &before, sizeof before);
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

static gboolean
error_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-error-dialog") != NULL;
}

static gboolean
state_is_disconnected (gpointer data)
{
  return tether_session_get_state (data) == TETHER_SESSION_STATE_DISCONNECTED;
}

/* Disconnect (the toolbar's and the row menu's action): refused with the
 * reason for a DefaultShell session, which stays Opened; a tmux session
 * is Disconnected, and Enter connects it again to the same shell. */
static void
test_disconnect (void)
{
  TetherSession *plain = add_session (tether_test_sshd_get_target (sshd), "Plain", NULL);
  TetherSessionDefinition def = { .target = tether_test_sshd_get_target (sshd), .name = "Kept",
                                  .configuration_name = "tmux" };
  g_autoptr(GError) error = NULL;
  TetherSession *kept = tether_session_manager_add_session (manager (), &def, &error);
  g_autoptr(TetherSession) keep_plain = g_object_ref (plain);
  g_autoptr(TetherSession) keep_kept = g_object_ref (kept);
  GtkWindow *dialog;

  g_assert_no_error (error);
  enter (plain);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect-session", NULL);
  tether_test_wait_until (error_dialog_shown, NULL, WAIT_MS);
  dialog = find_toplevel ("tether-error-dialog");
  g_assert_true (label_contains (GTK_WIDGET (dialog), "tmux configuration"));
  g_assert_cmpint (tether_session_get_state (plain), ==, TETHER_SESSION_STATE_OPENED);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_destroy (dialog);

  enter (kept);
  type (kept, "Z=still; echo kept-$((8*8))\n");
  wait_for_text (kept, "kept-64");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect-session", NULL);
  tether_test_wait_until (state_is_disconnected, kept, WAIT_MS);

  /* Enter on a Disconnected session: Connect, then the same shell, its
   * earlier lines restored. */
  enter (kept);
  wait_for_text (kept, "kept-64");
  type (kept, "echo \"z=$Z\"\n");
  wait_for_text (kept, "z=still");

  while (adw_tab_view_get_n_pages (tab_view ()) > 0)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_session_manager_remove_session (manager (), kept);
  tether_session_manager_remove_session (manager (), plain);
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/* Quit with an entered session, asked first (@data TRUE, and the user
 * answers Quit) or not (confirm-quit off).  Either way every session ends
 * Closed and every window goes. */
static void
test_quit (gconstpointer data)
{
  gboolean confirm = GPOINTER_TO_INT (data);
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;

  /* Quitting ends the application the other tests share: a child quits
   * instead. */
  if (!tether_test_in_child ())
    return;

  session = add_session (tether_test_sshd_get_target (sshd), "Busy", NULL);
  keep = g_object_ref (session);
  tether_test_wait_until (window_mapped, NULL, WAIT_MS);
  enter (session);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_settings_set_boolean (tether_application_get_settings (app), "confirm-quit", confirm);

  tether_application_request_quit (app);
  if (confirm)
    {
      GtkWindow *dialog;

      tether_test_wait_until (quit_dialog_shown, NULL, WAIT_MS);
      /* Nothing ends before the answer. */
      g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
      g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
      dialog = find_toplevel ("tether-quit-dialog");
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "quit");
      tether_test_wait_until (no_windows, NULL, WAIT_MS);
    }
  else
    {
      /* The question would be up by now: it is presented before
       * request_quit() returns.  Without it the windows go at once. */
      g_assert_null (find_toplevel ("tether-quit-dialog"));
      g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
    }

  tether_test_wait_until (state_is_closed, session, WAIT_MS);
  tether_test_wait_until (no_connections, NULL, WAIT_MS);
  /* Nothing is left on screen, the question (when asked) included: it went
   * with the window it was for. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 0);

  /* The application quit and its window is gone: the shared teardown in
   * main(), which destroys that window, cannot run.  _exit() skips the
   * harness's exit handler too; this child's server dies with it anyway
   * (PR_SET_PDEATHSIG), and the directory is the parent's to remove. */
  _exit (0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);

  g_test_add_func ("/window/presents", test_presents);
  g_test_add_func ("/window/style", test_style);
  g_test_add_func ("/window/rows-and-filter", test_rows_and_filter);
  g_test_add_func ("/window/enter-exit", test_enter_exit);
  g_test_add_func ("/window/terminal-keys", test_terminal_keys);
  g_test_add_func ("/window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/window/temporary", test_temporary);
  g_test_add_func ("/window/quick-connect-field", test_quick_connect_field);
  g_test_add_func ("/window/resize", test_resize);
  g_test_add_func ("/window/connection-settings", test_connection_settings);
  g_test_add_data_func ("/window/connection-lost/killed", GINT_TO_POINTER (FALSE), test_connection_lost);
  g_test_add_data_func ("/window/connection-lost/silent", GINT_TO_POINTER (TRUE), test_connection_lost);
  g_test_add_func ("/window/quit-confirmation", test_quit_confirmation);
  g_test_add_func ("/window/disconnect", test_disconnect);
  g_test_add_data_func ("/window/quit-without-confirmation", GINT_TO_POINTER (FALSE), test_quit);
  g_test_add_data_func ("/window/quit-confirmed", GINT_TO_POINTER (TRUE), test_quit);

  status = g_test_run ();

  tether_test_window_teardown ();
  /* The size the window had is remembered. */
  if (resized_width > 0)
    g_assert_cmpint (g_settings_get_int (tether_application_get_settings (app), "window-width"), ==, resized_width);
  tether_test_window_free ();

  return status;
}
