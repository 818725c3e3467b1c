/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-dialog-interaction.h"

struct _TetherDialogInteraction
{
  GObject  parent_instance;

  /* Borrowed: the application owns us. */
  GWeakRef application;
};

static void tether_dialog_interaction_iface_init (TetherInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TetherDialogInteraction, tether_dialog_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TETHER_TYPE_INTERACTION,
                                                      tether_dialog_interaction_iface_init))

/* One question in flight: the task, its dialog and the entries to read. */
typedef struct {
  TetherPrompt     *prompt;
  AdwMessageDialog *dialog;
  GPtrArray        *entries;     /* GtkEditable*, one per question */
  GtkCheckButton   *remember;    /* Remember, when the core offers it */
  GtkCheckButton   *same_answer; /* For the rest of a run, when offered */
  GCancellable     *cancellable;
  gulong            cancelled_id;
} Ask;

static void
ask_free (gpointer data)
{
  Ask *ask = data;

  if (ask->cancelled_id != 0)
    g_cancellable_disconnect (ask->cancellable, ask->cancelled_id);
  g_clear_object (&ask->cancellable);
  g_clear_object (&ask->prompt);
  g_clear_pointer (&ask->entries, g_ptr_array_unref);
  g_free (ask);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             GTask            *task)
{
  Ask *ask = g_task_get_task_data (task);
  gboolean accepted = g_strcmp0 (response, "accept") == 0;

  /* Already withdrawn (close_on_cancel() answered). */
  if (ask->dialog == NULL)
    return;

  if (accepted)
    for (guint i = 0; i < ask->entries->len; i++)
      tether_prompt_set_answer (ask->prompt, i,
                                gtk_editable_get_text (g_ptr_array_index (ask->entries, i)));
  if (accepted && ask->remember != NULL)
    tether_prompt_set_remember (ask->prompt, gtk_check_button_get_active (ask->remember));
  if (accepted && ask->same_answer != NULL)
    tether_prompt_set_same_answer (ask->prompt, gtk_check_button_get_active (ask->same_answer));

  /* The secrets left the entries: wipe them rather than wait for GC. */
  for (guint i = 0; i < ask->entries->len; i++)
    gtk_editable_set_text (g_ptr_array_index (ask->entries, i), "");

  /* The connection keeps its cancellable after the question: let go of
   * it, or it keeps this task, and the prompt with it. */
  if (ask->cancelled_id != 0)
    g_cancellable_disconnect (ask->cancellable, ask->cancelled_id);
  ask->cancelled_id = 0;

  ask->dialog = NULL;
  g_task_return_boolean (task, accepted);
}

static gboolean
close_on_cancel (gpointer data)
{
  g_autoptr(GTask) task = data;
  Ask *ask = g_task_get_task_data (task);

  if (ask->dialog != NULL)
    {
      AdwMessageDialog *dialog = g_steal_pointer (&ask->dialog);

      g_signal_handlers_disconnect_by_data (dialog, task);
      gtk_window_destroy (GTK_WINDOW (dialog));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The question was withdrawn."));
    }
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              GTask        *task)
{
  /* May run on any thread: the dialog goes on the main context. */
  g_main_context_invoke (g_task_get_context (task), close_on_cancel, g_object_ref (task));
}

/* GTK 4.8's GtkPasswordEntry watches its inner GtkText's has-focus and
 * never disconnects.  When its window is destroyed with the focus in it,
 * the window keeps the GtkText alive past the entry and unsets its focus
 * last: the handler runs on the freed entry ("invalid unclassed pointer in
 * cast to 'GtkPasswordEntry'", then criticals from
 * gtk_editable_get_editable() and gtk_widget_hide()).  So the focus leaves
 * the entry while it is still whole: a window is unrealized before it is
 * disposed, however it goes. */
static void
on_password_entry_unrealize (GtkWidget *entry)
{
  GtkRoot *root = gtk_widget_get_root (entry);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, entry))
    gtk_root_set_focus (root, NULL);
}

