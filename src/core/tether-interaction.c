/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-enums.h"
#include "tether-interaction.h"
#include "tether-util.h"

/**
 * TetherPrompt:
 *
 * One question the core asks the user while it connects: accept an unknown
 * host key, or give a password, a passphrase or keyboard-interactive answers.
 * Answers are secrets: they are wiped when the prompt is finalized and never
 * logged.
 */
struct _TetherPrompt
{
  GObject           parent_instance;

  TetherPromptKind  kind;
  char             *destination;
  char             *message;
  char             *instruction;
  char             *key_type;
  char             *fingerprint;
  GPtrArray        *questions;   /* char* */
  GArray           *echo;        /* gboolean */
  GPtrArray        *answers;     /* char*, wiped on free */
  int               rememberable; /* the question the keyring may keep, or -1 */
  gboolean          remember;
  gboolean          offer_same_answer;
  gboolean          same_answer;
  char             *notice;
};

G_DEFINE_FINAL_TYPE (TetherPrompt, tether_prompt, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_DESTINATION,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wipe_string (gpointer data)
{
  char *s = data;

  if (s != NULL)
    {
      explicit_bzero (s, strlen (s));
      g_free (s);
    }
}

static void
tether_prompt_finalize (GObject *object)
{
  TetherPrompt *self = TETHER_PROMPT (object);

  g_free (self->destination);
  g_free (self->message);
  g_free (self->instruction);
  g_free (self->key_type);
  g_free (self->fingerprint);
  g_free (self->notice);
  g_ptr_array_unref (self->questions);
  g_array_unref (self->echo);
  g_ptr_array_unref (self->answers);

  G_OBJECT_CLASS (tether_prompt_parent_class)->finalize (object);
}

static void
tether_prompt_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TetherPrompt *self = TETHER_PROMPT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_DESTINATION:
      g_value_set_string (value, self->destination);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_prompt_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TetherPrompt *self = TETHER_PROMPT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_DESTINATION:
      self->destination = g_value_dup_string (value);
      break;
    case PROP_MESSAGE:
      tether_prompt_set_message (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_prompt_class_init (TetherPromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tether_prompt_finalize;
  object_class->get_property = tether_prompt_get_property;
  object_class->set_property = tether_prompt_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       TETHER_TYPE_PROMPT_KIND, TETHER_PROMPT_HOST_KEY,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESTINATION] =
    g_param_spec_string ("destination", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tether_prompt_init (TetherPrompt *self)
{
  self->questions = g_ptr_array_new_with_free_func (g_free);
  self->echo = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->answers = g_ptr_array_new_with_free_func (wipe_string);
  self->rememberable = -1;
}

/**
 * tether_prompt_new:
 * @kind: what is asked
 * @destination: the `user@host:port` it is asked for
 *
 * Returns: (transfer full): a new prompt
 */
TetherPrompt *
tether_prompt_new (TetherPromptKind  kind,
                   const char       *destination)
{
  return g_object_new (TETHER_TYPE_PROMPT,
                       "kind", kind,
                       "destination", destination,
                       NULL);
}

TetherPromptKind
tether_prompt_get_kind (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), TETHER_PROMPT_HOST_KEY);
  return self->kind;
}

const char *
tether_prompt_get_destination (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);
  return self->destination;
}

const char *
tether_prompt_get_message (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);
  return self->message;
}

void
tether_prompt_set_message (TetherPrompt *self,
                           const char   *message)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));

  if (tether_set_str (&self->message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

const char *
tether_prompt_get_instruction (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);
  return self->instruction;
}

void
tether_prompt_set_instruction (TetherPrompt *self,
                               const char   *instruction)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  tether_set_str (&self->instruction, instruction);
}

const char *
tether_prompt_get_key_type (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);
  return self->key_type;
}

const char *
tether_prompt_get_fingerprint (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);
  return self->fingerprint;
}

void
tether_prompt_set_host_key (TetherPrompt *self,
                            const char   *key_type,
                            const char   *fingerprint)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  tether_set_str (&self->key_type, key_type);
  tether_set_str (&self->fingerprint, fingerprint);
}

guint
tether_prompt_get_n_questions (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), 0);
  return self->questions->len;
}

/**
 * tether_prompt_get_question:
 * @echo: (out) (optional): whether the answer may be shown while typed
 *
 * Returns: (nullable): the question, or %NULL past the last one
 */
const char *
tether_prompt_get_question (TetherPrompt *self,
                            guint         index,
                            gboolean     *echo)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);

  if (index >= self->questions->len)
    return NULL;
  if (echo != NULL)
    *echo = g_array_index (self->echo, gboolean, index);
  return g_ptr_array_index (self->questions, index);
}

