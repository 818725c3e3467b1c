/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tether-session-manager.h"

G_BEGIN_DECLS

#define TETHER_TYPE_APPLICATION (tether_application_get_type ())
G_DECLARE_FINAL_TYPE (TetherApplication, tether_application, TETHER, APPLICATION, AdwApplication)

TetherApplication    *tether_application_new                   (void);
TetherSessionManager *tether_application_get_manager           (TetherApplication *self);
GSettings            *tether_application_get_settings          (TetherApplication *self);
GtkWindow            *tether_application_ensure_window         (TetherApplication *self);
int                   tether_application_get_local_exit_status (TetherApplication *self);
void                  tether_application_request_quit          (TetherApplication *self);

/* For the command line (tether-command-line.c). */
void                  _tether_application_set_local_exit_status (TetherApplication *self,
                                                                 int                status);
int                   _tether_application_handle_command_line   (TetherApplication       *self,
                                                                 GApplicationCommandLine *command_line);
void                  _tether_application_add_options           (TetherApplication *self);
int                   _tether_application_handle_local_options  (TetherApplication *self,
                                                                 GVariantDict      *options);

G_END_DECLS
