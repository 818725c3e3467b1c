/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-error.h"
#include "tether-invoke-dialog.h"
#include "tether-target.h"

/* The commands run before, newest first, one a line: a state file rather
 * than a setting, since nothing configures it. */
#define HISTORY_MAX 50

struct _TetherInvokeDialog
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwEntryRow          *command_row;
  AdwEntryRow          *targets_row;
  GtkLabel             *error_label;

  /* Owned references */
  TetherSessionManager *manager;
  GPtrArray            *history;
  char                 *draft;
  /* Where Up and Down are in the history; -1: the command being typed. */
  int                   history_pos;
};

G_DEFINE_FINAL_TYPE (TetherInvokeDialog, tether_invoke_dialog, ADW_TYPE_WINDOW)

enum {
  RUN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* History */

static char *
history_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "tether", "command-history", NULL);
}

static void
load_history (TetherInvokeDialog *self)
{
  g_autofree char *path = history_path ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  /* None yet: an empty history. */
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", HISTORY_MAX + 1);
  for (guint i = 0; lines[i] != NULL && i < HISTORY_MAX; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (self->history, g_strdup (lines[i]));
}

/* The newest first, once. */
static void
remember (TetherInvokeDialog *self,
          const char         *command)
{
  g_autofree char *path = history_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->history->len; i++)
    if (g_str_equal (g_ptr_array_index (self->history, i), command))
      {
        g_ptr_array_remove_index (self->history, i);
        break;
      }
  g_ptr_array_insert (self->history, 0, g_strdup (command));
  if (self->history->len > HISTORY_MAX)
    g_ptr_array_set_size (self->history, HISTORY_MAX);

  for (guint i = 0; i < self->history->len; i++)
    g_string_append_printf (contents, "%s\n", (const char *) g_ptr_array_index (self->history, i));
  /* Losing the history is no reason not to run the command. */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, contents->str, (gssize) contents->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("Could not save the command history: %s", error != NULL ? error->message : g_strerror (errno));
}

static gboolean
on_command_key (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TetherInvokeDialog    *self)
{
  int pos = self->history_pos;

  if (keyval == GDK_KEY_Up && pos + 1 < (int) self->history->len)
    pos++;
  else if (keyval == GDK_KEY_Down && pos >= 0)
    pos--;
  else
    return GDK_EVENT_PROPAGATE;

  if (self->history_pos == -1)
    {
      g_free (self->draft);
      self->draft = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->command_row)));
    }
  self->history_pos = pos;
  gtk_editable_set_text (GTK_EDITABLE (self->command_row),
                         pos >= 0 ? g_ptr_array_index (self->history, pos) : self->draft);
  gtk_editable_set_position (GTK_EDITABLE (self->command_row), -1);
  return GDK_EVENT_STOP;
}

/* Run */

static void
show_error (TetherInvokeDialog *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

/* Each target is a session's name, or else a computer to connect to. */
static TetherInvocation *
build_invocation (TetherInvokeDialog  *self,
                  const char          *command,
                  GError             **error)
{
  g_auto(GStrv) tokens = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->targets_row)), ",", -1);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new ();
  g_autoptr(GPtrArray) computers = g_ptr_array_new_with_free_func (g_free);
  TetherInvocation *invocation;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = g_strstrip (tokens[i]);
      TetherSession *session;
      g_autoptr(TetherTarget) target = NULL;
      g_autoptr(GError) local_error = NULL;

      if (*token == '\0')
        continue;
      session = tether_session_manager_lookup (self->manager, token);
      if (session != NULL)
        {
          g_ptr_array_add (sessions, session);
          g_ptr_array_add (computers, NULL);
          continue;
        }
      target = tether_target_parse (token, &local_error);
      if (target == NULL)
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                       _("“%s” is neither a session nor a computer: %s"), token, local_error->message);
          return NULL;
        }
      g_ptr_array_add (sessions, NULL);
      g_ptr_array_add (computers, g_strdup (token));
    }
  if (sessions->len == 0)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("Name at least one session or computer to run the command on."));
      return NULL;
    }

  invocation = tether_session_manager_new_invocation (self->manager, command);
  for (guint i = 0; i < sessions->len; i++)
    if (g_ptr_array_index (sessions, i) != NULL)
      tether_invocation_add_session (invocation, g_ptr_array_index (sessions, i));
    else
      tether_invocation_add_computer (invocation, g_ptr_array_index (computers, i));
  return invocation;
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TetherInvokeDialog *self = TETHER_INVOKE_DIALOG (widget);
  g_autofree char *command = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->command_row))));
  g_autoptr(TetherInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;

  if (*command == '\0')
    {
      show_error (self, _("Type the command to run."));
      return;
    }
  invocation = build_invocation (self, command, &error);
  if (invocation == NULL)
    {
      show_error (self, error->message);
      return;
    }

  remember (self, command);
  g_signal_emit (self, signals[RUN], 0, invocation);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* GObject */

static void
tether_invoke_dialog_dispose (GObject *object)
{
  TetherInvokeDialog *self = TETHER_INVOKE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_INVOKE_DIALOG);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (tether_invoke_dialog_parent_class)->dispose (object);
}

static void
tether_invoke_dialog_finalize (GObject *object)
{
  TetherInvokeDialog *self = TETHER_INVOKE_DIALOG (object);

  g_ptr_array_unref (self->history);
  g_free (self->draft);

  G_OBJECT_CLASS (tether_invoke_dialog_parent_class)->finalize (object);
}

static void
tether_invoke_dialog_class_init (TetherInvokeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_invoke_dialog_dispose;
  object_class->finalize = tether_invoke_dialog_finalize;

  signals[RUN] =
    g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TETHER_TYPE_INVOCATION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-invoke-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeDialog, command_row);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeDialog, targets_row);
  gtk_widget_class_bind_template_child (widget_class, TetherInvokeDialog, error_label);
  gtk_widget_class_install_action (widget_class, "invoke-dialog.run", NULL, run_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tether_invoke_dialog_init (TetherInvokeDialog *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->history = g_ptr_array_new_with_free_func (g_free);
  self->history_pos = -1;
  load_history (self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_command_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->command_row), keys);
}

/**
 * tether_invoke_dialog_new:
 * @targets: (nullable): the targets to start with (the selection)
 */
TetherInvokeDialog *
tether_invoke_dialog_new (GtkWindow            *parent,
                          TetherSessionManager *manager,
                          const char           *targets)
{
  TetherInvokeDialog *self;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (manager), NULL);

  self = g_object_new (TETHER_TYPE_INVOKE_DIALOG, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  gtk_editable_set_text (GTK_EDITABLE (self->targets_row), targets != NULL ? targets : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->command_row));
  return self;
}

void
tether_invoke_dialog_set_command (TetherInvokeDialog *self,
                                  const char         *command)
{
  g_return_if_fail (TETHER_IS_INVOKE_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->command_row), command);
}
