/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include "tether-test-keys.h"
#include "tether-test-pointer.h"
#include "tether-test-session.h"
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

static gboolean
is_label_saying (GtkWidget     *widget,
                 gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* Removing a session drops the manager's reference: the wait holds one of
 * its own until the session is Closed. */
static void
remove_and_wait_closed (TetherSession *session)
{
  g_autoptr(TetherSession) held = g_object_ref (session);

  tether_session_manager_remove_session (manager (), held);
  tether_test_wait_until (state_is_closed, held, WAIT_MS);
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
type_text (const char *keys[])
{
  for (guint i = 0; keys[i] != NULL; i++)
    tether_test_type_keys (GTK_WIDGET (window), keys[i]);
}

static gboolean
is_status_page_titled (GtkWidget     *widget,
                       gconstpointer  title)
{
  return ADW_IS_STATUS_PAGE (widget) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0;
}

/* Typed as a user types: the search takes keys only when it has the focus,
 * finds folders by name, says when nothing matches, and Escape clears it. */
static void
test_search (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  GtkEditable *search = tether_session_tree_get_search_entry (tree);
  TetherSession *web = add_session ("web.example", "Web01", "Prod");
  TetherSession *db = add_session ("db.example", "Db01", NULL);
  const char *prod[] = { "p", "r", "o", "d", NULL };
  const char *x[] = { "x", NULL };
  g_autoptr(GObject) item = NULL;
  GtkWidget *empty;
  guint depth;

  TETHER_TEST_NEEDS_XTEST ();
  n_rows_wanted = 2;
  /* Keys typed in the list are the list's, never the search's. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-list", NULL);
  type_text (prod);
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "");

  tether_test_type_keys (GTK_WIDGET (window), "<Control><Shift>s");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (search)));
  type_text (prod);
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "prod");
  /* The folder's name matches: the folder and its session. */
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
  item = row_item (1, &depth);
  g_assert_true (item == (GObject *) web);
  g_clear_object (&item);

  type_text (x);
  n_rows_wanted = 0;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
  empty = tether_test_find_widget (GTK_WIDGET (tree), is_status_page_titled, "No sessions match “prodx”");
  g_assert_nonnull (empty);
  tether_test_wait_until (widget_mapped, empty, WAIT_MS);

  tether_test_type_keys (GTK_WIDGET (window), "Escape");
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
  n_rows_wanted = 3;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
  g_assert_false (gtk_widget_get_mapped (empty));

  tether_session_manager_remove_session (manager (), web);
  tether_session_manager_remove_session (manager (), db);
  n_rows_wanted = 0;
  tether_test_wait_until (n_rows_is, NULL, WAIT_MS);
}

static gboolean
has_tooltip (GtkWidget     *widget,
             gconstpointer  text)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0;
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
  /* The tab's close button says what it does: Exit (Close is another
   * action, which ends the session). */
  g_assert_nonnull (tether_test_find_widget (tab_bar, has_tooltip, "Exit"));
  g_assert_null (tether_test_find_widget (tab_bar, has_tooltip, "Close Tab"));
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

  remove_and_wait_closed (session);
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

static void
count_commit (VteTerminal *terminal,
              const char  *text,
              guint        size,
              GString     *typed)
{
  g_string_append_len (typed, text, size);
}

/* Entering a session that has a tab already, by double-click or Enter in
 * the list, leaves the keyboard in its terminal: what is typed next is the
 * shell's, not the list's. */
static void
test_enter_again_focus (void)
{
  g_autoptr(GString) typed = g_string_new (NULL);
  TetherSession *session;
  GtkWidget *name;

  TETHER_TEST_NEEDS_XTEST ();
  session = add_session (tether_test_sshd_get_target (sshd), "Again", NULL);
  enter (session);
  tether_test_wait_until (terminal_has_focus, session, WAIT_MS);
  g_signal_connect (terminal_of (session), "commit", G_CALLBACK (count_commit), typed);

  /* Double-click: the row takes the focus on the press that activates it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-list", NULL);
  name = tether_test_find_widget (GTK_WIDGET (tether_window_get_session_tree (window)),
                                  is_label_saying, "Again");
  g_assert_nonnull (name);
  tether_test_pointer (name, 2, 2, 2, 2, 2);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (terminal_has_focus (session));
  tether_test_type_keys (GTK_WIDGET (window), "q");
  g_assert_cmpstr (typed->str, ==, "q");

  /* Enter on the selected row. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-list", NULL);
  tether_test_type_keys (GTK_WIDGET (window), "Return");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (terminal_has_focus (session));
  tether_test_type_keys (GTK_WIDGET (window), "w");
  g_assert_cmpstr (typed->str, ==, "qw");
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);

  g_signal_handlers_disconnect_by_data (terminal_of (session), typed);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  remove_and_wait_closed (session);
}

static void
note_press (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            gboolean        *pressed)
{
  *pressed = TRUE;
}

/* A press on the first column's characters is the terminal's (a selection
 * starts there), not the sidebar divider's, whose handle reaches a few
 * pixels over its neighbours: the terminal has padding. */
static void
test_column_one_press (void)
{
  TetherSession *session;
  GtkWidget *terminal;
  GtkGesture *watch;
  gboolean pressed = FALSE;
  GtkBorder padding;
  int position;

  TETHER_TEST_NEEDS_XTEST ();
  session = add_session (tether_test_sshd_get_target (sshd), "Column", NULL);
  enter (session);
  terminal = GTK_WIDGET (terminal_of (session));
  watch = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (watch), GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "pressed", G_CALLBACK (note_press), &pressed);
  gtk_widget_add_controller (terminal, GTK_EVENT_CONTROLLER (watch));

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_padding (gtk_widget_get_style_context (terminal), &padding);
  G_GNUC_END_IGNORE_DEPRECATIONS
  position = gtk_paned_get_position (GTK_PANED (gtk_widget_get_ancestor (terminal, GTK_TYPE_PANED)));
  /* The left edge of the first character of the first row. */
  tether_test_pointer (terminal, padding.left + 1, padding.top + 4, padding.left + 1, padding.top + 4, 1);
  g_assert_true (pressed);
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (gtk_widget_get_ancestor (terminal, GTK_TYPE_PANED))),
                   ==, position);

  gtk_widget_remove_controller (terminal, GTK_EVENT_CONTROLLER (watch));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  remove_and_wait_closed (session);
}

