/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-test-sshd.h"

G_BEGIN_DECLS

/*
 * Secrets in tests: a real gnome-keyring-daemon, a real one-time-code login
 * (pam_oath), and searches for a secret wherever it could have been left.
 */

/* Starts gnome-keyring-daemon on the test's private session bus, its login
 * keyring created and unlocked in the test's XDG_DATA_HOME; returns once it
 * owns org.freedesktop.secrets.  It dies with the test. */
void            tether_test_start_keyring         (void);

/* An sshd that logs @user (an account of tether_test_password_user()) in by
 * keyboard-interactive with its password, then a one-time code (HOTP, key
 * @key_hex, counter starting at 0).  Root only. */
TetherTestSshd *tether_test_otp_sshd_new          (const char  *user,
                                                   const char  *key_hex);
/* The HOTP code (RFC 4226, 6 digits) of @key_hex at @counter. */
char           *tether_test_hotp                  (const char  *key_hex,
                                                   guint64      counter);

/* The files under @dir (recursively, not following links) that contain
 * @needle, as a newline-separated list; empty when none. */
char           *tether_test_files_containing      (const char  *dir,
                                                   const char  *needle);
/* Whether the live process's writable memory ([heap] and anonymous
 * mappings, read through /proc/self/mem) holds @needle. */
gboolean        tether_test_memory_contains       (const char  *needle,
                                                   gboolean     heap_only);

G_END_DECLS
