/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libssh/callbacks.h>

#include "tether-error.h"
#include "tether-known-hosts.h"
#include "tether-secrets.h"
#include "tether-ssh-auth.h"

/* OpenSSH's NumberOfPasswordPrompts. */
#define MAX_PROMPTS 3

/* Host keys: OpenSSH's policies (StrictHostKeyChecking), a changed key
 * refused under all of them */

/* The name known_hosts lines are looked up by: HostKeyAlias alone, as
 * OpenSSH does, or the host and its port. */
static char *
known_hosts_name (TetherConnectionShared *shared)
{
  if (shared->resolved->host_key_alias != NULL)
    return g_strdup (shared->resolved->host_key_alias);
  if (shared->port == 22)
    return g_strdup (shared->host);
  return g_strdup_printf ("[%s]:%u", shared->host, shared->port);
}

typedef struct {
  char   *type;
  char   *fingerprint;   /* SHA256:… */
  GBytes *sha256;        /* the raw hash, to compare with known_hosts lines */
} ServerKey;

static void
server_key_clear (ServerKey *key)
{
  g_clear_pointer (&key->type, g_free);
  g_clear_pointer (&key->fingerprint, g_free);
  g_clear_pointer (&key->sha256, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ServerKey, server_key_clear)

static gboolean
describe_server_key (ssh_session  ssh,
                     ServerKey   *server_key)
{
  ssh_key key = NULL;
  unsigned char *hash = NULL;
  size_t hash_len = 0;
  char *fp;

  if (ssh_get_server_publickey (ssh, &key) != SSH_OK)
    return FALSE;
  if (ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) != SSH_OK)
    {
      ssh_key_free (key);
      return FALSE;
    }

  fp = ssh_get_fingerprint_hash (SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
  server_key->fingerprint = g_strdup (fp);
  server_key->type = g_strdup (ssh_key_type_to_char (ssh_key_type (key)));
  server_key->sha256 = g_bytes_new (hash, hash_len);
  ssh_string_free_char (fp);
  ssh_clean_pubkey_hash (&hash);
  ssh_key_free (key);
  return server_key->fingerprint != NULL && server_key->type != NULL;
}

/* The file libssh reads for @option (the config may have changed it). */
static char *
known_hosts_path (ssh_session             ssh,
                  enum ssh_options_e      option,
                  TetherConnectionShared *shared)
{
  char *value = NULL;
  char *path;

  if (ssh_options_get (ssh, option, &value) != SSH_OK || value == NULL)
    return option == SSH_OPTIONS_KNOWNHOSTS
           ? g_build_filename (shared->ssh_dir, "known_hosts", NULL) : NULL;
  path = g_strdup (value);
  ssh_string_free_char (value);
  return path;
}

/* A changed key: what was known, what the server sent, and the command
 * that forgets the old one, as the message's last paragraph (the window
 * shows it on a line of its own, to copy: TETHER_ERROR_HOST_KEY_CHANGED). */
static void
set_changed_error (ssh_session              ssh,
                   TetherConnectionShared  *shared,
                   const ServerKey         *key,
                   GError                 **error)
{
  g_autofree char *name = known_hosts_name (shared);
  g_autofree char *user_file = known_hosts_path (ssh, SSH_OPTIONS_KNOWNHOSTS, shared);
  g_autofree char *global_file = known_hosts_path (ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, shared);
  g_autofree char *known = _tether_known_hosts_dup_fingerprint (user_file, name, key->type);
  g_autofree char *known_text = NULL;

  if (known == NULL && global_file != NULL)
    known = _tether_known_hosts_dup_fingerprint (global_file, name, key->type);
  /* libssh found it; a line only it can read would not be. */
  known_text = known != NULL ? g_strdup_printf ("%s %s", key->type, known) : g_strdup (_("not found"));

  g_set_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED,
               _("The host key of “%s” has changed since you last connected. Someone may be intercepting the connection (a man-in-the-middle attack), or the server’s key was replaced. Tether refused to connect.\n\n"
                 "Known key: %s\n"
                 "New key: %s %s\n\n"
                 "If the administrator confirms the new key, remove the old one with this command, then connect again:\n\n"
                 "ssh-keygen -R '%s' -f %s"),
               shared->host, known_text, key->type, key->fingerprint,
               name, user_file);
}

