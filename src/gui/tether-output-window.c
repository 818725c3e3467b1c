/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tether-output-window.h"

struct _TetherOutputWindow
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkTextView          *text_view;

  /* Owned references */
  char                 *session_name;
  char                 *text;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (TetherOutputWindow, tether_output_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION_NAME,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_toast (TetherOutputWindow *self,
           const char         *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

/* Actions */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->text);
  add_toast (self, _("Output copied"));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TetherOutputWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The output could not be saved: %s. Choose another file."),
                                               error->message);
      add_toast (self, text);
      return;
    }
  add_toast (self, _("Output saved"));
}

static void
on_chooser_response (GtkNativeDialog    *chooser,
                     int                 response,
                     TetherOutputWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  bytes = g_bytes_new (self->text, strlen (self->text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_saved, g_object_ref (self));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (widget);
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save the Output"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  /* A session's name may hold a slash; a file's may not. */
  name = g_strdup_printf ("%s.txt", self->session_name); /* no-i18n: a file name */
  g_strdelimit (name, G_DIR_SEPARATOR_S, '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

static void
tether_output_window_constructed (GObject *object)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (object);

  G_OBJECT_CLASS (tether_output_window_parent_class)->constructed (object);

  adw_window_title_set_subtitle (self->window_title, self->session_name);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), self->text, -1);
}

static void
tether_output_window_dispose (GObject *object)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_OUTPUT_WINDOW);

  G_OBJECT_CLASS (tether_output_window_parent_class)->dispose (object);
}

static void
tether_output_window_finalize (GObject *object)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (object);

  g_free (self->session_name);
  g_free (self->text);

  G_OBJECT_CLASS (tether_output_window_parent_class)->finalize (object);
}

static void
tether_output_window_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      g_value_set_string (value, self->session_name);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_output_window_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TetherOutputWindow *self = TETHER_OUTPUT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      self->session_name = g_value_dup_string (value);
      break;
    case PROP_TEXT:
      self->text = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_output_window_class_init (TetherOutputWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tether_output_window_constructed;
  object_class->dispose = tether_output_window_dispose;
  object_class->finalize = tether_output_window_finalize;
  object_class->get_property = tether_output_window_get_property;
  object_class->set_property = tether_output_window_set_property;

  properties[PROP_SESSION_NAME] =
    g_param_spec_string ("session-name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-output-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherOutputWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TetherOutputWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TetherOutputWindow, text_view);

  gtk_widget_class_install_action (widget_class, "output.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "output.save-as", NULL, save_as_action);
}

static void
tether_output_window_init (TetherOutputWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tether_output_window_new:
 * @text: what Receive gave
 *
 * Returns: (transfer none): a window showing @text, not presented yet
 */
TetherOutputWindow *
tether_output_window_new (GtkWindow  *parent,
                          const char *session_name,
                          const char *text)
{
  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  return g_object_new (TETHER_TYPE_OUTPUT_WINDOW,
                       "transient-for", parent,
                       "session-name", session_name,
                       "text", text,
                       NULL);
}
