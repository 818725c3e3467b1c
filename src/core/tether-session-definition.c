/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-forward.h"
#include "tether-jump.h"
#include "tether-session-definition.h"
#include "tether-session-private.h"
#include "tether-target.h"

/**
 * tether_session_definition_new:
 *
 * Returns: (transfer full): a definition with every field empty, whose
 *   strings it will own
 */
TetherSessionDefinition *
tether_session_definition_new (void)
{
  return g_new0 (TetherSessionDefinition, 1);
}

/**
 * tether_session_definition_new_for_session:
 *
 * Returns: (transfer full): what defines @session now, copied
 */
TetherSessionDefinition *
tether_session_definition_new_for_session (TetherSession *session)
{
  TetherSessionDefinition *def;

  g_return_val_if_fail (TETHER_IS_SESSION (session), NULL);

  def = tether_session_definition_new ();
  def->instance_id = g_strdup (tether_session_get_instance_id (session));
  def->name = g_strdup (tether_session_get_name (session));
  def->target = g_strdup (tether_session_get_target (session));
  def->configuration_name = g_strdup (tether_session_get_configuration_name (session));
  def->identity_file = g_strdup (tether_session_get_identity_file (session));
  def->jump_hosts = g_strdup (tether_session_get_jump_hosts (session));
  def->forwards = g_strdup (tether_session_get_forwards_spec (session));
  def->forward_agent = tether_session_get_forward_agent (session);
  def->folder = g_strdup (tether_session_get_folder (session));
  def->known_hosts_file = g_strdup (tether_session_get_known_hosts_file (session));
  def->persistent = tether_session_get_persistent (session);
  def->disconnected_on = tether_session_get_disconnected_on (session);
  def->receive_mark = g_strdup (_tether_session_get_receive_mark (session));
  return def;
}

/**
 * tether_session_definition_free:
 * @def: (nullable): a definition that owns its strings
 */
void
tether_session_definition_free (TetherSessionDefinition *def)
{
  if (def == NULL)
    return;

  /* Const for the definitions that borrow; these own theirs. */
  g_free ((char *) def->instance_id);
  g_free ((char *) def->name);
  g_free ((char *) def->target);
  g_free ((char *) def->configuration_name);
  g_free ((char *) def->identity_file);
  g_free ((char *) def->jump_hosts);
  g_free ((char *) def->forwards);
  g_free ((char *) def->folder);
  g_free ((char *) def->known_hosts_file);
  g_free ((char *) def->receive_mark);
  g_free (def);
}

/* Validation: the sessions file's rules, checked once for every way in (the
 * command line, the dialogs, the file itself), so that what is accepted is
 * saved and comes back. */

/**
 * tether_session_text_is_clean:
 * @text: (nullable): a field
 *
 * The sessions file keeps text fields as they are: UTF-8 with no control
 * character, C1 ones (U+0085 NEL…) included.  Control characters would end
 * up in tab titles and terminals.
 *
 * Returns: %TRUE for %NULL or such text
 */
gboolean
tether_session_text_is_clean (const char *text)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/**
 * tether_session_name_key:
 * @name: a session name
 *
 * What session names are compared by, wherever they are: unique in the
 * list, in the sessions file, and looked up by the command line.  Names are
 * case-insensitive, as in PowerShell: the key is the name in NFKC, case-folded
 * (full folding: "ß" is "ss", "ς" is "σ"), in NFKC again (the folding can
 * decompose, as "İ" into "i" and U+0307).  So "é" and "e" + U+0301, "CAFÉ" and
 * "café", "STRASSE" and "Straße", "ﬁle" and "file" are one name.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL when @name is not
 *   UTF-8
 */
char *
tether_session_name_key (const char *name)
{
  g_autofree char *composed = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (!g_utf8_validate (name, -1, NULL))
    return NULL;

  composed = g_utf8_normalize (name, -1, G_NORMALIZE_NFKC);
  folded = g_utf8_casefold (composed, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static gboolean
is_number (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/**
 * tether_session_name_check:
 * @name: (nullable): a name the user gave
 *
 * Whether @name can name a session, on its own: whether another session has
 * it is the manager's business (tether_session_manager_check_name()).
 *
 * Returns: %TRUE if it can, otherwise %FALSE with a sentence in @error
 */
gboolean
tether_session_name_check (const char  *name,
                           GError     **error)
{
  if (name == NULL || is_blank (name))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The session name is empty. Type a name, or leave the field empty to get one like “Session1”."));
      return FALSE;
    }
  if (strlen (name) > TETHER_SESSION_FIELD_MAX)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The session name is too long. Choose a shorter one."));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The session name is not valid text. Type it again."));
      return FALSE;
    }
  if (!tether_session_text_is_clean (name))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The session name contains a control character. Use letters, digits, spaces and punctuation only."));
      return FALSE;
    }
  if (is_number (name))
    {
      g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                   _("“%s” cannot be a session name: a number is read as a session Id. Add a letter to it."),
                   name);
      return FALSE;
    }
  return TRUE;
}

