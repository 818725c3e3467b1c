/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-session-store.h"
#include "tether-test-caps.h"
#include "tether-test-sshd.h"

/* A fresh directory per test, so no test sees another's files. */
static char *
store_path (void)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("store-%u", ++counter);
  g_autofree char *dir = g_build_filename (tether_test_get_tmpdir (), name, NULL);

  return g_build_filename (dir, "sessions.ini", NULL);
}

static TetherSessionDefinition *
make_definition (const char *id,
                 const char *name,
                 const char *target,
                 const char *identity_file,
                 const char *folder)
{
  TetherSessionDefinition *def = tether_session_definition_new ();

  def->instance_id = g_strdup (id);
  def->name = g_strdup (name);
  def->target = g_strdup (target);
  def->configuration_name = g_strdup ("Microsoft.PowerShell");
  def->identity_file = g_strdup (identity_file);
  def->folder = g_strdup (folder);
  return def;
}

static GPtrArray *
three_definitions (void)
{
  GPtrArray *defs = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);

  g_ptr_array_add (defs, make_definition ("c3", "Zeta", "zeta.example.org", NULL, NULL));
  g_ptr_array_add (defs, make_definition ("a1", "alpha", "u@[::1]:2222", "/keys/id", "Lab"));
  g_ptr_array_add (defs, make_definition ("b2", "Mid", "mid:22", NULL, "Lab"));
  /* A session of its own known hosts file, as the Demo. */
  ((TetherSessionDefinition *) defs->pdata[2])->known_hosts_file = g_strdup ("/tmp/demo known_hosts");
  ((TetherSessionDefinition *) defs->pdata[1])->jump_hosts = g_strdup ("ops@bastion:2222,inner");
  ((TetherSessionDefinition *) defs->pdata[1])->forwards = g_strdup ("-L 8080:localhost:80 -D 1080");
  ((TetherSessionDefinition *) defs->pdata[1])->forward_agent = TRUE;
  return defs;
}

static void
save_ok (const char *path,
         GPtrArray  *defs)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_session_store_save (path, defs, &error));
  g_assert_no_error (error);
}

