/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-interaction.h"

G_BEGIN_DECLS

#define TETHER_TYPE_DIALOG_INTERACTION (tether_dialog_interaction_get_type ())
G_DECLARE_FINAL_TYPE (TetherDialogInteraction, tether_dialog_interaction, TETHER, DIALOG_INTERACTION, GObject)

/**
 * TetherDialogInteraction:
 *
 * The core's questions as dialogs over the application's active window:
 * an unknown host key, a password, a key's passphrase, the server's
 * keyboard-interactive prompts.  Each dialog is named (gtk_widget_get_name())
 * `tether-host-key-dialog`, `tether-password-dialog`,
 * `tether-passphrase-dialog` or `tether-keyboard-interactive-dialog`, and
 * answers with the response ids "accept" / "cancel".
 */

TetherInteraction *tether_dialog_interaction_new (GtkApplication *application);

G_END_DECLS
