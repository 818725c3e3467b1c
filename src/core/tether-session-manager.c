/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-jump.h"
#include "tether-secrets.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"
#include "tether-target.h"

/*
 * The manager drives each session's life (Opening → Opened → Closing →
 * Closed, Broken when its connection dies); its pool shares connections
 * (tether-connection-pool.c); tether-session-manager-store.c keeps the
 * sessions file.
 */

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TetherSessionManager, tether_session_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  STORE_ERROR,
  WARNING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_SAVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GListModel: the listed sessions */

static GType
get_item_type (GListModel *model)
{
  return TETHER_TYPE_SESSION;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (TETHER_SESSION_MANAGER (model)->sessions));
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (TETHER_SESSION_MANAGER (model)->sessions), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
items_changed_cb (GListModel           *store,
                  guint                 position,
                  guint                 removed,
                  guint                 added,
                  TetherSessionManager *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* Connections */

GPtrArray *
_tether_session_manager_all_sessions (TetherSessionManager *self)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (all, g_list_model_get_item (G_LIST_MODEL (self->sessions), i));
  for (guint i = 0; i < self->temporary->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (self->temporary, i)));
  return all;
}

static void
connection_broken (TetherConnection *connection,
                   const GError     *error,
                   gpointer          user_data)
{
  TetherSessionManager *self = user_data;
  g_autoptr(GPtrArray) sessions = NULL;

  if (_tether_session_manager_reconnect (self, connection, error))
    return;

  sessions = _tether_session_manager_all_sessions (self);
  for (guint i = 0; i < sessions->len; i++)
    {
      TetherSession *session = g_ptr_array_index (sessions, i);

      if (_tether_session_get_connection (session) != connection)
        continue;
      /* Released first: its shell goes with it, so the shell's close, which
       * follows `broken` (tether-connection-private.h), reaches nobody and
       * cannot pass for `exit`.  The reason is set before the state, for
       * whoever shows it when the state changes. */
      _tether_connection_pool_release (self->pool, session);
      _tether_session_set_last_error (session, error ? error->message : NULL);
      _tether_session_set_state (session, TETHER_SESSION_STATE_BROKEN);
    }
}

/* Something the user should know that did not stop anything. */
void
_tether_session_manager_warn (TetherSessionManager *self,
                              TetherSession        *session,
                              const char           *message)
{
  g_message ("%s", message);
  g_signal_emit (self, signals[WARNING], 0, session, message);
}

/* GObject */

static void
tether_session_manager_dispose (GObject *object)
{
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);

  /* Runs end before the sessions they use close under them. */
  if (self->invocations != NULL)
    _tether_session_manager_cancel_invocations (self);
  g_clear_object (&self->invocations);
  if (self->sessions != NULL)
    tether_session_manager_close_all (self);
  _tether_session_manager_stop_reconnects (self);
  _tether_session_manager_unwatch_links (self);
  g_clear_pointer (&self->pool, _tether_connection_pool_free);
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_object (&self->sessions);
  g_clear_pointer (&self->temporary, g_ptr_array_unref);
  g_clear_object (&self->interaction);

  G_OBJECT_CLASS (tether_session_manager_parent_class)->dispose (object);
}

static void
tether_session_manager_finalize (GObject *object)
{
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);

  g_free (self->store_path);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (tether_session_manager_parent_class)->finalize (object);
}

