/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "tether-error.h"
#include "tether-session-definition.h"
#include "tether-session-store.h"
#include "tether-target.h"

/*
 * The sessions-file loader (tether_session_store_load()), with any file.
 * Invariants: it never crashes nor warns; what it returns is what the
 * store promises (text fields without control characters, a target that
 * parses, names unique under tether_session_name_key(); a key's path may be
 * any bytes); nothing the file holds for a session it returns is dropped
 * silently; a file it cannot read (too big, from a newer Tether) is left
 * as it is, a damaged one is moved aside byte for byte, never lost; and the
 * sessions it returns, saved and loaded again, come back equal, in the
 * same order, without a complaint.
 */

static char *path;
static char *resaved_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  path = g_build_filename (fuzz_tmpdir (), "sessions.ini", NULL);
  resaved_path = g_build_filename (fuzz_tmpdir (), "resaved.ini", NULL);
  return 0;
}

static void
assert_clean (const char *text)
{
  if (text == NULL)
    return;
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

static void
assert_definitions_valid (GPtrArray *definitions)
{
  g_autoptr(GHashTable) folded_names = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                              g_free, NULL);

  for (guint i = 0; i < definitions->len; i++)
    {
      const TetherSessionDefinition *def = g_ptr_array_index (definitions, i);
      g_autoptr(TetherTarget) target = NULL;

      g_assert_nonnull (def->instance_id);
      g_assert_cmpstr (def->instance_id, !=, "");
      g_assert_nonnull (def->name);
      g_assert_cmpstr (def->name, !=, "");
      g_assert_nonnull (def->target);
      assert_clean (def->instance_id);
      assert_clean (def->name);
      assert_clean (def->target);
      assert_clean (def->configuration_name);
      assert_clean (def->folder);
      assert_clean (def->jump_hosts);
      assert_clean (def->forwards);

      target = tether_target_parse (def->target, NULL);
      g_assert_nonnull (target);
      g_assert_true (g_hash_table_add (folded_names, tether_session_name_key (def->name)));
    }
}

/* A field the file has (the last line of its key, as GKeyFile reads it) is
 * in the session, or the session is not returned at all (and the file is
 * kept aside): dropping it would lose it at the next save. */
static void
assert_nothing_dropped (const uint8_t *data,
                        size_t         size,
                        GPtrArray     *definitions)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  /* What GKeyFile cannot read whole (a BOM, an over-long line the loader
   * leaves out with its session) is not compared here. */
  if (!g_key_file_load_from_data (key_file, (const char *) data, size, G_KEY_FILE_NONE, NULL))
    return;
  for (guint i = 0; i < definitions->len; i++)
    {
      const TetherSessionDefinition *def = g_ptr_array_index (definitions, i);
      g_autofree char *group = g_strconcat ("Session ", def->instance_id, NULL);

      if (g_key_file_has_key (key_file, group, "ConfigurationName", NULL))
        g_assert_nonnull (def->configuration_name);
      if (g_key_file_has_key (key_file, group, "IdentityFile", NULL))
        g_assert_nonnull (def->identity_file);
      if (g_key_file_has_key (key_file, group, "Folder", NULL))
        g_assert_nonnull (def->folder);
      if (g_key_file_has_key (key_file, group, "KnownHostsFile", NULL))
        g_assert_nonnull (def->known_hosts_file);
      if (g_key_file_has_key (key_file, group, "JumpHosts", NULL))
        g_assert_nonnull (def->jump_hosts);
      if (g_key_file_has_key (key_file, group, "Forwards", NULL))
        g_assert_nonnull (def->forwards);
      if (g_key_file_has_key (key_file, group, "ForwardAgent", NULL))
        {
          g_autofree char *value = g_key_file_get_string (key_file, group, "ForwardAgent", NULL);

          /* Only "true" and "false" are read: the other values drop the
           * session, never the switch alone. */
          g_assert_cmpint (def->forward_agent, ==, g_strcmp0 (value, "true") == 0);
        }
    }
}

static void
assert_same_definitions (GPtrArray *a,
                         GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const TetherSessionDefinition *x = g_ptr_array_index (a, i);
      const TetherSessionDefinition *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (x->instance_id, ==, y->instance_id);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->target, ==, y->target);
      g_assert_cmpstr (x->configuration_name, ==, y->configuration_name);
      g_assert_cmpstr (x->identity_file, ==, y->identity_file);
      g_assert_cmpstr (x->folder, ==, y->folder);
      g_assert_cmpstr (x->known_hosts_file, ==, y->known_hosts_file);
      g_assert_cmpstr (x->jump_hosts, ==, y->jump_hosts);
      g_assert_cmpstr (x->forwards, ==, y->forwards);
      g_assert_cmpint (x->forward_agent, ==, y->forward_agent);
    }
}

static void
assert_round_trip (GPtrArray *definitions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reloaded = NULL;
  g_autofree char *aside = NULL;

  g_assert_true (tether_session_store_save (resaved_path, definitions, &error));
  g_assert_no_error (error);

  reloaded = tether_session_store_load (resaved_path, &aside, &error);
  g_assert_no_error (error);
  g_assert_null (aside);
  g_assert_nonnull (reloaded);
  assert_same_definitions (definitions, reloaded);
  g_remove (resaved_path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) definitions = NULL;
  g_autofree char *aside = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, size, NULL));

  definitions = tether_session_store_load (path, &aside, &error);

  /* Unreadable: left where it was, untouched.  Damaged: moved aside with
   * the bytes as they were (and whatever sessions were good returned). */
  if (g_error_matches (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE))
    {
      g_autofree char *kept = NULL;
      gsize kept_size;

      fuzz_assert_printable (error->message);
      g_assert_null (aside);
      g_assert_null (definitions);
      g_assert_true (g_file_get_contents (path, &kept, &kept_size, NULL));
      g_assert_cmpmem (kept, kept_size, data, size);
    }
  else if (error != NULL)
    {
      g_autofree char *kept = NULL;
      gsize kept_size;

      g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
      fuzz_assert_printable (error->message);
      g_assert_nonnull (aside);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert_true (g_file_get_contents (aside, &kept, &kept_size, NULL));
      g_assert_cmpmem (kept, kept_size, data, size);
      g_remove (aside);
    }
  else
    {
      g_assert_null (aside);
      g_assert_nonnull (definitions);
    }

  if (definitions != NULL)
    {
      assert_definitions_valid (definitions);
      /* With an error, what was left out was said (and the file kept). */
      if (error == NULL)
        assert_nothing_dropped (data, size, definitions);
      assert_round_trip (definitions);
    }

  g_remove (path);
  return 0;
}
