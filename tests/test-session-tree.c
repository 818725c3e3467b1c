/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "tether-new-session-dialog.h"
#include "tether-session-columns.h"
#include "tether-session-store.h"
#include "tether-test-keys.h"
#include "tether-test-session.h"
#include "tether-test-window.h"

/*
 * The session list in the real window, presented under Xvfb at its
 * default size: what its columns show and whether it fits, how rows are
 * indented, nested folders, Rename Folder, a session dropped on a folder,
 * and one moved by Edit.  The same program runs in English
 * (session-tree) and in French (session-tree-fr, under the i18n test's
 * locale and catalogs): other words, other widths.
 */

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
rows_shown (gpointer data)
{
  GListModel *rows = tether_session_tree_get_rows (tether_window_get_session_tree (window));

  return g_list_model_get_n_items (rows) == GPOINTER_TO_UINT (data);
}

static void
wait_rows (guint n)
{

  tether_test_wait_until (rows_shown, GUINT_TO_POINTER (n), WAIT_MS);
}

/* Lets the list build, measure and draw its rows. */
static void
settle (void)
{
  GtkWidget *view = GTK_WIDGET (tether_session_tree_get_column_view (tether_window_get_session_tree (window)));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (view);
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);

  gtk_widget_queue_allocate (view);
  while (gdk_frame_clock_get_frame_counter (clock) < frame + 3)
    {
      gtk_widget_queue_draw (view);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
remove_all (void)
{
  GListModel *sessions = G_LIST_MODEL (manager ());

  while (g_list_model_get_n_items (sessions) > 0)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (sessions, 0);

      tether_session_manager_remove_session (manager (), session);
    }
  wait_rows (0);
}

static GtkLabel *
find_label (const char *text)
{
  GtkWidget *view = GTK_WIDGET (tether_session_tree_get_column_view (tether_window_get_session_tree (window)));
  GtkWidget *label = tether_test_find_widget (view, tether_test_is_label, text);

  if (label == NULL)
    g_error ("No label shows “%s” in the list", text);
  return GTK_LABEL (label);
}

/* Shown in full: as wide as it asks, not cut with an ellipsis, and inside
 * the list's visible part (not past its right edge, to scroll to). */
static void
assert_whole (const char *text)
{
  GtkLabel *label = find_label (text);
  GtkWidget *tree = GTK_WIDGET (tether_window_get_session_tree (window));
  graphene_point_t end;
  int natural = 0;

  gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  if (gtk_widget_get_width (GTK_WIDGET (label)) < natural ||
      pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    g_error ("“%s” is cut: %d pixels for %d", text, gtk_widget_get_width (GTK_WIDGET (label)), natural);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (label), tree,
                                           &GRAPHENE_POINT_INIT (natural, 0), &end));
  g_test_message ("“%s”: %d pixels, ends at %.0f of the list’s %d", text, natural, end.x,
                  gtk_widget_get_width (tree));
  if (end.x > gtk_widget_get_width (tree))
    g_error ("“%s” ends at %.0f, past the list’s %d pixels", text, end.x, gtk_widget_get_width (tree));
}

/* At the default size, every column title and a 12-character name show
 * whole, in English and in French. */
static void
test_columns_fit (void)
{
  GtkColumnView *view = tether_session_tree_get_column_view (tether_window_get_session_tree (window));
  GListModel *columns = gtk_column_view_get_columns (view);
  int width = 0, height = 0;

  tether_test_wait_until (window_mapped, NULL, WAIT_MS);
  add_session ("server12.example.invalid", "Production12", NULL);
  /* Rows two folders deep are indented twice: their column is wider. */
  add_session ("db.example.invalid", "Db", "Production/Databases");
  wait_rows (4);
  tether_test_wait_until (widget_mapped, view, WAIT_MS);
  settle ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, g_settings_get_int (tether_application_get_settings (app), "window-width"));
  g_assert_cmpint (height, ==, g_settings_get_int (tether_application_get_settings (app), "window-height"));

  if (g_strcmp0 (g_getenv ("LANGUAGE"), "fr") == 0)
    g_assert_cmpstr (C_("column", "Name"), ==, "Nom");
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      assert_whole (gtk_column_view_column_get_title (column));
    }
  assert_whole ("DefaultShell");
  assert_whole ("Production12");
  assert_whole (tether_session_state_to_display (TETHER_SESSION_STATE_CLOSED));

  remove_all ();
}

