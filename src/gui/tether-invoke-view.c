/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-invoke-row.h"
#include "tether-invoke-view.h"

struct _TetherInvokeView
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  AdwWindowTitle    *window_title;
  GtkProgressBar    *progress_bar;
  GtkListView       *list_view;

  /* Owned references */
  TetherInvocation  *invocation;
  GtkSorter         *failures_first;
  GtkFileChooserNative *chooser;
  gboolean           per_computer;
};

G_DEFINE_FINAL_TYPE (TetherInvokeView, tether_invoke_view, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_INVOCATION,
  PROP_PER_COMPUTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_toast (TetherInvokeView *self,
           const char       *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

/* Progress */

/**
 * tether_invoke_view_dup_summary:
 *
 * Returns: (transfer full): where @invocation is, in words: for its
 *   progress bar and the list of runs
 */
char *
tether_invoke_view_dup_summary (TetherInvocation *invocation)
{
  guint total = tether_invocation_get_n_targets (invocation);
  guint done = tether_invocation_get_n_finished (invocation);
  guint failed = tether_invocation_get_n_failed (invocation);

  if (tether_invocation_get_cancelled (invocation))
    return g_strdup_printf (ngettext ("Canceled: %u of %u computer done",
                                      "Canceled: %u of %u computers done", total), done, total);
  if (tether_invocation_get_finished (invocation) && failed > 0)
    return g_strdup_printf (ngettext ("Done: %u of %u computer failed",
                                      "Done: %u of %u computers failed", total), failed, total);
  if (tether_invocation_get_finished (invocation))
    return g_strdup_printf (ngettext ("Done: %u computer succeeded",
                                      "Done: all %u computers succeeded", total), total);
  return g_strdup_printf (ngettext ("%u of %u computer done", "%u of %u computers done", total),
                          done, total);
}

static void
update_progress (TetherInvokeView *self)
{
  TetherInvocation *invocation = self->invocation;
  g_autofree char *text = tether_invoke_view_dup_summary (invocation);

  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, tether_invocation_get_fraction (invocation));
  if (tether_invocation_get_n_failed (invocation) > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->progress_bar), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "invoke.cancel", !tether_invocation_get_finished (invocation));
  /* A host that ended may now sort among the failures. */
  gtk_sorter_changed (self->failures_first, GTK_SORTER_CHANGE_DIFFERENT);
}

/* Per computer, failures first, then list order. */
static int
compare_results (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  TetherInvocationResult *ra = (TetherInvocationResult *) a;
  TetherInvocationResult *rb = (TetherInvocationResult *) b;
  gboolean fa = tether_invocation_status_is_failure (tether_invocation_result_get_status (ra));
  gboolean fb = tether_invocation_status_is_failure (tether_invocation_result_get_status (rb));

  if (fa != fb)
    return fa ? -1 : 1;
  return (int) tether_invocation_result_get_index (ra) - (int) tether_invocation_result_get_index (rb);
}

static void
show_rows (TetherInvokeView *self)
{
  g_autoptr(GtkNoSelection) rows = NULL;

  if (self->per_computer)
    {
      GtkSortListModel *sorted = gtk_sort_list_model_new (g_object_ref (tether_invocation_get_results (self->invocation)),
                                                          g_object_ref (self->failures_first));

      rows = gtk_no_selection_new (G_LIST_MODEL (sorted));
    }
  else
    rows = gtk_no_selection_new (g_object_ref (tether_invocation_get_groups (self->invocation)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (rows));
}

/* Actions */

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  tether_invocation_cancel (TETHER_INVOKE_VIEW (widget)->invocation);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TetherInvokeView *self = TETHER_INVOKE_VIEW (widget);
  g_autofree char *text = tether_invocation_to_text (self->invocation, !self->per_computer);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  add_toast (self, _("Results copied"));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TetherInvokeView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The results could not be saved: %s. Choose another file."),
                                               error->message);
      add_toast (self, text);
      return;
    }
  add_toast (self, _("Results saved"));
}