static void
tether_session_manager_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TetherSessionManager *self = TETHER_SESSION_MANAGER (object);

  switch (prop_id)
    {
    case PROP_SAVED:
      g_value_set_boolean (value, tether_session_manager_get_saved (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_session_manager_class_init (TetherSessionManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_session_manager_dispose;
  object_class->finalize = tether_session_manager_finalize;
  object_class->get_property = tether_session_manager_get_property;

  /**
   * TetherSessionManager:saved:
   *
   * Whether the sessions file holds every listed session to remember; see
   * tether_session_manager_get_store_error() when it does not.
   */
  properties[PROP_SAVED] =
    g_param_spec_boolean ("saved", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherSessionManager::store-error:
   * @error: why the sessions file could not be written (or, when a change
   *   read it again, why it was damaged)
   *
   * The window shows it (the command line reads
   * tether_session_manager_get_store_error()): until a save succeeds, the
   * list is ahead of the file.  The next change saves again.
   */
  signals[STORE_ERROR] =
    g_signal_new ("store-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * TetherSessionManager::warning:
   * @session: (nullable): the session concerned; %NULL for a run of
   *   Invoke-Command, which says it once for all its computers
   * @message: a sentence for the user
   *
   * Something the user should know that did not stop anything, such as
   * `~/.ssh/config` lines Tether does not apply to this host.
   */
  signals[WARNING] =
    g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TETHER_TYPE_SESSION, G_TYPE_STRING);
}

static void
tether_session_manager_init (TetherSessionManager *self)
{
  self->sessions = g_list_store_new (TETHER_TYPE_SESSION);
  self->temporary = g_ptr_array_new_with_free_func (g_object_unref);
  self->invocations = g_list_store_new (TETHER_TYPE_INVOCATION);
  self->pool = _tether_connection_pool_new (connection_broken, self);
  _tether_session_manager_init_reconnects (self);
  g_signal_connect (self->sessions, "items-changed", G_CALLBACK (items_changed_cb), self);
}

static gboolean
config_is_valid (const TetherConfig *config)
{
  return config->connect_timeout_s > 0 && config->keepalive_interval_ms > 0
         && config->idle_timeout_s >= 60
         && config->keepalive_max_missed > 0 && config->columns > 0 && config->rows > 0;
}

/**
 * tether_session_manager_new:
 * @store_path: (nullable): the sessions file, or %NULL to remember nothing
 * @config: how to connect, and the size shells start at (copied)
 *
 * Returns: (transfer full): a manager with no sessions; call
 *   tether_session_manager_load() to read the file
 */
TetherSessionManager *
tether_session_manager_new (const char         *store_path,
                            const TetherConfig *config)
{
  TetherSessionManager *self;

  g_return_val_if_fail (config != NULL && config_is_valid (config), NULL);

  self = g_object_new (TETHER_TYPE_SESSION_MANAGER, NULL);
  self->store_path = g_strdup (store_path);
  self->config = *config;
  return self;
}

void
tether_session_manager_set_interaction (TetherSessionManager *self,
                                        TetherInteraction    *interaction)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_set_object (&self->interaction, interaction);
}

/**
 * tether_session_manager_get_config:
 *
 * Returns: (transfer none): the configuration in use
 */
const TetherConfig *
tether_session_manager_get_config (TetherSessionManager *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  return &self->config;
}

/**
 * tether_session_manager_set_config:
 * @config: (copied)
 *
 * Applies to connections and shells opened from now on.
 */
void
tether_session_manager_set_config (TetherSessionManager *self,
                                   const TetherConfig   *config)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (config != NULL && config_is_valid (config));

  self->config = *config;
}

/**
 * tether_session_manager_set_terminal_size:
 * @columns: the width of the terminals sessions are shown in
 * @rows: their height
 *
 * A session starts its shell as soon as it opens, so that Enter finds it
 * running; it starts at this size (the viewer's real size, from the GUI;
 * the configuration's until then) and is resized to the viewer when
 * entered.
 */
void
tether_session_manager_set_terminal_size (TetherSessionManager *self,
                                          guint                 columns,
                                          guint                 rows)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (columns > 0 && rows > 0);

  self->config.columns = columns;
  self->config.rows = rows;
}

/**
 * tether_session_manager_get_n_connections:
 *
 * Returns: how many SSH connections are open or opening
 */
guint
tether_session_manager_get_n_connections (TetherSessionManager *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), 0);
  return _tether_connection_pool_size (self->pool);
}

