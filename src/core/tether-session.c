/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-enums.h"
#include "tether-error.h"
#include "tether-session-fields.h"
#include "tether-target.h"
#include "tether-util.h"

G_DEFINE_FINAL_TYPE (TetherSession, tether_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_INSTANCE_ID,
  PROP_NAME,
  PROP_COMPUTER_NAME,
  PROP_USER_NAME,
  PROP_PORT,
  PROP_CONFIGURATION_NAME,
  PROP_IDENTITY_FILE,
  PROP_JUMP_HOSTS,
  PROP_FORWARDS,
  PROP_FORWARD_AGENT,
  PROP_FOLDER,
  PROP_STATE,
  PROP_AVAILABILITY,
  PROP_TEMPORARY,
  PROP_PERSISTENT,
  PROP_ATTACHED,
  PROP_LAST_ERROR,
  PROP_RECONNECT_DEADLINE,
  N_PROPS
};

enum {
  OUTPUT,
  SHELL_EXITED,
  RECONNECTED,
  FORWARD_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Ids are per process, from 1, never reused (as PowerShell's). */
static guint next_id = 1;

static void
notify (TetherSession *self,
        guint          prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void drop_shell (TetherSession *self);
static void set_attached (TetherSession *self,
                          gboolean       attached);

/* How its channels open: with the agent when its switch or its
 * configuration's ForwardAgent says so. */
TetherChannelFlags
_tether_session_get_channel_flags (TetherSession *self)
{
  return self->forward_agent || self->config_forward_agent ? TETHER_CHANNEL_FLAGS_FORWARD_AGENT
                                                           : TETHER_CHANNEL_FLAGS_NONE;
}

void
_tether_session_set_config_forward_agent (TetherSession *self,
                                          gboolean       forward_agent)
{
  self->config_forward_agent = forward_agent;
}

/* Starts the forwards on the session's connection, or stops them when it
 * has none: every open and re-open starts them anew. */
static void
sync_forwards (TetherSession *self)
{
  _tether_forward_set_sync (self->forwards, self->connection);
}

static void
forward_state_cb (TetherForward *forward,
                  GParamSpec    *pspec,
                  TetherSession *self)
{
  if (tether_forward_get_state (forward) == TETHER_FORWARD_STATE_FAILED)
    g_signal_emit (self, signals[FORWARD_FAILED], 0, forward);
}

/* The configuration's forwards (tether_forwards_from_config()), as each
 * open resolves them: they start with the session's own. */
void
_tether_session_set_config_forwards (TetherSession *self,
                                     const char    *forwards)
{
  if (_tether_forward_set_specs (self->forwards, _tether_forward_set_get_own (self->forwards), forwards))
    sync_forwards (self);
}
static gboolean is_tmux (TetherSession *self);

static void
tether_session_dispose (GObject *object)
{
  TetherSession *self = TETHER_SESSION (object);

  drop_shell (self);
  g_clear_object (&self->connection);
  g_clear_object (&self->interaction);
  /* No connection: this stops them, and frees their ports. */
  g_clear_pointer (&self->forwards, _tether_forward_set_free);
  g_clear_object (&self->ending_tmux);

  G_OBJECT_CLASS (tether_session_parent_class)->dispose (object);
}

static void
tether_session_finalize (GObject *object)
{
  TetherSession *self = TETHER_SESSION (object);

  g_free (self->instance_id);
  g_free (self->name);
  g_free (self->target);
  g_free (self->computer_name);
  g_free (self->user_name);
  g_free (self->configuration_name);
  g_free (self->identity_file);
  g_free (self->known_hosts_file);
  g_free (self->jump_hosts);
  g_free (self->folder);
  g_free (self->last_error);
  g_free (self->connection_key);
  g_free (self->receive_mark);
  g_free (self->held_ignored);

  G_OBJECT_CLASS (tether_session_parent_class)->finalize (object);
}

static void
tether_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TetherSession *self = TETHER_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_uint (value, self->id); break;
    case PROP_INSTANCE_ID: g_value_set_string (value, self->instance_id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_COMPUTER_NAME: g_value_set_string (value, self->computer_name); break;
    case PROP_USER_NAME: g_value_set_string (value, self->user_name); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_CONFIGURATION_NAME: g_value_set_string (value, self->configuration_name); break;
    case PROP_IDENTITY_FILE: g_value_set_string (value, self->identity_file); break;
    case PROP_JUMP_HOSTS: g_value_set_string (value, self->jump_hosts); break;
    case PROP_FORWARDS: g_value_set_string (value, _tether_forward_set_get_own (self->forwards)); break;
    case PROP_FORWARD_AGENT: g_value_set_boolean (value, self->forward_agent); break;
    case PROP_FOLDER: g_value_set_string (value, self->folder); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_AVAILABILITY: g_value_set_enum (value, tether_session_get_availability (self)); break;
    case PROP_TEMPORARY: g_value_set_boolean (value, self->temporary); break;
    case PROP_PERSISTENT: g_value_set_boolean (value, self->persistent); break;
    case PROP_ATTACHED: g_value_set_boolean (value, tether_session_get_attached (self)); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    case PROP_RECONNECT_DEADLINE: g_value_set_int64 (value, self->reconnect_deadline); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TetherSession *self = TETHER_SESSION (object);

  switch (prop_id)
    {
    case PROP_NAME: tether_session_set_name (self, g_value_get_string (value)); break;
    case PROP_FOLDER: tether_session_set_folder (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name,
                 gboolean    writable)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              (writable ? G_PARAM_READWRITE : G_PARAM_READABLE)
                              | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
tether_session_class_init (TetherSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_session_dispose;
  object_class->finalize = tether_session_finalize;
  object_class->get_property = tether_session_get_property;
  object_class->set_property = tether_session_set_property;

  properties[PROP_ID] =
    g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INSTANCE_ID] = string_property ("instance-id", FALSE);
  properties[PROP_NAME] = string_property ("name", TRUE);
  properties[PROP_COMPUTER_NAME] = string_property ("computer-name", FALSE);
  properties[PROP_USER_NAME] = string_property ("user-name", FALSE);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFIGURATION_NAME] = string_property ("configuration-name", FALSE);
  properties[PROP_IDENTITY_FILE] = string_property ("identity-file", FALSE);
  properties[PROP_JUMP_HOSTS] = string_property ("jump-hosts", FALSE);
  properties[PROP_FORWARDS] = string_property ("forwards", FALSE);
  properties[PROP_FOLDER] = string_property ("folder", TRUE);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TETHER_TYPE_SESSION_STATE, TETHER_SESSION_STATE_CLOSED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABILITY] =
    g_param_spec_enum ("availability", NULL, NULL,
                       TETHER_TYPE_SESSION_AVAILABILITY, TETHER_SESSION_AVAILABILITY_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPORARY] = boolean_property ("temporary");
  properties[PROP_PERSISTENT] = boolean_property ("persistent");
  properties[PROP_ATTACHED] = boolean_property ("attached");
  properties[PROP_FORWARD_AGENT] = boolean_property ("forward-agent");
  properties[PROP_LAST_ERROR] = string_property ("last-error", FALSE);
  properties[PROP_RECONNECT_DEADLINE] =
    g_param_spec_int64 ("reconnect-deadline", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Returns TRUE when a handler took the output, to give it back to the
   * shell channel (tether_channel_consume()) once it used it. */
  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, TETHER_TYPE_CHANNEL, G_TYPE_BYTES);
  signals[SHELL_EXITED] =
    g_signal_new ("shell-exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
  /* The connection came back after a loss; @same_shell says whether the
   * shell survived it (a fresh one follows otherwise).  Emitted before
   * any output of the shell that follows. */
  signals[RECONNECTED] =
    g_signal_new ("reconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* A forward could not start (a port in use): the session stays open,
   * the user is told. */
  signals[FORWARD_FAILED] =
    g_signal_new ("forward-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TETHER_TYPE_FORWARD);
}

static void
tether_session_init (TetherSession *self)
{
  self->state = TETHER_SESSION_STATE_CLOSED;
  self->forwards = _tether_forward_set_new (G_CALLBACK (forward_state_cb), G_OBJECT (self));
}

/* Splits the typed target into what the list shows: the host (or alias),
 * and the user and port when given. */
static void
apply_target (TetherSession *self)
{
  g_autoptr(TetherTarget) parsed = tether_target_parse (self->target, NULL);

  if (parsed == NULL)
    {
      tether_set_str (&self->computer_name, self->target);
      return;
    }
  tether_set_str (&self->computer_name, parsed->host);
  tether_set_str (&self->user_name, parsed->user);
  self->port = parsed->port;
}

TetherSession *
_tether_session_new (const TetherSessionDefinition *def,
                     gboolean                       temporary)
{
  TetherSession *self = g_object_new (TETHER_TYPE_SESSION, NULL);

  self->id = next_id++;
  self->instance_id = def->instance_id ? g_strdup (def->instance_id) : g_uuid_string_random ();
  self->name = def->name && *def->name ? g_strdup (def->name) : g_strdup_printf ("Session%u", self->id);
  self->folder = tether_session_folder_normalize (def->folder);
  self->temporary = temporary;
  self->persistent = def->persistent && !temporary;
  self->shell_on_open = TRUE;
  _tether_session_set_target (self, def->target, def->configuration_name, def->identity_file);
  /* Set once: no dialog edits it (the Demo's comes from build-aux/run). */
  self->known_hosts_file = g_strdup (def->known_hosts_file);
  _tether_session_set_ssh_options (self, def);
  /* Saved Disconnected: its tmux session waits on the server. */
  if (def->disconnected_on > 0 && is_tmux (self))
    {
      self->disconnected_on = def->disconnected_on;
      self->receive_mark = g_strdup (def->receive_mark);
      self->state = TETHER_SESSION_STATE_DISCONNECTED;
    }
  return self;
}

guint
_tether_session_peek_next_id (void)
{
  return next_id;
}

/* Undo of a removal gives the session its Id back, before it is listed. */
void
_tether_session_set_id (TetherSession *self,
                        guint          id)
{
  self->id = id;
}

void
_tether_session_set_target (TetherSession *self,
                            const char    *target,
                            const char    *configuration_name,
                            const char    *identity_file)
{
  tether_set_str (&self->target, target);
  tether_set_str (&self->configuration_name,
                  configuration_name && *configuration_name
                  ? configuration_name : TETHER_DEFAULT_CONFIGURATION_NAME);
  tether_set_str (&self->identity_file, identity_file && *identity_file ? identity_file : NULL);
  apply_target (self);

  notify (self, PROP_COMPUTER_NAME);
  notify (self, PROP_USER_NAME);
  notify (self, PROP_PORT);
  notify (self, PROP_CONFIGURATION_NAME);
  notify (self, PROP_IDENTITY_FILE);
}

void
_tether_session_set_state (TetherSession      *self,
                           TetherSessionState  state)
{
  TetherSessionState old = self->state;

  if (old == state)
    return;

  self->state = state;
  g_object_freeze_notify (G_OBJECT (self));
  notify (self, PROP_STATE);
  notify (self, PROP_AVAILABILITY);
  /* Its viewer waited through Connecting; unless the session is back, it
   * has nothing to view any more. */
  if (old == TETHER_SESSION_STATE_CONNECTING && state != TETHER_SESSION_STATE_OPENED)
    set_attached (self, FALSE);
  if (old == TETHER_SESSION_STATE_CONNECTING)
    _tether_session_set_reconnect_deadline (self, 0);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_tether_session_set_reconnect_deadline (TetherSession *self,
                                        gint64         deadline)
{
  if (self->reconnect_deadline == deadline)
    return;
  self->reconnect_deadline = deadline;
  notify (self, PROP_RECONNECT_DEADLINE);
}

/**
 * tether_session_get_reconnect_deadline:
 *
 * Returns: while Connecting, when Tether stops retrying its connection
 *   (g_get_monotonic_time()'s clock), else 0
 */
gint64
tether_session_get_reconnect_deadline (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->reconnect_deadline;
}

void
_tether_session_set_last_error (TetherSession *self,
                                const char    *message)
{
  if (tether_set_str (&self->last_error, message))
    notify (self, PROP_LAST_ERROR);
}

void
_tether_session_set_resolved (TetherSession *self,
                              const char    *user_name,
                              guint          port)
{
  if (tether_set_str (&self->user_name, user_name))
    notify (self, PROP_USER_NAME);
  if (self->port != port)
    {
      self->port = port;
      notify (self, PROP_PORT);
    }
}

TetherConnection *
_tether_session_get_connection (TetherSession *self)
{
  return self->connection;
}

static void
notify_attached (TetherSession *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  notify (self, PROP_ATTACHED);
  notify (self, PROP_AVAILABILITY);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_attached (TetherSession *self,
              gboolean       attached)
{
  if (self->attached == attached)
    return;
  self->attached = attached;
  notify_attached (self);
}

/*
 * The shell.
 *
 * It is opened as soon as the session is (so Enter finds it started, its
 * start-up paid), but read only from the first Enter on: until then what it
 * prints waits in the SSH window, and Enter shows it in order, prompt first.
 * Its output goes to whoever takes it from `output` (the entered session's
 * terminal), who gives it back to the channel as it uses it; what nobody
 * takes is given back here at once.  The channel keeps the only count.
 */

static void
shell_output_cb (TetherChannel *shell,
                 GBytes        *data,
                 gboolean       is_stderr,
                 TetherSession *self)
{
  gboolean taken = FALSE;

  g_signal_emit (self, signals[OUTPUT], 0, shell, data, &taken);
  if (!taken)
    tether_channel_consume (shell, g_bytes_get_size (data));
}

static void fail_attach (TetherSession *self,
                         GError        *error);

/* The shell ended (`exit`): the session stays Opened; nothing is entered,
 * and the next Enter starts a fresh shell. */
static void
shell_ended (TetherSession *self,
             int            status)
{
  g_autoptr(TetherChannel) hold = g_steal_pointer (&self->shell);
  g_autoptr(TetherTmuxClient) tmux = g_steal_pointer (&self->tmux);
  gboolean was_attached = self->attached;

  g_signal_handlers_disconnect_by_data (hold, self);
  if (tmux != NULL)
    g_signal_handlers_disconnect_by_data (tmux, self);
  self->attached = FALSE;
  g_signal_emit (self, signals[SHELL_EXITED], 0, status);
  if (was_attached)
    notify_attached (self);
}

static void
shell_closed_cb (TetherChannel *shell,
                 const GError  *error,
                 TetherSession *self)
{
  shell_ended (self, tether_channel_get_exit_status (shell));
}

/* The pane's output, from the screen restored on; what nobody takes is
 * given back at once, as a shell's. */
static gboolean
tmux_output_cb (TetherTmuxClient *tmux,
                TetherChannel    *giver,
                GBytes           *data,
                TetherSession    *self)
{
  gboolean taken = FALSE;

  g_signal_emit (self, signals[OUTPUT], 0, giver, data, &taken);
  return taken;
}

/* The screen is restored: the Enter under way is done, or the viewer that
 * stayed through a lost connection has its shell back (open_shell_cb());
 * only now does typing reach the pane. */
static void
tmux_ready_cb (TetherTmuxClient *tmux,
               TetherSession    *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->attach_task);

  set_attached (self, TRUE);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_signal_emit (self, signals[RECONNECTED], 0, TRUE);
}

/* The tmux session ended, or tmux never started (@error says why, and the
 * Enter under way fails with it). */
static void
tmux_closed_cb (TetherTmuxClient *tmux,
                const GError     *error,
                int               status,
                TetherSession    *self)
{
  if (error != NULL && self->attach_task != NULL)
    {
      _tether_session_set_last_error (self, error->message);
      fail_attach (self, g_error_copy (error));
    }
  else if (self->attach_task != NULL)
    fail_attach (self, g_error_new (TETHER_ERROR, TETHER_ERROR_FAILED,
                                    _("The tmux session of “%s” ended as it started. Enter the session again."),
                                    self->name));
  shell_ended (self, status);
}

static gboolean
is_tmux (TetherSession *self)
{
  return g_strcmp0 (self->configuration_name, TETHER_TMUX_CONFIGURATION_NAME) == 0;
}

/* The Enter under way, if any, is over: the viewer reads from now on. */
static void
finish_attach (TetherSession *self)
{
  g_autoptr(GTask) task = NULL;

  /* tmux answers once the screen is restored (tmux_ready_cb). */
  if (self->tmux != NULL && !tether_tmux_client_get_started (self->tmux))
    {
      tether_tmux_client_start (self->tmux, self->columns, self->rows);
      return;
    }
  task = g_steal_pointer (&self->attach_task);
  if (self->tmux != NULL)
    {
      tether_tmux_client_resize (self->tmux, self->columns, self->rows);
      set_attached (self, TRUE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The shell may have opened at another size than the viewer's. */
  tether_channel_resize (self->shell, self->columns, self->rows);
  tether_channel_start (self->shell);
  set_attached (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

/* The Enter under way, if any, fails with @error (taken). */
static void
fail_attach (TetherSession *self,
             GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->attach_task);

  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void open_shell (TetherSession *self);

static void
open_shell_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TetherSession) self = user_data;
  g_autoptr(TetherChannel) shell = NULL;
  g_autoptr(GError) error = NULL;

  self->opening_shell = FALSE;
  shell = tether_connection_open_channel_finish (TETHER_CONNECTION (object), result, &error);
  /* Closed (or opened elsewhere) meanwhile: this shell is nobody's, and a
   * connection the session has now gets one of its own, which the open
   * under way kept from starting. */
  if (self->connection != TETHER_CONNECTION (object))
    {
      if (shell != NULL)
        tether_channel_close (shell);
      open_shell (self);
      return;
    }
  if (shell == NULL)
    {
      fail_attach (self, g_steal_pointer (&error));
      return;
    }

  self->shell = g_object_ref (shell);
  if (is_tmux (self))
    {
      self->tmux = tether_tmux_client_new (shell, self->computer_name);
      g_signal_connect (self->tmux, "output", G_CALLBACK (tmux_output_cb), self);
      g_signal_connect (self->tmux, "ready", G_CALLBACK (tmux_ready_cb), self);
      g_signal_connect (self->tmux, "closed", G_CALLBACK (tmux_closed_cb), self);
    }
  else
    {
      g_signal_connect (shell, "output", G_CALLBACK (shell_output_cb), self);
      g_signal_connect (shell, "closed", G_CALLBACK (shell_closed_cb), self);
    }
  if (self->attach_task != NULL)
    finish_attach (self);
  else if (self->attached && self->tmux != NULL)
    {
      /* Its viewer stayed through a lost connection (resume()), and so did
       * the tmux session on the server: the same shell, its screen
       * restored over what the viewer held (then tmux_ready_cb()). */
      tether_tmux_client_start (self->tmux, self->columns, self->rows);
    }
  else if (self->attached)
    {
      /* Its viewer stayed through a lost connection (resume()): the new
       * shell goes to it, after it was told the old one is gone. */
      g_signal_emit (self, signals[RECONNECTED], 0, FALSE);
      tether_channel_resize (self->shell, self->columns, self->rows);
      tether_channel_start (self->shell);
    }
}

/* The shell: a PTY shell, or in the tmux configuration the control
 * client of the session's tmux session, on an exec channel (no PTY: the
 * pane has tmux's). */
static void
open_shell (TetherSession *self)
{
  g_autofree char *command = NULL;

  if (self->shell != NULL || self->opening_shell || self->connection == NULL || self->exec_only)
    return;

  if (is_tmux (self))
    command = tether_tmux_client_command_line (self->instance_id, self->idle_timeout_s);
  self->opening_shell = TRUE;
  tether_connection_open_channel_full_async (self->connection, command, self->columns, self->rows,
                                             _tether_session_get_channel_flags (self), NULL,
                                             open_shell_cb, g_object_ref (self));
}

/* The session leaves its connection: its shell ends with it. */
static void
drop_shell (TetherSession *self)
{
  if (self->attach_task != NULL)
    fail_attach (self, g_error_new_literal (TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                                            _("The session was closed while its shell was starting.")));
  if (self->tmux != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->tmux, self);
      g_signal_handlers_disconnect_by_data (self->shell, self);
      /* Closed, the session ends its shell, in tmux too; the client
       * closes its channel once tmux is done.  Otherwise (a lost
       * connection, quitting) the tmux session stays for a re-attach. */
      if (self->state == TETHER_SESSION_STATE_CLOSING)
        {
          tether_tmux_client_kill (self->tmux);
          g_set_object (&self->ending_tmux, self->tmux);
          g_clear_object (&self->shell);
        }
      g_clear_object (&self->tmux);
    }
  if (self->shell != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->shell, self);
      tether_channel_close (self->shell);
      g_clear_object (&self->shell);
    }
  /* A lost connection keeps its viewer: the tab waits for the session to
   * come back (see resume()). */
  if (self->state != TETHER_SESSION_STATE_CONNECTING)
    set_attached (self, FALSE);
}

/*
 * The connection of a Connecting session is back: what comes back to the
 * viewer depends on the configuration, and this is the one place that
 * decides it.
 */
static void
resume (TetherSession *self)
{
  /* DefaultShell: the shell died with the connection; a fresh one goes to
   * the viewer that stayed.  tmux: the control client attaches the tmux
   * session that waited on the server, same shell and same screen.  Both
   * are open_shell_cb()'s, which emits `reconnected` accordingly. */
  open_shell (self);
}

/* Joins the session to its (shared) connection and starts its shell at
 * @columns × @rows, so that Enter finds it running. */
void
_tether_session_set_connection (TetherSession    *self,
                                TetherConnection *connection,
                                guint             columns,
                                guint             rows)
{
  drop_shell (self);
  g_set_object (&self->connection, connection);
  tether_set_str (&self->connection_key, tether_connection_get_key (connection));
  if (self->state == TETHER_SESSION_STATE_CONNECTING)
    {
      /* Back after a loss: the viewer keeps its own size. */
      resume (self);
    }
  else
    {
      self->columns = MAX (columns, 1);
      self->rows = MAX (rows, 1);
      if (self->shell_on_open)
        open_shell (self);
    }
  /* Every open and re-open, a reconnection's too, starts them anew. */
  sync_forwards (self);
}

void
_tether_session_set_interaction (TetherSession     *self,
                                 TetherInteraction *interaction)
{
  g_set_object (&self->interaction, interaction);
}

TetherInteraction *
_tether_session_get_interaction (TetherSession *self)
{
  return self->interaction;
}

void
_tether_session_set_shell_on_open (TetherSession *self,
                                   gboolean       shell_on_open)
{
  self->shell_on_open = shell_on_open;
}

/* (nullable): user@host:port of its last connection */
const char *
_tether_session_get_connection_key (TetherSession *self)
{
  return self->connection_key;
}

TetherConnection *
_tether_session_release (TetherSession *self)
{
  TetherConnection *connection;

  drop_shell (self);
  connection = g_steal_pointer (&self->connection);
  sync_forwards (self);
  return connection;
}

/* The client still ending the tmux session of the last release, if any:
 * its connection must stay open until it is done (tether-connection-pool.c). */
TetherTmuxClient *
_tether_session_steal_ending_tmux (TetherSession *self)
{
  return g_steal_pointer (&self->ending_tmux);
}

/**
 * tether_session_attach_async:
 * @columns: the viewer's width in cells
 * @rows: the viewer's height in cells
 *
 * Enter-PSSession: attaches a viewer to the session's shell (resized to the
 * viewer), starting a fresh one if there is none (after `exit`).  From the
 * attach on the shell's output flows as `output`, what it printed before
 * the first attach (its prompt) first.  Availability is Busy until
 * tether_session_detach() or the shell's end.
 */
void
tether_session_attach_async (TetherSession       *self,
                             guint                columns,
                             guint                rows,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_SESSION (self));
  g_return_if_fail (columns > 0 && rows > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_attach_async);

  if (self->state != TETHER_SESSION_STATE_OPENED || self->connection == NULL)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_NOT_OPENED,
                               _("The session “%s” is not open (it is %s). Open it, then enter it again."),
                               self->name, tether_session_state_to_display (self->state));
      return;
    }
  if (self->attached || self->attach_task != NULL)
    {
      g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_EXISTS, "%s",
                               _("This session is already entered. Use its open tab."));
      return;
    }

  self->columns = columns;
  self->rows = rows;
  self->attach_task = g_steal_pointer (&task);
  if (self->shell != NULL)
    finish_attach (self);
  else
    open_shell (self);
}

gboolean
tether_session_attach_finish (TetherSession  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_session_attach_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_session_detach:
 *
 * Exit-PSSession: the viewer leaves; the shell keeps running with its state.
 */
void
tether_session_detach (TetherSession *self)
{
  g_return_if_fail (TETHER_IS_SESSION (self));

  set_attached (self, FALSE);
}

void
tether_session_write (TetherSession *self,
                      const void    *data,
                      gsize          len)
{
  g_return_if_fail (TETHER_IS_SESSION (self));

  if (self->tmux != NULL)
    tether_tmux_client_send_keys (self->tmux, data, len);
  else if (self->shell != NULL)
    tether_channel_write (self->shell, data, len);
}

/**
 * tether_session_resize:
 *
 * The viewer's size: the shell's PTY follows it (only when it changed).
 */
void
tether_session_resize (TetherSession *self,
                       guint          columns,
                       guint          rows)
{
  g_return_if_fail (TETHER_IS_SESSION (self));

  if (columns == 0 || rows == 0 || (columns == self->columns && rows == self->rows))
    return;
  self->columns = columns;
  self->rows = rows;
  if (self->tmux != NULL)
    tether_tmux_client_resize (self->tmux, columns, rows);
  else if (self->shell != NULL)
    tether_channel_resize (self->shell, columns, rows);
}

gboolean
_tether_session_get_is_tmux (TetherSession *self)
{
  return is_tmux (self);
}

/**
 * tether_session_set_name:
 *
 * Renames the session.  The manager checks names: use
 * tether_session_manager_update_session() for user input.
 */
void
tether_session_set_name (TetherSession *self,
                         const char    *name)
{
  g_return_if_fail (TETHER_IS_SESSION (self));
  g_return_if_fail (name != NULL && *name != '\0');

  if (tether_set_str (&self->name, name))
    notify (self, PROP_NAME);
}

/* The definition's jump hosts (used at the next open, as the target),
 * forwards (checked already; started at once when open) and agent
 * forwarding (for channels opened from now on). */
void
_tether_session_set_ssh_options (TetherSession                 *self,
                              const TetherSessionDefinition *def)
{
  const char *jump_hosts = def->jump_hosts && *def->jump_hosts ? def->jump_hosts : NULL;
  const char *forwards = def->forwards && *def->forwards ? def->forwards : NULL;

  if (g_strcmp0 (self->jump_hosts, jump_hosts) != 0)
    {
      tether_set_str (&self->jump_hosts, jump_hosts);
      notify (self, PROP_JUMP_HOSTS);
    }
  if (_tether_forward_set_specs (self->forwards, forwards, _tether_forward_set_get_config (self->forwards)))
    {
      sync_forwards (self);
      notify (self, PROP_FORWARDS);
    }
  if (self->forward_agent != !!def->forward_agent)
    {
      self->forward_agent = !!def->forward_agent;
      notify (self, PROP_FORWARD_AGENT);
    }
}

void
tether_session_set_folder (TetherSession *self,
                           const char    *folder)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (TETHER_IS_SESSION (self));

  normalized = tether_session_folder_normalize (folder);
  if (tether_set_str (&self->folder, normalized))
    notify (self, PROP_FOLDER);
}