static void
on_chooser_response (GtkNativeDialog  *chooser,
                     int               response,
                     TetherInvokeView *self)
{
  gboolean json = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "tether-json"));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  contents = json ? tether_invocation_to_json (self->invocation)
                  : tether_invocation_to_text (self->invocation, !self->per_computer);
  bytes = g_bytes_new_take (contents, strlen (contents));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_saved, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TetherInvokeView *self = TETHER_INVOKE_VIEW (widget);
  gboolean json = g_str_equal (action_name, "invoke.save-json");

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (json ? _("Save the Results as JSON") : _("Save the Results as Text"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     json ? "results.json" : "results.txt"); /* no-i18n: file names */
  g_object_set_data (G_OBJECT (self->chooser), "tether-json", GINT_TO_POINTER (json));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

static void
tether_invoke_view_constructed (GObject *object)
{
  TetherInvokeView *self = TETHER_INVOKE_VIEW (object);
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autofree char *subtitle = NULL;
  guint n = tether_invocation_get_n_targets (self->invocation);

  G_OBJECT_CLASS (tether_invoke_view_parent_class)->constructed (object);

  factory = gtk_builder_list_item_factory_new_from_resource (NULL,
                                                             "/io/github/tetherapp/Tether/ui/tether-invoke-row-item.ui");
  gtk_list_view_set_factory (self->list_view, factory);

  adw_window_title_set_title (self->window_title, tether_invocation_get_command (self->invocation));
  subtitle = g_strdup_printf (ngettext ("On %u computer", "On %u computers", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), tether_invocation_get_command (self->invocation));

  g_signal_connect_object (self->invocation, "notify::n-finished", G_CALLBACK (update_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->invocation, "notify::finished", G_CALLBACK (update_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->invocation, "notify::cancelled", G_CALLBACK (update_progress),
                           self, G_CONNECT_SWAPPED);
  show_rows (self);
  update_progress (self);
}

static void
tether_invoke_view_dispose (GObject *object)
{
  TetherInvokeView *self = TETHER_INVOKE_VIEW (object);

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_INVOKE_VIEW);
  g_clear_object (&self->failures_first);
  g_clear_object (&self->invocation);

  G_OBJECT_CLASS (tether_invoke_view_parent_class)->dispose (object);
}

static void
tether_invoke_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TetherInvokeView *self = TETHER_INVOKE_VIEW (object);

  switch (prop_id)
    {
    case PROP_INVOCATION:
      g_value_set_object (value, self->invocation);
      break;
    case PROP_PER_COMPUTER:
      g_value_set_boolean (value, self->per_computer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invoke_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TetherInvokeView *self = TETHER_INVOKE_VIEW (object);

  switch (prop_id)
    {
    case PROP_INVOCATION:
      self->invocation = g_value_dup_object (value);
      break;
    case PROP_PER_COMPUTER:
      if (self->per_computer == g_value_get_boolean (value))
        break;
      self->per_computer = g_value_get_boolean (value);
      show_rows (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invoke_view_class_init (TetherInvokeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tether_invoke_view_constructed;
  object_class->dispose = tether_invoke_view_dispose;
  object_class->get_property = tether_invoke_view_get_property;
  object_class->set_property = tether_invoke_view_set_property;

  properties[PROP_INVOCATION] =
    g_param_spec_object ("invocation", NULL, NULL, TETHER_TYPE_INVOCATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PER_COMPUTER] =
    g_param_spec_boolean ("per-computer", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The row template names it. */
  g_type_ensure (TETHER_TYPE_INVOKE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-invoke-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeView, window_title);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeView, list_view);

  gtk_widget_class_install_action (widget_class, "invoke.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "invoke.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "invoke.save-text", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "invoke.save-json", NULL, save_action);
  gtk_widget_class_install_property_action (widget_class, "invoke.per-computer", "per-computer");
}

static void
tether_invoke_view_init (TetherInvokeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->failures_first = GTK_SORTER (gtk_custom_sorter_new (compare_results, NULL, NULL));
}

/**
 * tether_invoke_view_new:
 *
 * Returns: (transfer none): a window showing @invocation's results, not
 *   presented yet
 */
TetherInvokeView *
tether_invoke_view_new (GtkWindow        *parent,
                        TetherInvocation *invocation)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (invocation), NULL);

  return g_object_new (TETHER_TYPE_INVOKE_VIEW, "transient-for", parent, "invocation", invocation, NULL);
}

TetherInvocation *
tether_invoke_view_get_invocation (TetherInvokeView *self)
{
  g_return_val_if_fail (TETHER_IS_INVOKE_VIEW (self), NULL);
  return self->invocation;
}

/**
 * tether_invoke_view_get_list_view:
 *
 * Returns: (transfer none): the list of rows, for the tests
 */
GtkListView *
tether_invoke_view_get_list_view (TetherInvokeView *self)
{
  g_return_val_if_fail (TETHER_IS_INVOKE_VIEW (self), NULL);
  return self->list_view;
}