static gboolean
save_key (ssh_session              ssh,
          TetherConnectionShared  *shared,
          GError                 **error)
{
  g_autofree char *path = known_hosts_path (ssh, SSH_OPTIONS_KNOWNHOSTS, shared);

  if (!_tether_known_hosts_prepare (path, error))
    return FALSE;
  if (ssh_session_update_known_hosts (ssh) != SSH_OK)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("The host key of “%s” could not be saved in %s (%s). Check that the file is writable, then connect again."),
                   shared->host, path, ssh_get_error (ssh));
      return FALSE;
    }
  return TRUE;
}

static gboolean
ask_unknown_key (ssh_session              ssh,
                 TetherConnectionShared  *shared,
                 const ServerKey         *key,
                 gboolean                 other_type_known,
                 GError                 **error)
{
  g_autoptr(TetherPrompt) prompt = tether_prompt_new (TETHER_PROMPT_HOST_KEY, shared->key);
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) withdrawn = NULL;

  switch (shared->resolved->host_key_policy)
    {
    case TETHER_HOST_KEY_POLICY_YES:
      path = known_hosts_path (ssh, SSH_OPTIONS_KNOWNHOSTS, shared);
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED,
                   _("The host key of “%s” is not in %s, and your SSH configuration says “StrictHostKeyChecking yes” for it, so Tether did not connect. Add the key there once you have checked its fingerprint (%s), then connect again."),
                   shared->host, path, key->fingerprint);
      return FALSE;
    case TETHER_HOST_KEY_POLICY_ACCEPT_NEW:
    case TETHER_HOST_KEY_POLICY_NO:
      /* A new key is saved unasked; a changed one never reaches here. */
      return save_key (ssh, shared, error);
    case TETHER_HOST_KEY_POLICY_ASK:
    default:
      break;
    }

  if (other_type_known)
    message = g_strdup_printf (_("The authenticity of host “%s” can’t be established: a key of another type is already known for it, and this %s key is new. Accept it only if you can check its fingerprint with the server’s administrator."),
                               shared->host, key->type);
  else
    message = g_strdup_printf (_("The authenticity of host “%s” can’t be established. Check that its %s key fingerprint is %s before you accept it: it will be saved in known_hosts."),
                               shared->host, key->type, key->fingerprint);
  tether_prompt_set_message (prompt, message);
  tether_prompt_set_host_key (prompt, key->type, key->fingerprint);

  if (!_tether_connection_ask (shared, prompt, &withdrawn))
    {
      if (withdrawn != NULL)
        g_propagate_error (error, g_steal_pointer (&withdrawn));
      else
        g_set_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED,
                     _("You did not accept the host key of “%s”, so Tether did not connect. Connect again to see the key once more."),
                     shared->host);
      return FALSE;
    }

  return save_key (ssh, shared, error);
}

/* Reads the marker lines libssh skips, in the files it reads: a revoked key
 * is refused here, whatever other lines say. */
static gboolean
check_markers (ssh_session               ssh,
               TetherConnectionShared   *shared,
               const ServerKey          *key,
               TetherKnownHostsMarkers  *markers,
               GError                  **error)
{
  g_autofree char *name = known_hosts_name (shared);
  g_autofree char *user_file = known_hosts_path (ssh, SSH_OPTIONS_KNOWNHOSTS, shared);
  g_autofree char *global_file = known_hosts_path (ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, shared);

  if (!_tether_known_hosts_find_markers (user_file, name, key->sha256, markers, error) ||
      (global_file != NULL &&
       !_tether_known_hosts_find_markers (global_file, name, key->sha256, markers, error)))
    return FALSE;

  if (markers->revoked_path != NULL)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REVOKED,
                   _("The %s host key of “%s” (%s) is marked as revoked in %s, line %u: it must never be trusted again. Someone may be impersonating the server, or its key was stolen. Tether refused to connect. Tell the server’s administrator, and connect only once the server has a new key."),
                   key->type, shared->host, key->fingerprint, markers->revoked_path,
                   markers->revoked_line);
      return FALSE;
    }
  return TRUE;
}

