/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/*
 * What the harness reads in /proc about the servers it started: their
 * processes and their sockets.
 */

/* Every process below @root (pid_t), through the parent pids. */
GArray     *tether_test_proc_descendants   (pid_t        root);
/* The established TCP connections whose local port is one of @ports: a
 * set of socket inodes (strings). */
GHashTable *tether_test_proc_established   (const guint *ports,
                                            guint        n_ports);
/* The processes (pid_t) that hold one of the sockets in @inodes. */
GArray     *tether_test_proc_socket_holders (GHashTable *inodes);
/* The processes (pid_t) named @comm whose environment holds @assignment
 * ("NAME=value"). */
GArray     *tether_test_proc_find_with_env (const char  *comm,
                                            const char  *assignment);
/* Its state letter in /proc/PID/stat ('R', 'S', 'T', 'Z'…), 0 once gone. */
char        tether_test_proc_get_state     (pid_t        pid);

G_END_DECLS
