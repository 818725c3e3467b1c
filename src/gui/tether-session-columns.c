/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-session-columns.h"

/* A folder row: its path (`Prod/Staging`), the name it shows (`Staging`),
 * and under it the folders inside it, then the (searched) sessions filed
 * directly in it. */

struct _TetherSessionFolder
{
  GObject             parent_instance;
  char               *path;
  const char         *name;       /* the last part of path */
  GListStore         *subfolders;
  GtkCustomFilter    *filter;
  GtkFilterListModel *sessions;
  GListModel         *children;
};

G_DEFINE_FINAL_TYPE (TetherSessionFolder, tether_session_folder, G_TYPE_OBJECT)

static void
tether_session_folder_dispose (GObject *object)
{
  TetherSessionFolder *self = TETHER_SESSION_FOLDER (object);

  g_clear_object (&self->children);
  g_clear_object (&self->sessions);
  g_clear_object (&self->filter);
  g_clear_object (&self->subfolders);

  G_OBJECT_CLASS (tether_session_folder_parent_class)->dispose (object);
}

static void
tether_session_folder_finalize (GObject *object)
{
  TetherSessionFolder *self = TETHER_SESSION_FOLDER (object);

  g_free (self->path);

  G_OBJECT_CLASS (tether_session_folder_parent_class)->finalize (object);
}

static void
tether_session_folder_class_init (TetherSessionFolderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tether_session_folder_dispose;
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

  return g_strcmp0 (tether_session_get_folder (item), folder->path) == 0;
}

/**
 * tether_session_folder_new:
 * @path: the folder's path, as tether_session_folder_normalize() writes it
 * @sessions: the sessions it picks its own from
 */
TetherSessionFolder *
tether_session_folder_new (const char *path,
                           GListModel *sessions)
{
  TetherSessionFolder *self = g_object_new (TETHER_TYPE_SESSION_FOLDER, NULL);
  GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);
  const char *slash = strrchr (path, '/');

  self->path = g_strdup (path);
  self->name = slash != NULL ? self->path + (slash - path) + 1 : self->path;
  self->subfolders = g_list_store_new (TETHER_TYPE_SESSION_FOLDER);
  /* The filter holds a plain pointer to its folder, which owns it. */
  self->filter = gtk_custom_filter_new (session_in_folder, self, NULL);
  self->sessions = gtk_filter_list_model_new (g_object_ref (sessions),
                                              GTK_FILTER (g_object_ref (self->filter)));
  g_list_store_append (parts, self->subfolders);
  g_list_store_append (parts, self->sessions);
  self->children = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
  return self;
}

const char *
tether_session_folder_get_name (TetherSessionFolder *self)
{
  return self->name;
}

const char *
tether_session_folder_get_path (TetherSessionFolder *self)
{
  return self->path;
}

/**
 * tether_session_folder_get_subfolders:
 *
 * Returns: (transfer none): the folders inside this one, for the tree to
 *   keep in step with the sessions
 */
GListStore *
tether_session_folder_get_subfolders (TetherSessionFolder *self)
{
  return self->subfolders;
}

/**
 * tether_session_folder_get_children:
 *
 * Returns: (transfer none): the folders inside it, then the sessions filed
 *   in it
 */
GListModel *
tether_session_folder_get_children (TetherSessionFolder *self)
{
  return self->children;
}

/* A session changed folders: the filter runs again. */
void
tether_session_folder_refilter (TetherSessionFolder *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}


