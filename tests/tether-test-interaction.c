/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-test-interaction.h"

struct _TetherTestInteraction
{
  GObject    parent_instance;

  gboolean   accept_host_keys;
  gboolean   remember;
  GQueue     answers;
  GPtrArray *prompts;
  gboolean   hold;
  GQueue     held;         /* Held* */
};

/* A question left open: its task has no cancellable of its own, so that an
 * answer can still be given after the core withdrew it (a late answer). */
typedef struct {
  GTask        *task;
  TetherPrompt *prompt;
  GCancellable *cancellable;
} Held;

static void
held_free (Held *held)
{
  g_object_unref (held->task);
  g_object_unref (held->prompt);
  g_clear_object (&held->cancellable);
  g_free (held);
}

/* Answers are secrets: tests search the heap for them. */
static void
wipe (gpointer data)
{
  char *s = data;

  explicit_bzero (s, strlen (s));
  g_free (s);
}

static void interaction_iface_init (TetherInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TetherTestInteraction, tether_test_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TETHER_TYPE_INTERACTION, interaction_iface_init))

static gboolean
answer (TetherTestInteraction *self,
        TetherPrompt          *prompt,
        gboolean               accept_host_key)
{
  gboolean answered = TRUE;

  if (tether_prompt_get_kind (prompt) == TETHER_PROMPT_HOST_KEY)
    answered = accept_host_key;
  else
    for (guint i = 0; i < tether_prompt_get_n_questions (prompt); i++)
      {
        char *answer = g_queue_pop_head (&self->answers);

        if (answer == NULL)
          {
            answered = FALSE;
            break;
          }
        tether_prompt_set_answer (prompt, i, answer);
        wipe (answer);
      }
  tether_prompt_set_remember (prompt, answered && self->remember);
  return answered;
}

static void
ask (TetherInteraction   *interaction,
     TetherPrompt        *prompt,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  TetherTestInteraction *self = TETHER_TEST_INTERACTION (interaction);

  g_ptr_array_add (self->prompts, g_object_ref (prompt));

  if (self->hold)
    {
      Held *held = g_new0 (Held, 1);

      held->task = g_task_new (self, NULL, callback, user_data);
      held->prompt = g_object_ref (prompt);
      held->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
      g_queue_push_tail (&self->held, held);
      return;
    }

  {
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

    g_task_return_boolean (task, answer (self, prompt, self->accept_host_keys));
  }
}

static gboolean
ask_finish (TetherInteraction  *interaction,
            GAsyncResult       *result,
            GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
interaction_iface_init (TetherInteractionInterface *iface)
{
  iface->ask = ask;
  iface->ask_finish = ask_finish;
}

static void
tether_test_interaction_finalize (GObject *object)
{
  TetherTestInteraction *self = TETHER_TEST_INTERACTION (object);

  g_queue_clear_full (&self->answers, wipe);
  g_queue_clear_full (&self->held, (GDestroyNotify) held_free);
  g_ptr_array_unref (self->prompts);

  G_OBJECT_CLASS (tether_test_interaction_parent_class)->finalize (object);
}

static void
tether_test_interaction_class_init (TetherTestInteractionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tether_test_interaction_finalize;
}

static void
tether_test_interaction_init (TetherTestInteraction *self)
{
  g_queue_init (&self->answers);
  g_queue_init (&self->held);
  self->prompts = g_ptr_array_new_with_free_func (g_object_unref);
}

TetherTestInteraction *
tether_test_interaction_new (gboolean accept_host_keys)
{
  TetherTestInteraction *self = g_object_new (TETHER_TYPE_TEST_INTERACTION, NULL);

  self->accept_host_keys = accept_host_keys;
  return self;
}

void
tether_test_interaction_add_answer (TetherTestInteraction *self,
                                    const char            *answer)
{
  g_queue_push_tail (&self->answers, g_strdup (answer));
}

GPtrArray *
tether_test_interaction_get_prompts (TetherTestInteraction *self)
{
  return self->prompts;
}

guint
tether_test_interaction_count_kind (TetherTestInteraction *self,
                                    TetherPromptKind       kind)
{
  guint n = 0;

  for (guint i = 0; i < self->prompts->len; i++)
    if (tether_prompt_get_kind (g_ptr_array_index (self->prompts, i)) == kind)
      n++;
  return n;
}

void
tether_test_interaction_set_hold (TetherTestInteraction *self,
                                  gboolean               hold)
{
  self->hold = hold;
}

guint
tether_test_interaction_get_n_held (TetherTestInteraction *self)
{
  return self->held.length;
}

gboolean
tether_test_interaction_held_is_withdrawn (TetherTestInteraction *self)
{
  Held *held = g_queue_peek_head (&self->held);

  g_assert_nonnull (held);
  return held->cancellable != NULL && g_cancellable_is_cancelled (held->cancellable);
}

void
tether_test_interaction_answer_held (TetherTestInteraction *self,
                                     gboolean               accept_host_key)
{
  Held *held = g_queue_pop_head (&self->held);

  g_assert_nonnull (held);
  g_task_return_boolean (held->task, answer (self, held->prompt, accept_host_key));
  held_free (held);
}

void
tether_test_interaction_set_remember (TetherTestInteraction *self,
                                      gboolean               remember)
{
  self->remember = remember;
}
