/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-session-tree.h"

/* A folder row: its name and the (searched) sessions filed under it. */
#define TETHER_TYPE_SESSION_FOLDER (tether_session_folder_get_type ())
G_DECLARE_FINAL_TYPE (TetherSessionFolder, tether_session_folder, TETHER, SESSION_FOLDER, GObject)

struct _TetherSessionFolder
{
  GObject             parent_instance;
  char               *name;
  GtkCustomFilter    *filter;
  GtkFilterListModel *children;
};

G_DEFINE_FINAL_TYPE (TetherSessionFolder, tether_session_folder, G_TYPE_OBJECT)

static void
tether_session_folder_finalize (GObject *object)
{
  TetherSessionFolder *self = TETHER_SESSION_FOLDER (object);

  g_clear_object (&self->children);
  g_clear_object (&self->filter);
  g_free (self->name);

  G_OBJECT_CLASS (tether_session_folder_parent_class)->finalize (object);
}

static void
tether_session_folder_class_init (TetherSessionFolderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tether_session_folder_finalize;
}

static void
tether_session_folder_init (TetherSessionFolder *self)
{
}

static gboolean
session_in_folder (gpointer item,
                   gpointer user_data)
{
  TetherSessionFolder *folder = user_data;

  return g_strcmp0 (tether_session_get_folder (item), folder->name) == 0;
}

static TetherSessionFolder *
tether_session_folder_new (const char *name,
                           GListModel *sessions)
{
  TetherSessionFolder *self = g_object_new (TETHER_TYPE_SESSION_FOLDER, NULL);

  self->name = g_strdup (name);
  /* The filter holds a plain pointer to its folder, which owns it. */
  self->filter = gtk_custom_filter_new (session_in_folder, self, NULL);
  self->children = gtk_filter_list_model_new (g_object_ref (sessions),
                                              GTK_FILTER (g_object_ref (self->filter)));
  return self;
}

enum {
  COLUMN_ID,
  COLUMN_NAME,
  COLUMN_COMPUTER_NAME,
  COLUMN_STATE,
  COLUMN_CONFIGURATION_NAME,
  N_COLUMNS
};

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

      if (g_hash_table_remove (names, folder->name))
        {
          if (refilter)
            gtk_filter_changed (GTK_FILTER (folder->filter), GTK_FILTER_CHANGE_DIFFERENT);
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

            if (g_utf8_collate (name, other->name) < 0)
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

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (model) > 0 ? "list" : "empty");
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
    return g_object_ref (G_LIST_MODEL (TETHER_SESSION_FOLDER (item)->children));
  return NULL;
}

/* Cells */

static gpointer
row_item (GtkListItem *list_item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static const char *
state_css_class (TetherSessionState state)
{
  switch (state)
    {
    case TETHER_SESSION_STATE_OPENED:
      return "state-opened";
    case TETHER_SESSION_STATE_BROKEN:
      return "state-broken";
    case TETHER_SESSION_STATE_OPENING:
    case TETHER_SESSION_STATE_CONNECTING:
    case TETHER_SESSION_STATE_CLOSING:
    case TETHER_SESSION_STATE_DISCONNECTING:
      return "state-busy";
    case TETHER_SESSION_STATE_CLOSED:
    case TETHER_SESSION_STATE_DISCONNECTED:
    default:
      return "state-closed";
    }
}

static const char *
state_icon_name (TetherSessionState state)
{
  switch (state)
    {
    case TETHER_SESSION_STATE_OPENED:
      return "network-transmit-receive-symbolic";
    case TETHER_SESSION_STATE_BROKEN:
      return "dialog-error-symbolic";
    case TETHER_SESSION_STATE_OPENING:
    case TETHER_SESSION_STATE_CONNECTING:
    case TETHER_SESSION_STATE_CLOSING:
    case TETHER_SESSION_STATE_DISCONNECTING:
      return "content-loading-symbolic";
    case TETHER_SESSION_STATE_CLOSED:
    case TETHER_SESSION_STATE_DISCONNECTED:
    default:
      return "network-offline-symbolic";
    }
}

static void
update_cell (GtkListItem *list_item)
{
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "tether-column"));
  GtkWidget *child = gtk_list_item_get_child (list_item);
  gpointer item = row_item (list_item);
  GtkLabel *label = g_object_get_data (G_OBJECT (child), "tether-label");
  GtkImage *image = g_object_get_data (G_OBJECT (child), "tether-image");
  TetherSession *session = TETHER_IS_SESSION (item) ? item : NULL;
  g_autofree char *text = NULL;

  if (TETHER_IS_SESSION_FOLDER (item))
    {
      TetherSessionFolder *folder = item;

      gtk_label_set_label (label, column == COLUMN_NAME ? folder->name : "");
      /* Folders are few and short: their name is never cut. */
      gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_NONE);
      if (image != NULL)
        {
          gtk_image_set_from_icon_name (image, "folder-symbolic");
          gtk_widget_set_visible (GTK_WIDGET (image), column == COLUMN_NAME);
        }
      return;
    }

  if (session == NULL)
    return;

  switch (column)
    {
    case COLUMN_ID:
      text = g_strdup_printf ("%u", tether_session_get_id (session));
      break;
    case COLUMN_NAME:
      text = g_strdup (tether_session_get_name (session));
      gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
      gtk_widget_set_visible (GTK_WIDGET (image), FALSE);
      break;
    case COLUMN_COMPUTER_NAME:
      text = g_strdup (tether_session_get_computer_name (session));
      break;
    case COLUMN_STATE:
      {
        TetherSessionState state = tether_session_get_state (session);
        const char *classes[] = { "state-opened", "state-broken", "state-busy", "state-closed" };

        text = g_strdup (tether_session_state_to_display (state));
        for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
          gtk_widget_remove_css_class (child, classes[i]);
        gtk_widget_add_css_class (child, state_css_class (state));
        gtk_image_set_from_icon_name (image, state_icon_name (state));
        gtk_widget_set_visible (GTK_WIDGET (image), TRUE);
        gtk_widget_set_tooltip_text (child, tether_session_get_last_error (session));
      }
      break;
    case COLUMN_CONFIGURATION_NAME:
      text = g_strdup (tether_session_get_configuration_name (session));
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (label, text != NULL ? text : "");
}

