/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-interaction-queue.h"

struct _TetherInteractionQueue
{
  GObject            parent_instance;

  TetherInteraction *inner;
  GQueue             waiting;   /* GTask*, each holding its prompt */
  GTask             *asking;    /* the one shown now, or NULL */
  GHashTable        *same;      /* question key → GStrv answers, wiped */
};

static void interaction_iface_init (TetherInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TetherInteractionQueue, tether_interaction_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TETHER_TYPE_INTERACTION, interaction_iface_init))

static void
wipe_strv (gpointer data)
{
  char **answers = data;

  for (guint i = 0; answers[i] != NULL; i++)
    explicit_bzero (answers[i], strlen (answers[i]));
  g_strfreev (answers);
}

static void
tether_interaction_queue_dispose (GObject *object)
{
  TetherInteractionQueue *self = TETHER_INTERACTION_QUEUE (object);

  /* Every task holds a reference on the queue: none is left here. */
  g_clear_object (&self->inner);
  g_clear_pointer (&self->same, g_hash_table_unref);

  G_OBJECT_CLASS (tether_interaction_queue_parent_class)->dispose (object);
}

static void
tether_interaction_queue_class_init (TetherInteractionQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tether_interaction_queue_dispose;
}

static void
tether_interaction_queue_init (TetherInteractionQueue *self)
{
  g_queue_init (&self->waiting);
  self->same = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_strv);
}

/**
 * tether_interaction_queue_new:
 * @inner: who really asks (the GUI's dialogs)
 *
 * Returns: (transfer full): the queue
 */
TetherInteractionQueue *
tether_interaction_queue_new (TetherInteraction *inner)
{
  TetherInteractionQueue *self;

  g_return_val_if_fail (TETHER_IS_INTERACTION (inner), NULL);

  self = g_object_new (TETHER_TYPE_INTERACTION_QUEUE, NULL);
  self->inner = g_object_ref (inner);
  return self;
}

/* What "the same question" is: a password for one user (wherever), a
 * passphrase for one key file (its message names it).  NULL: never the
 * same (host keys, keyboard-interactive codes). */
static char *
question_key (TetherPrompt *prompt)
{
  const char *destination = tether_prompt_get_destination (prompt);
  const char *at = strrchr (destination, '@');

  switch (tether_prompt_get_kind (prompt))
    {
    case TETHER_PROMPT_PASSWORD:
      return g_strdup_printf ("password %.*s", at != NULL ? (int) (at - destination) : 0, destination);
    case TETHER_PROMPT_PASSPHRASE:
      return g_strdup_printf ("passphrase %s", tether_prompt_get_message (prompt));
    case TETHER_PROMPT_HOST_KEY:
    case TETHER_PROMPT_KEYBOARD_INTERACTIVE:
    default:
      return NULL;
    }
}

static void ask_next (TetherInteractionQueue *self);

static void
inner_asked_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TetherInteractionQueue) self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->asking);
  TetherPrompt *prompt = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean answered;

  answered = tether_interaction_ask_finish (TETHER_INTERACTION (source), result, &error);
  if (answered && tether_prompt_get_same_answer (prompt) && self->same != NULL)
    {
      g_autofree char *key = question_key (prompt);
      guint n = tether_prompt_get_n_questions (prompt);
      char **answers = g_new0 (char *, n + 1);

      for (guint i = 0; i < n; i++)
        answers[i] = g_strdup (tether_prompt_get_answer (prompt, i));
      if (key != NULL)
        g_hash_table_replace (self->same, g_steal_pointer (&key), answers);
      else
        wipe_strv (answers);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, answered);
  ask_next (self);
}

/* The answers given for the rest, if any. */
static gboolean
answer_from_memory (TetherInteractionQueue *self,
                    TetherPrompt           *prompt)
{
  g_autofree char *key = question_key (prompt);
  char **answers = key != NULL ? g_hash_table_lookup (self->same, key) : NULL;

  if (answers == NULL || g_strv_length (answers) != tether_prompt_get_n_questions (prompt))
    return FALSE;
  for (guint i = 0; answers[i] != NULL; i++)
    tether_prompt_set_answer (prompt, i, answers[i]);
  return TRUE;
}

static void
ask_next (TetherInteractionQueue *self)
{
  while (self->asking == NULL && !g_queue_is_empty (&self->waiting))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->waiting);
      TetherPrompt *prompt = g_task_get_task_data (task);
      g_autofree char *key = question_key (prompt);

      /* The connection gave up while it waited its turn. */
      if (g_task_return_error_if_cancelled (task))
        continue;
      if (answer_from_memory (self, prompt))
        {
          g_task_return_boolean (task, TRUE);
          continue;
        }

      tether_prompt_set_offer_same_answer (prompt, key != NULL);
      self->asking = g_steal_pointer (&task);
      tether_interaction_ask (self->inner, prompt, g_task_get_cancellable (self->asking),
                              inner_asked_cb, g_object_ref (self));
    }
}

static gboolean
sweep_cancelled_cb (gpointer user_data)
{
  TetherInteractionQueue *self = user_data;

  for (GList *l = self->waiting.head; l != NULL;)
    {
      GList *next = l->next;
      GTask *task = l->data;

      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          g_queue_delete_link (&self->waiting, l);
          g_task_return_error_if_cancelled (task);
          g_object_unref (task);
        }
      l = next;
    }
  return G_SOURCE_REMOVE;
}

/* A question withdrawn while it waits its turn ends at once, not after
 * the one shown now. */
static void
waiting_cancelled_cb (GCancellable           *cancellable,
                      TetherInteractionQueue *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, sweep_cancelled_cb, g_object_ref (self), g_object_unref);
}

static void
queue_ask (TetherInteraction   *interaction,
           TetherPrompt        *prompt,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  TetherInteractionQueue *self = TETHER_INTERACTION_QUEUE (interaction);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, queue_ask);
  g_task_set_task_data (task, g_object_ref (prompt), g_object_unref);
  g_queue_push_tail (&self->waiting, task);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (waiting_cancelled_cb), self, 0);
  ask_next (self);
}

static gboolean
queue_ask_finish (TetherInteraction  *interaction,
                  GAsyncResult       *result,
                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, interaction), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
interaction_iface_init (TetherInteractionInterface *iface)
{
  iface->ask = queue_ask;
  iface->ask_finish = queue_ask_finish;
}
