/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-application.h"

G_BEGIN_DECLS

/* An async command: a reference on the command line (the caller waits until
 * it is dropped) and a hold on the application. */
typedef struct {
  TetherApplication       *app;
  GApplicationCommandLine *command_line;
} TetherCommand;

TetherCommand *_tether_command_new    (TetherApplication       *app,
                                       GApplicationCommandLine *command_line);
void           _tether_command_finish (TetherCommand           *command,
                                       int                      status);
int            _tether_command_fail_now (TetherApplication     *app,
                                       GApplicationCommandLine *command_line,
                                       const GError            *error);

/* tether-command-line-invoke.c: --invoke-command and --export-inventory. */
int            _tether_command_line_invoke (TetherApplication       *app,
                                            GApplicationCommandLine *command_line,
                                            GVariantDict            *options);
int            _tether_command_line_export_inventory (TetherApplication       *app,
                                                      GApplicationCommandLine *command_line,
                                                      GVariantDict            *options);

G_END_DECLS
