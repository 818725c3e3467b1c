/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "tether-connection-private.h"

G_BEGIN_DECLS

/*
 * The worker thread's state, shared by its two halves: connecting and
 * logging in (tether-ssh-worker-connect.c), then the I/O loop
 * (tether-ssh-worker.c).  Only the worker thread touches it.
 */

typedef enum {
  STEP_OPEN,
  STEP_AGENT,
  STEP_PTY,
  STEP_START,
  STEP_RUNNING,
} ChannelStep;

typedef struct {
  TetherChannel *object;
  ssh_channel    channel;
  ChannelStep    step;
  char          *command;
  guint          columns;
  guint          rows;
  GByteArray    *pending;          /* written by the main side, not sent yet */
  gboolean       eof_requested;
  gboolean       close_requested;
  gboolean       resize_requested;
  gboolean       forward_agent;
} WorkerChannel;

typedef struct {
  TetherConnectionShared *shared;
  ssh_session             ssh;
  ssh_event               event;
  GSocketConnection      *socket;
  GSubprocess            *proxy;      /* the ProxyCommand, if any */
  int                     fd;          /* libssh's duplicate of the socket */
  gboolean                ssh_owns_fd; /* libssh will close it (see worker_free) */
  GPtrArray              *channels;   /* WorkerChannel* */
  GPtrArray              *tunnels;    /* TetherTunnel* */
  GPtrArray              *listeners;  /* TetherRemoteListener* */
  GArray                 *pollfds;    /* struct pollfd: socket, wake, tunnels */
  struct ssh_callbacks_struct callbacks;
  gboolean                agent_requested;  /* a channel asked for the agent */
  gint64                  last_rx;
  guint                   missed;      /* keepalive intervals without a byte */
  gint64                  probe_sent;  /* a probe waits for a byte since then */
  struct ssh_counter_struct rx;        /* packets libssh received, by whatever call */
} Worker;

gboolean _tether_ssh_worker_is_closing (Worker  *w);
void     _tether_ssh_worker_quick_ack  (int      fd);
gboolean _tether_ssh_worker_connect    (Worker  *w,
                                        GError **error);

G_END_DECLS
