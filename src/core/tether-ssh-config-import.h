/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-session-manager.h"

G_BEGIN_DECLS

/**
 * TetherImportReport:
 * @folder: the folder the file's hosts are listed in, named after the file
 * @n_added: sessions added
 * @n_updated: sessions of the folder whose target was set back to their alias
 * @n_unchanged: sessions of the folder already up to date
 * @skipped: (array zero-terminated=1): `Host` patterns that name no one
 *   host (wildcards, negations) or that are no valid computer name
 * @removed: (array zero-terminated=1): sessions of the folder whose alias
 *   is no longer in the file; they are kept
 *
 * What an import of an SSH configuration did.
 */
typedef struct {
  char   *folder;
  guint   n_added;
  guint   n_updated;
  guint   n_unchanged;
  char  **skipped;
  char  **removed;
} TetherImportReport;

void                tether_import_report_free          (TetherImportReport   *report);
char               *tether_import_report_to_string     (const TetherImportReport *report);

void                tether_session_manager_import_ssh_config_async  (TetherSessionManager *self,
                                                                     const char           *path,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
TetherImportReport *tether_session_manager_import_ssh_config_finish (TetherSessionManager *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherImportReport, tether_import_report_free)

G_END_DECLS
