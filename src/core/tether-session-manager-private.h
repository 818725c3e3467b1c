/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-connection-pool.h"
#include "tether-session-manager.h"

G_BEGIN_DECLS

typedef struct _TetherReconnect TetherReconnect;

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
  GListStore        *invocations; /* TetherInvocation, oldest first */
  /* tether-reconnect.c: lost connections being retried (TetherReconnect*),
   * and what tells of losses nobody noticed yet. */
  GPtrArray         *reconnects;
  GCancellable      *link_cancellable;
  GDBusConnection   *system_bus;
  guint              sleep_id;
};

/* tether-session-manager.c */
TetherSession        *_tether_session_manager_make_session (TetherSessionManager          *self,
                                                           const TetherSessionDefinition *def,
                                                           gboolean                       temporary);
GPtrArray            *_tether_session_manager_all_sessions (TetherSessionManager  *self);
void                  _tether_session_manager_open_resolved (TetherSessionManager *self,
                                                             TetherSession        *session,
                                                             GTask                *task);

/* tether-reconnect.c */
void     _tether_session_manager_init_reconnects (TetherSessionManager *self);
void     _tether_session_manager_stop_reconnects (TetherSessionManager *self);
gboolean _tether_session_manager_reconnect       (TetherSessionManager *self,
                                                  TetherConnection     *connection,
                                                  const GError         *error);
void     _tether_session_manager_watch_links     (TetherSessionManager *self);
void     _tether_session_manager_unwatch_links   (TetherSessionManager *self);
gboolean _tether_session_manager_is_attempting   (TetherSessionManager *self,
                                                  TetherSession        *session);
void     _tether_session_manager_warn        (TetherSessionManager  *self,
                                              TetherSession         *session,
                                              const char            *message);

/* tether-session-manager-open.c */
char    *_tether_config_warning_message      (const char *const     *computers,
                                              const char            *ignored,
                                              gboolean               accept_new);

/* tether-session-manager-store.c */
void     _tether_session_manager_save        (TetherSessionManager  *self);
gboolean _tether_session_manager_check_store (TetherSessionManager  *self,
                                              GError               **error);

/* tether-session-manager-invoke.c */
void     _tether_session_manager_cancel_invocations (TetherSessionManager *self);
/* tether-session-manager-tmux.c */
void     _tether_session_manager_connected   (TetherSessionManager  *self,
                                              TetherSession         *session);
void     _tether_session_manager_disconnect_unmarked (TetherSessionManager *self,
                                                      TetherSession        *session);

/* For the tests: what the manager keeps to itself. */

guint tether_session_manager_get_n_connections (TetherSessionManager *self);

G_END_DECLS