static GtkWidget *
add_entry (Ask        *ask,
           const char *question,
           gboolean    echo,
           GtkWidget  *box)
{
  GtkWidget *label = gtk_label_new (question);
  GtkWidget *entry;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);

  if (echo)
    entry = gtk_entry_new ();
  else
    {
      entry = gtk_password_entry_new ();
      gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
      g_signal_connect (entry, "unrealize", G_CALLBACK (on_password_entry_unrealize), NULL);
    }
  g_object_set (entry, "activates-default", TRUE, NULL);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  g_ptr_array_add (ask->entries, entry);
  return entry;
}

/* Remember (off by default) under the answer the keyring may keep, or the
 * core's notice that no keyring can. */
static void
add_remember (Ask          *ask,
              TetherPrompt *prompt,
              GtkWidget    *box)
{
  const char *notice = tether_prompt_get_notice (prompt);

  if (tether_prompt_get_rememberable (prompt) >= 0)
    {
      const char *label = tether_prompt_get_kind (prompt) == TETHER_PROMPT_PASSPHRASE
                          ? _("_Remember passphrase in the keyring")
                          : _("_Remember password in the keyring");

      ask->remember = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (label));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (ask->remember));
    }
  /* A run on many hosts (Invoke-Command): the same password for one user,
   * or passphrase for one key, answers the others' questions.  The core
   * never offers it for a host key. */
  if (tether_prompt_get_offer_same_answer (prompt))
    {
      ask->same_answer = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (
        _("Give the _same answer to the other computers of this run")));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (ask->same_answer));
    }
  if (notice != NULL)
    {
      GtkWidget *label = gtk_label_new (notice);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
}

