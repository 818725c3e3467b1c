/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tether-session-columns.h"
#include "tether-session-definition.h"
#include "tether-session-tree-private.h"


struct _TetherSessionTree
{
  GtkWidget           parent_instance;

  /* Child widgets */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkColumnView      *column_view;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *no_match_page;
  GtkWidget          *context_menu;
  GtkWidget          *folder_menu;

  /* Owned references */
  GListModel         *sessions;
  GtkCustomFilter    *search_filter;
  GtkFilterListModel *searched;
  GListStore         *folders;
  GtkCustomFilter    *ungrouped_filter;
  GtkTreeListModel   *tree_model;
  GtkMultiSelection  *selection;
  GtkSorter          *row_sorter;     /* borrowed: the sort model owns it */
  char               *search_casefold;
};

G_DEFINE_FINAL_TYPE (TetherSessionTree, tether_session_tree, GTK_TYPE_WIDGET)

enum {
  SESSION_ACTIVATED,
  MOVE_SESSION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the search looks in, case-folded once per session rather than once
 * per session and keystroke: the name, the computer, the target and the
 * folder, one per line (the search entry cannot hold a line break, so no
 * needle spans two of them).  Dropped when the session changes. */
#define SEARCH_KEY "tether-session-tree-search-key"

static const char *
search_key (TetherSession *session)
{
  const char *key = g_object_get_data (G_OBJECT (session), SEARCH_KEY);

  if (key == NULL)
    {
      g_autofree char *text = g_strjoin ("\n",
                                         tether_session_get_name (session),
                                         tether_session_get_computer_name (session),
                                         tether_session_get_target (session),
                                         tether_session_get_folder (session) != NULL
                                           ? tether_session_get_folder (session) : "",
                                         NULL);
      char *folded = g_utf8_casefold (text, -1);

      g_object_set_data_full (G_OBJECT (session), SEARCH_KEY, folded, g_free);
      key = folded;
    }
  return key;
}

static gboolean
search_matches (gpointer item,
                gpointer user_data)
{
  TetherSessionTree *self = user_data;

  if (self->search_casefold == NULL || *self->search_casefold == '\0')
    return TRUE;

  return strstr (search_key (item), self->search_casefold) != NULL;
}

static gboolean
session_ungrouped (gpointer item,
                   gpointer user_data)
{
  const char *folder = tether_session_get_folder (item);

  return folder == NULL || *folder == '\0';
}

/* Adds @folder and every folder it is inside to @paths. */
static void
add_folder_paths (GHashTable *paths,
                  const char *folder)
{
  g_autofree char *path = g_strdup (folder);
  char *slash;

  g_hash_table_add (paths, g_strdup (path));
  while ((slash = strrchr (path, '/')) != NULL)
    {
      *slash = '\0';
      g_hash_table_add (paths, g_strdup (path));
    }
}

/* @path's folder is @parent (%NULL: the top). */
static gboolean
is_child_path (const char *path,
               const char *parent)
{
  const char *slash = strrchr (path, '/');

  if (parent == NULL)
    return slash == NULL;
  return slash != NULL && strlen (parent) == (size_t) (slash - path) &&
         strncmp (path, parent, slash - path) == 0;
}

/* Keeps one folder row per folder in @store, the folders inside @parent
 * among @paths, in alphabetical order, and so on down.  Existing objects
 * are reused so that their rows keep their expanded state. */
static void
sync_level (TetherSessionTree *self,
            GListStore        *store,
            const char        *parent,
            GHashTable        *paths,
            gboolean           refilter)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  const char *path;
  guint i = 0;

  g_hash_table_iter_init (&iter, paths);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, NULL))
    if (is_child_path (path, parent))
      g_hash_table_add (wanted, (gpointer) path);

  while (i < g_list_model_get_n_items (G_LIST_MODEL (store)))
    {
      g_autoptr(TetherSessionFolder) folder = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_hash_table_remove (wanted, tether_session_folder_get_path (folder)))
        {
          if (refilter)
            tether_session_folder_refilter (folder);
          i++;
        }
      else
        g_list_store_remove (store, i);
    }

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, NULL))
    {
      g_autoptr(TetherSessionFolder) folder = tether_session_folder_new (path, G_LIST_MODEL (self->searched));
      const char *name = tether_session_folder_get_name (folder);
      guint pos;

      for (pos = 0; pos < g_list_model_get_n_items (G_LIST_MODEL (store)); pos++)
        {
          g_autoptr(TetherSessionFolder) other = g_list_model_get_item (G_LIST_MODEL (store), pos);

          if (g_utf8_collate (name, tether_session_folder_get_name (other)) < 0)
            break;
        }
      g_list_store_insert (store, pos, folder);
    }

  for (i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(TetherSessionFolder) folder = g_list_model_get_item (G_LIST_MODEL (store), i);

      sync_level (self, tether_session_folder_get_subfolders (folder),
                  tether_session_folder_get_path (folder), paths, refilter);
    }
}

