/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-session.h"

G_BEGIN_DECLS

/**
 * TetherInvocationStatus:
 * @TETHER_INVOCATION_STATUS_PENDING: waiting for a free slot (ThrottleLimit)
 * @TETHER_INVOCATION_STATUS_CONNECTING: opening a temporary session, or the
 *   command's channel on an Opened session
 * @TETHER_INVOCATION_STATUS_RUNNING: the command runs; output may stream
 * @TETHER_INVOCATION_STATUS_SUCCEEDED: the command exited with status 0
 * @TETHER_INVOCATION_STATUS_FAILED: the command exited with another status
 *   (or the server did not say which)
 * @TETHER_INVOCATION_STATUS_ERROR: the command could not run (refused,
 *   host key, login, session not open…): see the error message
 * @TETHER_INVOCATION_STATUS_TIMED_OUT: the per-host timeout ran out
 * @TETHER_INVOCATION_STATUS_CANCELLED: the run was cancelled before this
 *   host finished
 *
 * Where one host of an Invoke-Command run is.  The last five are final.
 */
typedef enum {
  TETHER_INVOCATION_STATUS_PENDING,
  TETHER_INVOCATION_STATUS_CONNECTING,
  TETHER_INVOCATION_STATUS_RUNNING,
  TETHER_INVOCATION_STATUS_SUCCEEDED,
  TETHER_INVOCATION_STATUS_FAILED,
  TETHER_INVOCATION_STATUS_ERROR,
  TETHER_INVOCATION_STATUS_TIMED_OUT,
  TETHER_INVOCATION_STATUS_CANCELLED,
} TetherInvocationStatus;

const char *tether_invocation_status_to_string  (TetherInvocationStatus status);
const char *tether_invocation_status_to_display (TetherInvocationStatus status);
gboolean    tether_invocation_status_is_final   (TetherInvocationStatus status);
gboolean    tether_invocation_status_is_failure (TetherInvocationStatus status);

/**
 * TetherInvocationChunk:
 * @data: bytes as they came
 * @is_stderr: %TRUE for the standard error
 *
 * A piece of a host's output, in the order it arrived.
 */
typedef struct {
  GBytes   *data;
  gboolean  is_stderr;
} TetherInvocationChunk;

#define TETHER_TYPE_INVOCATION_RESULT (tether_invocation_result_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvocationResult, tether_invocation_result, TETHER, INVOCATION_RESULT, GObject)

/**
 * TetherInvocationResult:
 *
 * One host of a run (PowerShell's PSComputerName): where it ran, what it
 * printed, how it ended.  Properties (all notified): `computer-name`,
 * `session` (the named session, %NULL for a computer name), `status`,
 * `exit-status` (-1 until known), `duration` (seconds, double, since its
 * slot started), `error-message` (%NULL unless status is Error/TimedOut/
 * Cancelled), `index` (its place in the target list).
 *
 * Signal `output (GBytes *data, gboolean is_stderr)`: a chunk was appended,
 * on the main thread, as it came.
 */
const char             *tether_invocation_result_get_computer_name (TetherInvocationResult *self);
TetherSession          *tether_invocation_result_get_session       (TetherInvocationResult *self);
guint                   tether_invocation_result_get_index         (TetherInvocationResult *self);
TetherInvocationStatus  tether_invocation_result_get_status        (TetherInvocationResult *self);
int                     tether_invocation_result_get_exit_status   (TetherInvocationResult *self);
double                  tether_invocation_result_get_duration      (TetherInvocationResult *self);
const char             *tether_invocation_result_get_error_message (TetherInvocationResult *self);
guint                   tether_invocation_result_get_n_chunks      (TetherInvocationResult *self);
const TetherInvocationChunk *tether_invocation_result_get_chunk    (TetherInvocationResult *self,
                                                                    guint                   index);
/* All of one stream (@is_stderr), or of both interleaved as they came
 * (@both TRUE), as one block. */
GBytes                 *tether_invocation_result_dup_output        (TetherInvocationResult *self,
                                                                    gboolean                both,
                                                                    gboolean                is_stderr);

#define TETHER_TYPE_INVOCATION_GROUP (tether_invocation_group_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvocationGroup, tether_invocation_group, TETHER, INVOCATION_GROUP, GObject)

/**
 * TetherInvocationGroup:
 *
 * Hosts whose output (both streams) and end (status, exit status, error)
 * are identical, as `dshbak -c` gathers them.  A host still running is a
 * group of its own until it ends.  Its results (a #GListModel of
 * #TetherInvocationResult, in list order); the first stands for all
 * (output, status, exit status, error).
 */
