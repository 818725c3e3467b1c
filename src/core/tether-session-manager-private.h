/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-connection-pool.h"
#include "tether-session-manager.h"

G_BEGIN_DECLS

struct _TetherSessionManager
{
  GObject            parent_instance;

  GListStore        *sessions;    /* listed: named sessions */
  GPtrArray         *temporary;   /* temporary sessions alive */
  TetherConnectionPool *pool;
  char              *store_path;
  /* Why the sessions file does not hold the list, or NULL: a save that
   * failed (tried again at the next change), or a file that could not be
   * read.  Over such a file nothing is saved: it may hold what the user had. */
  GError            *store_error;
  gboolean           store_blocked;
  TetherInteraction *interaction;
  TetherConfig       config;
};

/* tether-session-manager-store.c */
void     _tether_session_manager_save        (TetherSessionManager  *self);
gboolean _tether_session_manager_check_store (TetherSessionManager  *self,
                                              GError               **error);

/* tether-session-manager-tmux.c */
void     _tether_session_manager_connected   (TetherSessionManager  *self,
                                              TetherSession         *session);
void     _tether_session_manager_end_remote  (TetherSessionManager  *self,
                                              TetherSession         *session);
void     _tether_session_manager_disconnect_on_quit (TetherSessionManager *self,
                                                     TetherSession        *session);

/* For the tests: what the manager keeps to itself. */

guint tether_session_manager_get_n_connections (TetherSessionManager *self);

G_END_DECLS
