/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-known-hosts.h"

#define HASH_MAGIC "|1|"

/* Reads the whole file.  A missing file is an empty one (NULL, no error);
 * any other failure (a directory, no permission, an I/O error) is an error
 * that names the file: never read as "no key known". */
static GString *
read_known_hosts (const char  *path,
                  GError     **error)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  char buffer[16384];
  int saved_errno = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 && errno == ENOENT)
    return NULL;

  if (fd >= 0)
    for (;;)
      {
        ssize_t n = read (fd, buffer, sizeof buffer);

        if (n > 0)
          g_string_append_len (contents, buffer, n);
        else if (n == 0)
          break;
        else if (errno != EINTR)
          {
            saved_errno = errno;
            break;
          }
      }
  else
    saved_errno = errno;

  if (fd >= 0)
    close (fd);
  if (saved_errno != 0)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("The known hosts file %s could not be read (%s), so Tether cannot check the server’s identity and did not connect. Make the file readable, or move it aside, then connect again."),
                   path, g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* |1|base64(salt)|base64(HMAC-SHA1(salt, name)): OpenSSH's HashKnownHosts. */
static gboolean
match_hashed (const char *pattern,
              const char *name)
{
  g_auto(GStrv) parts = g_strsplit (pattern + strlen (HASH_MAGIC), "|", 2);
  g_autofree guchar *salt = NULL;
  g_autofree guchar *expected = NULL;
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  gsize salt_len, expected_len;

  if (parts[0] == NULL || parts[1] == NULL)
    return FALSE;
  salt = g_base64_decode (parts[0], &salt_len);
  expected = g_base64_decode (parts[1], &expected_len);

  hmac = g_hmac_new (G_CHECKSUM_SHA1, salt, salt_len);
  g_hmac_update (hmac, (const guchar *) name, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  return expected_len == digest_len && memcmp (expected, digest, digest_len) == 0;
}

/* OpenSSH's match_hostname(): comma-separated patterns with * and ?, case
 * folded; a matching negated pattern (!…) wins over every other. */
static gboolean
match_hosts (const char *patterns,
             const char *name)
{
  g_autofree char *lower = NULL;
  g_auto(GStrv) list = NULL;
  gboolean positive = FALSE;

  if (g_str_has_prefix (patterns, HASH_MAGIC))
    return match_hashed (patterns, name);

  lower = g_ascii_strdown (patterns, -1);
  list = g_strsplit (lower, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      gboolean negated = list[i][0] == '!';

      if (g_pattern_match_simple (list[i] + negated, name))
        {
          if (negated)
            return FALSE;
          positive = TRUE;
        }
    }
  return positive;
}

/* The key field of a known_hosts line is the key's wire blob in base64; its
 * SHA-256 is what libssh gives for the server's key. */
static void
blob_sha256 (const char *base64,
             guint8      digest[32])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *blob = NULL;
  gsize digest_len = 32;
  gsize blob_len;

  blob = g_base64_decode (base64, &blob_len);
  g_checksum_update (checksum, blob, blob_len);
  g_checksum_get_digest (checksum, digest, &digest_len);
}

static gboolean
key_matches (const char *base64,
             GBytes     *key_sha256)
{
  guint8 digest[32];

  blob_sha256 (base64, digest);
  return g_bytes_get_size (key_sha256) == sizeof digest &&
         memcmp (g_bytes_get_data (key_sha256, NULL), digest, sizeof digest) == 0;
}

static void
remember (char       **path_out,
          guint       *line_out,
          const char  *path,
          guint        line)
{
  if (*path_out != NULL)
    return;
  *path_out = g_strdup (path);
  *line_out = line;
}

/* One line: "@marker hosts keytype base64 [comment]". */
static void
scan_line (const char              *path,
           guint                    number,
           const char              *line,
           const char              *name,
           GBytes                  *key_sha256,
           TetherKnownHostsMarkers *markers)
{
  g_auto(GStrv) fields = NULL;
  const char *field[4] = { NULL };
  guint n = 0;

  while (g_ascii_isspace (*line))
    line++;
  if (*line != '@')
    return;

  fields = g_strsplit_set (line, " \t\r", -1);
  for (guint i = 0; fields[i] != NULL && n < G_N_ELEMENTS (field); i++)
    if (*fields[i] != '\0')
      field[n++] = fields[i];
  if (n < 4 || !match_hosts (field[1], name))
    return;

  if (g_str_equal (field[0], "@revoked") && key_matches (field[3], key_sha256))
    remember (&markers->revoked_path, &markers->revoked_line, path, number);
  else if (g_str_equal (field[0], "@cert-authority"))
    remember (&markers->authority_path, &markers->authority_line, path, number);
}