static gboolean
end_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-end-session-dialog") != NULL;
}

/* Asks to close or remove (@response) the selected session, with its key
 * typed from inside its terminal, then answers Cancel, then @response. */
static void
end_session_answering (TetherSession *session,
                       const char    *accelerator,
                       const char    *response)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  tether_test_wait_until (terminal_has_focus, session, WAIT_MS);
  tether_test_send_keys (GTK_WIDGET (window), accelerator);
  tether_test_wait_until (end_dialog_shown, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel ("tether-end-session-dialog"));

  /* Named, saying what ends; the destructive answer is not Enter's. */
  heading = g_strdup_printf ("“%s”?", tether_session_get_name (session));
  g_assert_true (g_str_has_suffix (adw_message_dialog_get_heading (dialog), heading));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "shell and anything running in it will end"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, response), ==,
                   ADW_RESPONSE_DESTRUCTIVE);

  /* Nothing ends before the answer, nor on Cancel. */
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_true (tether_session_manager_lookup (manager (), tether_session_get_name (session)) == session);

  gtk_widget_activate_action (GTK_WIDGET (window),
                              g_str_equal (response, "close") ? "win.close-session" : "win.remove-session",
                              NULL);
  tether_test_wait_until (end_dialog_shown, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel ("tether-end-session-dialog"));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

/* Close and Remove of an Opened session end its shell: they ask first,
 * even from inside the terminal, and their keys are not next to Copy's or
 * Paste's. */
