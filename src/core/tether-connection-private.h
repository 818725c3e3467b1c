/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libssh/libssh.h>

#include "tether-connection.h"

G_BEGIN_DECLS

/*
 * The connection is split in two halves that share a TetherConnectionShared:
 * the GObject on the main thread (tether-connection.c) and the worker thread
 * that owns the libssh session (tether-ssh-worker.c).  They talk through two
 * queues: commands go to the worker (which a write to an eventfd wakes up),
 * events come back to the main context (drained by one idle callback).
 */

typedef enum {
  TETHER_COMMAND_OPEN_CHANNEL,
  TETHER_COMMAND_WRITE,
  TETHER_COMMAND_EOF,
  TETHER_COMMAND_RESIZE,
  TETHER_COMMAND_CLOSE_CHANNEL,
  TETHER_COMMAND_CLOSE,
} TetherCommandType;

typedef struct {
  TetherCommandType  type;
  TetherChannel     *channel;     /* owned */
  GBytes            *data;
  char              *command;
  guint              columns;
  guint              rows;
} TetherCommand;

typedef enum {
  TETHER_EVENT_PROMPT,
  TETHER_EVENT_CONNECTED,
  TETHER_EVENT_CHANNEL_OPENED,
  TETHER_EVENT_OUTPUT,
  TETHER_EVENT_EXITED,
  TETHER_EVENT_CHANNEL_CLOSED,
  TETHER_EVENT_BROKEN,
  TETHER_EVENT_FINISHED,
} TetherEventType;

typedef struct {
  TetherEventType  type;
  TetherChannel   *channel;       /* owned */
  TetherPrompt    *prompt;        /* owned */
  GBytes          *data;
  gboolean         is_stderr;
  int              status;
  GError          *error;
  guint            local_port;
} TetherEvent;

typedef struct {
  /* Set before the worker starts, then read-only. */
  char              *alias;
  char              *host;
  char              *user;
  guint              port;
  char              *key;
  char              *ssh_dir;
  char              *identity_file;
  guint              timeout_s;
  guint              keepalive_ms;
  guint              keepalive_max_missed;
  GMainContext      *main_context;

  GMutex             mutex;
  GCond              cond;
  GQueue             commands;      /* TetherCommand*, under mutex */
  GQueue             events;        /* TetherEvent*, under mutex */
  gboolean           dispatch_queued;
  gboolean           closing;       /* the main side wants the worker gone */
  gboolean           prompt_done;   /* a prompt's answer arrived */
  gboolean           prompt_answered;
  int                wake_fd;
  int                socket_fd;     /* -1 until connected; shut down to abort */
  GCancellable      *cancellable;   /* cancels the TCP connect */

  GWeakRef           object;        /* the TetherConnection */
} TetherConnectionShared;

TetherConnectionShared *_tether_connection_shared_ref   (TetherConnectionShared *shared);
void                    _tether_connection_shared_unref (TetherConnectionShared *shared);
void                    _tether_connection_post_event   (TetherConnectionShared *shared,
                                                         TetherEvent            *event);
void                    _tether_connection_wake         (TetherConnectionShared *shared);
gboolean                _tether_connection_ask          (TetherConnectionShared *shared,
                                                         TetherPrompt           *prompt);
void                    _tether_event_free              (TetherEvent            *event);
void                    _tether_command_free            (TetherCommand          *command);

/* The worker thread's body (tether-ssh-worker.c). */
gpointer                _tether_ssh_worker_run          (gpointer                data);

/* Channels (tether-channel.c). */
TetherChannel          *_tether_channel_new             (TetherConnection       *connection,
                                                         gboolean                is_shell);
void                    _tether_channel_send            (TetherChannel          *self,
                                                         TetherCommand          *command);
void                    _tether_channel_deliver         (TetherChannel          *self,
                                                         TetherEvent            *event);
gboolean                _tether_channel_get_started     (TetherChannel          *self);
gsize                   _tether_channel_get_credit      (TetherChannel          *self);
void                    _tether_channel_add_in_flight   (TetherChannel          *self,
                                                         gsize                   n_bytes);
void                    _tether_connection_send         (TetherConnection       *self,
                                                         TetherCommand          *command);
void                    _tether_connection_wake_object  (TetherConnection       *self);

G_END_DECLS
