/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libssh/callbacks.h>

#include "tether-error.h"
#include "tether-ssh-auth.h"

/* OpenSSH's NumberOfPasswordPrompts. */
#define MAX_PROMPTS 3

/* Host keys: OpenSSH's default policy (StrictHostKeyChecking=ask) */

static char *
known_hosts_name (TetherConnectionShared *shared)
{
  if (shared->port == 22)
    return g_strdup (shared->host);
  return g_strdup_printf ("[%s]:%u", shared->host, shared->port);
}

static gboolean
describe_server_key (ssh_session   ssh,
                     char        **key_type,
                     char        **fingerprint)
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
  *fingerprint = g_strdup (fp);
  *key_type = g_strdup (ssh_key_type_to_char (ssh_key_type (key)));
  ssh_string_free_char (fp);
  ssh_clean_pubkey_hash (&hash);
  ssh_key_free (key);
  return *fingerprint != NULL;
}

static gboolean
ask_unknown_key (ssh_session              ssh,
                 TetherConnectionShared  *shared,
                 gboolean                 other_type_known,
                 GError                 **error)
{
  g_autoptr(TetherPrompt) prompt = tether_prompt_new (TETHER_PROMPT_HOST_KEY, shared->key);
  g_autofree char *key_type = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *message = NULL;

  if (!describe_server_key (ssh, &key_type, &fingerprint))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                   _("The server “%s” sent a host key Tether cannot read (%s). Tether did not connect."),
                   shared->host, ssh_get_error (ssh));
      return FALSE;
    }

  if (other_type_known)
    message = g_strdup_printf (_("The authenticity of host “%s” can’t be established: a key of another type is already known for it, and this %s key is new. Accept it only if you can check its fingerprint with the server’s administrator."),
                               shared->host, key_type);
  else
    message = g_strdup_printf (_("The authenticity of host “%s” can’t be established. Check that its %s key fingerprint is %s before you accept it: it will be saved in known_hosts."),
                               shared->host, key_type, fingerprint);
  tether_prompt_set_message (prompt, message);
  tether_prompt_set_host_key (prompt, key_type, fingerprint);

  if (!_tether_connection_ask (shared, prompt))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_REJECTED,
                   _("You did not accept the host key of “%s”, so Tether did not connect. Connect again to see the key once more."),
                   shared->host);
      return FALSE;
    }

  /* libssh writes known_hosts but does not create ~/.ssh. */
  g_mkdir_with_parents (shared->ssh_dir, 0700);
  if (ssh_session_update_known_hosts (ssh) != SSH_OK)
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("The host key of “%s” could not be saved in %s/known_hosts (%s). Check that the file is writable, then connect again."),
                   shared->host, shared->ssh_dir, ssh_get_error (ssh));
      return FALSE;
    }
  return TRUE;
}

gboolean
_tether_ssh_check_host_key (ssh_session              ssh,
                            TetherConnectionShared  *shared,
                            GError                 **error)
{
  g_autofree char *name = known_hosts_name (shared);

  switch (ssh_session_is_known_server (ssh))
    {
    case SSH_KNOWN_HOSTS_OK:
      return TRUE;

    case SSH_KNOWN_HOSTS_CHANGED:
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_HOST_KEY_CHANGED,
                   _("The host key of “%s” has changed since you last connected. Someone may be intercepting the connection (a man-in-the-middle attack), or the server’s key was replaced. Tether refused to connect. If the administrator confirms the new key, remove the old one with “ssh-keygen -R '%s' -f %s/known_hosts” and connect again."),
                   shared->host, name, shared->ssh_dir);
      return FALSE;

    case SSH_KNOWN_HOSTS_OTHER:
      return ask_unknown_key (ssh, shared, TRUE, error);

    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      return ask_unknown_key (ssh, shared, FALSE, error);

    case SSH_KNOWN_HOSTS_ERROR:
    default:
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_FAILED,
                   _("The known hosts file could not be read (%s). Check %s/known_hosts, then connect again."),
                   ssh_get_error (ssh), shared->ssh_dir);
      return FALSE;
    }
}

/* Authentication: OpenSSH's order (agent, key files, keyboard-interactive,
 * password), following partial success for multi-factor logins. */