static void
test_end_session_asks (void)
{
  const char * const actions[] = { "win.close-session", "win.remove-session" };
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint key;
          GdkModifierType modifiers;

          g_assert_true (gtk_accelerator_parse (accels[j], &key, &modifiers));
          /* C and V, and the keys around them on a QWERTY keyboard. */
          g_assert_null (strchr ("xcvbdfgs", (int) gdk_keyval_to_lower (key)));
        }
    }

  TETHER_TEST_NEEDS_XTEST ();
  session = add_session (tether_test_sshd_get_target (sshd), "Asked", NULL);
  keep = g_object_ref (session);

  enter (session);
  end_session_answering (session, "<Control><Shift>w", "close");
  g_assert_true (tether_session_manager_lookup (manager (), "Asked") == session);

  enter (session);
  end_session_answering (session, "<Control><Shift>Delete", "remove");
  g_assert_null (tether_session_manager_lookup (manager (), "Asked"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
}

/* Types @accelerator, checks the question it asks names @session, and
 * answers Cancel. */
static void
end_key_asks_about (const char    *accelerator,
                    TetherSession *session)
{
  g_autofree char *heading = g_strdup_printf ("“%s”?", tether_session_get_name (session));
  AdwMessageDialog *dialog;

  tether_test_send_keys (GTK_WIDGET (window), accelerator);
  tether_test_wait_until (end_dialog_shown, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel ("tether-end-session-dialog"));
  g_assert_true (g_str_has_suffix (adw_message_dialog_get_heading (dialog), heading));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
list_has_focus (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (tether_window_get_session_tree (window)));
}

/* Close and Remove typed in a terminal are about that terminal's session,
 * whichever one the list selects; typed in the list, about the selected
 * one. */
static void
test_end_keys_follow_focus (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  TetherSession *listed;
  TetherSession *typed;

  TETHER_TEST_NEEDS_XTEST ();
  listed = add_session (tether_test_sshd_get_target (sshd), "Listed", NULL);
  typed = add_session (tether_test_sshd_get_target (sshd), "Typed", NULL);
  enter (listed);
  enter (typed);
  g_assert_true (tether_session_tree_select_session (tree, listed));
  tether_test_wait_until (terminal_has_focus, typed, WAIT_MS);

  end_key_asks_about ("<Control><Shift>w", typed);
  end_key_asks_about ("<Control><Shift>Delete", typed);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-list", NULL);
  tether_test_wait_until (list_has_focus, NULL, WAIT_MS);
  g_assert_true (tether_session_tree_get_selected_session (tree) == listed);
  end_key_asks_about ("<Control><Shift>w", listed);
  end_key_asks_about ("<Control><Shift>Delete", listed);

  g_assert_cmpint (tether_session_get_state (listed), ==, TETHER_SESSION_STATE_OPENED);
  g_assert_cmpint (tether_session_get_state (typed), ==, TETHER_SESSION_STATE_OPENED);
  while (adw_tab_view_get_n_pages (tab_view ()) > 0)
    adw_tab_view_close_page (tab_view (), adw_tab_view_get_nth_page (tab_view (), 0));
  remove_and_wait_closed (listed);
  remove_and_wait_closed (typed);
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
/* The README's section headed @heading, up to the next one. */
static char *
readme_section (const char *heading)
{
  g_autofree char *path = g_build_filename (g_getenv ("TETHER_TEST_SRCDIR"), "..", "README.md", NULL);
  g_autofree char *readme = NULL;
  g_autofree char *line = g_strdup_printf ("\n## %s\n", heading);
  g_autoptr(GError) error = NULL;
  const char *start;
  const char *end;

  g_assert_true (g_file_get_contents (path, &readme, NULL, &error));
  g_assert_no_error (error);
  start = strstr (readme, line);
  g_assert_nonnull (start);
  start += strlen (line);
  end = strstr (start, "\n## ");
  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

/* One accelerator as the README writes it: Ctrl+Shift+W. */
static void
append_key_label (GString    *label,
                  const char *accelerator)
{
  static const struct { const char *name; const char *shown; } names[] = {
    { "plus", "+" }, { "equal", "=" }, { "minus", "-" }, { "question", "?" }, { "comma", "," },
  };
  GdkModifierType modifiers;
  const char *name;
  guint key;

  /* The shortcuts window's range of keys, Alt+1 to Alt+9. */
  if (strstr (accelerator, "...") != NULL)
    {
      g_auto(GStrv) ends = g_strsplit (accelerator, "...", 2);

      append_key_label (label, ends[0]);
      g_string_append (label, "…");
      append_key_label (label, ends[1]);
      return;
    }
  g_assert_true (gtk_accelerator_parse (accelerator, &key, &modifiers));
  if (modifiers & GDK_CONTROL_MASK)
    g_string_append (label, "Ctrl+");
  if (modifiers & GDK_SHIFT_MASK)
    g_string_append (label, "Shift+");
  if (modifiers & GDK_ALT_MASK)
    g_string_append (label, "Alt+");
  name = gdk_keyval_name (key);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i].name))
      {
        g_string_append (label, names[i].shown);
        return;
      }
  if (g_ascii_isalnum (name[0]) && name[1] == '\0')
    g_string_append_c (label, g_ascii_toupper (name[0]));
  else
    {
      g_autofree char *spaced = g_strdelimit (g_strdup (name), "_", ' ');

      g_string_append (label, spaced);
    }
}