static void
set_authority_error (TetherConnectionShared   *shared,
                     TetherKnownHostsMarkers  *markers,
                     GError                  **error)
{
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_NOT_SUPPORTED,
               _("%s, line %u, trusts a certificate authority for “%s”, but Tether cannot check host certificates, so it did not connect. Ask the server’s administrator for the server’s own host key and add it to known_hosts, then connect again."),
               markers->authority_path, markers->authority_line, shared->host);
}

static gboolean check_host_key (ssh_session              ssh,
                                TetherConnectionShared  *shared,
                                GError                 **error);

/* libssh looks known_hosts up by its host and port options, which the
 * connection no longer needs once connected: under HostKeyAlias they name
 * the alias, on port 22 (bare, as OpenSSH writes it), while the key is
 * checked and saved. */
gboolean
_tether_ssh_check_host_key (ssh_session              ssh,
                            TetherConnectionShared  *shared,
                            GError                 **error)
{
  unsigned int standard_port = 22;
  gboolean ok;

  if (shared->resolved->host_key_alias == NULL)
    return check_host_key (ssh, shared, error);

  ssh_options_set (ssh, SSH_OPTIONS_HOST, shared->resolved->host_key_alias);
  ssh_options_set (ssh, SSH_OPTIONS_PORT, &standard_port);
  ok = check_host_key (ssh, shared, error);
  ssh_options_set (ssh, SSH_OPTIONS_HOST, shared->host);
  ssh_options_set (ssh, SSH_OPTIONS_PORT, &shared->port);
  return ok;
}

static gboolean
check_host_key (ssh_session              ssh,
                TetherConnectionShared  *shared,
                GError                 **error)
{
  g_auto(ServerKey) key = { 0 };
  g_auto(TetherKnownHostsMarkers) markers = { 0 };
  enum ssh_known_hosts_e status;

  if (!describe_server_key (ssh, &key))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                   _("The server “%s” sent a host key Tether cannot read (%s). Tether did not connect."),
                   shared->host, ssh_get_error (ssh));
      return FALSE;
    }
  if (!check_markers (ssh, shared, &key, &markers, error))
    return FALSE;

  status = ssh_session_is_known_server (ssh);
  switch (status)
    {
    case SSH_KNOWN_HOSTS_OK:
      return TRUE;

    case SSH_KNOWN_HOSTS_CHANGED:
      set_changed_error (ssh, shared, &key, error);
      return FALSE;

    case SSH_KNOWN_HOSTS_OTHER:
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      /* OpenSSH would accept a certificate signed by that authority
       * instead of asking: never fall back to the question silently. */
      if (markers.authority_path != NULL)
        {
          set_authority_error (shared, &markers, error);
          return FALSE;
        }
      return ask_unknown_key (ssh, shared, &key, status == SSH_KNOWN_HOSTS_OTHER, error);

    case SSH_KNOWN_HOSTS_ERROR:
    default:
      {
        g_autofree char *path = known_hosts_path (ssh, SSH_OPTIONS_KNOWNHOSTS, shared);

        g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                     _("The known hosts file could not be read (%s). Check %s, then connect again."),
                     ssh_get_error (ssh), path);
        return FALSE;
      }
    }
}

/* Authentication: OpenSSH's order (agent, key files, keyboard-interactive,
 * password), following partial success for multi-factor logins.
 *
 * A password or passphrase remembered in the keyring is tried before the
 * user is asked; one the user typed with *Remember* on is kept in the
 * keyring once the server accepted it.  A one-time code is never kept. */

static struct ssh_callbacks_struct no_callbacks = {
  .size = sizeof (struct ssh_callbacks_struct),
};

typedef struct {
  ssh_session             ssh;
  TetherConnectionShared *shared;
  struct ssh_callbacks_struct callbacks;
  GError                 *withdrawn;   /* a question was withdrawn: stop */
  /* Typed with Remember on, kept until the server accepts it. */
  char                   *pending;
  TetherSecretKind        pending_kind;
  /* Typed in the current attempt, kept in memory once the server accepts
   * it (TetherSecretMemory: a lost connection logs in again unasked). */
  char                   *typed;
  TetherSecretKind        typed_kind;
  /* A remembered secret was given in the current attempt. */
  gboolean                used_stored;
  /* A remembered secret failed: ask instead, for this connection. */
  gboolean                refused[TETHER_SECRET_PASSPHRASE + 1];
  /* A passphrase was typed in the current attempt, and how many typed
   * ones did not open the key: asked again up to MAX_PROMPTS times, as
   * OpenSSH does. */
  gboolean                typed_passphrase;
  guint                   wrong_passphrases;
  /* The user declined a passphrase question: libssh goes on with the
   * next key, but a failed login is then the user's choice. */
  gboolean                declined_passphrase;
} Auth;