GListModel             *tether_invocation_group_get_results       (TetherInvocationGroup *self);
guint                   tether_invocation_group_get_n_computers   (TetherInvocationGroup *self);
TetherInvocationResult *tether_invocation_group_get_first         (TetherInvocationGroup *self);
TetherInvocationStatus  tether_invocation_group_get_status        (TetherInvocationGroup *self);
/* "web01, web02, web03 … 12 computers" (translated), for a heading. */
char                   *tether_invocation_group_dup_label         (TetherInvocationGroup *self);

#define TETHER_TYPE_INVOCATION (tether_invocation_get_type ())
G_DECLARE_FINAL_TYPE (TetherInvocation, tether_invocation, TETHER, INVOCATION, GObject)

/**
 * TetherInvocation:
 *
 * Invoke-Command: one command on many hosts, at most `throttle-limit` of
 * them connecting and running at once, started in list order.  A target is
 * an Opened session (the command runs on an exec channel of its existing
 * connection: no new handshake) or a computer name (a temporary session,
 * closed when its command ends).  One host failing never stops the others.
 *
 * Make it with tether_session_manager_new_invocation() (the manager lists
 * its runs, so a run goes on when nobody watches it), add targets, then
 * run.  Properties (notified on the main thread): `command`,
 * `throttle-limit`, `timeout` (seconds per host, 0 for none), `n-targets`,
 * `n-finished`, `n-failed`, `fraction` (0–1 done), `running`, `finished`,
 * `cancelled`, `started` (a #GDateTime, %NULL before the run).
 */
void        tether_invocation_add_session        (TetherInvocation    *self,
                                                  TetherSession       *session);
void        tether_invocation_add_computer       (TetherInvocation    *self,
                                                  const char          *target);
const char *tether_invocation_get_command        (TetherInvocation    *self);
guint       tether_invocation_get_throttle_limit (TetherInvocation    *self);
void        tether_invocation_set_throttle_limit (TetherInvocation    *self,
                                                  guint                limit);
guint       tether_invocation_get_timeout        (TetherInvocation    *self);
void        tether_invocation_set_timeout        (TetherInvocation    *self,
                                                  guint                seconds);
guint       tether_invocation_get_n_targets      (TetherInvocation    *self);
guint       tether_invocation_get_n_finished     (TetherInvocation    *self);
guint       tether_invocation_get_n_failed       (TetherInvocation    *self);
double      tether_invocation_get_fraction       (TetherInvocation    *self);
gboolean    tether_invocation_get_running        (TetherInvocation    *self);
gboolean    tether_invocation_get_finished       (TetherInvocation    *self);
gboolean    tether_invocation_get_cancelled      (TetherInvocation    *self);
GDateTime  *tether_invocation_get_started        (TetherInvocation    *self);

/* Per computer, in list order (#TetherInvocationResult). */
GListModel *tether_invocation_get_results        (TetherInvocation    *self);
/* Gathered (#TetherInvocationGroup): failures first, then running, then
 * the rest, each by its first host's place in the list. */
GListModel *tether_invocation_get_groups         (TetherInvocation    *self);

/* Completes when every host has ended: %TRUE if every one succeeded,
 * otherwise %FALSE with TETHER_ERROR_FAILED ("3 of 20 computers failed…"),
 * or G_IO_ERROR_CANCELLED after tether_invocation_cancel(). */
void        tether_invocation_run_async          (TetherInvocation    *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean    tether_invocation_run_finish         (TetherInvocation    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* Stops what still runs, never starts the rest, closes what it opened. */
void        tether_invocation_cancel             (TetherInvocation    *self);

/* Serializations, for the command line and for Copy/Save.  Text: gathered
 * (one heading per group) or per computer; JSON: an array of one object
 * per computer {computer, session, status, exit_status, duration, error,
 * output: [{stream, text}]}. */
char       *tether_invocation_to_text            (TetherInvocation    *self,
                                                  gboolean             gathered);
char       *tether_invocation_to_json            (TetherInvocation    *self);
void        tether_invocation_result_append_json_head (GString                *out,
                                                       TetherInvocationResult *result);

/* One JSON string literal (quotes included) for @len bytes of @text, invalid
 * UTF-8 replaced: for the command line's records. */
void        tether_json_append_string            (GString             *out,
                                                  const char          *text,
                                                  gssize               len);

G_END_DECLS