static gboolean
is_number (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/**
 * tether_session_manager_lookup:
 * @name_or_id: an Id (digits) or a name, compared as the sessions file
 *   compares names (tether_session_name_key(): case-insensitive, as in
 *   PowerShell)
 *
 * Returns: (transfer none) (nullable): the listed session
 */
TetherSession *
tether_session_manager_lookup (TetherSessionManager *self,
                               const char           *name_or_id)
{
  g_autofree char *key = NULL;
  guint n;
  guint64 id = 0;
  gboolean by_id;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  by_id = is_number (name_or_id) && g_ascii_string_to_unsigned (name_or_id, 10, 1, G_MAXUINT, &id, NULL);
  /* No session has a name that is not UTF-8. */
  if (!by_id && (key = tether_session_name_key (name_or_id)) == NULL)
    return NULL;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);
      g_autofree char *other = by_id ? NULL : tether_session_name_key (tether_session_get_name (session));

      if (by_id ? tether_session_get_id (session) == id : g_str_equal (other, key))
        return session;
    }
  return NULL;
}

/**
 * tether_session_manager_check_name:
 * @ignore: (nullable): the session being renamed, if any
 *
 * The rules of tether_session_name_check(), and no other listed session
 * with the same name as the sessions file compares them.
 *
 * Returns: %TRUE if @name can name a new (or renamed) session
 */
gboolean
tether_session_manager_check_name (TetherSessionManager  *self,
                                   const char            *name,
                                   TetherSession         *ignore,
                                   GError               **error)
{
  TetherSession *other;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);

  if (!tether_session_name_check (name, error))
    return FALSE;
  other = tether_session_manager_lookup (self, name);
  if (other != NULL && other != ignore)
    {
      g_autofree char *shown = tether_error_escape (tether_session_get_name (other));

      g_set_error (error, TETHER_ERROR, TETHER_ERROR_EXISTS,
                   _("A session named “%s” already exists (Id %u). Choose another name."),
                   shown, tether_session_get_id (other));
      return FALSE;
    }
  return TRUE;
}

/**
 * tether_session_manager_check_definition:
 * @def: a new definition, or the new definition of @ignore
 * @ignore: (nullable): the session edited, if any
 *
 * Every field with the sessions file's rules
 * (tether_session_definition_check()) and a free name: what passes is
 * saved and comes back at the next start.  A session to remember is
 * refused while the sessions file cannot be read.
 *
 * Returns: %TRUE if @def can be added (or applied to @ignore)
 */
gboolean
tether_session_manager_check_definition (TetherSessionManager           *self,
                                         const TetherSessionDefinition  *def,
                                         TetherSession                  *ignore,
                                         GError                        **error)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);
  g_return_val_if_fail (def != NULL, FALSE);

  if (def->persistent && !_tether_session_manager_check_store (self, error))
    return FALSE;
  if (!tether_session_definition_check (def, error))
    return FALSE;
  return def->name == NULL || *def->name == '\0' ||
         tether_session_manager_check_name (self, def->name, ignore, error);
}

TetherSession *
_tether_session_manager_make_session (TetherSessionManager          *self,
                                      const TetherSessionDefinition *def,
                                      gboolean                       temporary)
{
  TetherSessionDefinition named = *def;
  g_autofree char *name = NULL;
  TetherSession *session;

  /* Session<Id>, as PowerShell names them; if the user already took that
   * name, the next free Session<Id>-N. */
  if (def->name == NULL || *def->name == '\0')
    {
      guint id = _tether_session_peek_next_id ();

      name = g_strdup_printf ("Session%u", id);
      for (guint n = 2; tether_session_manager_lookup (self, name) != NULL; n++)
        {
          g_free (name);
          name = g_strdup_printf ("Session%u-%u", id, n);
        }
      named.name = name;
    }
  if ((def->configuration_name == NULL || *def->configuration_name == '\0')
      && self->config.tmux_by_default)
    named.configuration_name = TETHER_TMUX_CONFIGURATION_NAME;

  session = _tether_session_new (&named, temporary);
  _tether_session_set_idle_timeout (session, self->config.idle_timeout_s);
  return session;
}

static gboolean
id_is_free (TetherSessionManager *self,
            guint                 id)
{
  g_autoptr(GPtrArray) all = _tether_session_manager_all_sessions (self);

  for (guint i = 0; i < all->len; i++)
    if (tether_session_get_id (g_ptr_array_index (all, i)) == id)
      return FALSE;
  return TRUE;
}