/* A user or port other than the defaults shows in ComputerName: two
 * sessions to one host look different. */
static void
test_computer_name (void)
{
  g_autofree char *own = g_strdup_printf ("%s@host.invalid", g_get_user_name ());

  add_session ("other@host.invalid:2222", "Other", NULL);
  add_session ("host.invalid:22", "Plain", NULL);
  add_session (own, "Own", NULL);
  add_session ("admin@host.invalid", "Admin", NULL);
  wait_rows (4);
  settle ();

  find_label ("other@host.invalid:2222");
  find_label ("admin@host.invalid");
  /* The local user on port 22 is what SSH would do anyway. */
  g_assert_cmpstr (gtk_label_get_label (find_label ("host.invalid")), ==, "host.invalid");
  {
    g_autoptr(TetherSession) plain = g_object_ref (tether_session_manager_lookup (manager (), "Plain"));
    g_autoptr(TetherSession) mine = g_object_ref (tether_session_manager_lookup (manager (), "Own"));
    g_autofree char *shown_plain = tether_session_dup_shown_computer (plain);
    g_autofree char *shown_mine = tether_session_dup_shown_computer (mine);

    g_assert_cmpstr (shown_plain, ==, "host.invalid");
    g_assert_cmpstr (shown_mine, ==, "host.invalid");
  }

  remove_all ();
}

/* Where the Name column's content starts in a row: its label's left edge,
 * from the column view's. */
static double
label_x (const char *text)
{
  GtkWidget *view = GTK_WIDGET (tether_session_tree_get_column_view (tether_window_get_session_tree (window)));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (find_label (text)), view,
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  return point.x;
}

/* A session outside every folder starts where a folder's arrow does, not
 * one arrow further as if it were in a folder; one in a folder does. */
static void
test_top_level_not_indented (void)
{
  TetherSession *inside = add_session ("a.invalid", "Inside", "Prod");
  GtkWidget *folder_label;
  GtkWidget *expander;
  double folder_x;

  add_session ("b.invalid", "Loose", NULL);
  /* Folders open as they appear. */
  wait_rows (3);
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), inside));
  settle ();

  folder_label = GTK_WIDGET (find_label ("Prod"));
  expander = gtk_widget_get_ancestor (folder_label, GTK_TYPE_TREE_EXPANDER);
  g_assert_nonnull (expander);
  {
    GtkWidget *view = GTK_WIDGET (tether_session_tree_get_column_view (tether_window_get_session_tree (window)));
    graphene_point_t point;

    g_assert_true (gtk_widget_compute_point (expander, view, &GRAPHENE_POINT_INIT (0, 0), &point));
    folder_x = point.x;
  }

  g_assert_cmpfloat (label_x ("Loose") - folder_x, <, 1);
  g_assert_cmpfloat (label_x ("Inside") - label_x ("Loose"), >=, 12);

  remove_all ();
}

static GObject *
row_item_at (guint  position,
             guint *depth)
{
  GListModel *rows = tether_session_tree_get_rows (tether_window_get_session_tree (window));
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, position);

  *depth = gtk_tree_list_row_get_depth (row);
  return gtk_tree_list_row_get_item (row);
}

