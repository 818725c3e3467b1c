/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-invoke-runs.h"
#include "tether-invoke-view.h"

struct _TetherInvokeRuns
{
  GtkPopover            parent_instance;

  /* Template widgets */
  GtkLabel             *empty_label;
  GtkListView          *list_view;

  /* Owned references */
  TetherSessionManager *manager;
};

G_DEFINE_FINAL_TYPE (TetherInvokeRuns, tether_invoke_runs, GTK_TYPE_POPOVER)

enum {
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The row's summary, the same words as its results' progress bar. */
static char *
run_summary (GtkListItem      *item,
             TetherInvocation *invocation,
             guint             n_finished,
             gboolean          finished)
{
  return invocation != NULL ? tether_invoke_view_dup_summary (invocation) : NULL;
}

static void
update (TetherInvokeRuns *self)
{
  GListModel *runs = tether_session_manager_get_invocations (self->manager);

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), g_list_model_get_n_items (runs) == 0);
}

static void
on_activate (GtkListView      *view,
             guint             position,
             TetherInvokeRuns *self)
{
  g_autoptr(TetherInvocation) invocation =
    g_list_model_get_item (tether_session_manager_get_invocations (self->manager), position);

  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[OPEN], 0, invocation);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  tether_session_manager_clear_invocations (TETHER_INVOKE_RUNS (widget)->manager);
}

static void
tether_invoke_runs_dispose (GObject *object)
{
  TetherInvokeRuns *self = TETHER_INVOKE_RUNS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_INVOKE_RUNS);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (tether_invoke_runs_parent_class)->dispose (object);
}

static void
tether_invoke_runs_class_init (TetherInvokeRunsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_invoke_runs_dispose;

  signals[OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TETHER_TYPE_INVOCATION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-invoke-runs.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRuns, empty_label);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRuns, list_view);
  gtk_widget_class_install_action (widget_class, "runs.clear", NULL, clear_action);
}

static void
tether_invoke_runs_init (TetherInvokeRuns *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tether_invoke_runs_new (TetherSessionManager *manager)
{
  TetherInvokeRuns *self;
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) rows = NULL;
  GListModel *runs;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (manager), NULL);

  self = g_object_new (TETHER_TYPE_INVOKE_RUNS, NULL);
  self->manager = g_object_ref (manager);
  runs = tether_session_manager_get_invocations (manager);

  gtk_builder_cscope_add_callback (GTK_BUILDER_CSCOPE (scope), run_summary);
  factory = gtk_builder_list_item_factory_new_from_resource (scope,
                                                             "/io/github/tetherapp/Tether/ui/tether-invoke-run-item.ui");
  gtk_list_view_set_factory (self->list_view, factory);
  rows = gtk_no_selection_new (g_object_ref (runs));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (rows));
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (on_activate), self, 0);
  g_signal_connect_object (runs, "items-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}