/* Keeps the folder rows those of the searched sessions: a folder for each
 * folder a session is filed in, and each folder that holds one.
 * @refilter: a session changed folders, so the existing folders' filters
 * must run again.  Never from the searched model's items-changed: the
 * folders' filter models are still on their way to the new contents then,
 * and refiltering them mid-way corrupts the tree (rows with no item). */
static void
sync_folders (TetherSessionTree *self,
              gboolean           refilter)
{
  g_autoptr(GHashTable) paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->searched));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->searched), i);
      const char *folder = tether_session_get_folder (session);

      if (folder != NULL)
        add_folder_paths (paths, folder);
    }

  sync_level (self, self->folders, NULL, paths, refilter);
}

static void
on_session_notify (TetherSession     *session,
                   GParamSpec        *pspec,
                   TetherSessionTree *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (!g_str_equal (name, "state"))
    g_object_set_data (G_OBJECT (session), SEARCH_KEY, NULL);

  if (g_str_equal (name, "folder"))
    {
      gtk_filter_changed (GTK_FILTER (self->ungrouped_filter), GTK_FILTER_CHANGE_DIFFERENT);
      if (self->search_casefold != NULL)
        gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_DIFFERENT);
      sync_folders (self, TRUE);
    }
  else if ((g_str_equal (name, "name") || g_str_equal (name, "computer-name")) &&
           self->search_casefold != NULL)
    gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_DIFFERENT);

  /* A sort model does not watch its items: a shown value changed, so a
   * sorted list may have to move the row. */
  if (self->row_sorter != NULL &&
      gtk_sorter_get_order (gtk_column_view_get_sorter (self->column_view)) != GTK_SORTER_ORDER_NONE &&
      (g_str_equal (name, "name") || g_str_equal (name, "computer-name") || g_str_equal (name, "state") ||
       g_str_equal (name, "configuration-name")))
    gtk_sorter_changed (self->row_sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

/* The list, the page saying there is no session, or the one saying the
 * search matches none.  The others are hidden, not only behind: GTK styles
 * every visible widget of a window, shown or not, and looks up its icons. */
static void
update_page (TetherSessionTree *self)
{
  GtkWidget *list = gtk_stack_get_child_by_name (self->stack, "list");
  GtkWidget *shown = list;

  if (g_list_model_get_n_items (self->sessions) == 0)
    shown = GTK_WIDGET (self->empty_page);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->searched)) == 0)
    {
      g_autofree char *title = NULL;

      title = g_strdup_printf (_("No sessions match “%s”"),
                               gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      adw_status_page_set_title (self->no_match_page, title);
      shown = GTK_WIDGET (self->no_match_page);
    }

  /* Shown first: a stack whose visible child hides shows another. */
  gtk_widget_set_visible (shown, TRUE);
  gtk_stack_set_visible_child (self->stack, shown);
  gtk_widget_set_visible (list, shown == list);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), shown == GTK_WIDGET (self->empty_page));
  gtk_widget_set_visible (GTK_WIDGET (self->no_match_page), shown == GTK_WIDGET (self->no_match_page));
}

static void
on_sessions_changed (GListModel        *model,
                     guint              position,
                     guint              removed,
                     guint              added,
                     TetherSessionTree *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (model, i);

      /* A session is watched once per tree, however often it moves. */
      if (g_object_get_data (G_OBJECT (session), "tether-session-tree") != self)
        {
          g_object_set_data (G_OBJECT (session), "tether-session-tree", self);
          g_signal_connect_object (session, "notify", G_CALLBACK (on_session_notify), self, 0);
        }
    }

  update_page (self);
}

static void
on_searched_changed (GListModel        *model,
                     guint              position,
                     guint              removed,
                     guint              added,
                     TetherSessionTree *self)
{
  sync_folders (self, FALSE);
  update_page (self);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  if (TETHER_IS_SESSION_FOLDER (item))
    return g_object_ref (tether_session_folder_get_children (item));
  return NULL;
}

