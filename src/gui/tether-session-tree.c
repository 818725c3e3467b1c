/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-session-columns.h"
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
  GtkWidget          *context_menu;

  /* Owned references */
  GListModel         *sessions;
  GtkCustomFilter    *search_filter;
  GtkFilterListModel *searched;
  GListStore         *folders;
  GtkCustomFilter    *ungrouped_filter;
  GtkTreeListModel   *tree_model;
  GtkSingleSelection *selection;
  GtkSorter          *row_sorter;     /* borrowed: the sort model owns it */
  char               *search_casefold;
};

G_DEFINE_FINAL_TYPE (TetherSessionTree, tether_session_tree, GTK_TYPE_WIDGET)

enum {
  SESSION_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
text_matches (const char *text,
              const char *needle_casefold)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, needle_casefold) != NULL;
}

static gboolean
search_matches (gpointer item,
                gpointer user_data)
{
  TetherSessionTree *self = user_data;
  TetherSession *session = item;

  if (self->search_casefold == NULL || *self->search_casefold == '\0')
    return TRUE;

  return text_matches (tether_session_get_name (session), self->search_casefold) ||
         text_matches (tether_session_get_computer_name (session), self->search_casefold) ||
         text_matches (tether_session_get_target (session), self->search_casefold);
}

static gboolean
session_ungrouped (gpointer item,
                   gpointer user_data)
{
  const char *folder = tether_session_get_folder (item);

  return folder == NULL || *folder == '\0';
}

/* Keeps one folder row per folder name among the searched sessions, in
 * alphabetical order, reusing the existing objects so that their rows keep
 * their expanded state.  @refilter: a session changed folders, so the
 * existing folders' filters must run again.  Never from the searched
 * model's items-changed: the folders' filter models are still on their way
 * to the new contents then, and refiltering them mid-way corrupts the tree
 * (rows with no item). */
static void
sync_folders (TetherSessionTree *self,
              gboolean           refilter)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->searched));
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->searched), i);
      const char *folder = tether_session_get_folder (session);

      /* The session outlives this function: the model holds it. */
      if (folder != NULL && *folder != '\0')
        g_hash_table_add (names, (gpointer) folder);
    }

  i = 0;
  while (i < g_list_model_get_n_items (G_LIST_MODEL (self->folders)))
    {
      g_autoptr(TetherSessionFolder) folder = g_list_model_get_item (G_LIST_MODEL (self->folders), i);

      if (g_hash_table_remove (names, tether_session_folder_get_name (folder)))
        {
          if (refilter)
            tether_session_folder_refilter (folder);
          i++;
        }
      else
        g_list_store_remove (self->folders, i);
    }

  {
    GHashTableIter iter;
    const char *name;

    g_hash_table_iter_init (&iter, names);
    while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
      {
        g_autoptr(TetherSessionFolder) folder = tether_session_folder_new (name, G_LIST_MODEL (self->searched));
        guint pos = 0;

        for (pos = 0; pos < g_list_model_get_n_items (G_LIST_MODEL (self->folders)); pos++)
          {
            g_autoptr(TetherSessionFolder) other = g_list_model_get_item (G_LIST_MODEL (self->folders), pos);

            if (g_utf8_collate (name, tether_session_folder_get_name (other)) < 0)
              break;
          }
        g_list_store_insert (self->folders, pos, folder);
      }
  }
}

static void
on_session_notify (TetherSession     *session,
                   GParamSpec        *pspec,
                   TetherSessionTree *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "folder"))
    {
      gtk_filter_changed (GTK_FILTER (self->ungrouped_filter), GTK_FILTER_CHANGE_DIFFERENT);
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

/* The list, or the page saying there is no session.  The other is hidden,
 * not only behind: GTK styles every visible widget of a window, shown or
 * not, and looks up its icons. */
static void
show_list (TetherSessionTree *self,
           gboolean           list)
{
  GtkWidget *list_page = gtk_stack_get_child_by_name (self->stack, "list");
  GtkWidget *shown = list ? list_page : GTK_WIDGET (self->empty_page);

  /* Shown first: a stack whose visible child hides shows another. */
  gtk_widget_set_visible (shown, TRUE);
  gtk_stack_set_visible_child (self->stack, shown);
  gtk_widget_set_visible (list ? GTK_WIDGET (self->empty_page) : list_page, FALSE);
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

  show_list (self, g_list_model_get_n_items (model) > 0);
}

static void
on_searched_changed (GListModel        *model,
                     guint              position,
                     guint              removed,
                     guint              added,
                     TetherSessionTree *self)
{
  sync_folders (self, FALSE);
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
  g_menu_append (first, _("_Disconnect"), "win.disconnect-session");
  g_menu_append (second, _("_Edit…"), "win.edit-session");
  g_menu_append (second, _("_Duplicate"), "win.duplicate-session");
  g_menu_append (second, _("_Forget Password"), "win.forget-password");
  g_menu_append (second, _("_Remove"), "win.remove-session");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (second));
  return G_MENU_MODEL (menu);
}

static void
popup_menu (GtkWidget *cell,
            guint      position,
            double     x,
            double     y,
            gpointer   user_data)
{
  TetherSessionTree *self = user_data;
  graphene_point_t point;
  GdkRectangle rect;

  /* The menu acts on the selection: select the row clicked first. */
  gtk_single_selection_set_selected (self->selection, position);

  /* Built on first use rather than with the window, whose first frame does
   * not show it. */
  if (self->context_menu == NULL)
    {
      g_autoptr(GMenuModel) menu = build_context_menu ();

      self->context_menu = gtk_popover_menu_new_from_model (menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
    }

  if (!gtk_widget_compute_point (cell, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  rect = (GdkRectangle) { point.x, point.y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
add_column (TetherSessionTree   *self,
            TetherSessionColumn  column,
            const char          *title)
{
  g_autoptr(GtkColumnViewColumn) view_column = tether_session_column_new (column, title, popup_menu, self);

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
  g_object_set (self->search_entry, "placeholder-text", _("Search by name or computer"), NULL);
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
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_activate), self, 0);
  /* Typing a name while the list has the focus searches for it. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));

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
  show_list (self, FALSE);

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

/**
 * tether_session_tree_get_selected_session:
 *
 * Returns: (transfer none) (nullable): the session of the selected row
 */
TetherSession *
tether_session_tree_get_selected_session (TetherSessionTree *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GObject) item = NULL;

  if (row == NULL)
    return NULL;

  item = gtk_tree_list_row_get_item (row);
  /* The row's model holds the session. */
  return TETHER_IS_SESSION (item) ? TETHER_SESSION (item) : NULL;
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
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
      if (TETHER_IS_SESSION_FOLDER (item) &&
          g_strcmp0 (tether_session_folder_get_name (TETHER_SESSION_FOLDER (item)), tether_session_get_folder (session)) == 0)
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