/* What was typed in this run first, then the keyring. */
static char *
recall (Auth             *auth,
        TetherSecretKind  kind)
{
  char *secret;

  if (auth->refused[kind])
    return NULL;
  if (auth->shared->memory != NULL &&
      (secret = _tether_secret_memory_recall (auth->shared->memory, kind)) != NULL)
    return secret;
  return _tether_secrets_lookup_sync (auth->shared->host, auth->shared->port,
                                      auth->shared->user, kind);
}

/* The secret was refused: not again on this connection, and, when it was
 * the secret itself that was wrong (@forget), not on the next one either. */
static void
refuse_stored (Auth             *auth,
               TetherSecretKind  kind,
               gboolean          forget)
{
  auth->refused[kind] = TRUE;
  if (auth->shared->memory != NULL)
    _tether_secret_memory_forget (auth->shared->memory, kind);
  if (forget)
    _tether_secrets_clear_sync (auth->shared->host, auth->shared->port,
                                auth->shared->user, kind);
}

/* Offers Remember for @question, or says once that no keyring answers. */
static void
offer_remember (TetherPrompt *prompt,
                int           question)
{
  g_autofree char *notice = NULL;

  if (question < 0)
    return;
  if (_tether_secrets_get_available ())
    {
      tether_prompt_set_rememberable (prompt, question);
      return;
    }
  notice = _tether_secrets_take_notice ();
  tether_prompt_set_notice (prompt, notice);
}

static void
hold_if_remembered (Auth             *auth,
                    TetherPrompt     *prompt,
                    TetherSecretKind  kind)
{
  int question = tether_prompt_get_rememberable (prompt);

  if (question < 0)
    return;
  g_clear_pointer (&auth->pending, tether_secret_free);
  if (tether_prompt_get_remember (prompt))
    {
      auth->pending = tether_secret_dup (tether_prompt_get_answer (prompt, (guint) question));
      auth->pending_kind = kind;
    }
}

static void
hold_typed (Auth             *auth,
            TetherSecretKind  kind,
            const char       *answer)
{
  g_clear_pointer (&auth->typed, tether_secret_free);
  if (answer != NULL && auth->shared->memory != NULL)
    {
      auth->typed = tether_secret_dup (answer);
      auth->typed_kind = kind;
    }
}

/* After an attempt: keep what the server accepted, drop the rest. */
static void
store_pending (Auth *auth,
               int   rc)
{
  if (auth->typed != NULL && (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL))
    _tether_secret_memory_keep (auth->shared->memory, auth->typed_kind, auth->typed);
  g_clear_pointer (&auth->typed, tether_secret_free);
  if (auth->pending != NULL && (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL))
    _tether_secrets_store_sync (auth->shared->host, auth->shared->port, auth->shared->user,
                                auth->pending_kind, auth->pending);
  g_clear_pointer (&auth->pending, tether_secret_free);
}