static struct ssh_callbacks_struct no_callbacks = {
  .size = sizeof (struct ssh_callbacks_struct),
};

typedef struct {
  ssh_session             ssh;
  TetherConnectionShared *shared;
  struct ssh_callbacks_struct callbacks;
} Auth;

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
  const char *answer;

  ssh_userauth_publickey_auto_get_current_identity (auth->ssh, &identity);
  message = g_strdup_printf (_("The key “%s” is protected by a passphrase. Enter it to log in to %s."),
                             identity ? identity : "?", auth->shared->key);
  ssh_string_free_char (identity);

  tether_prompt_set_message (prompt, message);
  tether_prompt_add_question (prompt, _("Passphrase"), FALSE);
  if (!_tether_connection_ask (auth->shared, prompt))
    return -1;

  answer = tether_prompt_get_answer (prompt, 0);
  if (answer == NULL || strlen (answer) >= len)
    return -1;
  g_strlcpy (buf, answer, len);
  return 0;
}

static int
try_publickey (Auth *auth)
{
  return ssh_userauth_publickey_auto (auth->ssh, NULL, NULL);
}

static int
try_kbdint (Auth      *auth,
            gboolean  *cancelled)
{
  int rc;

  while ((rc = ssh_userauth_kbdint (auth->ssh, NULL, NULL)) == SSH_AUTH_INFO)
    {
      g_autoptr(TetherPrompt) prompt = tether_prompt_new (TETHER_PROMPT_KEYBOARD_INTERACTIVE,
                                                          auth->shared->key);
      int n = ssh_userauth_kbdint_getnprompts (auth->ssh);
      const char *name = ssh_userauth_kbdint_getname (auth->ssh);
      const char *instruction = ssh_userauth_kbdint_getinstruction (auth->ssh);
      g_autofree char *message = NULL;

      /* An empty round is how some servers say "go on". */
      if (n <= 0)
        continue;

      message = g_strdup_printf (_("The server %s asks the following to log you in."),
                                 auth->shared->key);
      tether_prompt_set_message (prompt, name && *name ? name : message);
      tether_prompt_set_instruction (prompt, instruction);
      for (int i = 0; i < n; i++)
        {
          char echo = 0;
          const char *question = ssh_userauth_kbdint_getprompt (auth->ssh, (unsigned) i, &echo);

          tether_prompt_add_question (prompt, question ? question : "", echo != 0);
        }

      if (!_tether_connection_ask (auth->shared, prompt))
        {
          *cancelled = TRUE;
          return SSH_AUTH_DENIED;
        }
      for (int i = 0; i < n; i++)
        {
          const char *answer = tether_prompt_get_answer (prompt, (guint) i);

          ssh_userauth_kbdint_setanswer (auth->ssh, (unsigned) i, answer ? answer : "");
        }
    }
  return rc;
}

static int
try_password (Auth     *auth,
              gboolean *cancelled)
{
  g_autoptr(TetherPrompt) prompt = tether_prompt_new (TETHER_PROMPT_PASSWORD, auth->shared->key);
  g_autofree char *message = NULL;
  const char *answer;

  message = g_strdup_printf (_("Enter the password of %s."), auth->shared->key);
  tether_prompt_set_message (prompt, message);
  tether_prompt_add_question (prompt, _("Password"), FALSE);
  if (!_tether_connection_ask (auth->shared, prompt))
    {
      *cancelled = TRUE;
      return SSH_AUTH_DENIED;
    }

  answer = tether_prompt_get_answer (prompt, 0);
  return ssh_userauth_password (auth->ssh, NULL, answer ? answer : "");
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

  if (cancelled)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED,
                 _("The login to %s was cancelled. Connect again when you have the password or key at hand."),
                 auth->shared->key);
  else if (rc == SSH_AUTH_ERROR)
    g_set_error (error, TETHER_ERROR, TETHER_ERROR_AUTH_FAILED,
                 _("The login to %s failed (%s). Check the connection, then try again."),
                 auth->shared->key, ssh_get_error (auth->ssh));
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
  while (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && !cancelled)
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
          tried_publickey = TRUE;
          rc = try_publickey (&auth);
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
  if (rc == SSH_AUTH_SUCCESS)
    return TRUE;

  set_auth_error (&auth, rc, methods, cancelled, error);
  return FALSE;
}