static void
write_raw (const char *path,
           const char *contents,
           gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
test_default_path (void)
{
  g_autofree char *path = tether_session_store_default_path ();
  g_autofree char *expected = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "tether",
                                                "sessions.ini", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_round_trip (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  save_ok (path, defs);
  loaded = tether_session_store_load (path, &aside, &error);
  g_assert_no_error (error);
  g_assert_null (aside);
  g_assert_cmpuint (loaded->len, ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      TetherSessionDefinition *want = g_ptr_array_index (defs, i);
      TetherSessionDefinition *got = g_ptr_array_index (loaded, i);

      g_assert_cmpstr (got->instance_id, ==, want->instance_id);
      g_assert_cmpstr (got->name, ==, want->name);
      g_assert_cmpstr (got->target, ==, want->target);
      g_assert_cmpstr (got->configuration_name, ==, want->configuration_name);
      g_assert_cmpstr (got->identity_file, ==, want->identity_file);
      g_assert_cmpstr (got->folder, ==, want->folder);
      g_assert_cmpstr (got->known_hosts_file, ==, want->known_hosts_file);
      g_assert_cmpstr (got->jump_hosts, ==, want->jump_hosts);
      g_assert_cmpstr (got->forwards, ==, want->forwards);
      g_assert_cmpint (got->forward_agent, ==, want->forward_agent);
      g_assert_true (got->persistent);
    }
}

static void
test_file_mode (void)
{
  /* Private whatever the umask: even 000 must not make it 0666. */
  const mode_t umasks[] = { 0000, 0022, 0077 };
  mode_t old_umask = umask (0);

  for (guint i = 0; i < G_N_ELEMENTS (umasks); i++)
    {
      g_autofree char *path = store_path ();
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GPtrArray) defs = three_definitions ();
      GStatBuf st;

      umask (umasks[i]);
      save_ok (path, defs);

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_cmpint (g_stat (dir, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    }
  umask (old_umask);
}

static void
test_atomic (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  const char *entry;

  write_raw (path, "[Tether]\nVersion=1\n\n[Session old]\nName=Old\nComputerName=old\n", -1);
  g_chmod (path, 0644);
  save_ok (path, defs);

  /* Replaced as a whole, with the new mode, and no temp file left over. */
  loaded = tether_session_store_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (listing)) != NULL)
    g_assert_cmpstr (entry, ==, "sessions.ini");
}

static void
test_no_secret_keys (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = NULL;
  const char *allowed[] = { "Name", "ComputerName", "ConfigurationName", "IdentityFile",
                            "Folder", "JumpHosts", "Forwards", "ForwardAgent", NULL };

  save_ok (path, defs);
  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_key_file_get_integer (key_file, "Tether", "Version", NULL), ==, 1);

  keys = g_key_file_get_keys (key_file, "Session a1", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_true (g_strv_contains (allowed, keys[i]));
}

static void
test_missing (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  loaded = tether_session_store_load (path, &aside, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_null (aside);
}

static void
assert_moved_aside (const char  *path,
                    const char  *aside,
                    const char  *contents,
                    gsize        length)
{
  g_autofree char *aside_contents = NULL;
  g_autofree char *prefix = g_strconcat (path, ".corrupt-", NULL);
  gsize aside_length;

  g_assert_nonnull (aside);
  g_assert_true (g_str_has_prefix (aside, prefix));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (aside, &aside_contents, &aside_length, NULL));
  g_assert_cmpmem (aside_contents, aside_length, contents, length);
}

static void
test_corrupt_total (void)
{
  static const char garbage[] = "\x7f" "ELF\x02\x01\x01\0\0\0[\xff\xfe\n=\x01\x02 binary\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  write_raw (path, garbage, sizeof garbage);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_null (loaded);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, aside));
  g_assert_nonnull (strstr (error->message, "empty list"));
  assert_moved_aside (path, aside, garbage, sizeof garbage);
}

static void
test_corrupt_version (void)
{
  static const char contents[] = "[Tether]\nVersion=0\n\n[Session a]\nName=A\nComputerName=a\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_null (loaded);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  assert_moved_aside (path, aside, contents, strlen (contents));
}

static const char partial_contents[] =
  "[Tether]\n"
  "Version=1\n"
  "\n"
  "[Session good1]\nName=Good\nComputerName=u@host:22\n"
  "[Session noname]\nComputerName=host\n"
  "[Session badtarget]\nName=Bad target\nComputerName=h:70000\n"
  "[Session dup]\nName=good\nComputerName=other\n"
  "[Session good2]\nName=Second\nComputerName=[::1]:2222\nFolder=Lab\n";

static void
test_corrupt_partial (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  TetherSessionDefinition *second;

  write_raw (path, partial_contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  /* Both: the good entries and a warning. */
  g_assert_nonnull (loaded);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "3 sessions"));
  g_assert_nonnull (strstr (error->message, aside));
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[0])->name, ==, "Good");
  second = loaded->pdata[1];
  g_assert_cmpstr (second->name, ==, "Second");
  g_assert_cmpstr (second->folder, ==, "Lab");
  g_assert_null (second->identity_file);
  assert_moved_aside (path, aside, partial_contents, strlen (partial_contents));
}