/* Each line of the shortcuts window is a row of the README's table of keys,
 * with the same title and keys. */
static void
check_readme_lists (GtkWidget  *widget,
                    const char *keys)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) accelerators = NULL;
      g_autoptr(GString) row = g_string_new ("\n| ");

      g_object_get (widget, "title", &title, "accelerator", &accelerator, NULL);
      accelerators = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; accelerators[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (row, ", ");
          append_key_label (row, accelerators[i]);
        }
      g_string_append_printf (row, " | %s |\n", title);
      if (strstr (keys, row->str) == NULL)
        g_error ("The README's keys have no row%s", row->str);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_readme_lists (child, keys);
}

static void
test_shortcuts_window (void)
{
  g_autofree char *readme_keys = readme_section ("Keys");
  g_autofree char *accelerator = NULL;
  GtkWindow *overlay;
  GtkWidget *copy;

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  tether_test_wait_until (widget_mapped, overlay, WAIT_MS);
  check_shortcuts_have_keys (GTK_WIDGET (overlay));
  check_readme_lists (GTK_WIDGET (overlay), readme_keys);
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
  /* Its tab says which computer it is on (the harness's server: the local
   * user, another port than 22), never the SessionN nobody chose. */
  {
    g_autofree char *title = g_strdup_printf ("[127.0.0.1:%u]", tether_test_sshd_get_port (sshd));

    g_assert_true (g_str_has_prefix (tether_session_tab_get_title (tab_of (session)), title));
  }
  type (session, "echo temp-$((1+1))\n");
  wait_for_text (session, "temp-2");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
  g_assert_null (tab_of (session));
}

static gboolean
one_page (gpointer data)
{
  return adw_tab_view_get_n_pages (tab_view ()) == 1;
}

/* The one tab shows a temporary session by its computer: its title, the
 * page's, and no row of the list holds it under the SessionN name it got;
 * then it is exited and ends. */
static void
check_temporary_tab (void)
{
  AdwTabPage *page = adw_tab_view_get_nth_page (tab_view (), 0);
  TetherSessionTab *tab = TETHER_SESSION_TAB (adw_tab_page_get_child (page));
  g_autoptr(TetherSession) session = g_object_ref (tether_session_tab_get_session (tab));
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  GListModel *rows = tether_session_tree_get_rows (tree);
  g_autofree char *computer = g_strdup_printf ("[127.0.0.1:%u]", tether_test_sshd_get_port (sshd));

  g_assert_true (tether_session_get_temporary (session));
  tether_test_wait_until (is_entered, session, WAIT_MS);
  g_assert_true (g_str_has_prefix (tether_session_tab_get_title (tab), computer));
  g_assert_cmpstr (adw_tab_page_get_title (page), ==, tether_session_tab_get_title (tab));
  g_assert_null (strstr (adw_tab_page_get_title (page), tether_session_get_name (session)));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      guint depth;
      g_autoptr(GObject) item = row_item (i, &depth);

      g_assert_true (item != G_OBJECT (session));
      if (TETHER_IS_SESSION (item))
        g_assert_cmpstr (tether_session_get_name (TETHER_SESSION (item)), !=, tether_session_get_name (session));
    }
  g_assert_true (tether_session_tree_get_selected_session (tree) != session);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

