/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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
 * TetherHostKeyPolicy:
 * @TETHER_HOST_KEY_POLICY_ASK: `StrictHostKeyChecking ask`, OpenSSH's
 *   default: an unknown key is shown and saved only if the user accepts it
 * @TETHER_HOST_KEY_POLICY_YES: `yes`: an unknown key is refused
 * @TETHER_HOST_KEY_POLICY_ACCEPT_NEW: `accept-new`: an unknown key is saved
 *   without asking
 * @TETHER_HOST_KEY_POLICY_NO: `no`, treated as `accept-new`: a changed key is
 *   refused whatever the configuration says, and the session's details say so
 *
 * What happens to a host key known_hosts does not hold.  A changed or revoked
 * key is refused under every policy.
 */
typedef enum {
  TETHER_HOST_KEY_POLICY_ASK,
  TETHER_HOST_KEY_POLICY_YES,
  TETHER_HOST_KEY_POLICY_ACCEPT_NEW,
  TETHER_HOST_KEY_POLICY_NO,
} TetherHostKeyPolicy;

/**
 * TetherResolvedTarget:
 * @user: the user name that will log in
 * @host: the host name or address to connect to (after `HostName`)
 * @port: the port (after `Port`), never 0
 * @alias: the host as typed, which `Host` lines match
 * @identity_files: (array zero-terminated=1): the `IdentityFile` entries in
 *   order, `~` and tokens expanded; empty when the configuration names none
 *   (then libssh's default keys are tried)
 * @identities_only: `IdentitiesOnly yes`
 * @identity_agent: (nullable): `IdentityAgent`: a socket path, or "none";
 *   %NULL for `SSH_AUTH_SOCK`
 * @certificate_files: (array zero-terminated=1): `CertificateFile` entries,
 *   expanded
 * @user_known_hosts_files: (array zero-terminated=1): `UserKnownHostsFile`,
 *   expanded; the first one is where accepted keys are saved
 * @global_known_hosts_files: (array zero-terminated=1): `GlobalKnownHostsFile`
 * @host_key_alias: (nullable): `HostKeyAlias`: the name looked up in
 *   known_hosts instead of @host
 * @host_key_policy: `StrictHostKeyChecking`
 * @ciphers: (nullable): `Ciphers`, when it differs from OpenSSH's default
 * @kex_algorithms: (nullable): `KexAlgorithms`, likewise
 * @host_key_algorithms: (nullable): `HostKeyAlgorithms`, likewise
 * @macs: (nullable): `MACs`, likewise
 * @compression: `Compression yes`
 * @connect_timeout_s: `ConnectTimeout` in seconds, 0 for Tether's setting
 * @server_alive_interval_s: `ServerAliveInterval` in seconds, 0 for Tether's
 *   keepalive setting
 * @server_alive_count_max: `ServerAliveCountMax`, 0 for Tether's setting
 * @proxy_jump: (nullable): `ProxyJump` as `ssh -G` prints it: hops separated
 *   by ",", each `[user@]host[:port]` or an alias; %NULL for none
 * @proxy_command: (nullable): `ProxyCommand`, tokens (%h, %p, %r, %n, %%)
 *   expanded, to run with `/bin/sh -c`; %NULL for none
 * @local_forwards: (array zero-terminated=1): `LocalForward` entries as
 *   `ssh -G` prints them: "LISTEN CONNECT", LISTEN being `PORT`,
 *   `[ADDRESS]:PORT` or a socket path, CONNECT `[HOST]:PORT` or a socket path
 * @remote_forwards: (array zero-terminated=1): `RemoteForward` entries, the
 *   same format ("LISTEN CONNECT"); a dynamic one is "LISTEN [socks]:0"
 * @dynamic_forwards: (array zero-terminated=1): `DynamicForward` entries:
 *   `PORT` or `[ADDRESS]:PORT`
 * @forward_agent: `ForwardAgent` is not `no`
 * @forward_agent_socket: (nullable): the agent socket `ForwardAgent` names,
 *   %NULL for the identity agent (`SSH_AUTH_SOCK`)
 * @config_file: (nullable): only when OpenSSH's client is missing: the file
 *   libssh's parser applies on the connection's own session; %NULL when
 *   every field above comes from `ssh -G`
 * @ignored: (array zero-terminated=1): settings for this host that Tether
 *   does not apply, as "Keyword value" lines
 *
 * A target after the user's SSH configuration was applied, as `ssh -G`
 * reports it.  Fields whose description says "likewise" or gives a "0"/%NULL
 * value leave Tether's own behaviour unchanged.
 */
typedef struct {
  char                *user;
  char                *host;
  guint                port;
  char                *alias;
  char               **identity_files;
  gboolean             identities_only;
  char                *identity_agent;
  char               **certificate_files;
  char               **user_known_hosts_files;
  char               **global_known_hosts_files;
  char                *host_key_alias;
  TetherHostKeyPolicy  host_key_policy;
  char                *ciphers;
  char                *kex_algorithms;
  char                *host_key_algorithms;
  char                *macs;
  gboolean             compression;
  guint                connect_timeout_s;
  guint                server_alive_interval_s;
  guint                server_alive_count_max;
  char                *proxy_jump;
  char                *proxy_command;
  char               **local_forwards;
  char               **remote_forwards;
  char               **dynamic_forwards;
  gboolean             forward_agent;
  char                *forward_agent_socket;
  char                *config_file;
  char               **ignored;
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
void          tether_target_resolve_async   (const TetherTarget  *self,
                                             const char          *ssh_dir,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
TetherResolvedTarget *tether_target_resolve_finish (GAsyncResult *result,
                                                    GError      **error);
TetherResolvedTarget *tether_resolved_target_copy (const TetherResolvedTarget *self);
void          tether_resolved_target_free   (TetherResolvedTarget *self);
char         *tether_resolved_target_dup_key (const TetherResolvedTarget *self);

char         *tether_get_ssh_dir            (void);
void          tether_ssh_init               (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherTarget, tether_target_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherResolvedTarget, tether_resolved_target_free)

G_END_DECLS
