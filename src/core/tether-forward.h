/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-connection.h"

G_BEGIN_DECLS

typedef enum {
  TETHER_FORWARD_LOCAL,     /* -L: a local port to a host the server reaches */
  TETHER_FORWARD_REMOTE,    /* -R: a port on the server to a host reached here */
  TETHER_FORWARD_DYNAMIC,   /* -D: a local SOCKS 4/5 proxy through the server */
} TetherForwardKind;

typedef enum {
  TETHER_FORWARD_STATE_STOPPED,
  TETHER_FORWARD_STATE_STARTING,
  TETHER_FORWARD_STATE_ACTIVE,
  TETHER_FORWARD_STATE_FAILED,
} TetherForwardState;

#define TETHER_TYPE_FORWARD (tether_forward_get_type ())
G_DECLARE_FINAL_TYPE (TetherForward, tether_forward, TETHER, FORWARD, GObject)

/**
 * TetherForward:
 *
 * One port forward of a session, as `ssh -L`, `-R` or `-D` writes it.  It
 * runs on the session's connection: started each time the session gets one
 * (so a reconnect brings it back), stopped when it lets go.  A forward that
 * cannot start (a port in use) is Failed with a reason; the session stays
 * open.
 */

GPtrArray          *tether_forwards_parse        (const char         *text,
                                                  GError            **error);
char               *tether_forwards_from_config  (const char * const *local,
                                                  const char * const *remote,
                                                  const char * const *dynamic,
                                                  GPtrArray          *skipped);
TetherForwardKind   tether_forward_get_kind      (TetherForward      *self);
/* As typed, e.g. "-L 8080:localhost:80". */
const char         *tether_forward_get_spec      (TetherForward      *self);
TetherForwardState  tether_forward_get_state     (TetherForward      *self);
const char         *tether_forward_get_error     (TetherForward      *self);
/* The port it listens on: the one asked for, or the one given for 0. */
guint               tether_forward_get_bound_port (TetherForward     *self);
const char         *tether_forward_state_to_string (TetherForwardState state);

void                _tether_forward_start        (TetherForward      *self,
                                                  TetherConnection   *connection);
void                _tether_forward_stop         (TetherForward      *self);
/* A session's forwards (tether-forward.c). */
typedef struct _TetherForwardSet TetherForwardSet;

TetherForwardSet   *_tether_forward_set_new        (GCallback           on_state,
                                                    GObject            *object);
void                _tether_forward_set_free       (TetherForwardSet   *set);
void                _tether_forward_set_sync       (TetherForwardSet   *set,
                                                    TetherConnection   *connection);
gboolean            _tether_forward_set_specs      (TetherForwardSet   *set,
                                                    const char         *own,
                                                    const char         *config);
const char         *_tether_forward_set_get_own    (TetherForwardSet   *set);
const char         *_tether_forward_set_get_config (TetherForwardSet   *set);
GListModel         *_tether_forward_set_get_model  (TetherForwardSet   *set);

G_END_DECLS