/* Lists a new Closed session, with Id @id when that is free (0: a new Id). */
static TetherSession *
add_session (TetherSessionManager           *self,
             const TetherSessionDefinition  *def,
             guint                           id,
             GError                        **error)
{
  g_autoptr(TetherSession) session = NULL;

  if (!tether_session_manager_check_definition (self, def, NULL, error))
    return NULL;

  session = _tether_session_manager_make_session (self, def, FALSE);
  if (id != 0 && id_is_free (self, id))
    _tether_session_set_id (session, id);
  g_list_store_append (self->sessions, session);
  if (tether_session_get_persistent (session))
    _tether_session_manager_save (self);
  return session;
}

/**
 * tether_session_manager_add_session:
 * @def: the session; with an InstanceId, it keeps it
 *
 * Lists a new Closed session (not opened).
 *
 * Returns: (transfer none): the session, or %NULL with @error set
 */
TetherSession *
tether_session_manager_add_session (TetherSessionManager           *self,
                                    const TetherSessionDefinition  *def,
                                    GError                        **error)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  g_return_val_if_fail (def != NULL, NULL);

  return add_session (self, def, 0, error);
}

/**
 * tether_session_manager_restore_session:
 * @def: a removed session's definition, InstanceId included
 * @id: the Id it had
 *
 * Undo of a removal: lists the session again as @def says (Closed, or
 * Disconnected when it was forgotten Disconnected: its shell still runs on
 * the server), with its Id unless another session holds it (then with a
 * new one: compare).
 *
 * Returns: (transfer none): the session, or %NULL with @error set (its
 *   name was taken meanwhile, the sessions file cannot be read…)
 */
TetherSession *
tether_session_manager_restore_session (TetherSessionManager           *self,
                                        const TetherSessionDefinition  *def,
                                        guint                           id,
                                        GError                        **error)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), NULL);
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (id != 0, NULL);

  return add_session (self, def, id, error);
}

/**
 * tether_session_manager_update_session:
 * @def: the new definition; its InstanceId, persistence and known hosts
 *   file are not changed
 *
 * Edits a listed session's definition; a new target applies at next open.
 */
gboolean
tether_session_manager_update_session (TetherSessionManager           *self,
                                       TetherSession                  *session,
                                       const TetherSessionDefinition  *def,
                                       GError                        **error)
{
  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);
  g_return_val_if_fail (TETHER_IS_SESSION (session), FALSE);
  g_return_val_if_fail (def != NULL, FALSE);

  if (!tether_session_manager_check_definition (self, def, session, error))
    return FALSE;

  if (def->name != NULL && *def->name != '\0')
    tether_session_set_name (session, def->name);
  tether_session_set_folder (session, def->folder);
  _tether_session_set_target (session, def->target, def->configuration_name,
                              def->identity_file);
  _tether_session_set_ssh_options (session, def);
  _tether_session_manager_save (self);
  return TRUE;
}

/**
 * tether_session_manager_move_session:
 * @folder: (nullable): the folder's path (`Prod/Staging`), %NULL for none
 *
 * Files a listed session under another folder (a drop in the list) and
 * remembers it.
 */
void
tether_session_manager_move_session (TetherSessionManager *self,
                                     TetherSession        *session,
                                     const char           *folder)
{
  g_autofree char *before = NULL;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  before = g_strdup (tether_session_get_folder (session));
  tether_session_set_folder (session, folder);
  if (g_strcmp0 (before, tether_session_get_folder (session)) != 0 &&
      tether_session_get_persistent (session))
    _tether_session_manager_save (self);
}

/**
 * tether_session_manager_rename_folder:
 * @path: the folder's path (`Prod/Staging`)
 * @new_name: its new name, one part (`Stage`)
 *
 * Renames a folder: its sessions and those of the folders inside it move
 * to the new name (`Prod/Stage`, `Prod/Stage/…`), and are remembered.  A
 * folder of that name already there takes them in.
 *
 * Returns: whether @new_name was taken; %FALSE with @error set otherwise
 */
