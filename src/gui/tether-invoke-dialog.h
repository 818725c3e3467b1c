/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-session-manager.h"

G_BEGIN_DECLS

#define TETHER_TYPE_INVOKE_DIALOG (tether_invoke_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvokeDialog, tether_invoke_dialog, TETHER, INVOKE_DIALOG, AdwWindow)

/**
 * TetherInvokeDialog:
 *
 * Run Command: a command (Up and Down walk the commands run before, kept
 * in a small state file) and its targets, session names and computers
 * (`[user@]host[:port]`, sessions with no session) separated by commas.
 *
 * Signal `run (TetherInvocation *invocation)`: Run was pressed with a
 * command and targets that all make sense; @invocation, made by the
 * manager with its targets, is not started.  The dialog then closes.
 */

TetherInvokeDialog *tether_invoke_dialog_new         (GtkWindow            *parent,
                                                      TetherSessionManager *manager,
                                                      const char           *targets);
void                tether_invoke_dialog_set_command (TetherInvokeDialog   *self,
                                                      const char           *command);

G_END_DECLS
