/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-config.h"
#include "tether-interaction.h"
#include "tether-invocation.h"
#include "tether-secrets.h"
#include "tether-session-definition.h"

G_BEGIN_DECLS

#define TETHER_TYPE_SESSION_MANAGER (tether_session_manager_get_type ())
G_DECLARE_FINAL_TYPE (TetherSessionManager, tether_session_manager, TETHER, SESSION_MANAGER, GObject)

/**
 * TetherSessionManager:
 *
 * tether_session_manager_add_session() lists a Closed session (what the
 * sessions file gives at start, Duplicate, the Demo session);
 * tether_session_manager_new_session_async() adds and opens one (New-PSSession).
 * tether_session_manager_update_session() changes a session's definition
 * (Edit); a new target applies the next time it opens.
 *
 * The list of named sessions (a #GListModel of #TetherSession; temporary
 * sessions are never in it, as Get-PSSession does not list them), the pool of
 * connections they share, and the sessions file: a session it accepts is
 * saved, or the failure is kept (tether_session_manager_get_store_error())
 * and told (#TetherSessionManager::store-error).
 */

TetherSessionManager *tether_session_manager_new                (const char            *store_path,
                                                                 const TetherConfig    *config);
gboolean              tether_session_manager_load               (TetherSessionManager  *self,
                                                                 GError               **error);
void                  tether_session_manager_set_interaction    (TetherSessionManager  *self,
                                                                 TetherInteraction     *interaction);
const TetherConfig   *tether_session_manager_get_config         (TetherSessionManager  *self);
void                  tether_session_manager_set_config         (TetherSessionManager  *self,
                                                                 const TetherConfig    *config);
void                  tether_session_manager_set_terminal_size  (TetherSessionManager  *self,
                                                                 guint                  columns,
                                                                 guint                  rows);

TetherSession        *tether_session_manager_lookup             (TetherSessionManager  *self,
                                                                 const char            *name_or_id);
gboolean              tether_session_manager_check_name         (TetherSessionManager  *self,
                                                                 const char            *name,
                                                                 TetherSession         *ignore,
                                                                 GError               **error);
gboolean              tether_session_manager_check_definition   (TetherSessionManager           *self,
                                                                 const TetherSessionDefinition  *def,
                                                                 TetherSession                  *ignore,
                                                                 GError                        **error);

const GError         *tether_session_manager_get_store_error    (TetherSessionManager  *self);
gboolean              tether_session_manager_get_saved          (TetherSessionManager  *self);
gboolean              tether_session_manager_retry_store        (TetherSessionManager  *self,
                                                                 GError               **error);
char                 *tether_session_manager_move_store_aside   (TetherSessionManager  *self,
                                                                 GError               **error);

TetherSession        *tether_session_manager_add_session        (TetherSessionManager           *self,
                                                                 const TetherSessionDefinition  *def,
                                                                 GError                        **error);
TetherSession        *tether_session_manager_restore_session    (TetherSessionManager           *self,
                                                                 const TetherSessionDefinition  *def,
                                                                 guint                           id,
                                                                 GError                        **error);
gboolean              tether_session_manager_update_session     (TetherSessionManager           *self,
                                                                 TetherSession                  *session,
                                                                 const TetherSessionDefinition  *def,
                                                                 GError                        **error);
void                  tether_session_manager_move_session       (TetherSessionManager           *self,
                                                                 TetherSession                  *session,
                                                                 const char                     *folder);
gboolean              tether_session_manager_rename_folder      (TetherSessionManager           *self,
                                                                 const char                     *path,
                                                                 const char                     *new_name,
                                                                 GError                        **error);
void                  tether_session_manager_new_session_async  (TetherSessionManager           *self,
                                                                 const TetherSessionDefinition  *def,
                                                                 GCancellable                   *cancellable,
                                                                 GAsyncReadyCallback             callback,
                                                                 gpointer                        user_data);
TetherSession        *tether_session_manager_new_session_finish (TetherSessionManager  *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_enter_computer_async  (TetherSessionManager *self,
                                                                 const char            *target,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
TetherSession        *tether_session_manager_enter_computer_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_open_session_async (TetherSessionManager  *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
gboolean              tether_session_manager_open_session_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_close_session      (TetherSessionManager  *self,
                                                                 TetherSession         *session);
void                  tether_session_manager_remove_session     (TetherSessionManager  *self,
                                                                 TetherSession         *session);
void                  tether_session_manager_remove_session_keeping_secrets (TetherSessionManager *self,
                                                                             TetherSession        *session);
void                  tether_session_manager_remove_session_async  (TetherSessionManager *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
gboolean              tether_session_manager_remove_session_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_close_all          (TetherSessionManager  *self);
void                  tether_session_manager_reconnect_now      (TetherSessionManager  *self,
                                                                 TetherSession         *session);
void                  tether_session_manager_check_connections  (TetherSessionManager  *self);
void                  tether_session_manager_disconnect_session_async  (TetherSessionManager *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
gboolean              tether_session_manager_disconnect_session_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_connect_session_async  (TetherSessionManager *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
char                 *tether_session_manager_connect_session_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_receive_session_async  (TetherSessionManager *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
char                 *tether_session_manager_receive_session_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_forget_secrets_async  (TetherSessionManager *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
gboolean              tether_session_manager_forget_secrets_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
void                  tether_session_manager_take_secrets_async    (TetherSessionManager *self,
                                                                 TetherSession         *session,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
TetherTakenSecrets   *tether_session_manager_take_secrets_finish   (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);

void                  tether_session_manager_open_computer_async  (TetherSessionManager *self,
                                                                 const char            *target,
                                                                 TetherInteraction     *interaction,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
TetherSession        *tether_session_manager_open_computer_finish (TetherSessionManager *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);
GPtrArray            *tether_session_manager_list_folder        (TetherSessionManager  *self,
                                                                 const char            *folder);

/* Invoke-Command (tether-session-manager-invoke.c): the runs of this
 * process, running and finished, kept until cleared. */
TetherInvocation     *tether_session_manager_new_invocation     (TetherSessionManager  *self,
                                                                 const char            *command);
GListModel           *tether_session_manager_get_invocations    (TetherSessionManager  *self);
void                  tether_session_manager_clear_invocations  (TetherSessionManager  *self);

G_END_DECLS