static void
assert_folder_row (guint       position,
                   const char *name,
                   guint       depth)
{
  guint got_depth;
  g_autoptr(GObject) item = row_item_at (position, &got_depth);

  g_assert_true (TETHER_IS_SESSION_FOLDER (item));
  g_assert_cmpstr (tether_session_folder_get_name (TETHER_SESSION_FOLDER (item)), ==, name);
  g_assert_cmpuint (got_depth, ==, depth);
}

static void
assert_session_row (guint          position,
                    TetherSession *session,
                    guint          depth)
{
  guint got_depth;
  g_autoptr(GObject) item = row_item_at (position, &got_depth);

  g_assert_true (item == (GObject *) session);
  g_assert_cmpuint (got_depth, ==, depth);
}

/* `Prod/Staging` is Staging inside Prod. */
static void
test_nested_folders (void)
{
  TetherSession *web = add_session ("web.invalid", "Web", "Prod/Staging");
  TetherSession *db = add_session ("db.invalid", "Db", "Prod");
  TetherSession *loose = add_session ("loose.invalid", "Loose", NULL);

  wait_rows (5);
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), web));
  assert_folder_row (0, "Prod", 0);
  assert_folder_row (1, "Staging", 1);
  assert_session_row (2, web, 2);
  assert_session_row (3, db, 1);
  assert_session_row (4, loose, 0);
  settle ();
  assert_whole ("Staging");

  remove_all ();
}

/* The sessions file as the next start reads it. */
static TetherSessionManager *
reload (void)
{
  g_autofree char *path = tether_session_store_default_path ();
  TetherSessionManager *again = tether_session_manager_new (path, tether_test_config ());
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_session_manager_load (again, &error));
  g_assert_no_error (error);
  return again;
}

static const char *
saved_folder (TetherSessionManager *again,
              const char           *name)
{
  TetherSession *session = tether_session_manager_lookup (again, name);

  g_assert_nonnull (session);
  return tether_session_get_folder (session);
}

static TetherSession *
add_saved (const char *target,
           const char *name,
           const char *folder)
{
  TetherSessionDefinition def = { .target = target, .name = name, .folder = folder, .persistent = TRUE };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_session_manager_add_session (manager (), &def, &error);

  g_assert_no_error (error);
  return session;
}

/* The drop target of the row showing @text. */
static GtkDropTarget *
drop_target_of (const char *text)
{
  GtkWidget *widget = GTK_WIDGET (find_label (text));

  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

          if (GTK_IS_DROP_TARGET (controller))
            return GTK_DROP_TARGET (controller);
        }
    }
  g_error ("The row showing “%s” takes no drop", text);
}

static gboolean
drop_on (GtkDropTarget *target,
         TetherSession *session)
{
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean taken = FALSE;

  g_value_init (&value, TETHER_TYPE_SESSION);
  g_value_set_object (&value, session);
  g_signal_emit_by_name (target, "drop", &value, 1.0, 1.0, &taken);
  return taken;
}

/* A session's row can be dragged (its cells offer the session), and
 * dropped on a folder it moves there; on another session's row, to that
 * session's folder; on the list outside any row, out of every folder.
 * Each move is in the sessions file. */
static void
test_drop_moves (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  TetherSession *web = add_saved ("web.invalid", "Web", NULL);
  TetherSession *db = add_saved ("db.invalid", "Db", "Prod/Staging");
  g_autoptr(TetherSessionManager) again = NULL;

  wait_rows (4);
  g_assert_true (tether_session_tree_select_session (tree, db));
  settle ();

  g_assert_true (drop_on (drop_target_of ("Staging"), web));
  g_assert_cmpstr (tether_session_get_folder (web), ==, "Prod/Staging");
  again = reload ();
  g_assert_cmpstr (saved_folder (again, "Web"), ==, "Prod/Staging");
  g_clear_object (&again);

  /* Onto Prod's row; onto a session's row: into that session's folder;
   * then next to nothing: the list itself. */
  settle ();
  g_assert_true (drop_on (drop_target_of ("Prod"), web));
  g_assert_cmpstr (tether_session_get_folder (web), ==, "Prod");
  settle ();
  g_assert_true (drop_on (drop_target_of ("Web"), db));
  g_assert_cmpstr (tether_session_get_folder (db), ==, "Prod");
  {
    GtkWidget *view = GTK_WIDGET (tether_session_tree_get_column_view (tree));
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
    GtkDropTarget *list_target = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DROP_TARGET (controller))
          list_target = GTK_DROP_TARGET (controller);
      }
    g_assert_nonnull (list_target);
    g_assert_true (drop_on (list_target, db));
  }
  g_assert_null (tether_session_get_folder (db));
  again = reload ();
  g_assert_cmpstr (saved_folder (again, "Web"), ==, "Prod");
  g_assert_null (saved_folder (again, "Db"));
  g_clear_object (&again);

  remove_all ();
}

