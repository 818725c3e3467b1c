/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-connection.h"

G_BEGIN_DECLS

#define TETHER_TYPE_RUNSPACE (tether_runspace_get_type ())
G_DECLARE_FINAL_TYPE (TetherRunspace, tether_runspace, TETHER, RUNSPACE, GObject)

/*
 * A session's runspace: its PTY shell on the shared connection, which keeps
 * running while nobody views it.  Internal to the core; TetherSession is the
 * public face.
 *
 * Signals: `output (GBytes *data)`, `exited (int status)` (the shell ended;
 * the next attach starts a fresh one).
 */

TetherRunspace *_tether_runspace_new          (TetherConnection     *connection);
void            _tether_runspace_start        (TetherRunspace       *self,
                                               guint                 columns,
                                               guint                 rows);
void            _tether_runspace_attach_async (TetherRunspace       *self,
                                               guint                 columns,
                                               guint                 rows,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        _tether_runspace_attach_finish (TetherRunspace      *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void            _tether_runspace_detach       (TetherRunspace       *self);
gboolean        _tether_runspace_get_attached (TetherRunspace       *self);
gboolean        _tether_runspace_get_busy     (TetherRunspace       *self);
TetherChannel  *_tether_runspace_get_shell    (TetherRunspace       *self);
void            _tether_runspace_write        (TetherRunspace       *self,
                                               const void           *data,
                                               gsize                 len);
void            _tether_runspace_resize       (TetherRunspace       *self,
                                               guint                 columns,
                                               guint                 rows);
void            _tether_runspace_consume      (TetherRunspace       *self,
                                               gsize                 n_bytes);
void            _tether_runspace_close        (TetherRunspace       *self);

G_END_DECLS
