/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-enums.h"
#include "tether-error.h"
#include "tether-session-private.h"
#include "tether-target.h"
#include "tether-tmux-client.h"
#include "tether-util.h"

struct _TetherSession
{
  GObject                    parent_instance;

  guint                      id;
  char                      *instance_id;
  char                      *name;
  char                      *target;
  char                      *computer_name;
  char                      *user_name;
  guint                      port;
  char                      *configuration_name;
  char                      *identity_file;
  char                      *folder;
  char                      *last_error;
  TetherSessionState         state;
  gboolean                   temporary;
  gboolean                   persistent;
  /* Disconnected (tmux): when, and where its pane stood then. */
  gint64                     disconnected_on;
  char                      *receive_mark;
  /* How long its tmux session may stay detached (the manager's setting). */
  guint                      idle_timeout_s;
  /* Opened only to run commands (Receive, Remove): no shell, so that no
   * control client attaches (nor creates the tmux session again). */
  gboolean                   exec_only;

  /* Owned while Opened: the shared connection and the shell on it. */
  TetherConnection          *connection;
  TetherChannel             *shell;
  /* In the tmux configuration: the control client over @shell. */
  TetherTmuxClient          *tmux;
  /* The client ending its tmux session after a close, until it is done. */
  TetherTmuxClient          *ending_tmux;
  gboolean                   opening_shell;
  /* An Enter waiting for the shell to open. */
  GTask                     *attach_task;
  /* The one answer to "is this session entered?". */
  gboolean                   attached;
  /* The viewer's size, which the shell's PTY follows. */
  guint                      columns;
  guint                      rows;
};

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
  PROP_FOLDER,
  PROP_STATE,
  PROP_AVAILABILITY,
  PROP_TEMPORARY,
  PROP_PERSISTENT,
  PROP_ATTACHED,
  PROP_LAST_ERROR,
  N_PROPS
};

enum {
  OUTPUT,
  SHELL_EXITED,
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
static gboolean is_tmux (TetherSession *self);

static void
tether_session_dispose (GObject *object)
{
  TetherSession *self = TETHER_SESSION (object);

  drop_shell (self);
  g_clear_object (&self->connection);
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
  g_free (self->folder);
  g_free (self->last_error);
  g_free (self->receive_mark);

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
    case PROP_FOLDER: g_value_set_string (value, self->folder); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_AVAILABILITY: g_value_set_enum (value, tether_session_get_availability (self)); break;
    case PROP_TEMPORARY: g_value_set_boolean (value, self->temporary); break;
    case PROP_PERSISTENT: g_value_set_boolean (value, self->persistent); break;
    case PROP_ATTACHED: g_value_set_boolean (value, tether_session_get_attached (self)); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
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
  properties[PROP_LAST_ERROR] = string_property ("last-error", FALSE);
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
}

static void
tether_session_init (TetherSession *self)
{
  self->state = TETHER_SESSION_STATE_CLOSED;
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
  self->folder = def->folder && *def->folder ? g_strdup (def->folder) : NULL;
  self->temporary = temporary;
  self->persistent = def->persistent && !temporary;
  _tether_session_set_target (self, def->target, def->configuration_name, def->identity_file);
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
  if (self->state == state)
    return;

  self->state = state;
  g_object_freeze_notify (G_OBJECT (self));
  notify (self, PROP_STATE);
  notify (self, PROP_AVAILABILITY);
  g_object_thaw_notify (G_OBJECT (self));
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

/* The screen is restored: the Enter under way is done. */
static void
tmux_ready_cb (TetherTmuxClient *tmux,
               TetherSession    *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->attach_task);

  set_attached (self, TRUE);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
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
  if (shell == NULL)
    {
      fail_attach (self, g_steal_pointer (&error));
      return;
    }
  /* Closed (or opened elsewhere) meanwhile: this shell is nobody's. */
  if (self->connection != TETHER_CONNECTION (object))
    {
      tether_channel_close (shell);
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
  tether_connection_open_channel_async (self->connection, command, self->columns, self->rows, NULL,
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
  set_attached (self, FALSE);
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
  self->columns = MAX (columns, 1);
  self->rows = MAX (rows, 1);
  open_shell (self);
}

TetherConnection *
_tether_session_release (TetherSession *self)
{
  drop_shell (self);
  return g_steal_pointer (&self->connection);
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

const char *
_tether_session_get_receive_mark (TetherSession *self)
{
  return self->receive_mark;
}

/* Disconnected on @disconnected_on (0: connected again), its pane then at
 * @receive_mark. */
void
_tether_session_set_disconnected (TetherSession *self,
                                  gint64         disconnected_on,
                                  const char    *receive_mark)
{
  self->disconnected_on = disconnected_on;
  tether_set_str (&self->receive_mark, receive_mark);
}

void
_tether_session_set_exec_only (TetherSession *self,
                               gboolean       exec_only)
{
  self->exec_only = exec_only;
}

void
_tether_session_set_idle_timeout (TetherSession *self,
                                  guint          idle_timeout_s)
{
  self->idle_timeout_s = idle_timeout_s;
}

/**
 * tether_session_get_idle_timeout:
 *
 * Returns: how long (seconds) the session's tmux session may stay detached
 *   before tmux ends it; 0 for a DefaultShell session
 */
guint
tether_session_get_idle_timeout (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return is_tmux (self) ? self->idle_timeout_s : 0;
}

/**
 * tether_session_get_disconnected_on:
 *
 * Returns: when the session was disconnected (Unix time), 0 if it is not
 */
gint64
tether_session_get_disconnected_on (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->disconnected_on;
}

/* Accessors */

guint
tether_session_get_id (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->id;
}

const char *
tether_session_get_instance_id (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->instance_id;
}

const char *
tether_session_get_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->name;
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

/**
 * tether_session_get_target:
 *
 * Returns: the target as the user typed it (`[user@]host[:port]` or alias)
 */
const char *
tether_session_get_target (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->target;
}

const char *
tether_session_get_computer_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->computer_name;
}

const char *
tether_session_get_user_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->user_name;
}

guint
tether_session_get_port (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), 0);
  return self->port;
}

