/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-interaction.h"

G_BEGIN_DECLS

#define TETHER_TYPE_INTERACTION_QUEUE (tether_interaction_queue_get_type ())
G_DECLARE_FINAL_TYPE (TetherInteractionQueue, tether_interaction_queue, TETHER, INTERACTION_QUEUE, GObject)

/**
 * TetherInteractionQueue:
 *
 * A #TetherInteraction in front of another for a run on many hosts: the
 * prompts its connections meet are asked one at a time, in turn, each
 * naming its host (the prompt's destination).  A password (for one user)
 * or a passphrase (for one key) may be answered once for the rest of the
 * run: the prompt offers it (tether_prompt_get_offer_same_answer()), and
 * when the user takes it the queue answers the same question itself,
 * from memory only, wiped with the queue.  Never for a host key.
 */
TetherInteractionQueue *tether_interaction_queue_new (TetherInteraction *inner);

G_END_DECLS