static void
on_cell_session_notify (TetherSession *session,
                        GParamSpec    *pspec,
                        GtkListItem   *list_item)
{
  update_cell (list_item);
}

static void
on_cell_pressed (GtkGestureClick   *gesture,
                 int                n_press,
                 double             x,
                 double             y,
                 TetherSessionTree *self)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkListItem *list_item = g_object_get_data (G_OBJECT (cell), "tether-list-item");
  graphene_point_t point;
  GdkRectangle rect;

  if (list_item == NULL || gtk_list_item_get_position (list_item) == GTK_INVALID_LIST_POSITION)
    return;

  /* The menu acts on the selection: select the row clicked first. */
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));

  if (!gtk_widget_compute_point (cell, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  rect = (GdkRectangle) { point.x, point.y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            TetherSessionTree        *self)
{
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "tether-column"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *root = box;
  GtkGesture *gesture;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  /* Names and hosts may be long: they give way.  Ids, states and
   * configuration names are short and stay whole. */
  if (column == COLUMN_NAME || column == COLUMN_COMPUTER_NAME)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 6);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
    }

  if (column == COLUMN_NAME || column == COLUMN_STATE)
    {
      GtkWidget *image = gtk_image_new ();

      gtk_box_append (GTK_BOX (box), image);
      g_object_set_data (G_OBJECT (box), "tether-image", image);
    }
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (box), "tether-label", label);

  if (column == COLUMN_ID)
    gtk_widget_add_css_class (label, "numeric");

  /* The expander indents children and toggles folders; it sits in the Name
   * column, where a folder's name shows. */
  if (column == COLUMN_NAME)
    {
      root = gtk_tree_expander_new ();
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (root), box);
      g_object_set_data (G_OBJECT (root), "tether-label", label);
      g_object_set_data (G_OBJECT (root), "tether-image", g_object_get_data (G_OBJECT (box), "tether-image"));
    }

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (on_cell_pressed), self, 0);
  gtk_widget_add_controller (root, GTK_EVENT_CONTROLLER (gesture));
  g_object_set_data (G_OBJECT (root), "tether-list-item", list_item);

  g_object_set_data (G_OBJECT (list_item), "tether-column", GINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, root);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           TetherSessionTree        *self)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  gpointer item = row_item (list_item);

  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), gtk_list_item_get_item (list_item));

  /* Every state change shows at once: the cell follows its session. */
  if (TETHER_IS_SESSION (item))
    {
      gulong id = g_signal_connect_object (item, "notify", G_CALLBACK (on_cell_session_notify),
                                           list_item, 0);

      g_object_set_data (G_OBJECT (list_item), "tether-notify-id", GSIZE_TO_POINTER (id));
      g_object_set_data_full (G_OBJECT (list_item), "tether-session", g_object_ref (item), g_object_unref);
    }

  update_cell (list_item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TetherSessionTree        *self)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  gpointer session = g_object_get_data (G_OBJECT (list_item), "tether-session");
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "tether-notify-id"));

  if (session != NULL && id != 0)
    g_signal_handler_disconnect (session, id);
  g_object_set_data (G_OBJECT (list_item), "tether-notify-id", NULL);
  g_object_set_data (G_OBJECT (list_item), "tether-session", NULL);

  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), NULL);
}

