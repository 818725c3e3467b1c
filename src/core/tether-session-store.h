/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TetherSessionDefinition:
 *
 * What the sessions file remembers of a named session.  Never a secret.
 */
typedef struct {
  char  *instance_id;
  char  *name;
  char  *computer_name;   /* the target as typed: [user@]host[:port] or an alias */
  char  *configuration_name;
  char  *identity_file;   /* nullable */
  char  *folder;          /* nullable */
} TetherSessionDefinition;

TetherSessionDefinition *tether_session_definition_new  (void);
void                     tether_session_definition_free (TetherSessionDefinition *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSessionDefinition, tether_session_definition_free)

char      *tether_session_store_default_path (void);
GPtrArray *tether_session_store_load         (const char  *path,
                                              char       **moved_aside_to,
                                              GError     **error);
gboolean   tether_session_store_save         (const char  *path,
                                              GPtrArray   *definitions,
                                              GError     **error);

G_END_DECLS
