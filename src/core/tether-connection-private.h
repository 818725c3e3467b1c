/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libssh/libssh.h>

#include "tether-connection.h"
#include "tether-secret-memory.h"

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
  TETHER_COMMAND_PROBE,         /* a keepalive now, answered within 3 s */
  TETHER_COMMAND_OPEN_TUNNEL,
  TETHER_COMMAND_LISTEN_REMOTE,
  TETHER_COMMAND_CANCEL_REMOTE,
  TETHER_COMMAND_CLOSE,
} TetherCommandType;

typedef struct {
  TetherCommandType  type;
  TetherChannel     *channel;     /* owned */
  GBytes            *data;
  char              *command;
  guint              columns;
  guint              rows;
  /* OPEN_TUNNEL: a `direct-tcpip` channel to @command port @port, bridged
   * to @fd (owned until the worker takes it), @data sent to @fd first. */
  guint              port;
  guint              tunnel_id;
  int                fd;
  /* LISTEN_REMOTE: the server listens on @bind_address port @listen_port
   * and each connection there goes to @command port @port from here.
   * CANCEL_REMOTE: stops listener @tunnel_id. */
  char              *bind_address;
  guint              listen_port;
  gboolean           forward_agent;   /* OPEN_CHANNEL: ask for the agent */
} TetherCommand;

/*
 * Events, in the order the worker posts them.  One thread posts, one queue
 * holds them and dispatch_events() handles them in that order, each fully
 * (its signals emitted) before the next: what holds here holds for the
 * signals too.
 *
 * - PROMPT: only before CONNECTED; the worker waits for each answer.
 * - CONNECTED: once, the first event after the prompts.  With an error it
 *   is also the last.
 * - Per channel: CHANNEL_OPENED first, once.  With an error it is that
 *   channel's only event; otherwise OUTPUT any number of times, then
 *   EXITED at most once, then CHANNEL_CLOSED, its last event.  EXITED and
 *   a CHANNEL_CLOSED without an error mean the channel ended: the server
 *   closed it, or the main side closed it or the connection.  Never that
 *   the connection broke.
 * - BROKEN: at most once, when the connection broke while open (once the
 *   main side's CLOSE is read, it is never posted).  It comes BEFORE the
 *   end of every channel the worker still has: their CHANNEL_OPENED or
 *   CHANNEL_CLOSED follow it, carrying the same error, with no EXITED
 *   (channels asked for but not yet read by the worker get no event; the
 *   main side fails them on BROKEN).  So the sessions on the connection
 *   are Broken by the time their shells report closed, and a shell lost
 *   with its connection never looks like the user's `exit`.
 * - TUNNEL_OPENED: once per tunnel or remote listener the worker read,
 *   with an error when it was refused or the connection ended first; for
 *   a listener, @status is the port the server listens on.  A tunnel ends
 *   by closing its descriptor, without an event.
 * - FINISHED: once, last, after a successful CONNECTED.
 */
typedef enum {
  TETHER_EVENT_PROMPT,
  TETHER_EVENT_CONNECTED,
  TETHER_EVENT_CHANNEL_OPENED,
  TETHER_EVENT_OUTPUT,
  TETHER_EVENT_EXITED,
  TETHER_EVENT_CHANNEL_CLOSED,
  TETHER_EVENT_BROKEN,
  TETHER_EVENT_TUNNEL_OPENED,
  TETHER_EVENT_FINISHED,
} TetherEventType;

typedef struct {
  TetherEventType  type;
  TetherChannel   *channel;       /* owned */
  TetherPrompt    *prompt;        /* owned */
  GCancellable    *cancellable;   /* owned: withdraws the prompt */
  GBytes          *data;
  gboolean         is_stderr;
  int              status;
  guint            tunnel_id;
  GError          *error;
} TetherEvent;

typedef struct {
  /* Set before the worker starts, then read-only. */
  TetherResolvedTarget *resolved;   /* everything the configuration says */
  char              *host;
  char              *user;
  guint              port;
  char              *key;
  char              *ssh_dir;
  char              *identity_file;
  char              *known_hosts_file;   /* NULL: ssh_dir/known_hosts */
  guint              timeout_s;
  guint              keepalive_ms;
  guint              keepalive_max_missed;
  int                tunnel_fd;     /* -1, or the socket to use instead of TCP:
                                     * a tunnel through the jump host */
  char              *via;           /* the jump host's key, or NULL */
  char              *agent_socket;  /* $SSH_AUTH_SOCK, for agent forwarding */
  char              *proxy_command; /* the user's ProxyCommand, or NULL */
  GMainContext      *main_context;
  TetherSecretMemory *memory;       /* what was typed in this run, or NULL */

  GMutex             mutex;
  GQueue             commands;      /* TetherCommand*, under mutex */
  GQueue             events;        /* TetherEvent*, under mutex */
  gboolean           dispatch_queued;
  gboolean           closing;       /* the main side wants the worker gone */
  TetherPrompt      *prompt;        /* the question the worker waits for */
  gboolean           prompt_done;   /* its answer arrived */
  gboolean           prompt_answered;
  int                wake_fd;
  int                socket_fd;     /* -1 until connected; shut down to abort */
  GCancellable      *cancellable;   /* cancels the TCP connect */

  GWeakRef           object;        /* the TetherConnection */
} TetherConnectionShared;

TetherConnectionShared *_tether_connection_shared_ref   (TetherConnectionShared *shared);
void                    _tether_connection_shared_unref (TetherConnectionShared *shared);
/* Worker thread only, in the order documented above TetherEventType. */
void                    _tether_connection_post_event   (TetherConnectionShared *shared,
                                                         TetherEvent            *event);
void                    _tether_connection_wake         (TetherConnectionShared *shared);
/* Prompts (tether-connection-prompt.c): the worker asks and waits, the
 * main thread shows the question and answers. */
gboolean                _tether_connection_ask          (TetherConnectionShared *shared,
                                                         TetherPrompt           *prompt,
                                                         GError                **error);
void                    _tether_connection_show_prompt  (TetherConnectionShared *shared,
                                                         TetherInteraction      *interaction,
                                                         TetherPrompt           *prompt,
                                                         GCancellable           *cancellable);
void                    _tether_connection_answer_prompt (TetherConnectionShared *shared,
                                                          TetherPrompt           *prompt,
                                                          gboolean                answered);
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
gboolean                _tether_channel_has_credit      (TetherChannel          *self,
                                                         gsize                   needed);
void                    _tether_channel_add_in_flight   (TetherChannel          *self,
                                                         gsize                   n_bytes);
void                    _tether_connection_send         (TetherConnection       *self,
                                                         TetherCommand          *command);
void                    _tether_connection_wake_object  (TetherConnection       *self);
void                    _tether_connection_set_secret_memory (TetherConnection  *self,
                                                         TetherSecretMemory     *memory);
TetherConnectionShared *_tether_connection_get_shared   (TetherConnection       *self);
guint                   _tether_connection_send_tunnel  (TetherConnection       *self,
                                                         TetherCommand          *command,
                                                         GTask                  *task);

G_END_DECLS
