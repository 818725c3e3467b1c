/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-new-session-dialog.h"

G_BEGIN_DECLS

/* For the tests: the same as typing into each field, and whether Create
 * would accept them. */

void     tether_new_session_dialog_set_fields (TetherNewSessionDialog *self,
                                               const char             *target,
                                               const char             *name,
                                               const char             *user,
                                               const char             *port);
void     tether_new_session_dialog_set_jump_hosts (TetherNewSessionDialog *self,
                                                   const char             *jump_hosts);
void     tether_new_session_dialog_set_forwards   (TetherNewSessionDialog *self,
                                                   const char             *forwards);
void     tether_new_session_dialog_set_forward_agent (TetherNewSessionDialog *self,
                                                      gboolean                forward_agent);
gboolean tether_new_session_dialog_get_valid  (TetherNewSessionDialog *self);

G_END_DECLS