gboolean
tether_session_manager_rename_folder (TetherSessionManager  *self,
                                      const char            *path,
                                      const char            *new_name,
                                      GError               **error)
{
  g_autofree char *normalized = NULL;
  g_autofree char *new_path = NULL;
  const char *slash;
  guint n;

  g_return_val_if_fail (TETHER_IS_SESSION_MANAGER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (new_name != NULL, FALSE);

  if (!tether_session_folder_name_check (new_name, error))
    return FALSE;

  normalized = tether_session_folder_normalize (new_name);
  slash = strrchr (path, '/');
  new_path = slash != NULL ? g_strdup_printf ("%.*s/%s", (int) (slash - path), path, normalized)
                           : g_strdup (normalized);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);
      const char *folder = tether_session_get_folder (session);

      if (tether_session_folder_is_within (folder, path))
        {
          /* What follows @path: "" or the folders inside it. */
          g_autofree char *moved = g_strconcat (new_path, folder + strlen (path), NULL);

          tether_session_set_folder (session, moved);
        }
    }
  _tether_session_manager_save (self);
  return TRUE;
}

/* What was typed for where @session (now Closed) went is wiped once no
 * other session goes there: Close, Remove and quit wipe it. */
static void
forget_typed_secrets (TetherSessionManager *self,
                      TetherSession        *session)
{
  const char *key = _tether_session_get_connection_key (session);
  g_autoptr(GPtrArray) sessions = NULL;

  if (key == NULL)
    return;
  sessions = _tether_session_manager_all_sessions (self);
  for (guint i = 0; i < sessions->len; i++)
    {
      TetherSession *other = g_ptr_array_index (sessions, i);

      if (other != session && tether_session_get_state (other) != TETHER_SESSION_STATE_CLOSED
          && g_strcmp0 (_tether_session_get_connection_key (other), key) == 0)
        return;
    }
  _tether_connection_pool_forget_secrets (self->pool, key);
}

/**
 * tether_session_manager_close_session:
 *
 * Closes the session (its shell, and its connection if no other session
 * uses it).  A named session stays listed and saved; a temporary one is
 * forgotten.
 */
void
tether_session_manager_close_session (TetherSessionManager *self,
                                      TetherSession        *session)
{
  g_autoptr(TetherSession) hold = NULL;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  hold = g_object_ref (session);
  if (tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED)
    _tether_session_set_state (session, TETHER_SESSION_STATE_CLOSING);
  _tether_connection_pool_release (self->pool, session);
  _tether_session_set_state (session, TETHER_SESSION_STATE_CLOSED);
  forget_typed_secrets (self, session);

  if (tether_session_get_temporary (session))
    {
      g_signal_handlers_disconnect_by_data (session, self);
      g_ptr_array_remove (self->temporary, session);
    }
}

static void
forgotten_on_remove (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without a keyring there was nothing to forget. */
  if (!tether_session_manager_forget_secrets_finish (TETHER_SESSION_MANAGER (source), result, &error))
    g_debug ("Nothing forgotten in the keyring: %s", error->message);
}

static void
remove_session (TetherSessionManager *self,
                TetherSession        *session,
                gboolean              forget_secrets)
{
  guint position;

  g_object_ref (session);
  /* A Disconnected session has no connection to close. */
  if (tether_session_get_state (session) == TETHER_SESSION_STATE_DISCONNECTED)
    {
      _tether_session_set_disconnected (session, 0, NULL);
      _tether_session_set_state (session, TETHER_SESSION_STATE_CLOSED);
    }
  else
    tether_session_manager_close_session (self, session);
  if (g_list_store_find (self->sessions, session, &position))
    {
      g_list_store_remove (self->sessions, position);
      _tether_session_manager_save (self);
    }
  /* Nothing of it stays behind, in the keyring either. */
  if (forget_secrets)
    tether_session_manager_forget_secrets_async (self, session, NULL, forgotten_on_remove, NULL);
  g_object_unref (session);
}

/**
 * tether_session_manager_remove_session:
 *
 * Closes the session and forgets it, from disk and the keyring too.  A
 * Disconnected session is forgotten here only: its tmux session is left to
 * its idle timeout (tether_session_manager_remove_session_async() ends it).
 */
void
tether_session_manager_remove_session (TetherSessionManager *self,
                                       TetherSession        *session)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  remove_session (self, session, TRUE);
}

/**
 * tether_session_manager_remove_session_keeping_secrets:
 *
 * tether_session_manager_remove_session() for a caller that offers Undo:
 * it leaves the keyring to tether_session_manager_take_secrets_async(),
 * whose secrets can go back.
 */
