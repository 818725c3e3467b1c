/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-interaction.h"

G_BEGIN_DECLS

/*
 * A TetherInteraction that tests script: it accepts or rejects host keys,
 * answers questions from a list, and records every prompt it was shown.
 */

#define TETHER_TYPE_TEST_INTERACTION (tether_test_interaction_get_type ())
G_DECLARE_FINAL_TYPE (TetherTestInteraction, tether_test_interaction, TETHER, TEST_INTERACTION, GObject)

TetherTestInteraction *tether_test_interaction_new          (gboolean                accept_host_keys);
/* Answers given in order, one per question asked; when they run out the
 * interaction declines. */
void                   tether_test_interaction_add_answer   (TetherTestInteraction  *self,
                                                             const char             *answer);
/* Whether the answers given are to be remembered (Remember turned on). */
void                   tether_test_interaction_set_remember (TetherTestInteraction  *self,
                                                             gboolean                remember);
/* Every prompt shown so far (TetherPrompt*). */
GPtrArray             *tether_test_interaction_get_prompts  (TetherTestInteraction  *self);
guint                  tether_test_interaction_count_kind   (TetherTestInteraction  *self,
                                                             TetherPromptKind        kind);

/* With @hold, questions are left open until the test answers them. */
void                   tether_test_interaction_set_hold     (TetherTestInteraction  *self,
                                                             gboolean                hold);
guint                  tether_test_interaction_get_n_held   (TetherTestInteraction  *self);
/* Whether the core withdrew the oldest open question (cancelled it). */
gboolean               tether_test_interaction_held_is_withdrawn (TetherTestInteraction *self);
/* Answers the oldest open question, withdrawn or not: host keys with
 * @accept_host_key, questions from the answers list. */
void                   tether_test_interaction_answer_held  (TetherTestInteraction  *self,
                                                             gboolean                accept_host_key);

G_END_DECLS