static int
folders_first (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gboolean a_folder = TETHER_IS_SESSION_FOLDER ((gpointer) a);
  gboolean b_folder = TETHER_IS_SESSION_FOLDER ((gpointer) b);

  return b_folder - a_folder;
}

static GMenuModel *
build_context_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) second = g_menu_new ();

  g_menu_append (first, _("_Enter"), "win.enter");
  g_menu_append (first, _("_Close"), "win.close-session");
  g_menu_append (first, _("_Run Command…"), "win.run-command");
  g_menu_append (first, _("Export as Ansible _Inventory…"), "win.export-inventory");
  g_menu_append (first, _("_Disconnect"), "win.disconnect-session");
  g_menu_append (first, _("Receive _Output"), "win.receive-session");
  g_menu_append (second, _("_Edit…"), "win.edit-session");
  g_menu_append (second, _("_Duplicate"), "win.duplicate-session");
  g_menu_append (second, _("_Forget Password"), "win.forget-password");
  g_menu_append (second, _("_Remove"), "win.remove-session");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (second));
  return G_MENU_MODEL (menu);
}

static GMenuModel *
build_folder_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("Re_name Folder…"), "win.rename-folder");
  return G_MENU_MODEL (menu);
}

/* Built on first use rather than with the window, whose first frame does
 * not show it. */
static GtkWidget *
ensure_menu (TetherSessionTree  *self,
             GtkWidget         **popover,
             GMenuModel        *(*build) (void))
{
  if (*popover == NULL)
    {
      g_autoptr(GMenuModel) menu = build ();

      *popover = gtk_popover_menu_new_from_model (menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (*popover), FALSE);
      gtk_widget_set_halign (*popover, GTK_ALIGN_START);
      gtk_widget_set_parent (*popover, GTK_WIDGET (self));
    }
  return *popover;
}

static void
popup_menu (GtkWidget *cell,
            guint      position,
            double     x,
            double     y,
            gpointer   user_data)
{
  TetherSessionTree *self = user_data;
  GtkWidget *popover;
  graphene_point_t point;
  GdkRectangle rect;

  /* The menu acts on the selection: a row clicked outside it becomes the
   * selection; inside it, the selection stays (Run Command on several). */
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);

  if (tether_session_tree_get_selected_folder (self) != NULL)
    popover = ensure_menu (self, &self->folder_menu, build_folder_menu);
  else
    popover = ensure_menu (self, &self->context_menu, build_context_menu);

  if (!gtk_widget_compute_point (cell, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  rect = (GdkRectangle) { point.x, point.y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &rect);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
drop_session (TetherSession *session,
              const char    *folder,
              gpointer       user_data)
{
  g_signal_emit (user_data, signals[MOVE_SESSION], 0, session, folder);
}

/* Dropped on the list but on no row: out of every folder. */
static gboolean
on_list_drop (GtkDropTarget     *target,
              const GValue      *value,
              double             x,
              double             y,
              TetherSessionTree *self)
{
  if (!G_VALUE_HOLDS (value, TETHER_TYPE_SESSION))
    return FALSE;
  drop_session (g_value_get_object (value), NULL, self);
  return TRUE;
}

static void
add_column (TetherSessionTree   *self,
            TetherSessionColumn  column,
            const char          *title)
{
  g_autoptr(GtkColumnViewColumn) view_column = tether_session_column_new (column, title, popup_menu,
                                                                                drop_session, self);

  gtk_column_view_append_column (self->column_view, view_column);
}

static void
on_activate (GtkColumnView     *view,
             guint              position,
             TetherSessionTree *self)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  g_autoptr(GObject) item = NULL;

  if (row == NULL)
    return;

  item = gtk_tree_list_row_get_item (row);
  if (TETHER_IS_SESSION (item))
    g_signal_emit (self, signals[SESSION_ACTIVATED], 0, item);
  else
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
on_search_changed (GtkSearchEntry    *entry,
                   TetherSessionTree *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->search_casefold, g_free);
  if (text != NULL && *text != '\0')
    self->search_casefold = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_stop_search (GtkSearchEntry    *entry,
                TetherSessionTree *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  tether_session_tree_focus_list (self);
}

static void
tether_session_tree_dispose (GObject *object)
{
  TetherSessionTree *self = TETHER_SESSION_TREE (object);

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->folder_menu, gtk_widget_unparent);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_object (&self->sessions);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree_model);
  g_clear_object (&self->searched);
  g_clear_object (&self->folders);
  g_clear_object (&self->ungrouped_filter);
  g_clear_object (&self->search_filter);

  G_OBJECT_CLASS (tether_session_tree_parent_class)->dispose (object);
}