/* What the user reads when a text field breaks a rule: one sentence per
 * field, so that each translates as a whole. */
typedef struct {
  const char *too_long;
  const char *control;
} FieldMessages;

static const FieldMessages target_messages = {
  N_("The computer name is too long. Check what was pasted into it."),
  N_("The computer name contains a control character: type it again without it."),
};

static const FieldMessages configuration_messages = {
  N_("The configuration name is too long. Choose a shorter one."),
  N_("The configuration name contains a control character. Use letters, digits and dots only."),
};

static const FieldMessages folder_messages = {
  N_("The folder name is too long. Choose a shorter one."),
  N_("The folder name contains a control character. Use letters, digits, spaces and punctuation only."),
};

static const FieldMessages jump_messages = {
  N_("The jump hosts are too long. Use an alias from your SSH configuration instead."),
  N_("The jump hosts contain a control character. Write them as “user@host:port”, separated by commas."),
};

static const FieldMessages forward_messages = {
  N_("The forwards are too long. Keep the ones you need."),
  N_("The forwards contain a control character. Write them as ssh options, like “-L 8080:localhost:80”."),
};

static gboolean
check_forwards (const char  *forwards,
                GError     **error)
{
  g_autoptr(GPtrArray) parsed = tether_forwards_parse (forwards, error);

  return parsed != NULL;
}

static gboolean
check_text_field (const char           *text,
                  const FieldMessages  *messages,
                  GError              **error)
{
  if (text == NULL)
    return TRUE;
  if (strlen (text) > TETHER_SESSION_FIELD_MAX)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME, _(messages->too_long));
      return FALSE;
    }
  /* Text that is not UTF-8 is told as a control character would be: both
   * are what the field cannot hold, and retyping it is the cure. */
  if (!tether_session_text_is_clean (text))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME, _(messages->control));
      return FALSE;
    }
  return TRUE;
}

/**
 * tether_session_identity_file_is_plain:
 * @path: a private key's path
 *
 * A path is a file name as the file system gives it: any bytes.  The
 * sessions file keeps one as text when it is clean text (see
 * tether_session_text_is_clean()) that cannot be read as a URI, and as a
 * `file://` URI otherwise (tether-session-store.c).
 *
 * Returns: %TRUE when @path is kept as it is
 */
gboolean
tether_session_identity_file_is_plain (const char *path)
{
  return tether_session_text_is_clean (path) && !g_str_has_prefix (path, "file:");
}

static gboolean
check_identity_file (const char  *path,
                     GError     **error)
{
  g_autofree char *shown = NULL;

  if (path == NULL)
    return TRUE;
  if (strlen (path) > TETHER_SESSION_FIELD_MAX)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The private key’s path is too long. Move the key to a folder with a shorter path."));
      return FALSE;
    }
  /* Only an absolute path has a file:// URI: a relative one is kept as text,
   * so it must be text.  The command line and the file chooser always give
   * absolute paths. */
  if (tether_session_identity_file_is_plain (path) || g_path_is_absolute (path))
    return TRUE;

  shown = tether_error_escape (path);
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
               _("The private key’s path “%s” is relative and holds unusual characters. Give its full path, starting with “/”."),
               shown);
  return FALSE;
}

/* Only absolute: the file is read wherever Tether was started from. */
static gboolean
check_known_hosts_file (const char  *path,
                        GError     **error)
{
  g_autofree char *shown = NULL;

  if (path == NULL || (g_path_is_absolute (path) && strlen (path) <= TETHER_SESSION_FIELD_MAX))
    return TRUE;

  shown = tether_error_escape (path);
  g_set_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
               _("The known hosts file “%s” is not a full path of at most 4096 bytes. Give its full path, starting with “/”."),
               shown);
  return FALSE;
}

