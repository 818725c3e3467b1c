/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TETHER_TYPE_TARGET (tether_target_get_type ())

/**
 * TetherTarget:
 * @user: (nullable): the user name, or %NULL for the default
 * @host: the host name, address (IPv6 without brackets) or `~/.ssh/config` alias
 * @port: the port, or 0 for the default
 *
 * Where a session goes: what the user typed as `[ssh://][user@]host[:port]`.
 */
typedef struct {
  char  *user;
  char  *host;
  guint  port;
} TetherTarget;

/**
 * TetherResolvedTarget:
 * @user: the user name that will log in
 * @host: the host name or address to connect to (after `Hostname`)
 * @port: the port (after `Port`), never 0
 * @identity_files: (array zero-terminated=1): `IdentityFile` entries, expanded
 * @ignored: (array zero-terminated=1): `~/.ssh/config` directives that apply to
 *   this host but that Tether does not honour, as "Keyword value" lines
 * @alias: the host as typed, which `Host` lines match (the connection applies
 *   the config's algorithm and known_hosts lines again with it)
 *
 * A target after `~/.ssh/config` was applied.
 */
typedef struct {
  char   *user;
  char   *host;
  guint   port;
  char  **identity_files;
  char  **ignored;
  char   *alias;
} TetherResolvedTarget;

/* The port SSH uses when none is given. */
#define TETHER_SSH_DEFAULT_PORT 22

GType         tether_target_get_type        (void) G_GNUC_CONST;
TetherTarget *tether_target_parse           (const char          *text,
                                             GError             **error);
TetherTarget *tether_target_new             (const char          *user,
                                             const char          *host,
                                             guint                port);
TetherTarget *tether_target_copy            (const TetherTarget  *self);
void          tether_target_free            (TetherTarget        *self);
char         *tether_target_to_string       (const TetherTarget  *self);
gboolean      tether_target_validate_port   (gint64               port,
                                             GError             **error);

TetherResolvedTarget *tether_target_resolve (const TetherTarget  *self,
                                             const char          *ssh_dir,
                                             GError             **error);
void          tether_resolved_target_free   (TetherResolvedTarget *self);
char         *tether_resolved_target_dup_key (const TetherResolvedTarget *self);

char         *tether_get_ssh_dir            (void);
void          tether_ssh_init               (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherTarget, tether_target_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherResolvedTarget, tether_resolved_target_free)

G_END_DECLS
