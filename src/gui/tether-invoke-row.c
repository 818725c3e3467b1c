/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-invoke-row.h"

/* What the standard error looks like (libadwaita's red, readable on
 * both backgrounds); the row says so in words too. */
#define STDERR_COLOR "#e01b24"
/* A label re-laid out at every chunk: past this, only the end is shown
 * (Copy and Save have all of it). */
#define SHOWN_MAX    (64 * 1024)

struct _TetherInvokeRow
{
  GtkWidget               parent_instance;

  /* Template widgets */
  GtkImage               *status_icon;
  GtkLabel               *heading_label;
  GtkLabel               *status_label;
  GtkLabel               *error_label;
  GtkLabel               *stderr_note;
  GtkLabel               *cut_note;
  GtkLabel               *output_label;

  /* Owned references */
  GObject                *item;
  GSignalGroup           *result_signals;
  GSignalGroup           *group_signals;
  char                   *output;
};

G_DEFINE_FINAL_TYPE (TetherInvokeRow, tether_invoke_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static TetherInvocationResult *
shown_result (TetherInvokeRow *self)
{
  return g_signal_group_dup_target (self->result_signals);
}

static const char *
status_icon (TetherInvocationStatus status)
{
  if (status == TETHER_INVOCATION_STATUS_SUCCEEDED)
    return "emblem-ok-symbolic";
  if (status == TETHER_INVOCATION_STATUS_CANCELLED)
    return "process-stop-symbolic";
  if (tether_invocation_status_is_failure (status))
    return "dialog-error-symbolic";
  return "emblem-synchronizing-symbolic";
}

static void
update_status (TetherInvokeRow *self)
{
  g_autoptr(TetherInvocationResult) result = shown_result (self);
  TetherInvocationStatus status;
  const char *message;
  g_autofree char *text = NULL;
  int exit_status;

  if (result == NULL)
    return;
  status = tether_invocation_result_get_status (result);
  exit_status = tether_invocation_result_get_exit_status (result);
  message = tether_invocation_result_get_error_message (result);

  if (exit_status >= 0)
    /* Translators: a host's status, its exit status and how long it took */
    text = g_strdup_printf (_("%s · exit status %d · %.2f s"), tether_invocation_status_to_display (status),
                            exit_status, tether_invocation_result_get_duration (result));
  else if (tether_invocation_status_is_final (status))
    /* Translators: a host's status and how long it took */
    text = g_strdup_printf (_("%s · %.2f s"), tether_invocation_status_to_display (status),
                            tether_invocation_result_get_duration (result));
  else
    text = g_strdup (tether_invocation_status_to_display (status));
  gtk_label_set_text (self->status_label, text);
  gtk_image_set_from_icon_name (self->status_icon, status_icon (status));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);

  /* Refused, timed out, non-zero: they must stand out. */
  if (tether_invocation_status_is_failure (status))
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
}

/* The output as it came, the standard error in red.  Rebuilt whole: a
 * chunk may end inside a UTF-8 character that the next completes. */
static void
update_output (TetherInvokeRow *self)
{
  g_autoptr(TetherInvocationResult) result = shown_result (self);
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autoptr(GString) plain = g_string_new (NULL);
  gboolean has_stderr = FALSE;
  gsize total = 0;
  gsize skip = 0;
  guint first = 0;
  guint n;

  n = result != NULL ? tether_invocation_result_get_n_chunks (result) : 0;
  /* The chunks that make up the last SHOWN_MAX bytes. */
  for (first = n; first > 0 && total < SHOWN_MAX; first--)
    total += g_bytes_get_size (tether_invocation_result_get_chunk (result, first - 1)->data);
  if (total > SHOWN_MAX)
    skip = total - SHOWN_MAX;
  for (guint i = first; i < n; i++)
    {
      const TetherInvocationChunk *chunk = tether_invocation_result_get_chunk (result, i);
      gsize size;
      const char *data = g_bytes_get_data (chunk->data, &size);
      gsize from = i == first ? skip : 0;
      g_autofree char *valid = g_utf8_make_valid (data + from, (gssize) (size - from));
      g_autofree char *escaped = g_markup_escape_text (valid, -1);

      g_string_append (plain, valid);
      if (chunk->is_stderr)
        {
          has_stderr = TRUE;
          g_string_append_printf (markup, "<span foreground=\"" STDERR_COLOR "\">%s</span>", escaped);
        }
      else
        g_string_append (markup, escaped);
    }
  /* The last newline would show as an empty line. */
  if (markup->len > 0 && markup->str[markup->len - 1] == '\n')
    g_string_truncate (markup, markup->len - 1);
  else if (markup->len > 7 && g_str_has_suffix (markup->str, "\n</span>"))
    g_string_erase (markup, (gssize) markup->len - 8, 1);

  g_free (self->output);
  self->output = g_string_free (g_steal_pointer (&plain), FALSE);
  gtk_label_set_markup (self->output_label, markup->str);
  gtk_widget_set_visible (GTK_WIDGET (self->output_label), markup->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->stderr_note), has_stderr);
  gtk_widget_set_visible (GTK_WIDGET (self->cut_note), first > 0 || skip > 0);
}

