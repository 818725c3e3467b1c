/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-manager.h"

G_BEGIN_DECLS

typedef enum {
  TETHER_INVENTORY_FORMAT_INI,
  TETHER_INVENTORY_FORMAT_YAML,
} TetherInventoryFormat;

gboolean tether_inventory_format_from_string (const char             *text,
                                              TetherInventoryFormat  *format,
                                              GError                **error);
/* The named sessions (those of @folder, or all) as an Ansible inventory:
 * folders become groups, each session a host with ansible_host,
 * ansible_port, ansible_user and ansible_ssh_private_key_file from its
 * definition; never a secret. */
char    *tether_inventory_export             (TetherSessionManager   *manager,
                                              const char             *folder,
                                              TetherInventoryFormat   format,
                                              GError                **error);

G_END_DECLS