static int
passphrase_cb (const char *libssh_prompt,
               char       *buf,
               size_t      len,
               int         echo,
               int         verify,
               void       *userdata)
{
  Auth *auth = userdata;
  g_autoptr(TetherPrompt) prompt = tether_prompt_new (TETHER_PROMPT_PASSPHRASE, auth->shared->key);
  g_autofree char *message = NULL;
  char *identity = NULL;
  char *stored;
  const char *answer;

  /* libssh goes on with its next key: ask nothing more. */
  if (auth->withdrawn != NULL)
    return -1;

  if ((stored = recall (auth, TETHER_SECRET_PASSPHRASE)) != NULL)
    {
      gboolean fits = strlen (stored) < len;

      if (fits)
        g_strlcpy (buf, stored, len);
      tether_secret_free (stored);
      auth->used_stored = fits;
      if (fits)
        return 0;
    }

  ssh_userauth_publickey_auto_get_current_identity (auth->ssh, &identity);
  if (auth->wrong_passphrases > 0)
    message = g_strdup_printf (_("The passphrase you typed does not open the key “%s”. "
                                 "Type it again to log in to %s (try %u of %u)."),
                               identity ? identity : "?", auth->shared->key,
                               auth->wrong_passphrases + 1, MAX_PROMPTS);
  else
    message = g_strdup_printf (_("The key “%s” is protected by a passphrase. Enter it to log in to %s."),
                               identity ? identity : "?", auth->shared->key);
  ssh_string_free_char (identity);

  tether_prompt_set_message (prompt, message);
  tether_prompt_add_question (prompt, _("Passphrase"), FALSE);
  offer_remember (prompt, 0);
  if (!_tether_connection_ask (auth->shared, prompt, &auth->withdrawn))
    {
      auth->declined_passphrase = auth->withdrawn == NULL;
      return -1;
    }

  answer = tether_prompt_get_answer (prompt, 0);
  if (answer == NULL || strlen (answer) >= len)
    {
      tether_prompt_wipe_answers (prompt);
      return -1;
    }
  g_strlcpy (buf, answer, len);
  hold_if_remembered (auth, prompt, TETHER_SECRET_PASSPHRASE);
  hold_typed (auth, TETHER_SECRET_PASSPHRASE, answer);
  tether_prompt_wipe_answers (prompt);
  auth->typed_passphrase = TRUE;
  return 0;
}

/* Sets *@retry when a passphrase failed: a remembered one, or one typed
 * fewer than MAX_PROMPTS times.  The keys are tried again, asking. */
static int
try_publickey (Auth     *auth,
               gboolean *retry)
{
  gboolean wrong_stored, wrong_typed;
  int rc;

  auth->used_stored = FALSE;
  auth->typed_passphrase = FALSE;
  rc = ssh_userauth_publickey_auto (auth->ssh, NULL, NULL);
  store_pending (auth, rc);
  /* The callback only runs once the server accepted the public key: a
   * refusal after it means the passphrase did not open the key. */
  wrong_stored = auth->used_stored && rc == SSH_AUTH_DENIED;
  wrong_typed = auth->typed_passphrase && rc == SSH_AUTH_DENIED;
  if (wrong_stored)
    refuse_stored (auth, TETHER_SECRET_PASSPHRASE, TRUE);
  if (wrong_typed)
    auth->wrong_passphrases++;
  *retry = wrong_stored || (wrong_typed && auth->wrong_passphrases < MAX_PROMPTS);
  return rc;
}

/* The question of a keyboard-interactive round that asks for the account's
 * password, the static factor: hidden, worded as a password, and not a
 * one-time code nor a new password.  -1 when none or several are. */
static int
find_password_question (ssh_session ssh,
                        int         n)
{
  static const char * const not_static[] = {
    "one-time", "one time", "otp", "oath", "code", "token", "verification",
    "new", "retype", "again", "pin",
  };
  int found = -1;

  for (int i = 0; i < n; i++)
    {
      char echo = 0;
      const char *question = ssh_userauth_kbdint_getprompt (ssh, (unsigned) i, &echo);
      g_autofree char *lower = question ? g_utf8_strdown (question, -1) : NULL;
      gboolean is_password = lower != NULL && !echo && strstr (lower, "password") != NULL;

      for (gsize j = 0; is_password && j < G_N_ELEMENTS (not_static); j++)
        if (strstr (lower, not_static[j]) != NULL)
          is_password = FALSE;
      if (!is_password)
        continue;
      if (found >= 0)
        return -1;
      found = i;
    }
  return found;
}

/* One round: the password from the keyring when there is one, the user for
 * the rest.  FALSE when the user declined. */
