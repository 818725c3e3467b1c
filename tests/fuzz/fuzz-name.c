/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "tether-error.h"
#include "tether-session-manager.h"

/*
 * The session-name check (tether_session_manager_check_name()), with up to
 * four names, one a line.  Each name it accepts is added (as the dialog and
 * the command line do), which saves the sessions file.  Invariants: what
 * the check accepts, add accepts too and saves without a complaint; a new
 * manager that loads the file gets every session back, in order, with its
 * name unchanged, and finds each by that name; a refusal is a sentence with
 * nothing unprintable in it.
 */

#define MAX_NAMES 4

/* Nothing here connects: any valid values do. */
static const TetherConfig config = {
  .connect_timeout_s = 20,
  .keepalive_interval_ms = 15000,
  .keepalive_max_missed = 3,
  .columns = 80,
  .rows = 24,
  .idle_timeout_s = 7200,
};

static char *path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  path = g_build_filename (fuzz_tmpdir (), "sessions.ini", NULL);
  return 0;
}

static void
store_error_cb (TetherSessionManager *manager,
                const GError         *error,
                gpointer              user_data)
{
  g_error ("an accepted name was not saved: %s", error->message);
}

/* Returns the names accepted and added, in list order. */
static GPtrArray *
add_names (TetherSessionManager  *manager,
           char                 **names)
{
  GPtrArray *accepted = g_ptr_array_new ();

  for (guint i = 0; names[i] != NULL && i < MAX_NAMES; i++)
    {
      TetherSessionDefinition options = { .target = "h", .name = names[i], .persistent = TRUE };
      g_autoptr(GError) error = NULL;
      TetherSession *session;

      if (*names[i] == '\0')
        continue;   /* no name: the manager makes one up */

      if (!tether_session_manager_check_name (manager, names[i], NULL, &error))
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == TETHER_ERROR);
          fuzz_assert_printable (error->message);
          g_assert_true (g_str_has_suffix (error->message, "."));
          continue;
        }

      g_assert_no_error (error);
      session = tether_session_manager_add_session (manager, &options, &error);
      g_assert_no_error (error);
      g_assert_nonnull (session);
      g_assert_cmpstr (tether_session_get_name (session), ==, names[i]);
      g_ptr_array_add (accepted, names[i]);
    }

  return accepted;
}

static void
assert_reloaded (GPtrArray *accepted)
{
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, &config);
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_session_manager_load (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, accepted->len);

  for (guint i = 0; i < accepted->len; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (manager), i);
      const char *name = g_ptr_array_index (accepted, i);

      g_assert_cmpstr (tether_session_get_name (session), ==, name);
      g_assert_true (tether_session_manager_lookup (manager, name) == session);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) names = g_strsplit (text, "\n", MAX_NAMES + 1);
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (path, &config);
  g_autoptr(GPtrArray) accepted = NULL;

  g_remove (path);
  g_signal_connect (manager, "store-error", G_CALLBACK (store_error_cb), NULL);
  accepted = add_names (manager, names);
  g_clear_object (&manager);

  assert_reloaded (accepted);
  g_remove (path);
  return 0;
}
