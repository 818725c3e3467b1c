/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TetherError:
 *
 * Every failure a user can meet.  The message of such an error is a whole,
 * translated sentence that says what happened and what to do about it.
 */
typedef enum {
  TETHER_ERROR_FAILED,
  TETHER_ERROR_INVALID_TARGET,
  TETHER_ERROR_INVALID_NAME,
  TETHER_ERROR_HOST_NOT_FOUND,
  TETHER_ERROR_CONNECTION_REFUSED,
  TETHER_ERROR_TIMED_OUT,
  TETHER_ERROR_PROTOCOL,
  TETHER_ERROR_HOST_KEY_CHANGED,
  TETHER_ERROR_HOST_KEY_REJECTED,
  TETHER_ERROR_AUTH_FAILED,
  TETHER_ERROR_CHANNEL_REFUSED,
  TETHER_ERROR_BROKEN,
  TETHER_ERROR_NOT_OPENED,
  TETHER_ERROR_NOT_FOUND,
  TETHER_ERROR_EXISTS,
  TETHER_ERROR_STORE_CORRUPT,
  TETHER_ERROR_HOST_KEY_REVOKED,
  TETHER_ERROR_NOT_SUPPORTED,
  TETHER_ERROR_STORE_UNREADABLE,
} TetherError;

#define TETHER_ERROR (tether_error_quark ())

GQuark   tether_error_quark        (void);
char    *tether_error_escape       (const char   *text);
void     tether_error_set_declined (GError       *error);
gboolean tether_error_is_declined  (const GError *error);

G_END_DECLS