static void
tether_session_tree_finalize (GObject *object)
{
  TetherSessionTree *self = TETHER_SESSION_TREE (object);

  g_free (self->search_casefold);

  G_OBJECT_CLASS (tether_session_tree_parent_class)->finalize (object);
}

static void
tether_session_tree_class_init (TetherSessionTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_session_tree_dispose;
  object_class->finalize = tether_session_tree_finalize;

  signals[SESSION_ACTIVATED] =
    g_signal_new ("session-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TETHER_TYPE_SESSION);
  signals[MOVE_SESSION] =
    g_signal_new ("move-session", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TETHER_TYPE_SESSION, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sessiontree");
}

static void
tether_session_tree_init (TetherSessionTree *self)
{
  g_autoptr(GListStore) roots = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkWidget *scrolled;
  GtkMultiSorter *multi;
  GtkSorter *sorter;
  GtkSortListModel *sorted;
  GtkFilterListModel *ungrouped;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Search by name, computer or folder"), NULL);
  gtk_widget_set_margin_start (GTK_WIDGET (self->search_entry), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->search_entry), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (self->search_entry), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->search_entry), 6);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self, 0);
  g_signal_connect_object (self->search_entry, "stop-search", G_CALLBACK (on_stop_search), self, 0);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->search_entry));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  /* The models: sessions → searched → (folders, ungrouped) → tree → sorted. */
  self->sessions = G_LIST_MODEL (g_list_store_new (TETHER_TYPE_SESSION));
  self->search_filter = gtk_custom_filter_new (search_matches, self, NULL);
  self->searched = gtk_filter_list_model_new (g_object_ref (self->sessions),
                                              GTK_FILTER (g_object_ref (self->search_filter)));
  g_signal_connect_object (self->searched, "items-changed", G_CALLBACK (on_searched_changed), self, 0);
  self->folders = g_list_store_new (TETHER_TYPE_SESSION_FOLDER);
  self->ungrouped_filter = gtk_custom_filter_new (session_ungrouped, NULL, NULL);
  ungrouped = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->searched)),
                                         GTK_FILTER (g_object_ref (self->ungrouped_filter)));
  g_list_store_append (roots, self->folders);
  g_list_store_append (roots, ungrouped);
  g_object_unref (ungrouped);
  self->tree_model = gtk_tree_list_model_new (G_LIST_MODEL (gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (roots)))),
                                              FALSE, TRUE, create_children, NULL, NULL);

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  gtk_column_view_set_reorderable (self->column_view, FALSE);
  add_column (self, TETHER_SESSION_COLUMN_ID, C_("column", "Id"));
  add_column (self, TETHER_SESSION_COLUMN_NAME, C_("column", "Name"));
  add_column (self, TETHER_SESSION_COLUMN_COMPUTER_NAME, C_("column", "ComputerName"));
  add_column (self, TETHER_SESSION_COLUMN_STATE, C_("column", "State"));
  add_column (self, TETHER_SESSION_COLUMN_CONFIGURATION_NAME, C_("column", "ConfigurationName"));

  /* Folders first whichever way a column sorts: a sorter of its own ahead
   * of the column view's (which the direction inverts). */
  multi = gtk_multi_sorter_new ();
  gtk_multi_sorter_append (multi, GTK_SORTER (gtk_custom_sorter_new (folders_first, NULL, NULL)));
  gtk_multi_sorter_append (multi, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  sorter = GTK_SORTER (gtk_tree_list_row_sorter_new (GTK_SORTER (multi)));
  self->row_sorter = sorter;
  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->tree_model)), sorter);
  /* Several rows at once (Ctrl, Shift): Run Command takes them all. */
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_activate), self, 0);
  {
    GtkDropTarget *target = gtk_drop_target_new (TETHER_TYPE_SESSION, GDK_ACTION_MOVE);

    g_signal_connect_object (target, "drop", G_CALLBACK (on_list_drop), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (target));
  }
  /* No key capture from the list: what is typed lands in the search entry
   * only when it has the focus (win.search), never while the user thinks
   * the keyboard is somewhere else (a terminal just entered). */

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_stack_add_named (self->stack, scrolled, "list");

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "network-server-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Sessions"));
  adw_status_page_set_description (self->empty_page,
                                   _("Create a session with the + button, or type user@host in the "
                                     "connect field to enter a temporary one."));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_page), "compact");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");

  self->no_match_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->no_match_page, "edit-find-symbolic");
  adw_status_page_set_description (self->no_match_page, _("Press Escape to clear the search."));
  gtk_widget_add_css_class (GTK_WIDGET (self->no_match_page), "compact");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->no_match_page), "no-match");
  update_page (self);
}

