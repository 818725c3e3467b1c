/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vte/vte.h>

G_BEGIN_DECLS

/*
 * Two terminals' screens compared: the one under test, and a reference
 * that parsed every byte of the same output at the same size.
 */

gboolean tether_test_same_text          (VteTerminal *terminal,
                                         VteTerminal *reference);
void     tether_test_assert_same_screen (VteTerminal *terminal,
                                         VteTerminal *reference,
                                         glong        scrollback,
                                         const char  *last_words);

G_END_DECLS