/* Two damaged files within the same second: the first copy is kept. */
static void
test_corrupt_counter (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *aside1 = NULL;
  g_autofree char *aside2 = NULL;
  g_autoptr(GError) error1 = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GPtrArray) loaded1 = NULL;
  g_autoptr(GPtrArray) loaded2 = NULL;

  write_raw (path, "first garbage", -1);
  loaded1 = tether_session_store_load (path, &aside1, &error1);
  write_raw (path, "second garbage", -1);
  loaded2 = tether_session_store_load (path, &aside2, &error2);

  g_assert_error (error1, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_error (error2, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_cmpstr (aside1, !=, aside2);
  assert_moved_aside (path, aside1, "first garbage", 13);
  assert_moved_aside (path, aside2, "second garbage", 14);
}

/* A raw control byte and a GKeyFile escape that decodes to one ("\n") are
 * both damage: names end up in tab titles and terminals. */
static void
test_control_chars_load (void)
{
  static const char contents[] =
    "[Tether]\nVersion=1\n\n"
    "[Session a]\nName=Fine\nComputerName=a\n"
    "[Session b]\nName=Bell\x07here\nComputerName=b\n"
    "[Session c]\nName=Line\\nbreak\nComputerName=c\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[0])->name, ==, "Fine");
  assert_moved_aside (path, aside, contents, strlen (contents));
}

static void
test_control_chars_save (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (defs, make_definition ("d4", "tab\there", "zeta.example.org", NULL, NULL));

  g_assert_false (tether_session_store_save (path, defs, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* The message names the session without echoing the character. */
  g_assert_null (strchr (error->message, '\t'));
  g_assert_nonnull (strstr (error->message, "“tab\\u{9}here”"));
}

/* A field the file has but that is not UTF-8 makes its session damage,
 * kept aside: read as absent, it was lost at the next save.  An unknown
 * escape is read as written, as GKeyFile does, and saved back the same.
 * Found by fuzzing (tests/fuzz/fuzz-session-store.c). */
static void
test_unreadable_field (void)
{
  static const char contents[] =
    "[Tether]\nVersion=1\n\n"
    "[Session a]\nName=Fine\nComputerName=a\n"
    "[Session f]\nName=Latin-1\nComputerName=f\nFolder=Caf\xe9\n"
    "[Session k]\nName=Keyed\nComputerName=k\nIdentityFile=C:\\keys\\id\n"
    "[Session c]\nName=Config\nComputerName=c\nConfigurationName=\\q\n";
  g_autofree char *path = store_path ();
  g_autofree char *resaved_path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  TetherSessionDefinition *keyed, *config;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "1 session"));
  g_assert_cmpuint (loaded->len, ==, 3);
  keyed = loaded->pdata[1];
  config = loaded->pdata[2];
  g_assert_cmpstr (keyed->identity_file, ==, "C:\\keys\\id");
  g_assert_cmpstr (config->configuration_name, ==, "\\q");
  assert_moved_aside (path, aside, contents, strlen (contents));

  save_ok (resaved_path, loaded);
  g_clear_error (&error);
  reloaded = tether_session_store_load (resaved_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((TetherSessionDefinition *) reloaded->pdata[1])->identity_file, ==,
                   "C:\\keys\\id");
  g_assert_cmpstr (((TetherSessionDefinition *) reloaded->pdata[2])->configuration_name, ==,
                   "\\q");
}

/* An unknown escape and a backslash at the end of the same value: GLib
 * 2.74's GKeyFile then sets its error twice and warns ("GError set over the
 * top of a previous GError").  The value is damage, read without a warning.
 * Found by fuzzing (tests/fuzz/fuzz-session-store.c). */
static void
test_escape_at_end (void)
{
  static const char contents[] =
    "[Tether]\nVersion=1\n\n"
    "[Session a]\nName=Fine\nComputerName=a\n"
    "[Session b]\nName=Odd\\:name\\\nComputerName=b\n"
    "[Session c]\nName=Even\\\\\nComputerName=c\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING |
                                                 G_LOG_LEVEL_CRITICAL);

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);
  g_log_set_always_fatal (fatal);

  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "1 session"));
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[1])->name, ==, "Even\\");
  assert_moved_aside (path, aside, contents, strlen (contents));
}

