/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE

#include "tether-test-keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define OTP_SERVICE "tethertest-otp"

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != GPOINTER_TO_INT (data))
    _exit (1);
}

static gboolean
secret_service_owned (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

void
tether_test_start_keyring (void)
{
  /* --unlock reads the login keyring's password on stdin and creates that
   * keyring, in $XDG_DATA_HOME/keyrings, when it does not exist. */
  const char *argv[] = {
    "gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets", NULL
  };
  static const char password[] = "tether-test-keyring";
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *log_path = g_build_filename (tether_test_get_tmpdir (), "gnome-keyring.log", NULL);
  int stdin_fd = -1;
  int log_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  GPid pid;
  gint64 deadline;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  if (secret_service_owned (bus))
    return;

  /* The daemon is not under test: its own warnings must not kill it. */
  envp = g_environ_unsetenv (g_get_environ (), "G_DEBUG");
  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, (const char * const *) envp,
                                         G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                         die_with_parent, GINT_TO_POINTER (getpid ()),
                                         -1, log_fd, log_fd, NULL, NULL, 0,
                                         &pid, &stdin_fd, NULL, NULL, &error))
    g_error ("Cannot start gnome-keyring-daemon: %s", error->message);
  close (log_fd);
  if (write (stdin_fd, password, strlen (password)) != (ssize_t) strlen (password))
    {
      g_autofree char *log = NULL;

      g_file_get_contents (log_path, &log, NULL, NULL);
      g_error ("Cannot give gnome-keyring-daemon its password (%s): %s", g_strerror (errno), log);
    }
  close (stdin_fd);

  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  while (!secret_service_owned (bus))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not take org.freedesktop.secrets in 20 s");
      g_usleep (10 * 1000);
    }
}

static void
write_root_file (const char *path,
                 const char *contents,
                 int         mode)
{
  g_autoptr(GError) error = NULL;

  /* Atomic: parallel tests write the same contents. */
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error))
    g_error ("%s", error->message);
}

TetherTestSshd *
tether_test_otp_sshd_new (const char *user,
                          const char *key_hex)
{
  struct passwd *pw = getpwnam (user);
  g_autofree char *users_file = NULL;
  g_autofree char *line = NULL;
  TetherTestSshd *sshd;

  g_assert_nonnull (pw);

  /* The account's password (pam_unix), then its code: two rounds.  pam_oath
   * reads ${HOME} as that user, so the file is the user's. */
  write_root_file ("/etc/pam.d/" OTP_SERVICE,
                   "# Tether's tests: a password, then a one-time code.\n"
                   "auth requisite pam_unix.so\n"
                   "auth required pam_oath.so usersfile=${HOME}/.tether-test-oath window=50\n"
                   "account required pam_unix.so\n"
                   "session required pam_permit.so\n",
                   0644);
  users_file = g_build_filename (pw->pw_dir, ".tether-test-oath", NULL);
  line = g_strdup_printf ("HOTP %s - %s 0\n", user, key_hex);
  write_root_file (users_file, line, 0600);
  if (chown (users_file, pw->pw_uid, pw->pw_gid) != 0)
    g_error ("Cannot give %s to %s: %s", users_file, user, g_strerror (errno));

  tether_test_sshd_set_pam_service (OTP_SERVICE);
  sshd = tether_test_sshd_new ("UsePAM yes\n"
                               "KbdInteractiveAuthentication yes\n"
                               "PasswordAuthentication no\n"
                               "AuthenticationMethods keyboard-interactive\n");
  tether_test_sshd_set_pam_service (NULL);
  return sshd;
}

char *
tether_test_hotp (const char *key_hex,
                  guint64     counter)
{
  g_autoptr(GHmac) hmac = NULL;
  guint8 key[64];
  gsize key_len = strlen (key_hex) / 2;
  guint8 message[8];
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  guint32 code;
  guint offset;

  g_assert_cmpuint (key_len, <=, sizeof key);
  for (gsize i = 0; i < key_len; i++)
    key[i] = (guint8) (g_ascii_xdigit_value (key_hex[2 * i]) * 16
                       + g_ascii_xdigit_value (key_hex[2 * i + 1]));
  for (int i = 7; i >= 0; i--, counter >>= 8)
    message[i] = counter & 0xff;

  hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_len);
  g_hmac_update (hmac, message, sizeof message);
  g_hmac_get_digest (hmac, digest, &digest_len);

  offset = digest[19] & 0x0f;
  code = ((guint32) (digest[offset] & 0x7f) << 24) | ((guint32) digest[offset + 1] << 16)
         | ((guint32) digest[offset + 2] << 8) | digest[offset + 3];
  return g_strdup_printf ("%06u", code % 1000000);
}

/* nftw() takes no user data. */
static const char *search_needle;
static GString *search_found;
/* The project's own tree, which may be anywhere (CI clones it into a
 * folder of its own, perhaps under /tmp): the tests' sources and binaries
 * hold their markers by design. */
static char *search_skip;
/* A secret this test leaks is in a file written since it started: older
 * files (a developer's own notes, another clone) are not its doing. */
static time_t process_start;

__attribute__((constructor)) static void
note_start (void)
{
  process_start = time (NULL);
}

static gboolean
file_contains (const char *path,
               off_t       size)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  /* Sockets, FIFOs and huge files are no place for a password. */
  if (size > 64 * 1024 * 1024)
    return FALSE;
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, search_needle, strlen (search_needle)) != NULL;
}

static int
visit (const char        *path,
       const struct stat *st,
       int                type,
       struct FTW        *ftw)
{
  if (g_str_has_prefix (path, search_skip) || st->st_mtime < process_start - 1)
    return 0;
  if (type == FTW_F && S_ISREG (st->st_mode) && file_contains (path, st->st_size))
    g_string_append_printf (search_found, "%s\n", path);
  return 0;
}

char *
tether_test_files_containing (const char *dir,
                              const char *needle)
{
  g_autofree char *tests = g_canonicalize_filename (g_getenv ("TETHER_TEST_SRCDIR"), NULL);
  g_autofree char *root = g_path_get_dirname (tests);

  search_needle = needle;
  search_found = g_string_new (NULL);
  search_skip = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);
  nftw (dir, visit, 32, FTW_PHYS);
  g_clear_pointer (&search_skip, g_free);
  return g_string_free (g_steal_pointer (&search_found), FALSE);
}

gboolean
tether_test_memory_contains (const char *needle,
                             gboolean    heap_only)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  gsize needle_len = strlen (needle);
  gboolean found = FALSE;
  int mem_fd;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  mem_fd = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (mem_fd, >=, 0);

  for (guint i = 0; lines[i] != NULL && !found; i++)
    {
      guint64 start, end;
      char perms[5] = { 0 };
      char path[512] = { 0 };
      gsize length;
      char *copy;

      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x %4s %*s %*s %*s %511s",
                  &start, &end, perms, path) < 3)
        continue;
      if (perms[1] != 'w')
        continue;
      if (heap_only ? strcmp (path, "[heap]") != 0 : (path[0] != '\0' && path[0] != '['))
        continue;

      /* Copied into a mapping of its own, outside the heap it reads. */
      length = end - start;
      copy = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      g_assert_true (copy != MAP_FAILED);
      if (pread (mem_fd, copy, length, (off_t) start) == (ssize_t) length)
        found = memmem (copy, length, needle, needle_len) != NULL;
      munmap (copy, length);
    }

  close (mem_fd);
  return found;
}
