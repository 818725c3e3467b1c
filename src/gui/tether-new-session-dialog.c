/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-new-session-dialog-private.h"
#include "tether-target.h"

struct _TetherNewSessionDialog
{
  AdwWindow             parent_instance;

  /* Template widgets */
  GtkButton            *cancel_button;
  GtkButton            *create_button;
  AdwEntryRow          *target_row;
  AdwEntryRow          *name_row;
  AdwEntryRow          *user_row;
  AdwEntryRow          *port_row;
  AdwActionRow         *identity_row;
  GtkButton            *identity_button;
  GtkButton            *identity_clear_button;
  AdwEntryRow          *jump_row;
  AdwEntryRow          *forwards_row;
  GtkSwitch            *agent_switch;
  AdwEntryRow          *configuration_row;
  AdwEntryRow          *folder_row;
  GtkLabel             *error_label;
  GtkButton            *save_button;

  /* Owned references */
  TetherSessionManager *manager;
  TetherSession        *session;     /* the one edited, or NULL */
  GtkFileChooserNative *chooser;

  /* What get_definition() hands out, valid until the next validation. */
  char                 *target;
  char                 *identity_file;
  gboolean              valid;
  gboolean              connecting;  /* Create was pressed: waits for the outcome */
};

G_DEFINE_FINAL_TYPE (TetherNewSessionDialog, tether_new_session_dialog, ADW_TYPE_WINDOW)

enum {
  CREATE,
  SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* Puts the target together from the fields: the user and port fields win
 * over what the target says.  Returns the reason when it cannot. */
static char *
compose_target (TetherNewSessionDialog  *self,
                GError                 **error)
{
  g_autoptr(TetherTarget) target = NULL;
  g_autofree char *text = g_strstrip (g_strdup (row_text (self->target_row)));
  g_autofree char *user = g_strstrip (g_strdup (row_text (self->user_row)));
  g_autofree char *port = g_strstrip (g_strdup (row_text (self->port_row)));

  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the computer to connect to, like admin@server01 or server01:2222."));
      return NULL;
    }

  target = tether_target_parse (text, error);
  if (target == NULL)
    return NULL;

  if (*user != '\0')
    {
      if (strpbrk (user, "@: \t") != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A user name cannot contain “@”, “:” or spaces."));
          return NULL;
        }
      g_free (target->user);
      target->user = g_steal_pointer (&user);
    }

  if (*port != '\0')
    {
      gint64 value;

      if (!g_ascii_string_to_signed (port, 10, G_MININT64, G_MAXINT64, &value, NULL))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The port must be a number from 1 to 65535."));
          return NULL;
        }
      if (!tether_target_validate_port (value, error))
        return NULL;
      target->port = value;
    }

  /* As typed when nothing was overridden: an alias stays an alias. */
  if (is_blank (row_text (self->user_row)) && is_blank (row_text (self->port_row)))
    return g_steal_pointer (&text);

  return tether_target_to_string (target);
}

static void
show_reason (TetherNewSessionDialog *self,
             const char             *reason,
             gboolean                is_error)
{
  gtk_label_set_label (self->error_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), reason != NULL);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "dim-label");
    }
}

static void
validate (TetherNewSessionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));

  g_clear_pointer (&self->target, g_free);
  self->target = compose_target (self, &error);

  /* Every field as the sessions file will keep it: what Create accepts is
   * saved and comes back. */
  if (self->target != NULL)
    {
      TetherSessionDefinition def;

      tether_new_session_dialog_get_definition (self, &def);
      def.name = *name != '\0' ? name : NULL;
      tether_session_manager_check_definition (self->manager, &def, self->session, &error);
    }

  self->valid = error == NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), self->valid && !self->connecting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), self->valid && !self->connecting);

  /* An empty target is where everyone starts: a hint, not an error. */
  show_reason (self, error != NULL ? error->message : NULL, !is_blank (row_text (self->target_row)));
}