/**
 * tether_session_tree_set_model:
 * @sessions: a #GListModel of #TetherSession (the manager)
 */
void
tether_session_tree_set_model (TetherSessionTree *self,
                               GListModel        *sessions)
{
  g_return_if_fail (TETHER_IS_SESSION_TREE (self));
  g_return_if_fail (G_IS_LIST_MODEL (sessions));

  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_set_object (&self->sessions, sessions);
  gtk_filter_list_model_set_model (self->searched, sessions);
  g_signal_connect_object (sessions, "items-changed", G_CALLBACK (on_sessions_changed), self, 0);
  on_sessions_changed (sessions, 0, 0, g_list_model_get_n_items (sessions), self);
}

/* The first selected row's item, or NULL. */
static GObject *
dup_first_selected (TetherSessionTree *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GtkTreeListRow) row = NULL;

  if (gtk_bitset_is_empty (selected))
    return NULL;
  row = g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_minimum (selected));
  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

/**
 * tether_session_tree_get_selected_session:
 *
 * Returns: (transfer none) (nullable): the session of the selected row
 */
TetherSession *
tether_session_tree_get_selected_session (TetherSessionTree *self)
{
  g_autoptr(GObject) item = dup_first_selected (self);

  /* The row's model holds the session. */
  return TETHER_IS_SESSION (item) ? TETHER_SESSION (item) : NULL;
}

/**
 * tether_session_tree_get_selected_folder:
 *
 * Returns: (transfer none) (nullable): the path of the selected folder row
 */
const char *
tether_session_tree_get_selected_folder (TetherSessionTree *self)
{
  g_autoptr(GObject) item = dup_first_selected (self);

  /* The row's model holds the folder. */
  return TETHER_IS_SESSION_FOLDER (item) ? tether_session_folder_get_path (TETHER_SESSION_FOLDER (item)) : NULL;
}

/**
 * tether_session_tree_dup_selected_sessions:
 *
 * Every selected session and every session of a selected folder or of a
 * folder inside it (shown by the search or not), once each, in the list's
 * order.
 *
 * Returns: (transfer container) (element-type TetherSession): the sessions
 */
GPtrArray *
tether_session_tree_dup_selected_sessions (TetherSessionTree *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *sessions = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (TETHER_IS_SESSION (item) && !g_ptr_array_find (sessions, item, NULL))
        g_ptr_array_add (sessions, g_object_ref (item));
      else if (TETHER_IS_SESSION_FOLDER (item))
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
          {
            g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

            if (tether_session_folder_is_within (tether_session_get_folder (session),
                                                 tether_session_folder_get_path (TETHER_SESSION_FOLDER (item))) &&
                !g_ptr_array_find (sessions, session, NULL))
              g_ptr_array_add (sessions, g_steal_pointer (&session));
          }
    }
  return sessions;
}

/**
 * tether_session_tree_select_session:
 *
 * Returns: whether @session has a row (folders are expanded to show it)
 */
gboolean
tether_session_tree_select_session (TetherSessionTree *self,
                                    TetherSession     *session)
{
  GListModel *rows = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == (GObject *) session)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, TRUE);
          return TRUE;
        }
      /* The session's folder, or a folder it is inside. */
      if (TETHER_IS_SESSION_FOLDER (item) &&
          tether_session_folder_is_within (tether_session_get_folder (session),
                                           tether_session_folder_get_path (TETHER_SESSION_FOLDER (item))))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }

  return FALSE;
}

/**
 * tether_session_tree_get_column_view:
 *
 * Returns: (transfer none): the column view
 */
GtkColumnView *
tether_session_tree_get_column_view (TetherSessionTree *self)
{
  return self->column_view;
}

/**
 * tether_session_tree_get_search_entry:
 *
 * Returns: (transfer none): the search entry
 */
GtkEditable *
tether_session_tree_get_search_entry (TetherSessionTree *self)
{
  return GTK_EDITABLE (self->search_entry);
}

/**
 * tether_session_tree_get_rows:
 *
 * Returns: (transfer none): the visible rows, #GtkTreeListRow items
 */
GListModel *
tether_session_tree_get_rows (TetherSessionTree *self)
{
  return G_LIST_MODEL (self->selection);
}

void
tether_session_tree_focus_list (TetherSessionTree *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->sessions)) > 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
tether_session_tree_focus_search (TetherSessionTree *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