/* `tether --enter-computer TARGET` as the running instance gets it. */
static void
run_enter_computer (const char *target)
{
  const char *argv[] = { "tether", NULL };
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr(GApplicationCommandLine) command_line = NULL;
  int status = -1;

  g_variant_dict_insert (options, "enter-computer", "s", target);
  command_line = g_object_new (G_TYPE_APPLICATION_COMMAND_LINE,
                               "arguments", g_variant_new_bytestring_array (argv, -1),
                               "options", g_variant_dict_end (options),
                               NULL);
  g_signal_emit_by_name (app, "command-line", command_line, &status);
  g_assert_cmpint (status, ==, 0);
}

/* A temporary session entered from the quick-connect field or from
 * `tether --enter-computer` is titled with its computer, never with the
 * SessionN nobody chose, and has no row in the list. */
static void
test_temporary_titles (void)
{
  GtkWidget *entry;

  /* The action moves the keyboard to the field. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.quick-connect", NULL);
  entry = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), tether_test_sshd_get_target (sshd));
  g_signal_emit_by_name (entry, "activate");
  tether_test_wait_until (one_page, NULL, WAIT_MS);
  check_temporary_tab ();

  run_enter_computer (tether_test_sshd_get_target (sshd));
  tether_test_wait_until (one_page, NULL, WAIT_MS);
  check_temporary_tab ();
}

static gboolean
editable_empty (gpointer editable)
{
  return *gtk_editable_get_text (editable) == '\0';
}

static void
test_quick_connect_field (void)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *reason;
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
  /* …in words, under the field, not only in its tooltip. */
  g_assert_null (tether_target_parse ("a@@b", &error));
  reason = tether_test_find_widget (GTK_WIDGET (window), is_label_saying, error->message);
  g_assert_nonnull (reason);
  tether_test_wait_until (widget_mapped, reason, WAIT_MS);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (entry), tether_test_sshd_get_target (sshd));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  tether_test_wait_until (widget_unmapped, reason, WAIT_MS);
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
  remove_and_wait_closed (session);
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
  TetherConfig never = config;
  Lost lost;

  /* Keepalives that give up quickly, for this session's connection only:
   * it takes them when it opens. */
  quick.keepalive_interval_ms = 300;
  quick.keepalive_max_missed = 2;
  /* Never retried (reconnect-window 0): test-reconnect-bar.c retries. */
  quick.reconnect_window_s = 0;
  never.reconnect_window_s = 0;
  tether_session_manager_set_config (manager (), silent ? &quick : &never);
  session = add_session (tether_test_sshd_get_target (sshd), silent ? "Silent" : "Killed", NULL);
  keep = g_object_ref (session);
  enter (session);
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
  /* The worker's own sentence, as the session has it, in the one bar that
   * offers Reconnect. */
  g_assert_null (tether_session_tab_get_message (tab));
  message = tether_reconnect_bar_get_text (tether_session_tab_get_reconnect_bar (tab));
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, tether_session_get_last_error (session)));
  g_assert_nonnull (strstr (message, silent ? "stopped answering" : "was lost"));
  text = vte_terminal_get_text (terminal_of (session), NULL, NULL, NULL);
  g_assert_nonnull (strstr (text, "before-42-break"));

  if (silent)
    {
      tether_test_sshd_stop_connections (sshd, FALSE);
      tether_test_sshd_kill_connections (sshd);
    }
  remove_and_wait_closed (session);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_set_config (manager (), &config);
}

static gboolean
n_pages_is_two (gpointer data)
{
  return adw_tab_view_get_n_pages (tab_view ()) == 2;
}

/* Entering again the session already in front asks for a second view, which
 * a session does not have: a toast says so and offers Duplicate and Enter,
 * a new session with the same definition, entered in a tab of its own. */