/**
 * _tether_known_hosts_find_markers:
 * @path: a known_hosts file; a missing one has no lines
 * @host_name: the host as known_hosts names it: `host`, or `[host]:port`
 *   when the port is not 22
 * @key_sha256: the SHA-256 of the server's key blob
 * @markers: where the first matching lines are recorded (lines found in
 *   earlier files are kept)
 *
 * Returns: %FALSE with @error when the file exists but cannot be read
 */
gboolean
_tether_known_hosts_find_markers (const char               *path,
                                  const char               *host_name,
                                  GBytes                   *key_sha256,
                                  TetherKnownHostsMarkers  *markers,
                                  GError                  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) contents = read_known_hosts (path, &local_error);
  g_autofree char *name = g_ascii_strdown (host_name, -1);
  g_auto(GStrv) lines = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (contents == NULL)
    return TRUE;

  lines = g_strsplit (contents->str, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    scan_line (path, i + 1, lines[i], name, key_sha256, markers);
  return TRUE;
}

/* OpenSSH's way of writing a key's SHA-256: base64 without its padding. */
static char *
fingerprint_of (const char *base64)
{
  g_autofree char *encoded = NULL;
  guint8 digest[32];
  gsize len;

  blob_sha256 (base64, digest);
  encoded = g_base64_encode (digest, sizeof digest);
  len = strlen (encoded);
  while (len > 0 && encoded[len - 1] == '=')
    encoded[--len] = '\0';
  return g_strconcat ("SHA256:", encoded, NULL);
}

/**
 * _tether_known_hosts_dup_fingerprint:
 * @path: a known_hosts file
 * @host_name: as for _tether_known_hosts_find_markers()
 * @key_type: `ssh-ed25519`, `ssh-rsa`…
 *
 * libssh says a server's key changed, not what it was: this reads it.
 *
 * Returns: (transfer full) (nullable): the `SHA256:…` fingerprint of the
 *   first unmarked line of @path for @host_name with a key of @key_type
 */
char *
_tether_known_hosts_dup_fingerprint (const char *path,
                                     const char *host_name,
                                     const char *key_type)
{
  g_autoptr(GString) contents = read_known_hosts (path, NULL);
  g_autofree char *name = g_ascii_strdown (host_name, -1);
  g_auto(GStrv) lines = NULL;

  if (contents == NULL)
    return NULL;

  lines = g_strsplit (contents->str, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t\r", -1);
      const char *field[3] = { NULL };
      guint n = 0;

      for (guint j = 0; fields[j] != NULL && n < G_N_ELEMENTS (field); j++)
        if (*fields[j] != '\0')
          field[n++] = fields[j];
      if (n == 3 && field[0][0] != '@' && field[0][0] != '#' &&
          g_str_equal (field[1], key_type) && match_hosts (field[0], name))
        return fingerprint_of (field[2]);
    }
  return NULL;
}

void
_tether_known_hosts_markers_clear (TetherKnownHostsMarkers *markers)
{
  g_clear_pointer (&markers->revoked_path, g_free);
  g_clear_pointer (&markers->authority_path, g_free);
}

/* Creates @path's directory (mode 0700) and the file (0600) if they do not
 * exist, whatever the umask; existing ones keep their mode: never
 * loosened. */
static gboolean
create_private (const char *path,
                gboolean    directory)
{
  int fd;

  if (directory)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
      return g_mkdir_with_parents (path, 0700) == 0 && g_chmod (path, 0700) == 0;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST;
  /* The umask may have taken the owner's bits away too. */
  if (fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      close (fd);
      errno = saved_errno;
      return FALSE;
    }
  return close (fd) == 0;
}

/**
 * _tether_known_hosts_prepare:
 * @path: the known_hosts file a new key is about to be appended to
 *
 * libssh appends with fopen(), which leaves a new file 0666 minus the umask:
 * the file (and its directory) are created here first, private.
 */
gboolean
_tether_known_hosts_prepare (const char  *path,
                             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (create_private (dir, TRUE) && create_private (path, FALSE))
    return TRUE;

  g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
               _("The known hosts file %s could not be created (%s). Check that its folder is writable, then connect again."),
               path, g_strerror (errno));
  return FALSE;
}
