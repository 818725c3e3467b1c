/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <fcntl.h>
#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* g_set_str() arrived in GLib 2.76; Tether targets 2.74. */
static inline gboolean
tether_set_str (char       **str_pointer,
                const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
  return TRUE;
}

/* The strings of @array (which must not free them) as a %NULL-terminated
 * vector; frees @array. */
static inline char **
tether_strv_steal (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_free (array, FALSE);
}

/* dup() without handing the copy to programs Tether starts: `ssh -G` is
 * spawned without closing inherited descriptors (posix_spawn, no fork of
 * this large process), so every descriptor Tether keeps must be close-on-exec. */
static inline int
tether_dup_cloexec (int fd)
{
  return fcntl (fd, F_DUPFD_CLOEXEC, 3);
}

G_END_DECLS
