/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TETHER_TYPE_CHANNEL (tether_channel_get_type ())
G_DECLARE_FINAL_TYPE (TetherChannel, tether_channel, TETHER, CHANNEL, GObject)

/**
 * TetherChannel:
 *
 * One SSH channel (a PTY shell or an exec command) seen from the main thread.
 *
 * Nothing is read from the remote side until tether_channel_start() (or
 * tether_channel_collect_async()): connect the signals first, then start,
 * and no output or end is ever emitted before anyone listens.
 *
 * Signals, all on the main thread:
 * - `output (GBytes *data, gboolean is_stderr)`: data from the remote side.
 *   The channel is the one ledger of its output's flow control: every byte
 *   delivered counts as held until whoever holds it gives it back with
 *   tether_channel_consume().  Past the window (tether_channel_get_window())
 *   the channel stops reading: the server's window closes and it stops
 *   sending.  A session gives back what no viewer takes
 *   (tether-session.c); a terminal gives back what it took as it feeds it
 *   to VTE (tether-terminal.c).
 * - `exited (int status)`: the remote command exited (-1 if it said nothing).
 * - `closed (GError *error)`: the channel is gone; @error is %NULL for a
 *   normal end.  No signal follows.
 */

void       tether_channel_start             (TetherChannel *self);
gboolean   tether_channel_get_is_shell      (TetherChannel *self);
gboolean   tether_channel_get_closed        (TetherChannel *self);
int        tether_channel_get_exit_status   (TetherChannel *self);
gsize      tether_channel_get_window        (TetherChannel *self);
void       tether_channel_set_window        (TetherChannel *self,
                                             gsize          window);
gsize      tether_channel_get_in_flight     (TetherChannel *self);
void       tether_channel_consume           (TetherChannel *self,
                                             gsize          n_bytes);
void       tether_channel_write             (TetherChannel *self,
                                             const void    *data,
                                             gsize          len);
void       tether_channel_send_eof          (TetherChannel *self);
void       tether_channel_resize            (TetherChannel *self,
                                             guint          columns,
                                             guint          rows);
void       tether_channel_close             (TetherChannel *self);

/**
 * TetherExecResult:
 * @stdout_bytes: everything the command wrote on its standard output
 * @stderr_bytes: everything it wrote on its standard error
 * @exit_status: its exit status, or -1 when the server did not say
 */
typedef struct {
  GBytes *stdout_bytes;
  GBytes *stderr_bytes;
  int     exit_status;
} TetherExecResult;

void tether_exec_result_free (TetherExecResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherExecResult, tether_exec_result_free)

void              tether_channel_collect_async  (TetherChannel        *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
TetherExecResult *tether_channel_collect_finish (TetherChannel        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