static gboolean
answer_kbdint_round (Auth *auth,
                     int   n)
{
  g_autoptr(TetherPrompt) prompt = tether_prompt_new (TETHER_PROMPT_KEYBOARD_INTERACTIVE,
                                                      auth->shared->key);
  const char *name = ssh_userauth_kbdint_getname (auth->ssh);
  const char *instruction = ssh_userauth_kbdint_getinstruction (auth->ssh);
  int password = find_password_question (auth->ssh, n);
  g_autoptr(GArray) asked = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *message = NULL;
  char *stored = NULL;
  gboolean from_keyring;

  if (password >= 0)
    stored = recall (auth, TETHER_SECRET_PASSWORD);
  from_keyring = stored != NULL;
  if (from_keyring)
    {
      ssh_userauth_kbdint_setanswer (auth->ssh, (unsigned) password, stored);
      tether_secret_free (stored);
      auth->used_stored = TRUE;
    }

  for (int i = 0; i < n; i++)
    {
      char echo = 0;
      const char *question = ssh_userauth_kbdint_getprompt (auth->ssh, (unsigned) i, &echo);

      if (i == password && from_keyring)
        continue;
      tether_prompt_add_question (prompt, question ? question : "", echo != 0);
      g_array_append_val (asked, i);
    }
  if (asked->len == 0)
    return TRUE;

  for (guint j = 0; j < asked->len; j++)
    if (g_array_index (asked, int, j) == password)
      offer_remember (prompt, (int) j);

  message = g_strdup_printf (_("The server %s asks the following to log you in."),
                             auth->shared->key);
  tether_prompt_set_message (prompt, name && *name ? name : message);
  tether_prompt_set_instruction (prompt, instruction);
  if (!_tether_connection_ask (auth->shared, prompt, &auth->withdrawn))
    return FALSE;

  for (guint j = 0; j < asked->len; j++)
    {
      const char *answer = tether_prompt_get_answer (prompt, j);

      ssh_userauth_kbdint_setanswer (auth->ssh, (unsigned) g_array_index (asked, int, j),
                                     answer ? answer : "");
      if (g_array_index (asked, int, j) == password)
        hold_typed (auth, TETHER_SECRET_PASSWORD, answer);
    }
  hold_if_remembered (auth, prompt, TETHER_SECRET_PASSWORD);
  tether_prompt_wipe_answers (prompt);
  return TRUE;
}

static int
try_kbdint (Auth      *auth,
            gboolean  *cancelled)
{
  int rc;

  auth->used_stored = FALSE;
  while ((rc = ssh_userauth_kbdint (auth->ssh, NULL, NULL)) == SSH_AUTH_INFO)
    {
      int n = ssh_userauth_kbdint_getnprompts (auth->ssh);

      /* An empty round is how some servers say "go on". */
      if (n <= 0)
        continue;

      if (!answer_kbdint_round (auth, n))
        {
          *cancelled = TRUE;
          g_clear_pointer (&auth->pending, tether_secret_free);
          return SSH_AUTH_DENIED;
        }
    }

  store_pending (auth, rc);
  /* Which factor failed is not known (a wrong code fails the password's
   * round too): ask next time round, but keep what is remembered. */
  if (auth->used_stored && rc == SSH_AUTH_DENIED)
    refuse_stored (auth, TETHER_SECRET_PASSWORD, FALSE);
  return rc;
}

static int
try_password (Auth     *auth,
              gboolean *cancelled)
{
  g_autoptr(TetherPrompt) prompt = NULL;
  g_autofree char *message = NULL;
  char *stored;
  const char *answer;
  int rc;

  if ((stored = recall (auth, TETHER_SECRET_PASSWORD)) != NULL)
    {
      rc = ssh_userauth_password (auth->ssh, NULL, stored);
      tether_secret_free (stored);
      if (rc == SSH_AUTH_DENIED)
        refuse_stored (auth, TETHER_SECRET_PASSWORD, TRUE);
      return rc;
    }

  prompt = tether_prompt_new (TETHER_PROMPT_PASSWORD, auth->shared->key);
  message = g_strdup_printf (_("Enter the password of %s."), auth->shared->key);
  tether_prompt_set_message (prompt, message);
  tether_prompt_add_question (prompt, _("Password"), FALSE);
  offer_remember (prompt, 0);
  if (!_tether_connection_ask (auth->shared, prompt, &auth->withdrawn))
    {
      *cancelled = TRUE;
      return SSH_AUTH_DENIED;
    }

  answer = tether_prompt_get_answer (prompt, 0);
  hold_if_remembered (auth, prompt, TETHER_SECRET_PASSWORD);
  hold_typed (auth, TETHER_SECRET_PASSWORD, answer);
  rc = ssh_userauth_password (auth->ssh, NULL, answer ? answer : "");
  tether_prompt_wipe_answers (prompt);
  store_pending (auth, rc);
  return rc;
}