static void
set_identity_file (TetherNewSessionDialog *self,
                   const char             *path)
{
  g_autofree char *shown = NULL;

  g_free (self->identity_file);
  self->identity_file = (path != NULL && *path != '\0') ? g_strdup (path) : NULL;

  /* A file name is bytes: shown as a file manager shows it. */
  if (self->identity_file != NULL)
    shown = g_filename_display_name (self->identity_file);
  adw_action_row_set_subtitle (self->identity_row,
                               shown != NULL ? shown : _("The default keys and the agent"));
  gtk_widget_set_visible (GTK_WIDGET (self->identity_clear_button), self->identity_file != NULL);
}

static void
on_chooser_response (GtkNativeDialog        *chooser,
                     int                     response,
                     TetherNewSessionDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        {
          g_autofree char *path = g_file_get_path (file);

          set_identity_file (self, path);
        }
    }

  g_clear_object (&self->chooser);
}

static void
on_identity_clicked (TetherNewSessionDialog *self)
{
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);

  /* GtkFileDialog is GTK 4.10; the native chooser is the 4.8 way. */
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose a Private Key"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (g_file_query_exists (folder, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_identity_clear_clicked (TetherNewSessionDialog *self)
{
  set_identity_file (self, NULL);
}

static void
on_create_clicked (TetherNewSessionDialog *self)
{
  validate (self);
  if (self->valid)
    g_signal_emit (self, signals[CREATE], 0);
}

static void
on_save_clicked (TetherNewSessionDialog *self)
{
  validate (self);
  if (self->valid)
    g_signal_emit (self, signals[SAVE], 0);
}

static void
tether_new_session_dialog_dispose (GObject *object)
{
  TetherNewSessionDialog *self = TETHER_NEW_SESSION_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->session);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (tether_new_session_dialog_parent_class)->dispose (object);
}

static void
tether_new_session_dialog_finalize (GObject *object)
{
  TetherNewSessionDialog *self = TETHER_NEW_SESSION_DIALOG (object);

  g_free (self->target);
  g_free (self->identity_file);

  G_OBJECT_CLASS (tether_new_session_dialog_parent_class)->finalize (object);
}

static void
tether_new_session_dialog_class_init (TetherNewSessionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_new_session_dialog_dispose;
  object_class->finalize = tether_new_session_dialog_finalize;

  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Save Without Connecting, offered once Create failed. */
  signals[SAVE] = g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-new-session-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, identity_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, identity_button);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, identity_clear_button);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, jump_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, forwards_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, agent_switch);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, configuration_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TetherNewSessionDialog, save_button);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tether_new_session_dialog_init (TetherNewSessionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_name (GTK_WIDGET (self), "tether-new-session-dialog");

  g_signal_connect_object (self->target_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->user_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->jump_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->forwards_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->create_button, "clicked", G_CALLBACK (on_create_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cancel_button, "clicked", G_CALLBACK (gtk_window_destroy), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->identity_button, "clicked", G_CALLBACK (on_identity_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->identity_clear_button, "clicked", G_CALLBACK (on_identity_clear_clicked),
                           self, G_CONNECT_SWAPPED);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->create_button));
}

/**
 * tether_new_session_dialog_new:
 * @session: (nullable): the session to edit, or %NULL for a new one
 *
 * Returns: (transfer none): the dialog, owned by GTK's window list
 */
TetherNewSessionDialog *
tether_new_session_dialog_new (GtkWindow            *parent,
                               TetherSessionManager *manager,
                               TetherSession        *session)
{
  TetherNewSessionDialog *self = g_object_new (TETHER_TYPE_NEW_SESSION_DIALOG,
                                               "transient-for", parent,
                                               NULL);

  self->manager = g_object_ref (manager);
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Session"));
      gtk_button_set_label (self->create_button, _("_Save"));
      gtk_editable_set_text (GTK_EDITABLE (self->target_row), tether_session_get_target (session));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), tether_session_get_name (session));
      gtk_editable_set_text (GTK_EDITABLE (self->configuration_row),
                             tether_session_get_configuration_name (session));
      if (tether_session_get_folder (session) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->folder_row), tether_session_get_folder (session));
      if (tether_session_get_jump_hosts (session) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->jump_row), tether_session_get_jump_hosts (session));
      gtk_switch_set_active (self->agent_switch, tether_session_get_forward_agent (session));
      if (tether_session_get_forwards_spec (session) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->forwards_row), tether_session_get_forwards_spec (session));
      set_identity_file (self, tether_session_get_identity_file (session));
    }

  validate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->target_row));
  return self;
}