/* The names in @path's folder other than the file itself. */
static char *
others_beside (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GString) others = g_string_new (NULL);
  const char *entry;

  g_assert_nonnull (listing);
  while ((entry = g_dir_read_name (listing)) != NULL)
    if (!g_str_equal (entry, base))
      g_string_append_printf (others, "%s;", entry);
  return g_string_free (g_steal_pointer (&others), FALSE);
}

static void
assert_left_alone (const char *path,
                   GPtrArray  *loaded,
                   GError     *error,
                   const char *aside)
{
  g_autofree char *others = others_beside (path);

  g_assert_null (loaded);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_UNREADABLE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (aside);
  g_assert_cmpstr (others, ==, "");
}

/* A sessions.ini that is a folder: an error that names it, not an empty
 * list over which the next save would go. */
static void
test_unreadable_folder (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  loaded = tether_session_store_load (path, &aside, &error);

  assert_left_alone (path, loaded, error, aside);
  g_assert_nonnull (strstr (error->message, "folder"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
}

static void
test_unreadable_permissions (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GStatBuf st;

  save_ok (path, defs);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_cmpint (g_chmod (path, 0), ==, 0);

  tether_test_drop_file_privileges ();
  loaded = tether_session_store_load (path, &aside, &error);
  tether_test_restore_file_privileges ();

  assert_left_alone (path, loaded, error, aside);
  g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
}

/* Written by a Tether that knows more: left for it, not moved aside. */
static void
test_newer_version (void)
{
  static const char contents[] = "[Tether]\nVersion=2\n\n[Session a]\nName=A\nComputerName=a\nNewKey=b\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *after = NULL;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  assert_left_alone (path, loaded, error, aside);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, contents);
}

/* Refused by its size alone, before a byte is parsed. */
static void
test_too_big (void)
{
  static const char head[] = "[Tether]\nVersion=1\n\n[Session a]\nName=";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  goffset size = 16 * 1024 * 1024 + 1;
  GStatBuf st;
  int fd;

  write_raw (path, head, -1);
  fd = g_open (path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_close (fd, NULL);

  loaded = tether_session_store_load (path, &aside, &error);

  assert_left_alone (path, loaded, error, aside);
  /* g_format_size(): 16.8 and MB, a no-break space between. */
  g_assert_nonnull (strstr (error->message, "16.8\u00a0MB"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, size);
}

/* A value over a few KB: its session is left out, the others are read. */
static void
test_long_value (void)
{
  g_autofree char *huge = g_strnfill (64 * 1024, 'x');
  g_autofree char *long_name = g_strnfill (TETHER_SESSION_FIELD_MAX + 1, 'y');
  g_autofree char *contents = g_strdup_printf ("[Tether]\nVersion=1\n\n"
                                               "[Session good]\nName=Good\nComputerName=good\n"
                                               "[Session huge]\nName=%s\nComputerName=huge\n"
                                               "[Session long]\nName=%s\nComputerName=long\n"
                                               "[Session tail]\nName=Tail\nComputerName=tail\n",
                                               huge, long_name);
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "2 sessions"));
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[0])->name, ==, "Good");
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[1])->name, ==, "Tail");
  assert_moved_aside (path, aside, contents, strlen (contents));
}

/* As some editors save it. */
static void
test_bom (void)
{
  static const char contents[] = "\xef\xbb\xbf[Tether]\nVersion=1\n\n[Session a]\nName=A\nComputerName=a\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_no_error (error);
  g_assert_null (aside);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[0])->name, ==, "A");
}

/* GKeyFile merges a group given twice: the first copy is read, the second
 * kept aside with the file, and the user told. */
