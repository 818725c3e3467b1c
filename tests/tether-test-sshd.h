/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The test harness: a hermetic environment for the test process and a real
 * OpenSSH sshd on 127.0.0.1 with throwaway keys.  Nothing here is mocked.
 */

typedef struct _TetherTestSshd TetherTestSshd;

/* g_test_init() plus a private HOME, XDG_{CONFIG,CACHE,DATA}_HOME and
 * XDG_RUNTIME_DIR under a temporary directory removed at exit, a fresh
 * unencrypted ed25519 client key in $HOME/.ssh/id_ed25519, no SSH_AUTH_SOCK,
 * and the C.UTF-8 locale (unless LANGUAGE is set by the caller).  A
 * g_test_trap_subprocess() child reuses its parent's directory and
 * environment (found through $TETHER_TEST_TMPDIR).  Start servers and agents
 * from the main thread: they are bound to the thread that started them and
 * die with it. */
void            tether_test_init                  (int          *argc,
                                                   char       ***argv);
const char     *tether_test_get_tmpdir            (void);

/* Starts an sshd on a free loopback port, logging in the current user with
 * $HOME/.ssh/id_ed25519.pub authorized.  @extra_config lines come first in
 * its config, so they win (sshd keeps the first value of a keyword).  Blocks
 * until the server listens.  Never returns NULL: failure aborts the test. */
TetherTestSshd *tether_test_sshd_new              (const char      *extra_config);
/* The same, its remote shells finding programs in @remote_path only (a
 * server without tmux, or with a stand-in for it in that folder). */
TetherTestSshd *tether_test_sshd_new_with_path    (const char      *remote_path);
/* One server listening on @n_ports (at most 16) free loopback ports (the first is
 * tether_test_sshd_get_port()): many "computers" for one process.  Trust,
 * and the count of connections, cover every port. */
TetherTestSshd *tether_test_sshd_new_multi        (const char      *extra_config,
                                                   guint            n_ports);
guint           tether_test_sshd_get_n_ports      (TetherTestSshd  *sshd);
/* A loopback port nothing listens on (a refused connection). */
guint           tether_test_closed_port           (void);
guint           tether_test_sshd_get_nth_port     (TetherTestSshd  *sshd,
                                                   guint            index);
/* Another server on a new port with a new host key, same keys authorized
 * (including those added with tether_test_sshd_authorize_key()) and the same
 * @extra_config. */
TetherTestSshd *tether_test_sshd_new_sibling      (TetherTestSshd  *sshd);
void            tether_test_sshd_free             (TetherTestSshd  *sshd);
guint           tether_test_sshd_get_port         (TetherTestSshd  *sshd);
const char     *tether_test_sshd_get_user         (TetherTestSshd  *sshd);
/* "user@127.0.0.1:PORT" */
const char     *tether_test_sshd_get_target       (TetherTestSshd  *sshd);
/* "SHA256:…" of its host key, as ssh-keygen -lf prints it */
const char     *tether_test_sshd_get_fingerprint  (TetherTestSshd  *sshd);
/* The log (sshd -e) of its current run, to print when a test fails. */
const char     *tether_test_sshd_get_log_path     (TetherTestSshd  *sshd);
/* Adds its host key to $HOME/.ssh/known_hosts as [127.0.0.1]:PORT, replacing
 * an older entry for that port. */
void            tether_test_sshd_trust            (TetherTestSshd  *sshd);
/* Restarts the server on the same port with a new host key (a "changed key"). */
void            tether_test_sshd_change_host_key  (TetherTestSshd  *sshd);
/* Stops the server and its connections (a server that went away)... */
void            tether_test_sshd_shut_down        (TetherTestSshd  *sshd);
/* ...or only sshd and its connections: the computer stays up, and the
 * shells in its tmux sessions run on... */
void            tether_test_sshd_shut_down_sshd   (TetherTestSshd  *sshd);
/* ...and starts it again on the same port with the same host key. */
void            tether_test_sshd_restart          (TetherTestSshd  *sshd);
/* Authorizes one more public key file. */
void            tether_test_sshd_authorize_key    (TetherTestSshd  *sshd,
                                                   const char      *pubkey_path);
/* Logins the server accepted in its current run (its log). */
guint           tether_test_sshd_count_logins     (TetherTestSshd *sshd);
/* Established TCP connections to the server's ports, seen from the server. */
guint           tether_test_sshd_count_connections (TetherTestSshd *sshd);
/* Waits (tether_test_wait_until()) until it counts @expected. */
void            tether_test_sshd_wait_connections (TetherTestSshd *sshd,
                                                   guint           expected,
                                                   guint           timeout_ms);
/* SIGKILLs the server's per-connection processes: every client sees its
 * connection die at once. */
void            tether_test_sshd_kill_connections (TetherTestSshd  *sshd);
/* SIGSTOPs / SIGCONTs them: the connection hangs silently (keepalive test). */
void            tether_test_sshd_stop_connections (TetherTestSshd  *sshd,
                                                   gboolean         stop);

/* A new key pair under the temp dir (encrypted when @passphrase is set);
 * returns the private key's path; the public key is "PATH.pub". */
char           *tether_test_make_key              (const char      *name,
                                                   const char      *passphrase);
/* Starts an ssh-agent holding @private_key, sets SSH_AUTH_SOCK; stopped at exit. */
void            tether_test_start_agent           (const char      *private_key);
/* A local account with password @password for password and
 * keyboard-interactive tests; needs root (returns NULL otherwise: the
 * caller then skips with a reason). */
const char     *tether_test_password_user         (const char      *password);

/* Gives the test a new, empty session bus (tether_test_init() starts one). */
void            tether_test_start_private_bus     (void);

/* Starts an X server for this test program alone and points DISPLAY at it;
 * it ends with the program.  GUI tests call it before GTK opens the
 * display; in a child of g_test_trap_subprocess() it keeps the parent's. */
void            tether_test_start_private_display (void);

/* Servers started from now on use the PAM service @service (a file in
 * /etc/pam.d), or sshd's own again with %NULL. */
void            tether_test_sshd_set_pam_service  (const char      *service);

/* Iterates the default main context until *@flag is TRUE, looking at least
 * every 10 ms; fails the test after @timeout_ms, multiplied by
 * $TETHER_TEST_TIMEOUT_MULTIPLIER (build-aux/test --sanitize sets 3), after
 * printing the logs of the running servers. */
void            tether_test_wait_for_flag         (gboolean        *flag,
                                                   guint            timeout_ms);
/* Same, until @func returns TRUE. */
void            tether_test_wait_until            (gboolean       (*func) (gpointer data),
                                                   gpointer         data,
                                                   guint            timeout_ms);
/* Same; on a timeout the failure says what @describe returns (freed). */
void            tether_test_wait_until_described (gboolean       (*func) (gpointer data),
                                                   char          *(*describe) (gpointer data),
                                                   gpointer         data,
                                                   guint            timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherTestSshd, tether_test_sshd_free)

G_END_DECLS