/**
 * tether_new_session_dialog_get_session:
 *
 * Returns: (transfer none) (nullable): the session edited
 */
TetherSession *
tether_new_session_dialog_get_session (TetherNewSessionDialog *self)
{
  return self->session;
}

static const char *
nullable_text (AdwEntryRow *row)
{
  const char *text = row_text (row);

  return is_blank (text) ? NULL : text;
}

/**
 * tether_new_session_dialog_get_definition:
 * @def: (out caller-allocates): filled with strings the dialog owns, valid
 *   until its fields change; neither an InstanceId nor persistence
 */
void
tether_new_session_dialog_get_definition (TetherNewSessionDialog  *self,
                                          TetherSessionDefinition *def)
{
  memset (def, 0, sizeof *def);
  def->target = self->target;
  def->name = nullable_text (self->name_row);
  def->configuration_name = nullable_text (self->configuration_row);
  def->identity_file = self->identity_file;
  def->folder = nullable_text (self->folder_row);
  def->jump_hosts = nullable_text (self->jump_row);
  def->forwards = nullable_text (self->forwards_row);
  def->forward_agent = gtk_switch_get_active (self->agent_switch);
}

void
tether_new_session_dialog_set_error (TetherNewSessionDialog *self,
                                     const char             *message)
{
  show_reason (self, message, TRUE);
}

/**
 * tether_new_session_dialog_set_connecting:
 *
 * While Create's connection is under way, Create waits; the fields stay as
 * typed.
 */
void
tether_new_session_dialog_set_connecting (TetherNewSessionDialog *self,
                                          gboolean                connecting)
{
  g_return_if_fail (TETHER_IS_NEW_SESSION_DIALOG (self));

  self->connecting = connecting;
  validate (self);
  if (connecting)
    show_reason (self, _("Connecting…"), FALSE);
}

/**
 * tether_new_session_dialog_show_failure:
 * @message: why the session could not be opened
 *
 * Create failed: the fields stay as typed, the reason shows under them, and
 * Save Without Connecting lists the session Closed instead.
 */
void
tether_new_session_dialog_show_failure (TetherNewSessionDialog *self,
                                        const char             *message)
{
  g_return_if_fail (TETHER_IS_NEW_SESSION_DIALOG (self));

  tether_new_session_dialog_set_connecting (self, FALSE);
  show_reason (self, message, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), TRUE);
}

void
tether_new_session_dialog_set_fields (TetherNewSessionDialog *self,
                                      const char             *target,
                                      const char             *name,
                                      const char             *user,
                                      const char             *port)
{
  gtk_editable_set_text (GTK_EDITABLE (self->target_row), target ? target : "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user ? user : "");
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), port ? port : "");
}

void
tether_new_session_dialog_set_jump_hosts (TetherNewSessionDialog *self,
                                          const char             *jump_hosts)
{
  gtk_editable_set_text (GTK_EDITABLE (self->jump_row), jump_hosts ? jump_hosts : "");
}

void
tether_new_session_dialog_set_forward_agent (TetherNewSessionDialog *self,
                                             gboolean                forward_agent)
{
  gtk_switch_set_active (self->agent_switch, forward_agent);
}

void
tether_new_session_dialog_set_forwards (TetherNewSessionDialog *self,
                                        const char             *forwards)
{
  gtk_editable_set_text (GTK_EDITABLE (self->forwards_row), forwards ? forwards : "");
}

gboolean
tether_new_session_dialog_get_valid (TetherNewSessionDialog *self)
{
  return self->valid;
}