static void
test_group_twice (void)
{
  static const char contents[] =
    "[Tether]\nVersion=1\n\n"
    "[Session a]\nName=First\nComputerName=first\n\n"
    "[Session b]\nName=Other\nComputerName=other\n\n"
    "[Session a]\nName=Second\nComputerName=second\nFolder=Extra\n";
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  TetherSessionDefinition *first;

  write_raw (path, contents, -1);
  loaded = tether_session_store_load (path, &aside, &error);

  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "twice"));
  g_assert_nonnull (strstr (error->message, aside));
  g_assert_cmpuint (loaded->len, ==, 2);
  first = loaded->pdata[0];
  g_assert_cmpstr (first->instance_id, ==, "a");
  g_assert_cmpstr (first->name, ==, "First");
  g_assert_cmpstr (first->target, ==, "first");
  g_assert_null (first->folder);
  g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[1])->name, ==, "Other");
  assert_moved_aside (path, aside, contents, strlen (contents));
}

/* A sessions.ini that links to a file elsewhere stays a link: it is read,
 * written and moved aside there. */
static void
test_symlink (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *real_dir = g_build_filename (dir, "synced", NULL);
  g_autofree char *real = g_build_filename (real_dir, "sessions.ini", NULL);
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *link = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *others = NULL;

  g_assert_cmpint (g_mkdir_with_parents (real_dir, 0700), ==, 0);
  g_assert_cmpint (symlink ("synced/sessions.ini", path), ==, 0);

  save_ok (path, defs);
  link = g_file_read_link (path, NULL);
  g_assert_cmpstr (link, ==, "synced/sessions.ini");
  g_assert_true (g_file_get_contents (real, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Zeta"));
  others = others_beside (real);
  g_assert_cmpstr (others, ==, "");

  loaded = tether_session_store_load (path, &aside, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* Damaged: the file is moved aside where it is, and the link waits for
   * the next save. */
  write_raw (real, "damaged", -1);
  loaded = tether_session_store_load (path, &aside, &error);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_STORE_CORRUPT);
  g_assert_true (g_str_has_prefix (aside, real));
  g_clear_pointer (&link, g_free);
  link = g_file_read_link (path, NULL);
  g_assert_cmpstr (link, ==, "synced/sessions.ini");

  save_ok (path, defs);
  g_clear_pointer (&link, g_free);
  link = g_file_read_link (path, NULL);
  g_assert_cmpstr (link, ==, "synced/sessions.ini");
  g_assert_true (g_file_test (real, G_FILE_TEST_IS_REGULAR));
}

/* A save killed between writing and renaming leaves its temporary file:
 * gone at the next start.  A file the user put there stays. */
static void
test_stray_temporaries (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *stray = g_strconcat (path, ".tether-save-Ab12Yz", NULL);
  g_autofree char *backup = g_strconcat (path, ".backup", NULL);
  g_autoptr(GPtrArray) defs = three_definitions ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *others = NULL;

  save_ok (path, defs);
  write_raw (stray, "[Tether]\nVersion=1\n\n[Session half", -1);
  write_raw (backup, "[Tether]\nVersion=1\n", -1);

  loaded = tether_session_store_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);
  others = others_beside (path);
  g_assert_cmpstr (others, ==, "sessions.ini.backup;");
}

/* A file name is bytes: a newline, a tab, bytes that are not UTF-8 are
 * kept as the file system gives them, and come back the same. */
static void
test_identity_file_bytes (void)
{
  const char *paths[] = {
    "/keys/with\nnewline", "/keys/not-utf8-\xff\xfe", "/keys/tab\there\r", "/keys/back\\slash\\",
    "/keys/file:colon %41", "file:/relative-looking-absolute", "keys/relative", "~/.ssh/id_tilde",
    "/keys/bell\x07" "and-nel\xc2\x85",
  };
  g_autofree char *path = store_path ();
  g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_session_definition_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *id = g_strdup_printf ("k%u", i);
      g_autofree char *name = g_strdup_printf ("Key %u", i);

      /* "file:/relative-looking-absolute" is relative: refused, below. */
      if (i == 5)
        continue;
      g_ptr_array_add (defs, make_definition (id, name, "host", paths[i], NULL));
    }

  save_ok (path, defs);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_utf8_validate (contents, -1, NULL));
  g_assert_nonnull (strstr (contents, "IdentityFile=file:///keys/with%0Anewline\n"));
  g_assert_nonnull (strstr (contents, "IdentityFile=keys/relative\n"));

  loaded = tether_session_store_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, defs->len);
  for (guint i = 0; i < defs->len; i++)
    g_assert_cmpstr (((TetherSessionDefinition *) loaded->pdata[i])->identity_file, ==,
                     ((TetherSessionDefinition *) defs->pdata[i])->identity_file);

  /* Relative and not text: it has no URI, and no other way to be kept. */
  g_ptr_array_add (defs, make_definition ("bad", "Bad", "host", "keys/\xff", NULL));
  g_assert_false (tether_session_store_save (path, defs, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME);
}