/* Sorting: folders before sessions, folders by name, sessions by the
 * column's value.  GtkTreeListRowSorter keeps children under their folder. */
static int
compare_items (gconstpointer ca,
               gconstpointer cb,
               gpointer      user_data)
{
  int column = GPOINTER_TO_INT (user_data);
  gpointer a = (gpointer) ca, b = (gpointer) cb;
  TetherSession *sa, *sb;

  if (TETHER_IS_SESSION_FOLDER (a) || TETHER_IS_SESSION_FOLDER (b))
    {
      if (TETHER_IS_SESSION_FOLDER (a) && TETHER_IS_SESSION_FOLDER (b))
        return g_utf8_collate (TETHER_SESSION_FOLDER (a)->name, TETHER_SESSION_FOLDER (b)->name);
      return TETHER_IS_SESSION_FOLDER (a) ? -1 : 1;
    }

  sa = TETHER_SESSION (a);
  sb = TETHER_SESSION (b);

  switch (column)
    {
    case COLUMN_ID:
      {
        guint ia = tether_session_get_id (sa), ib = tether_session_get_id (sb);

        return ia < ib ? -1 : ia > ib;
      }
    case COLUMN_NAME:
      return g_utf8_collate (tether_session_get_name (sa), tether_session_get_name (sb));
    case COLUMN_COMPUTER_NAME:
      return g_utf8_collate (tether_session_get_computer_name (sa), tether_session_get_computer_name (sb));
    case COLUMN_STATE:
      return g_utf8_collate (tether_session_state_to_display (tether_session_get_state (sa)),
                             tether_session_state_to_display (tether_session_get_state (sb)));
    case COLUMN_CONFIGURATION_NAME:
      return g_utf8_collate (tether_session_get_configuration_name (sa),
                             tether_session_get_configuration_name (sb));
    default:
      g_assert_not_reached ();
    }
}

static void
add_column (TetherSessionTree *self,
            int                column,
            const char        *title,
            gboolean           expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;
  g_autoptr(GtkSorter) sorter = NULL;

  g_object_set_data (G_OBJECT (factory), "tether-column", GINT_TO_POINTER (column));
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cell), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cell), self, 0);

  view_column = gtk_column_view_column_new (title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_items, GINT_TO_POINTER (column), NULL));
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column, expand);
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

static GMenuModel *
build_context_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) second = g_menu_new ();

  g_menu_append (first, _("_Enter"), "win.enter");
  g_menu_append (first, _("_Close"), "win.close-session");
  g_menu_append (second, _("_Edit…"), "win.edit-session");
  g_menu_append (second, _("_Duplicate"), "win.duplicate-session");
  g_menu_append (second, _("_Remove"), "win.remove-session");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (second));
  return G_MENU_MODEL (menu);
}

static void
tether_session_tree_init (TetherSessionTree *self)
{
  g_autoptr(GListStore) roots = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GMenuModel) menu = build_context_menu ();
  GtkWidget *scrolled;
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
  add_column (self, COLUMN_ID, C_("column", "Id"), FALSE);
  add_column (self, COLUMN_NAME, C_("column", "Name"), TRUE);
  add_column (self, COLUMN_COMPUTER_NAME, C_("column", "ComputerName"), TRUE);
  add_column (self, COLUMN_STATE, C_("column", "State"), FALSE);
  add_column (self, COLUMN_CONFIGURATION_NAME, C_("column", "ConfigurationName"), FALSE);

  sorter = GTK_SORTER (gtk_tree_list_row_sorter_new (g_object_ref (gtk_column_view_get_sorter (self->column_view))));
  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->tree_model)), sorter);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_activate), self, 0);

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
  gtk_stack_set_visible_child_name (self->stack, "empty");

  self->context_menu = gtk_popover_menu_new_from_model (menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
}

GtkWidget *
tether_session_tree_new (void)
{
  return g_object_new (TETHER_TYPE_SESSION_TREE, NULL);
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
          g_strcmp0 (TETHER_SESSION_FOLDER (item)->name, tether_session_get_folder (session)) == 0)
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

void
tether_session_tree_set_empty_description (TetherSessionTree *self,
                                           const char        *description)
{
  adw_status_page_set_description (self->empty_page, description);
}
