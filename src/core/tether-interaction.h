/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TetherPromptKind:
 * @TETHER_PROMPT_HOST_KEY: an unknown host key; answering means "accept and save"
 * @TETHER_PROMPT_PASSWORD: the account's password (one question, no echo)
 * @TETHER_PROMPT_PASSPHRASE: the passphrase of a key file (one question, no echo)
 * @TETHER_PROMPT_KEYBOARD_INTERACTIVE: the server's questions, each with its echo flag
 */
typedef enum {
  TETHER_PROMPT_HOST_KEY,
  TETHER_PROMPT_PASSWORD,
  TETHER_PROMPT_PASSPHRASE,
  TETHER_PROMPT_KEYBOARD_INTERACTIVE,
} TetherPromptKind;

#define TETHER_TYPE_PROMPT (tether_prompt_get_type ())
G_DECLARE_FINAL_TYPE (TetherPrompt, tether_prompt, TETHER, PROMPT, GObject)

TetherPrompt     *tether_prompt_new              (TetherPromptKind  kind,
                                                  const char       *destination);
TetherPromptKind  tether_prompt_get_kind         (TetherPrompt     *self);
const char       *tether_prompt_get_destination  (TetherPrompt     *self);
const char       *tether_prompt_get_message      (TetherPrompt     *self);
void              tether_prompt_set_message      (TetherPrompt     *self,
                                                  const char       *message);
const char       *tether_prompt_get_instruction  (TetherPrompt     *self);
void              tether_prompt_set_instruction  (TetherPrompt     *self,
                                                  const char       *instruction);
const char       *tether_prompt_get_key_type     (TetherPrompt     *self);
const char       *tether_prompt_get_fingerprint  (TetherPrompt     *self);
void              tether_prompt_set_host_key     (TetherPrompt     *self,
                                                  const char       *key_type,
                                                  const char       *fingerprint);
guint             tether_prompt_get_n_questions  (TetherPrompt     *self);
const char       *tether_prompt_get_question     (TetherPrompt     *self,
                                                  guint             index,
                                                  gboolean         *echo);
void              tether_prompt_add_question     (TetherPrompt     *self,
                                                  const char       *question,
                                                  gboolean          echo);
void              tether_prompt_set_answer       (TetherPrompt     *self,
                                                  guint             index,
                                                  const char       *answer);
const char       *tether_prompt_get_answer       (TetherPrompt     *self,
                                                  guint             index);
void              tether_prompt_wipe_answers     (TetherPrompt     *self);
int               tether_prompt_get_rememberable (TetherPrompt     *self);
void              tether_prompt_set_rememberable (TetherPrompt     *self,
                                                  int               index);
gboolean          tether_prompt_get_remember     (TetherPrompt     *self);
void              tether_prompt_set_remember     (TetherPrompt     *self,
                                                  gboolean          remember);
gboolean          tether_prompt_get_offer_same_answer (TetherPrompt *self);
void              tether_prompt_set_offer_same_answer (TetherPrompt *self,
                                                  gboolean          offer);
gboolean          tether_prompt_get_same_answer  (TetherPrompt     *self);
void              tether_prompt_set_same_answer  (TetherPrompt     *self,
                                                  gboolean          same);
const char       *tether_prompt_get_notice       (TetherPrompt     *self);
void              tether_prompt_set_notice       (TetherPrompt     *self,
                                                  const char       *notice);

#define TETHER_TYPE_INTERACTION (tether_interaction_get_type ())
G_DECLARE_INTERFACE (TetherInteraction, tether_interaction, TETHER, INTERACTION, GObject)

/**
 * TetherInteractionInterface:
 * @ask: show @prompt to the user; called on the main thread
 * @ask_finish: %TRUE when the user answered (accepted the key, gave the
 *   secrets with tether_prompt_set_answer()), %FALSE with no error when the
 *   user declined
 *
 * How the core asks the user something while it connects.  The GUI implements
 * it with dialogs; the tests script it.
 */
struct _TetherInteractionInterface
{
  GTypeInterface parent_iface;

  void     (*ask)        (TetherInteraction    *self,
                          TetherPrompt         *prompt,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data);
  gboolean (*ask_finish) (TetherInteraction    *self,
                          GAsyncResult         *result,
                          GError              **error);
};

void     tether_interaction_ask        (TetherInteraction    *self,
                                        TetherPrompt         *prompt,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean tether_interaction_ask_finish (TetherInteraction    *self,
                                        GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