/* Returns a new reference (gtk_tree_list_row_get_item() gives one). */
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
  g_autoptr(GObject) item = row_item (list_item);
  GtkLabel *label = g_object_get_data (G_OBJECT (child), "tether-label");
  GtkImage *image = g_object_get_data (G_OBJECT (child), "tether-image");
  TetherSession *session = TETHER_IS_SESSION (item) ? TETHER_SESSION (item) : NULL;
  g_autofree char *text = NULL;

  if (TETHER_IS_SESSION_FOLDER (item))
    {
      TetherSessionFolder *folder = TETHER_SESSION_FOLDER (item);

      gtk_label_set_label (label, column == TETHER_SESSION_COLUMN_NAME ? folder->name : "");
      /* Folders are few and short: their name is never cut. */
      gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_NONE);
      if (image != NULL)
        {
          gtk_image_set_from_icon_name (image, "folder-symbolic");
          gtk_widget_set_visible (GTK_WIDGET (image), column == TETHER_SESSION_COLUMN_NAME);
        }
      return;
    }

  if (session == NULL)
    return;

  switch (column)
    {
    case TETHER_SESSION_COLUMN_ID:
      text = g_strdup_printf ("%u", tether_session_get_id (session));
      break;
    case TETHER_SESSION_COLUMN_NAME:
      text = g_strdup (tether_session_get_name (session));
      gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
      gtk_widget_set_visible (GTK_WIDGET (image), FALSE);
      break;
    case TETHER_SESSION_COLUMN_COMPUTER_NAME:
      text = tether_session_dup_shown_computer (session);
      break;
    case TETHER_SESSION_COLUMN_STATE:
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
    case TETHER_SESSION_COLUMN_CONFIGURATION_NAME:
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

/* What a cell calls back: the tree's context menu, and its drop. */
typedef struct {
  TetherSessionMenuFunc func;
  TetherSessionDropFunc drop;
  gpointer              user_data;
} CellCallbacks;

static void
on_cell_pressed (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 CellCallbacks   *menu)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkListItem *list_item = g_object_get_data (G_OBJECT (cell), "tether-list-item");

  if (list_item == NULL || gtk_list_item_get_position (list_item) == GTK_INVALID_LIST_POSITION)
    return;

  menu->func (cell, gtk_list_item_get_position (list_item), x, y, menu->user_data);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gpointer
cell_item (GtkWidget *cell)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (cell), "tether-list-item");

  return list_item != NULL ? row_item (list_item) : NULL;
}

/* A session's row is dragged by any of its cells; a folder is not. */
static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GObject) item = cell_item (cell);

  if (!TETHER_IS_SESSION (item))
    return NULL;
  return gdk_content_provider_new_typed (TETHER_TYPE_SESSION, item);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (cell);

  /* The cell as it looks, under the pointer. */
  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

/* Dropped on a folder's row: into that folder; on a session's row: next to
 * that session, in its folder. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CellCallbacks *menu)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  g_autoptr(GObject) item = cell_item (cell);
  const char *folder;

  if (!G_VALUE_HOLDS (value, TETHER_TYPE_SESSION) || item == NULL)
    return FALSE;

  folder = TETHER_IS_SESSION_FOLDER (item) ? TETHER_SESSION_FOLDER (item)->path
                                           : tether_session_get_folder (TETHER_SESSION (item));
  menu->drop (g_value_get_object (value), folder, menu->user_data);
  return TRUE;
}

/* The cells are built here rather than from a GtkBuilderListItemFactory
 * template per column: with six saved sessions the templates ran 11 M more
 * instructions before the first frame (550 -> 561 M, callgrind), a builder
 * for each of the 40 cells, and needed a second label per cell for the
 * folder rows, whose item has none of a session's properties. */
