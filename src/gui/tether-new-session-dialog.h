/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-session-manager.h"

G_BEGIN_DECLS

#define TETHER_TYPE_NEW_SESSION_DIALOG (tether_new_session_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TetherNewSessionDialog, tether_new_session_dialog, TETHER, NEW_SESSION_DIALOG, AdwWindow)

/**
 * TetherNewSessionDialog:
 *
 * The fields of New-PSSession, validated while typing.  With a session it
 * edits that session's definition instead.  Emits `create` when the user
 * confirms valid fields; the caller acts and destroys the dialog (or shows
 * an error in it).  After a failed Create, emits `save` for Save Without
 * Connecting.
 */

TetherNewSessionDialog *tether_new_session_dialog_new            (GtkWindow               *parent,
                                                                  TetherSessionManager    *manager,
                                                                  TetherSession           *session);
TetherSession          *tether_new_session_dialog_get_session    (TetherNewSessionDialog  *self);
void                    tether_new_session_dialog_get_definition (TetherNewSessionDialog  *self,
                                                                  TetherSessionDefinition *def);
void                    tether_new_session_dialog_set_error      (TetherNewSessionDialog  *self,
                                                                  const char              *message);
void                    tether_new_session_dialog_set_connecting (TetherNewSessionDialog  *self,
                                                                  gboolean                 connecting);
void                    tether_new_session_dialog_show_failure   (TetherNewSessionDialog  *self,
                                                                  const char              *message);

G_END_DECLS