static char *
methods_to_string (int methods)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (methods & SSH_AUTH_METHOD_PUBLICKEY)
    g_string_append (s, "publickey, ");
  if (methods & SSH_AUTH_METHOD_INTERACTIVE)
    g_string_append (s, "keyboard-interactive, ");
  if (methods & SSH_AUTH_METHOD_PASSWORD)
    g_string_append (s, "password, ");
  if (methods & SSH_AUTH_METHOD_HOSTBASED)
    g_string_append (s, "hostbased, ");
  if (methods & SSH_AUTH_METHOD_GSSAPI_MIC)
    g_string_append (s, "gssapi-with-mic, ");
  if (s->len >= 2)
    g_string_truncate (s, s->len - 2);
  else
    g_string_append (s, "none");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
set_auth_error (Auth     *auth,
                int       rc,
                int       methods,
                gboolean  cancelled,
                GError  **error)
{
  g_autofree char *offered = methods_to_string (methods);

  if (auth->withdrawn != NULL)
    g_propagate_error (error, g_steal_pointer (&auth->withdrawn));
  else if (cancelled || auth->declined_passphrase)
    {
      /* Still AUTH_FAILED (a failed login), marked so that nobody asks
       * again unless the user does: a reconnection stops here. */
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED,
                   _("The login to %s was canceled. Connect again when you have the password or key at hand."),
                   auth->shared->key);
      if (error != NULL)
        tether_error_set_declined (*error);
    }
  else if (rc == SSH_AUTH_ERROR)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED,
                 _("The login to %s failed (%s). Check the connection, then try again."),
                 auth->shared->key, ssh_get_error (auth->ssh));
  else if (auth->wrong_passphrases >= MAX_PROMPTS)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED,
                 _("None of the passphrases you typed opened the key, so it could not log you in to %s. "
                   "Connect again and type the key’s passphrase."),
                 auth->shared->key);
  else
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED,
                 _("The server refused the login of “%s” on %s (it accepts: %s). Check the user name and the password, or add your public key to the server’s authorized keys."),
                 auth->shared->user, auth->shared->key, offered);
}

gboolean
_tether_ssh_authenticate (ssh_session              ssh,
                          TetherConnectionShared  *shared,
                          GError                 **error)
{
  Auth auth = { .ssh = ssh, .shared = shared };
  gboolean tried_publickey = FALSE, cancelled = FALSE;
  guint kbdint_tries = 0, password_tries = 0;
  int methods = 0;
  int rc;

  auth.callbacks.userdata = &auth;
  auth.callbacks.auth_function = passphrase_cb;
  ssh_callbacks_init (&auth.callbacks);
  ssh_set_callbacks (ssh, &auth.callbacks);

  rc = ssh_userauth_none (ssh, NULL);
  while (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && !cancelled && auth.withdrawn == NULL)
    {
      /* After a partial success the server names what is still required:
       * start over with those methods. */
      if (rc == SSH_AUTH_PARTIAL)
        {
          tried_publickey = FALSE;
          kbdint_tries = password_tries = 0;
        }
      methods = ssh_userauth_list (ssh, NULL);

      if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && !tried_publickey)
        {
          gboolean retry = FALSE;

          rc = try_publickey (&auth, &retry);
          tried_publickey = !retry;
        }
      else if ((methods & SSH_AUTH_METHOD_INTERACTIVE) && kbdint_tries++ < MAX_PROMPTS)
        rc = try_kbdint (&auth, &cancelled);
      else if ((methods & SSH_AUTH_METHOD_PASSWORD) && password_tries++ < MAX_PROMPTS)
        rc = try_password (&auth, &cancelled);
      else
        break;
    }

  /* libssh keeps the pointer: leave it one that outlives this frame. */
  ssh_set_callbacks (ssh, &no_callbacks);
  g_clear_pointer (&auth.pending, tether_secret_free);
  g_clear_pointer (&auth.typed, tether_secret_free);
  if (rc == SSH_AUTH_SUCCESS && auth.withdrawn == NULL)
    return TRUE;

  set_auth_error (&auth, rc, methods, cancelled, error);
  return FALSE;
}
