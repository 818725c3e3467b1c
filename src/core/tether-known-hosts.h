/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What libssh 0.10 does not read in known_hosts: it skips every line that
 * starts with a marker, so a key marked @revoked would be trusted (or
 * offered) and a @cert-authority line ignored.  Tether reads those lines
 * itself, as OpenSSH matches them: host patterns with wildcards and
 * negations, or hashed names (|1|salt|HMAC-SHA1).
 */

typedef struct {
  char  *revoked_path;       /* where the server's key is marked @revoked */
  guint  revoked_line;
  char  *authority_path;     /* a @cert-authority line for the host */
  guint  authority_line;
} TetherKnownHostsMarkers;

gboolean _tether_known_hosts_find_markers  (const char               *path,
                                            const char               *host_name,
                                            GBytes                   *key_sha256,
                                            TetherKnownHostsMarkers  *markers,
                                            GError                  **error);
char    *_tether_known_hosts_dup_fingerprint (const char               *path,
                                            const char               *host_name,
                                            const char               *key_type);
void     _tether_known_hosts_markers_clear (TetherKnownHostsMarkers  *markers);

gboolean _tether_known_hosts_prepare       (const char               *path,
                                            GError                  **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TetherKnownHostsMarkers, _tether_known_hosts_markers_clear)

G_END_DECLS