#ifdef TETHER_TEST_HAVE_XTEST
/* @widget's centre on the X screen. */
static void
screen_point (GtkWidget *widget,
              int       *x,
              int       *y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (native));
  graphene_point_t point;
  double dx, dy;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (native, &dx, &dy);
  XTranslateCoordinates (display, xid, DefaultRootWindow (display), point.x + dx, point.y + dy, x, y, &child);
}

static void
pointer_to (Display *display,
            int      x,
            int      y)
{
  XTestFakeMotionEvent (display, -1, x, y, CurrentTime);
  XFlush (display);
  /* A few main loop turns: GTK sees each position. */
  for (int i = 0; i < 5; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

static gboolean
folder_is (gpointer data)
{
  TetherSession *session = data;

  return g_strcmp0 (tether_session_get_folder (session), g_object_get_data (data, "tether-test-want")) == 0;
}

/* The real gesture: the pointer presses on a session's row, moves onto a
 * folder's and lets go, through the X server. */
static void
test_pointer_drag (void)
{
  TetherSession *web = add_saved ("web.invalid", "Web", NULL);
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (window)));
  int from_x, from_y, to_x, to_y;

  add_saved ("db.invalid", "Db", "Prod");
  wait_rows (3);
  settle ();
  screen_point (GTK_WIDGET (find_label ("Web")), &from_x, &from_y);
  screen_point (GTK_WIDGET (find_label ("Prod")), &to_x, &to_y);

  /* Other test programs share this X server, their windows at the same
   * place: ours goes on top, and theirs wait until the drag is over (the
   * drag and drop protocol runs between this client's own windows). */
  XGrabServer (display);
  XRaiseWindow (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));
  pointer_to (display, from_x, from_y);
  XTestFakeButtonEvent (display, 1, True, CurrentTime);
  for (int step = 1; step <= 10; step++)
    pointer_to (display, from_x + (to_x - from_x) * step / 10, from_y + (to_y - from_y) * step / 10);
  XTestFakeButtonEvent (display, 1, False, CurrentTime);
  pointer_to (display, to_x, to_y);
  XUngrabServer (display);
  XFlush (display);

  g_object_set_data_full (G_OBJECT (web), "tether-test-want", g_strdup ("Prod"), g_free);
  tether_test_wait_until (folder_is, web, WAIT_MS);

  remove_all ();
}
#endif

static gboolean
rename_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-rename-folder-dialog") != NULL;
}

/* Rename Folder on a folder's row: a name with "/" is refused in the
 * dialog, with the reason under the field; another renames the folder for
 * its sessions and those of the folders inside it, in the file too. */