static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CellCallbacks            *menu)
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
  if (column == TETHER_SESSION_COLUMN_NAME || column == TETHER_SESSION_COLUMN_COMPUTER_NAME)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 6);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
    }

  if (column == TETHER_SESSION_COLUMN_NAME || column == TETHER_SESSION_COLUMN_STATE)
    {
      GtkWidget *image = gtk_image_new ();

      gtk_box_append (GTK_BOX (box), image);
      g_object_set_data (G_OBJECT (box), "tether-image", image);
    }
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (box), "tether-label", label);

  if (column == TETHER_SESSION_COLUMN_ID)
    gtk_widget_add_css_class (label, "numeric");

  /* The expander indents children and toggles folders; it sits in the Name
   * column, where a folder's name shows. */
  if (column == TETHER_SESSION_COLUMN_NAME)
    {
      root = gtk_tree_expander_new ();
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (root), box);
      g_object_set_data (G_OBJECT (root), "tether-label", label);
      g_object_set_data (G_OBJECT (root), "tether-image", g_object_get_data (G_OBJECT (box), "tether-image"));
    }

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_cell_pressed), menu);
  gtk_widget_add_controller (root, GTK_EVENT_CONTROLLER (gesture));

  {
    GtkDragSource *source = gtk_drag_source_new ();
    GtkDropTarget *target = gtk_drop_target_new (TETHER_TYPE_SESSION, GDK_ACTION_MOVE);

    gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
    g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), NULL);
    g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), NULL);
    gtk_widget_add_controller (root, GTK_EVENT_CONTROLLER (source));
    g_signal_connect (target, "drop", G_CALLBACK (on_drop), menu);
    gtk_widget_add_controller (root, GTK_EVENT_CONTROLLER (target));
  }
  g_object_set_data (G_OBJECT (root), "tether-list-item", list_item);

  g_object_set_data (G_OBJECT (list_item), "tether-column", GINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, root);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  g_autoptr(GObject) item = row_item (list_item);

  if (GTK_IS_TREE_EXPANDER (child))
    {
      GtkTreeListRow *row = gtk_list_item_get_item (list_item);

      /* A session outside every folder has no arrow to line up with: no
       * room kept for one, or it would look filed in a folder. */
      gtk_tree_expander_set_indent_for_icon (GTK_TREE_EXPANDER (child),
                                             gtk_tree_list_row_get_depth (row) > 0 ||
                                             gtk_tree_list_row_is_expandable (row));
      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), row);
    }

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
             gpointer                  user_data)
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
    case TETHER_SESSION_COLUMN_ID:
      {
        guint ia = tether_session_get_id (sa), ib = tether_session_get_id (sb);

        return ia < ib ? -1 : ia > ib;
      }
    case TETHER_SESSION_COLUMN_NAME:
      return g_utf8_collate (tether_session_get_name (sa), tether_session_get_name (sb));
    case TETHER_SESSION_COLUMN_COMPUTER_NAME:
      {
        g_autofree char *ca = tether_session_dup_shown_computer (sa);
        g_autofree char *cb = tether_session_dup_shown_computer (sb);

        return g_utf8_collate (ca, cb);
      }
    case TETHER_SESSION_COLUMN_STATE:
      return g_utf8_collate (tether_session_state_to_display (tether_session_get_state (sa)),
                             tether_session_state_to_display (tether_session_get_state (sb)));
    case TETHER_SESSION_COLUMN_CONFIGURATION_NAME:
      return g_utf8_collate (tether_session_get_configuration_name (sa),
                             tether_session_get_configuration_name (sb));
    default:
      g_assert_not_reached ();
    }
}

/**
 * tether_session_column_new:
 * @menu_func: called on a secondary click on a cell
 * @drop_func: called when a session is dropped on a cell
 *
 * Returns: (transfer full): the column, sortable
 */
GtkColumnViewColumn *
tether_session_column_new (TetherSessionColumn    column,
                           const char            *title,
                           TetherSessionMenuFunc  menu_func,
                           TetherSessionDropFunc  drop_func,
                           gpointer               user_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;
  g_autoptr(GtkSorter) sorter = NULL;
  CellCallbacks *menu = g_new0 (CellCallbacks, 1);

  menu->func = menu_func;
  menu->drop = drop_func;
  menu->user_data = user_data;
  /* The factory lives as long as the column and its cells. */
  g_object_set_data_full (G_OBJECT (factory), "tether-menu", menu, g_free);
  g_object_set_data (G_OBJECT (factory), "tether-column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), menu);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);

  view_column = gtk_column_view_column_new (title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_items, GINT_TO_POINTER (column), NULL));
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column,
                                     column == TETHER_SESSION_COLUMN_NAME ||
                                     column == TETHER_SESSION_COLUMN_COMPUTER_NAME);
  return view_column;
}