/**
 * tether_session_definition_check:
 * @def: a definition, its name %NULL or empty for `Session<Id>`
 *
 * Checks every field of @def with the rules of the sessions file: what
 * passes is saved, and comes back as it was at the next start.  Whether the
 * name is free is the manager's business.
 *
 * Returns: %TRUE if @def can be saved, otherwise %FALSE with a sentence in
 *   @error
 */
gboolean
tether_session_definition_check (const TetherSessionDefinition  *def,
                                 GError                        **error)
{
  g_autoptr(TetherTarget) target = NULL;

  g_return_val_if_fail (def != NULL, FALSE);

  /* The InstanceId names a group of the file: `[Session <id>]`. */
  if (def->instance_id != NULL &&
      (*def->instance_id == '\0' || strlen (def->instance_id) > TETHER_SESSION_FIELD_MAX ||
       !tether_session_text_is_clean (def->instance_id) || strchr (def->instance_id, ']') != NULL))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The session’s InstanceId cannot be saved: it must be text without “]” or control characters."));
      return FALSE;
    }
  if (def->name != NULL && *def->name != '\0' && !tether_session_name_check (def->name, error))
    return FALSE;
  if (def->target == NULL)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET,
                           _("The computer name is empty: write a host name, an address or an alias from your SSH configuration."));
      return FALSE;
    }
  if (!check_text_field (def->target, &target_messages, error) ||
      (target = tether_target_parse (def->target, error)) == NULL)
    return FALSE;
  if (def->receive_mark != NULL && !tether_tmux_mark_parse (def->receive_mark, NULL))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The session’s place in its tmux history cannot be saved: it must be three numbers."));
      return FALSE;
    }
  return check_text_field (def->configuration_name, &configuration_messages, error) &&
         check_text_field (def->folder, &folder_messages, error) &&
         check_text_field (def->jump_hosts, &jump_messages, error) &&
         tether_jump_hosts_check (def->jump_hosts, error) &&
         check_text_field (def->forwards, &forward_messages, error) &&
         check_forwards (def->forwards, error) &&
         check_identity_file (def->identity_file, error) &&
         check_known_hosts_file (def->known_hosts_file, error);
}

/**
 * tether_session_folder_normalize:
 * @folder: (nullable): a folder as typed: `Prod/Staging` is Staging in Prod
 *
 * Folders nest with `/`.  Spaces around a part and empty parts are dropped,
 * so that `Prod / Staging/` and `Prod/Staging` are one folder.
 *
 * Returns: (transfer full) (nullable): the folder's path, or %NULL for none
 */
char *
tether_session_folder_normalize (const char *folder)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) kept = NULL;
  g_auto(GStrv) kept_parts = NULL;

  if (folder == NULL)
    return NULL;

  parts = g_strsplit (folder, "/", -1);
  kept = g_strv_builder_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (kept, parts[i]);
    }
  kept_parts = g_strv_builder_end (kept);
  return kept_parts[0] != NULL ? g_strjoinv ("/", kept_parts) : NULL;
}

/**
 * tether_session_folder_is_within:
 * @folder: (nullable): a session's folder
 * @path: a folder's path
 *
 * Returns: whether @folder is @path or a folder inside it (`Prod/Staging`
 *   is within `Prod`; `Production` is not)
 */
gboolean
tether_session_folder_is_within (const char *folder,
                                 const char *path)
{
  size_t len;

  g_return_val_if_fail (path != NULL, FALSE);

  len = strlen (path);
  return folder != NULL && strncmp (folder, path, len) == 0 &&
         (folder[len] == '\0' || folder[len] == '/');
}

/**
 * tether_session_folder_name_check:
 * @name: a folder's new name (one part of a path)
 *
 * Returns: whether @name can name a folder; %FALSE with @error set, a
 *   sentence for the user, otherwise
 */
gboolean
tether_session_folder_name_check (const char  *name,
                                  GError     **error)
{
  g_autofree char *normalized = tether_session_folder_normalize (name);

  if (normalized == NULL)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("The folder name is empty. Type a name for the folder."));
      return FALSE;
    }
  if (strchr (normalized, '/') != NULL)
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_INVALID_NAME,
                           _("A folder name cannot contain “/”, which separates a folder from the folders inside it. Choose a name without it."));
      return FALSE;
    }
  return check_text_field (normalized, &folder_messages, error);
}