static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static void
test_duplicate_and_enter (void)
{
  TetherSession *session = add_session (tether_test_sshd_get_target (sshd), "Twice", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  TetherSession *copy;
  GtkWidget *said;

  enter (session);
  g_assert_null (tether_test_find_widget (GTK_WIDGET (window), is_label_saying, "Session “Twice” is entered already"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  said = tether_test_find_widget (GTK_WIDGET (window), is_label_saying, "Session “Twice” is entered already");
  g_assert_nonnull (said);
  tether_test_wait_until (widget_mapped, said, WAIT_MS);
  g_assert_nonnull (tether_test_find_widget (GTK_WIDGET (window), is_button_labelled, "Duplicate and _Enter"));
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);

  /* What its button does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.duplicate-and-enter", NULL));
  copy = tether_session_manager_lookup (manager (), "Twice-2");
  g_assert_nonnull (copy);
  g_assert_cmpstr (tether_session_get_target (copy), ==, tether_session_get_target (session));
  tether_test_wait_until (is_entered, copy, WAIT_MS);
  tether_test_wait_until (n_pages_is_two, NULL, WAIT_MS);
  g_assert_true (is_entered (session));

  tether_session_manager_remove_session (manager (), copy);
  remove_and_wait_closed (session);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
}

static gboolean
state_is_broken (gpointer session)
{
  return tether_session_get_state (session) == TETHER_SESSION_STATE_BROKEN;
}

/* A session breaks with nobody looking at it (opened, not entered): a
 * toast says so with the sentence that was only in the State column's
 * tooltip.  (Not retried here, reconnect-window 0: test-reconnect-bar.c
 * retries.) */
static void
test_broken_in_sight (void)
{
  TetherConfig config = *tether_session_manager_get_config (manager ());
  TetherConfig never = config;
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *toast_title;

  never.reconnect_window_s = 0;
  tether_session_manager_set_config (manager (), &never);
  session = add_session (tether_test_sshd_get_target (sshd), "Background", NULL);
  keep = g_object_ref (session);
  g_assert_true (tether_test_open_session (manager (), session, &error));
  g_assert_no_error (error);
  g_assert_null (tab_of (session));

  tether_test_sshd_kill_connections (sshd);
  tether_test_wait_until (state_is_broken, session, WAIT_MS);

  g_assert_nonnull (tether_session_get_last_error (session));
  text = g_strdup_printf ("Session “Background” is broken: %s", tether_session_get_last_error (session));
  toast_title = tether_test_find_widget (GTK_WIDGET (window), is_label_saying, text);
  g_assert_nonnull (toast_title);
  tether_test_wait_until (widget_mapped, toast_title, WAIT_MS);

  remove_and_wait_closed (session);
  tether_session_manager_set_config (manager (), &config);
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
  remove_and_wait_closed (session);
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
  g_test_add_func ("/window/search", test_search);
  g_test_add_func ("/window/enter-exit", test_enter_exit);
  g_test_add_func ("/window/terminal-keys", test_terminal_keys);
  g_test_add_func ("/window/end-session-asks", test_end_session_asks);
  g_test_add_func ("/window/end-keys-follow-focus", test_end_keys_follow_focus);
  g_test_add_func ("/window/enter-again-focus", test_enter_again_focus);
  g_test_add_func ("/window/column-one-press", test_column_one_press);
  g_test_add_func ("/window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/window/temporary", test_temporary);
  g_test_add_func ("/window/quick-connect-field", test_quick_connect_field);
  g_test_add_func ("/window/temporary-titles", test_temporary_titles);
  g_test_add_func ("/window/resize", test_resize);
  g_test_add_func ("/window/connection-settings", test_connection_settings);
  g_test_add_data_func ("/window/connection-lost/killed", GINT_TO_POINTER (FALSE), test_connection_lost);
  g_test_add_data_func ("/window/connection-lost/silent", GINT_TO_POINTER (TRUE), test_connection_lost);
  g_test_add_func ("/window/broken-in-sight", test_broken_in_sight);
  g_test_add_func ("/window/duplicate-and-enter", test_duplicate_and_enter);
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