static void
test_rename_folder (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  TetherSession *web = add_saved ("web.invalid", "Web", "Prod/Staging");
  TetherSession *cold = add_saved ("cold.invalid", "Cold", "Prod/Staging/Cold");
  g_autoptr(TetherSessionManager) again = NULL;
  g_autoptr(GError) expected = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  wait_rows (5);
  g_assert_true (tether_session_tree_select_session (tree, web));
  /* Staging's row, selected as a secondary click does. */
  for (guint i = 0; i < 5; i++)
    {
      guint depth;
      g_autoptr(GObject) item = row_item_at (i, &depth);

      if (TETHER_IS_SESSION_FOLDER (item) &&
          g_str_equal (tether_session_folder_get_path (TETHER_SESSION_FOLDER (item)), "Prod/Staging"))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (tether_session_tree_get_rows (tree)), i, TRUE);
    }
  g_assert_cmpstr (tether_session_tree_get_selected_folder (tree), ==, "Prod/Staging");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.rename-folder", NULL);
  tether_test_wait_until (rename_dialog_shown, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel ("tether-rename-folder-dialog"));
  entry = tether_test_find_widget (GTK_WIDGET (dialog), tether_test_is_of_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Staging");

  gtk_editable_set_text (GTK_EDITABLE (entry), "A/B");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_false (tether_session_folder_name_check ("A/B", &expected));
  g_assert_nonnull (tether_test_find_widget (GTK_WIDGET (dialog), tether_test_is_label, expected->message));

  gtk_editable_set_text (GTK_EDITABLE (entry), "Stage");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  adw_message_dialog_response (dialog, "rename");

  g_assert_cmpstr (tether_session_get_folder (web), ==, "Prod/Stage");
  g_assert_cmpstr (tether_session_get_folder (cold), ==, "Prod/Stage/Cold");
  again = reload ();
  g_assert_cmpstr (saved_folder (again, "Web"), ==, "Prod/Stage");
  g_assert_cmpstr (saved_folder (again, "Cold"), ==, "Prod/Stage/Cold");

  remove_all ();
}

/* Edit moves a session too: typed as `Prod/Staging`, it is under Staging,
 * inside Prod, and stays there at the next start. */
static void
test_edit_moves (void)
{
  TetherSessionTree *tree = tether_window_get_session_tree (window);
  TetherSession *web = add_saved ("web.invalid", "Web", NULL);
  g_autoptr(TetherSessionManager) again = NULL;
  TetherNewSessionDialog *dialog;
  GtkWidget *folder_row;

  wait_rows (1);
  g_assert_true (tether_session_tree_select_session (tree, web));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  g_assert_nonnull (dialog);
  folder_row = tether_test_find_widget (GTK_WIDGET (dialog), tether_test_is_row, _("Folder"));
  g_assert_nonnull (folder_row);
  gtk_editable_set_text (GTK_EDITABLE (folder_row), "Prod/Staging");
  g_signal_emit_by_name (dialog, "create");

  g_assert_cmpstr (tether_session_get_folder (web), ==, "Prod/Staging");
  wait_rows (3);
  assert_folder_row (0, "Prod", 0);
  assert_folder_row (1, "Staging", 1);
  assert_session_row (2, web, 2);
  again = reload ();
  g_assert_cmpstr (saved_folder (again, "Web"), ==, "Prod/Staging");

  remove_all ();
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TETHER_TEST_LOCALEDIR");
  int status;

  /* In French (session-tree-fr): the i18n test's locale and catalogs. */
  if (localedir != NULL)
    {
      g_assert_nonnull (setlocale (LC_ALL, ""));
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  tether_test_window_setup (&argc, &argv);

  g_test_add_func ("/session-tree/columns-fit", test_columns_fit);
  g_test_add_func ("/session-tree/computer-name", test_computer_name);
  g_test_add_func ("/session-tree/top-level-not-indented", test_top_level_not_indented);
  g_test_add_func ("/session-tree/nested-folders", test_nested_folders);
  g_test_add_func ("/session-tree/drop-moves", test_drop_moves);
#ifdef TETHER_TEST_HAVE_XTEST
  g_test_add_func ("/session-tree/pointer-drag", test_pointer_drag);
#endif
  g_test_add_func ("/session-tree/rename-folder", test_rename_folder);
  g_test_add_func ("/session-tree/edit-moves", test_edit_moves);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