/* A group's first result stands for all of them; its computers grow as
 * hosts that end the same way join it. */
static void
update_item (TetherInvokeRow *self)
{
  g_autoptr(TetherInvocationResult) result = NULL;
  g_autofree char *heading = NULL;

  if (TETHER_IS_INVOCATION_GROUP (self->item))
    {
      TetherInvocationGroup *group = TETHER_INVOCATION_GROUP (self->item);

      result = g_object_ref (tether_invocation_group_get_first (group));
      heading = tether_invocation_group_dup_label (group);
    }
  else if (TETHER_IS_INVOCATION_RESULT (self->item))
    {
      result = g_object_ref (TETHER_INVOCATION_RESULT (self->item));
      heading = g_strdup (tether_invocation_result_get_computer_name (result));
    }

  gtk_label_set_text (self->heading_label, heading != NULL ? heading : "");
  g_signal_group_set_target (self->result_signals, result);
  update_status (self);
  update_output (self);
}

static void
set_item (TetherInvokeRow *self,
          GObject         *item)
{
  if (!g_set_object (&self->item, item))
    return;
  g_signal_group_set_target (self->group_signals,
                             TETHER_IS_INVOCATION_GROUP (item)
                             ? tether_invocation_group_get_results (TETHER_INVOCATION_GROUP (item)) : NULL);
  update_item (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

static void
tether_invoke_row_dispose (GObject *object)
{
  TetherInvokeRow *self = TETHER_INVOKE_ROW (object);
  GtkWidget *child;

  g_clear_object (&self->result_signals);
  g_clear_object (&self->group_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_INVOKE_ROW);
  /* The heading's box has no name to be cleared by. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (tether_invoke_row_parent_class)->dispose (object);
}

static void
tether_invoke_row_finalize (GObject *object)
{
  TetherInvokeRow *self = TETHER_INVOKE_ROW (object);

  g_free (self->output);

  G_OBJECT_CLASS (tether_invoke_row_parent_class)->finalize (object);
}

static void
tether_invoke_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TetherInvokeRow *self = TETHER_INVOKE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invoke_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TetherInvokeRow *self = TETHER_INVOKE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invoke_row_class_init (TetherInvokeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_invoke_row_dispose;
  object_class->finalize = tether_invoke_row_finalize;
  object_class->get_property = tether_invoke_row_get_property;
  object_class->set_property = tether_invoke_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-invoke-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, stderr_note);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, cut_note);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeRow, output_label);
  gtk_widget_class_set_css_name (widget_class, "tether-invoke-row");
}

static void
tether_invoke_row_init (TetherInvokeRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->result_signals = g_signal_group_new (TETHER_TYPE_INVOCATION_RESULT);
  g_signal_group_connect_swapped (self->result_signals, "output", G_CALLBACK (update_output), self);
  g_signal_group_connect_swapped (self->result_signals, "notify::status", G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->result_signals, "notify::exit-status", G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->result_signals, "notify::duration", G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->result_signals, "notify::error-message", G_CALLBACK (update_status), self);

  self->group_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->group_signals, "items-changed", G_CALLBACK (update_item), self);
}

/**
 * tether_invoke_row_get_heading:
 *
 * Returns: its computers, as shown
 */
const char *
tether_invoke_row_get_heading (TetherInvokeRow *self)
{
  g_return_val_if_fail (TETHER_IS_INVOKE_ROW (self), NULL);
  return gtk_label_get_text (self->heading_label);
}

/**
 * tether_invoke_row_get_output:
 *
 * Returns: (nullable): the output shown, both streams as plain text
 */
const char *
tether_invoke_row_get_output (TetherInvokeRow *self)
{
  g_return_val_if_fail (TETHER_IS_INVOKE_ROW (self), NULL);
  return self->output;
}