void
tether_session_manager_remove_session_keeping_secrets (TetherSessionManager *self,
                                                       TetherSession        *session)
{
  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  remove_session (self, session, FALSE);
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (tether_secrets_forget_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
taken_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TetherTakenSecrets *taken = tether_secrets_take_finish (result, &error);

  if (taken != NULL)
    g_task_return_pointer (task, taken, (GDestroyNotify) tether_taken_secrets_free);
  else
    g_task_return_error (task, error);
}

/* Where the session logs in is known: forget or take what is kept there. */
static void
secrets_resolved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  GError *error = NULL;

  if ((resolved = tether_target_resolve_finish (result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_get_source_tag (task) == tether_session_manager_take_secrets_async)
    tether_secrets_take_async (resolved->host, resolved->port, resolved->user, cancellable,
                               taken_cb, g_steal_pointer (&task));
  else
    tether_secrets_forget_async (resolved->host, resolved->port, resolved->user, cancellable,
                                 forgotten_cb, g_steal_pointer (&task));
}

/* Resolves where @session logs in (its user, host and port), for @task. */
static void
resolve_for_secrets (TetherSession *session,
                     GTask         *task)
{
  g_autoptr(TetherTarget) target = NULL;
  g_autofree char *ssh_dir = tether_get_ssh_dir ();
  GError *error = NULL;

  if ((target = tether_target_parse (tether_session_get_target (session), &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  tether_target_resolve_async (target, ssh_dir, g_task_get_cancellable (task), secrets_resolved_cb, task);
}

/**
 * tether_session_manager_forget_secrets_async:
 *
 * Forgets the password and passphrase remembered in the keyring for where
 * @session logs in (its user, host and port).  Having none is no error.
 */
void
tether_session_manager_forget_secrets_async (TetherSessionManager *self,
                                             TetherSession        *session,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_forget_secrets_async);
  resolve_for_secrets (session, task);
}

gboolean
tether_session_manager_forget_secrets_finish (TetherSessionManager  *self,
                                              GAsyncResult          *result,
                                              GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_session_manager_forget_secrets_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_session_manager_take_secrets_async:
 *
 * Forgets the password and passphrase remembered for where @session logs
 * in, as tether_session_manager_forget_secrets_async() does, and hands
 * them over: an Undo gives them back with tether_secrets_give_back_async().
 */
void
tether_session_manager_take_secrets_async (TetherSessionManager *self,
                                           TetherSession        *session,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_manager_take_secrets_async);
  resolve_for_secrets (session, task);
}

/**
 * tether_session_manager_take_secrets_finish:
 *
 * Returns: (transfer full): what was remembered, maybe nothing; %NULL with
 *   @error set when no keyring answered
 */
TetherTakenSecrets *
tether_session_manager_take_secrets_finish (TetherSessionManager  *self,
                                            GAsyncResult          *result,
                                            GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_session_manager_take_secrets_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tether_session_manager_close_all:
 *
 * Closes every session and connection (on quit); tmux sessions are
 * disconnected instead, their shells left running.
 */
void
tether_session_manager_close_all (TetherSessionManager *self)
{
  g_autoptr(GPtrArray) sessions = NULL;

  g_return_if_fail (TETHER_IS_SESSION_MANAGER (self));

  sessions = _tether_session_manager_all_sessions (self);
  for (guint i = 0; i < sessions->len; i++)
    {
      TetherSession *session = g_ptr_array_index (sessions, i);
      TetherSessionState state = tether_session_get_state (session);

      /* A tmux session's shell outlives Tether: disconnected, not ended. */
      if (state == TETHER_SESSION_STATE_OPENED && _tether_session_get_is_tmux (session)
          && tether_session_get_persistent (session))
        _tether_session_manager_disconnect_unmarked (self, session);
      else if (state != TETHER_SESSION_STATE_CLOSED && state != TETHER_SESSION_STATE_BROKEN
               && state != TETHER_SESSION_STATE_DISCONNECTED)
        tether_session_manager_close_session (self, session);
    }
  _tether_connection_pool_clear (self->pool);
}