const char *
tether_session_get_configuration_name (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->configuration_name;
}

const char *
tether_session_get_identity_file (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->identity_file;
}

const char *
tether_session_get_folder (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->folder;
}

void
tether_session_set_folder (TetherSession *self,
                           const char    *folder)
{
  g_return_if_fail (TETHER_IS_SESSION (self));

  if (tether_set_str (&self->folder, folder && *folder ? folder : NULL))
    notify (self, PROP_FOLDER);
}

TetherSessionState
tether_session_get_state (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), TETHER_SESSION_STATE_CLOSED);
  return self->state;
}

TetherSessionAvailability
tether_session_get_availability (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), TETHER_SESSION_AVAILABILITY_NONE);

  if (self->state != TETHER_SESSION_STATE_OPENED)
    return TETHER_SESSION_AVAILABILITY_NONE;
  return tether_session_get_attached (self) ? TETHER_SESSION_AVAILABILITY_BUSY
                                            : TETHER_SESSION_AVAILABILITY_AVAILABLE;
}

gboolean
tether_session_get_temporary (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->temporary;
}

gboolean
tether_session_get_persistent (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->persistent;
}

const char *
tether_session_get_last_error (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->last_error;
}

/**
 * tether_session_dup_destination:
 *
 * Returns: (transfer full): `user@host:port` as far as known, for tooltips:
 *   the target as tether_target_to_string() prints it, which parses back
 *   to the same user, host and port
 */
char *
tether_session_dup_destination (TetherSession *self)
{
  g_autoptr(TetherTarget) target = NULL;

  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);

  target = tether_target_new (self->user_name, self->computer_name, self->port);
  return tether_target_to_string (target);
}

gboolean
tether_session_get_attached (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return self->attached;
}

gboolean
tether_session_get_has_shell (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), FALSE);
  return tether_session_get_shell (self) != NULL;
}

/**
 * tether_session_get_shell:
 *
 * Returns: (transfer none) (nullable): the shell channel, if there is one
 */
TetherChannel *
tether_session_get_shell (TetherSession *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION (self), NULL);
  return self->shell;
}