/* What the loader would drop (a control character, a name another session
 * has under the loader's comparison) is refused when saving instead. */
static void
test_save_refuses_what_load_drops (void)
{
  const struct {
    const char *name;
    const char *configuration_name;
    const char *folder;
    int         code;
  } cases[] = {
    { "nel\xc2\x85here", NULL, NULL, TETHER_ERROR_INVALID_NAME },
    { "Fine", "cfg\xc2\x85", NULL, TETHER_ERROR_INVALID_NAME },
    { "Fine", NULL, "Lab\xc2\x9c", TETHER_ERROR_INVALID_NAME },
    { "ZETA", NULL, NULL, TETHER_ERROR_EXISTS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = store_path ();
      g_autoptr(GPtrArray) defs = three_definitions ();
      g_autoptr(GError) error = NULL;
      TetherSessionDefinition *def = make_definition ("new", cases[i].name, "host", NULL, NULL);

      g_free ((char *) def->configuration_name);
      def->configuration_name = g_strdup (cases[i].configuration_name);
      def->folder = g_strdup (cases[i].folder);
      g_ptr_array_add (defs, def);

      g_assert_false (tether_session_store_save (path, defs, &error));
      g_assert_error (error, TETHER_ERROR, cases[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (strstr (error->message, "\xc2\x85"));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/session-store/default-path", test_default_path);
  g_test_add_func ("/session-store/round-trip", test_round_trip);
  g_test_add_func ("/session-store/file-mode", test_file_mode);
  g_test_add_func ("/session-store/atomic", test_atomic);
  g_test_add_func ("/session-store/no-secret-keys", test_no_secret_keys);
  g_test_add_func ("/session-store/missing", test_missing);
  g_test_add_func ("/session-store/corrupt/total", test_corrupt_total);
  g_test_add_func ("/session-store/corrupt/version", test_corrupt_version);
  g_test_add_func ("/session-store/corrupt/partial", test_corrupt_partial);
  g_test_add_func ("/session-store/corrupt/counter", test_corrupt_counter);
  g_test_add_func ("/session-store/control-chars/load", test_control_chars_load);
  g_test_add_func ("/session-store/control-chars/save", test_control_chars_save);
  g_test_add_func ("/session-store/corrupt/unreadable-field", test_unreadable_field);
  g_test_add_func ("/session-store/corrupt/escape-at-end", test_escape_at_end);
  g_test_add_func ("/session-store/unreadable/folder", test_unreadable_folder);
  g_test_add_func ("/session-store/unreadable/permissions", test_unreadable_permissions);
  g_test_add_func ("/session-store/unreadable/newer-version", test_newer_version);
  g_test_add_func ("/session-store/unreadable/too-big", test_too_big);
  g_test_add_func ("/session-store/long-value", test_long_value);
  g_test_add_func ("/session-store/bom", test_bom);
  g_test_add_func ("/session-store/group-twice", test_group_twice);
  g_test_add_func ("/session-store/symlink", test_symlink);
  g_test_add_func ("/session-store/stray-temporaries", test_stray_temporaries);
  g_test_add_func ("/session-store/identity-file-bytes", test_identity_file_bytes);
  g_test_add_func ("/session-store/save-refuses-what-load-drops", test_save_refuses_what_load_drops);

  return g_test_run ();
}