void
tether_prompt_add_question (TetherPrompt *self,
                            const char   *question,
                            gboolean      echo)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  g_return_if_fail (question != NULL);

  g_ptr_array_add (self->questions, g_strdup (question));
  g_array_append_val (self->echo, echo);
  g_ptr_array_add (self->answers, NULL);
}

void
tether_prompt_set_answer (TetherPrompt *self,
                          guint         index,
                          const char   *answer)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  g_return_if_fail (index < self->answers->len);

  wipe_string (g_ptr_array_index (self->answers, index));
  g_ptr_array_index (self->answers, index) = g_strdup (answer);
}

const char *
tether_prompt_get_answer (TetherPrompt *self,
                          guint         index)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);

  if (index >= self->answers->len)
    return NULL;
  return g_ptr_array_index (self->answers, index);
}

/**
 * tether_prompt_wipe_answers:
 *
 * Wipes and forgets the answers once they were used: whoever still holds
 * the prompt (a dialog's task, an event) holds no secret.
 */
void
tether_prompt_wipe_answers (TetherPrompt *self)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));

  for (guint i = 0; i < self->answers->len; i++)
    {
      wipe_string (g_ptr_array_index (self->answers, i));
      g_ptr_array_index (self->answers, i) = NULL;
    }
}

/**
 * tether_prompt_get_rememberable:
 *
 * Returns: the question whose answer the keyring may keep (a password or a
 *   passphrase, never a one-time code), or -1 when none may be kept
 */
int
tether_prompt_get_rememberable (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), -1);
  return self->rememberable;
}

/**
 * tether_prompt_set_rememberable:
 * @index: a question, or -1
 *
 * The core offers *Remember* for that question's answer.
 */
void
tether_prompt_set_rememberable (TetherPrompt *self,
                                int           index)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  g_return_if_fail (index < (int) self->questions->len);
  self->rememberable = MAX (index, -1);
}

/**
 * tether_prompt_get_remember:
 *
 * Returns: %TRUE when the user chose to keep the rememberable answer in the
 *   keyring (off unless the user turned it on)
 */
gboolean
tether_prompt_get_remember (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), FALSE);
  return self->remember && self->rememberable >= 0;
}

void
tether_prompt_set_remember (TetherPrompt *self,
                            gboolean      remember)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  self->remember = !!remember;
}

/**
 * tether_prompt_get_offer_same_answer:
 *
 * Returns: %TRUE when the asker may offer "the same answer for the other
 *   computers" (set by #TetherInteractionQueue for a password or a
 *   passphrase asked during Invoke-Command; never for a host key)
 */
gboolean
tether_prompt_get_offer_same_answer (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), FALSE);
  return self->offer_same_answer;
}

void
tether_prompt_set_offer_same_answer (TetherPrompt *self,
                                     gboolean      offer)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  self->offer_same_answer = offer && self->kind != TETHER_PROMPT_HOST_KEY;
}

/**
 * tether_prompt_get_same_answer:
 *
 * Returns: whether the user asked to give the same answer to the same
 *   question for the other computers of the run (only when offered)
 */
gboolean
tether_prompt_get_same_answer (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), FALSE);
  return self->same_answer && self->offer_same_answer;
}

void
tether_prompt_set_same_answer (TetherPrompt *self,
                               gboolean      same)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  self->same_answer = same;
}

/**
 * tether_prompt_get_notice:
 *
 * Returns: (nullable): something to tell the user along with the question,
 *   such as that no keyring can remember the answer
 */
const char *
tether_prompt_get_notice (TetherPrompt *self)
{
  g_return_val_if_fail (TETHER_IS_PROMPT (self), NULL);
  return self->notice;
}

void
tether_prompt_set_notice (TetherPrompt *self,
                          const char   *notice)
{
  g_return_if_fail (TETHER_IS_PROMPT (self));
  tether_set_str (&self->notice, notice);
}

G_DEFINE_INTERFACE (TetherInteraction, tether_interaction, G_TYPE_OBJECT)

static void
tether_interaction_default_init (TetherInteractionInterface *iface)
{
}

/**
 * tether_interaction_ask:
 * @self: the interaction
 * @prompt: what to ask; answers are stored in it
 * @cancellable: (nullable): cancels the question (the connection gave up)
 *
 * Asks the user, on the main thread.
 */
void
tether_interaction_ask (TetherInteraction   *self,
                        TetherPrompt        *prompt,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (TETHER_IS_INTERACTION (self));
  g_return_if_fail (TETHER_IS_PROMPT (prompt));

  TETHER_INTERACTION_GET_IFACE (self)->ask (self, prompt, cancellable, callback, user_data);
}

gboolean
tether_interaction_ask_finish (TetherInteraction  *self,
                               GAsyncResult       *result,
                               GError            **error)
{
  g_return_val_if_fail (TETHER_IS_INTERACTION (self), FALSE);

  return TETHER_INTERACTION_GET_IFACE (self)->ask_finish (self, result, error);
}