static void
tether_dialog_interaction_ask (TetherInteraction   *interaction,
                               TetherPrompt        *prompt,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  TetherDialogInteraction *self = TETHER_DIALOG_INTERACTION (interaction);
  g_autoptr(GtkApplication) app = g_weak_ref_get (&self->application);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GtkWindow *parent = app != NULL ? gtk_application_get_active_window (app) : NULL;
  const char *destination = tether_prompt_get_destination (prompt);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *name = NULL;
  const char *accept_label = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *first_entry = NULL;
  Ask *ask;

  ask = g_new0 (Ask, 1);
  ask->prompt = g_object_ref (prompt);
  ask->entries = g_ptr_array_new ();
  g_task_set_task_data (task, ask, ask_free);
  g_task_set_source_tag (task, tether_dialog_interaction_ask);

  switch (tether_prompt_get_kind (prompt))
    {
    case TETHER_PROMPT_HOST_KEY:
      name = "tether-host-key-dialog";
      heading = g_strdup (_("Unknown Host Key"));
      body = g_strdup_printf (_("Tether has never connected to %s, so it cannot tell whether this "
                                "is really that computer.\n\n"
                                "Accept the key only if its fingerprint matches the one the "
                                "computer’s administrator gave you."),
                              destination);
      {
        g_autofree char *details = g_strdup_printf (_("%s key fingerprint:\n%s"),
                                                    tether_prompt_get_key_type (prompt),
                                                    tether_prompt_get_fingerprint (prompt));
        GtkWidget *label = gtk_label_new (details);

        gtk_label_set_selectable (GTK_LABEL (label), TRUE);
        gtk_label_set_wrap (GTK_LABEL (label), TRUE);
        gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
        gtk_widget_add_css_class (label, "monospace");
        gtk_box_append (GTK_BOX (box), label);
      }
      accept_label = _("_Accept and Save");
      break;

    case TETHER_PROMPT_PASSWORD:
      name = "tether-password-dialog";
      heading = g_strdup (_("Password Required"));
      body = g_strdup_printf (_("Type the password for %s."), destination);
      first_entry = add_entry (ask, _("Password"), FALSE, box);
      accept_label = _("_Log In");
      break;

    case TETHER_PROMPT_PASSPHRASE:
      name = "tether-passphrase-dialog";
      heading = g_strdup (_("Key Passphrase Required"));
      if (tether_prompt_get_message (prompt) != NULL)
        body = g_strdup (tether_prompt_get_message (prompt));
      else
        body = g_strdup_printf (_("Your private key is protected. Type its passphrase to log in to %s."),
                                destination);
      first_entry = add_entry (ask, _("Passphrase"), FALSE, box);
      accept_label = _("_Unlock");
      break;

    case TETHER_PROMPT_KEYBOARD_INTERACTIVE:
      name = "tether-keyboard-interactive-dialog";
      heading = g_strdup (tether_prompt_get_message (prompt) != NULL && *tether_prompt_get_message (prompt) != '\0'
                          ? tether_prompt_get_message (prompt)
                          : _("Authentication Required"));
      {
        const char *instruction = tether_prompt_get_instruction (prompt);

        if (instruction != NULL && *instruction != '\0')
          body = g_strdup_printf (_("%s asks:\n\n%s"), destination, instruction);
        else
          body = g_strdup_printf (_("%s asks:"), destination);
      }
      /* Every question in one dialog, each with its echo flag. */
      for (guint i = 0; i < tether_prompt_get_n_questions (prompt); i++)
        {
          gboolean echo = FALSE;
          const char *question = tether_prompt_get_question (prompt, i, &echo);
          GtkWidget *entry = add_entry (ask, question, echo, box);

          if (first_entry == NULL)
            first_entry = entry;
        }
      accept_label = _("_Continue");
      break;

    default:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Unknown prompt kind");
      g_object_unref (box);
      return;
    }

  add_remember (ask, prompt, box);
  ask->dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
  gtk_widget_set_name (GTK_WIDGET (ask->dialog), name);
  adw_message_dialog_set_extra_child (ask->dialog, box);
  adw_message_dialog_add_responses (ask->dialog,
                                    "cancel", _("_Cancel"),
                                    "accept", accept_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ask->dialog, "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ask->dialog, "cancel");
  /* A host key is a decision: Enter alone must not accept it. */
  adw_message_dialog_set_default_response (ask->dialog,
                                           tether_prompt_get_kind (prompt) == TETHER_PROMPT_HOST_KEY
                                           ? "cancel" : "accept");
  g_signal_connect_data (ask->dialog, "response", G_CALLBACK (on_response),
                         g_object_ref (task), (GClosureNotify) (void (*) (void)) g_object_unref, 0);

  if (cancellable != NULL)
    {
      ask->cancellable = g_object_ref (cancellable);
      ask->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                 g_object_ref (task), g_object_unref);
      /* Withdrawn before it was shown: close_on_cancel() already ran. */
      if (ask->dialog == NULL)
        return;
    }

  gtk_window_present (GTK_WINDOW (ask->dialog));
  if (first_entry != NULL)
    gtk_widget_grab_focus (first_entry);
}

static gboolean
tether_dialog_interaction_ask_finish (TetherInteraction  *interaction,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, interaction), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tether_dialog_interaction_iface_init (TetherInteractionInterface *iface)
{
  iface->ask = tether_dialog_interaction_ask;
  iface->ask_finish = tether_dialog_interaction_ask_finish;
}

static void
tether_dialog_interaction_finalize (GObject *object)
{
  TetherDialogInteraction *self = TETHER_DIALOG_INTERACTION (object);

  g_weak_ref_clear (&self->application);

  G_OBJECT_CLASS (tether_dialog_interaction_parent_class)->finalize (object);
}

static void
tether_dialog_interaction_class_init (TetherDialogInteractionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tether_dialog_interaction_finalize;
}

static void
tether_dialog_interaction_init (TetherDialogInteraction *self)
{
  g_weak_ref_init (&self->application, NULL);
}

/**
 * tether_dialog_interaction_new:
 * @application: whose active window the dialogs belong to (held weakly)
 *
 * Returns: (transfer full): the interaction
 */
TetherInteraction *
tether_dialog_interaction_new (GtkApplication *application)
{
  TetherDialogInteraction *self = g_object_new (TETHER_TYPE_DIALOG_INTERACTION, NULL);

  g_weak_ref_set (&self->application, application);
  return TETHER_INTERACTION (self);
}
