/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>

/*
 * What the libFuzzer targets share.  A failed invariant is a g_assert,
 * which aborts: libFuzzer keeps the input as a crash file, and the
 * assertion's message says which invariant it broke.
 */

int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A GLib warning or critical in the code under test is a bug too, as in
 * the test suite.  Made to abort() here rather than with
 * g_log_set_always_fatal(): GLib stops on a fatal warning with SIGTRAP,
 * which libFuzzer does not catch, so it would keep no crash file. */
static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return output;
}

static inline void
fuzz_init (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* Error messages quote what they were given through tether_error_escape():
 * nothing in them that a terminal, a log or the direction of the text
 * would act on. */
static inline void
fuzz_assert_printable (const char *message)
{
  g_assert_true (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isprint (c) ||
          g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR ||
          g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR)
        g_error ("U+%04X in the message “%s”", c, message);
    }
}

static char *fuzz_dir;

/* The directory holds files only (no subdirectory). */
static inline void
fuzz_remove_tmpdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (fuzz_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fuzz_dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (fuzz_dir);
}

/* A private directory for the files a target writes, made once per
 * process in $TMPDIR (build-aux/fuzz points it at a tmpfs) and removed at
 * exit. */
static inline const char *
fuzz_tmpdir (void)
{
  if (fuzz_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      fuzz_dir = g_dir_make_tmp ("tether-fuzz-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (fuzz_remove_tmpdir);
    }
  return fuzz_dir;
}
