/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-broadcast-popover.h"
#include "tether-session-tab.h"

struct _TetherBroadcastPopover
{
  GtkPopover        parent_instance;

  /* Template widgets */
  GtkListView      *list_view;

  /* Owned references */
  AdwTabView       *tab_view;
  TetherBroadcast  *broadcast;
  GtkSelectionModel *pages;
};

G_DEFINE_FINAL_TYPE (TetherBroadcastPopover, tether_broadcast_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_TAB_VIEW,
  PROP_BROADCAST,
  PROP_ALL_PICKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static TetherTerminal *
nth_terminal (TetherBroadcastPopover *self,
              guint                   position)
{
  AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, (int) position);

  return tether_session_tab_get_terminal (TETHER_SESSION_TAB (adw_tab_page_get_child (page)));
}

/* Every tab that can be picked is, and there is one. */
static gboolean
get_all_picked (TetherBroadcastPopover *self)
{
  guint n = (guint) adw_tab_view_get_n_pages (self->tab_view);
  guint entered = 0;

  for (guint i = 0; i < n; i++)
    {
      TetherTerminal *terminal = nth_terminal (self, i);
      TetherSession *session = tether_terminal_get_session (terminal);

      if (session == NULL || !tether_session_get_attached (session))
        continue;
      if (!tether_broadcast_contains (self->broadcast, terminal))
        return FALSE;
      entered++;
    }
  return entered > 0;
}

static void
set_all_picked (TetherBroadcastPopover *self,
                gboolean                picked)
{
  guint n = (guint) adw_tab_view_get_n_pages (self->tab_view);

  if (!picked)
    {
      tether_broadcast_stop (self->broadcast);
      return;
    }
  for (guint i = 0; i < n; i++)
    tether_broadcast_set_member (self->broadcast, nth_terminal (self, i), TRUE);
}

static void
notify_all_picked (TetherBroadcastPopover *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALL_PICKED]);
}

/* A row's check box: the binding sets it from the tab, the user from a
 * click; both come here, and only the user's changes anything. */
static void
on_row_toggled (GtkListItem    *item,
                GtkCheckButton *button)
{
  AdwTabPage *page = gtk_list_item_get_item (item);
  TetherTerminal *terminal;
  TetherBroadcast *broadcast;

  if (page == NULL)
    return;
  terminal = tether_session_tab_get_terminal (TETHER_SESSION_TAB (adw_tab_page_get_child (page)));
  broadcast = tether_terminal_get_broadcast (terminal);
  if (broadcast == NULL)
    return;
  if (!tether_broadcast_set_member (broadcast, terminal, gtk_check_button_get_active (button)))
    gtk_check_button_set_active (button, FALSE);
}

static void
tether_broadcast_popover_constructed (GObject *object)
{
  TetherBroadcastPopover *self = TETHER_BROADCAST_POPOVER (object);
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) rows = NULL;

  G_OBJECT_CLASS (tether_broadcast_popover_parent_class)->constructed (object);

  gtk_builder_cscope_add_callback (GTK_BUILDER_CSCOPE (scope), on_row_toggled);
  factory = gtk_builder_list_item_factory_new_from_resource (scope,
                                                             "/io/github/tetherapp/Tether/ui/tether-broadcast-row.ui");
  gtk_list_view_set_factory (self->list_view, factory);

  /* The pages' own selection is the selected tab: not this list's. */
  self->pages = adw_tab_view_get_pages (self->tab_view);
  rows = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->pages)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (rows));

  g_signal_connect_object (self->pages, "items-changed", G_CALLBACK (notify_all_picked),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->broadcast, "notify::n-members", G_CALLBACK (notify_all_picked),
                           self, G_CONNECT_SWAPPED);
  /* Sessions entered or left since it was last open. */
  g_signal_connect (self, "map", G_CALLBACK (notify_all_picked), NULL);
}

static void
tether_broadcast_popover_dispose (GObject *object)
{
  TetherBroadcastPopover *self = TETHER_BROADCAST_POPOVER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_BROADCAST_POPOVER);
  g_clear_object (&self->pages);
  g_clear_object (&self->tab_view);
  g_clear_object (&self->broadcast);

  G_OBJECT_CLASS (tether_broadcast_popover_parent_class)->dispose (object);
}

static void
tether_broadcast_popover_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  TetherBroadcastPopover *self = TETHER_BROADCAST_POPOVER (object);

  switch (prop_id)
    {
    case PROP_TAB_VIEW:
      g_value_set_object (value, self->tab_view);
      break;
    case PROP_BROADCAST:
      g_value_set_object (value, self->broadcast);
      break;
    case PROP_ALL_PICKED:
      g_value_set_boolean (value, get_all_picked (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_broadcast_popover_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  TetherBroadcastPopover *self = TETHER_BROADCAST_POPOVER (object);

  switch (prop_id)
    {
    case PROP_TAB_VIEW:
      self->tab_view = g_value_dup_object (value);
      break;
    case PROP_BROADCAST:
      self->broadcast = g_value_dup_object (value);
      break;
    case PROP_ALL_PICKED:
      set_all_picked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_broadcast_popover_class_init (TetherBroadcastPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tether_broadcast_popover_constructed;
  object_class->dispose = tether_broadcast_popover_dispose;
  object_class->get_property = tether_broadcast_popover_get_property;
  object_class->set_property = tether_broadcast_popover_set_property;

  properties[PROP_TAB_VIEW] =
    g_param_spec_object ("tab-view", NULL, NULL, ADW_TYPE_TAB_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROADCAST] =
    g_param_spec_object ("broadcast", NULL, NULL, TETHER_TYPE_BROADCAST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALL_PICKED] =
    g_param_spec_boolean ("all-picked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The row template looks these types up by name. */
  g_type_ensure (TETHER_TYPE_SESSION_TAB);
  g_type_ensure (TETHER_TYPE_SESSION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-broadcast-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherBroadcastPopover, list_view);
  gtk_widget_class_install_property_action (widget_class, "broadcast.all", "all-picked");
}

static void
tether_broadcast_popover_init (TetherBroadcastPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tether_broadcast_popover_new (AdwTabView      *tab_view,
                              TetherBroadcast *broadcast)
{
  g_return_val_if_fail (ADW_IS_TAB_VIEW (tab_view), NULL);
  g_return_val_if_fail (TETHER_IS_BROADCAST (broadcast), NULL);

  return g_object_new (TETHER_TYPE_BROADCAST_POPOVER, "tab-view", tab_view, "broadcast", broadcast, NULL);
}
