/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-enums.h"
#include "tether-error.h"
#include "tether-interaction-queue.h"
#include "tether-invocation-private.h"
#include "tether-session-manager-private.h"
#include "tether-session-private.h"

/* Computers whose configuration Tether applies alike in part: said once. */
typedef struct {
  char      *ignored;    /* NULL: only StrictHostKeyChecking no */
  gboolean   accept_new;
  GPtrArray *computers;  /* HeldComputer*, in the order they opened */
} HeldWarning;

typedef struct {
  guint  position;       /* in the run's list */
  char  *name;
} HeldComputer;

static void
held_computer_free (HeldComputer *computer)
{
  g_free (computer->name);
  g_free (computer);
}

static void
held_warning_free (HeldWarning *held)
{
  g_free (held->ignored);
  g_ptr_array_unref (held->computers);
  g_free (held);
}

static int
by_position (gconstpointer a,
             gconstpointer b)
{
  const HeldComputer *x = *(HeldComputer **) a;
  const HeldComputer *y = *(HeldComputer **) b;

  return x->position < y->position ? -1 : x->position > y->position;
}

/* One target of the run. */
typedef struct {
  TetherInvocation       *self;          /* borrowed: the run owns its hosts */
  TetherInvocationResult *result;
  TetherSession          *session;       /* the named one, or the temporary once open */
  char                   *computer;      /* a computer name's target, else NULL */
  GCancellable           *cancellable;
  TetherChannel          *channel;
  guint                   timeout_id;
  int                     exit_status;
  gboolean                started;
  gboolean                ended;
} Host;

struct _TetherInvocation
{
  GObject               parent_instance;

  /* Borrowed: the manager lists its runs, so it outlives them while it
   * lives; a weak pointer covers a run kept past the manager. */
  TetherSessionManager *manager;

  char                 *command;
  guint                 throttle_limit;
  guint                 timeout_s;
  GPtrArray            *hosts;           /* Host*, list order */
  GListStore           *results;
  GListStore           *groups;
  GHashTable           *groups_by_key;   /* the last gathering's, to keep them */
  guint                 next;            /* the next host to start */
  guint                 n_running;
  guint                 n_finished;
  guint                 n_failed;
  gboolean              running;
  gboolean              cancelled;
  GDateTime            *started;
  GTask                *task;
  /* Its hosts' questions, one at a time (NULL when nobody can ask). */
  TetherInteractionQueue *queue;
  GCancellable         *run_cancellable;
  gulong                cancelled_id;
  GPtrArray            *held_warnings;   /* HeldWarning*, said at the end */
};

G_DEFINE_FINAL_TYPE (TetherInvocation, tether_invocation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_COMMAND,
  PROP_THROTTLE_LIMIT,
  PROP_TIMEOUT,
  PROP_N_TARGETS,
  PROP_N_FINISHED,
  PROP_N_FAILED,
  PROP_FRACTION,
  PROP_RUNNING,
  PROP_FINISHED,
  PROP_CANCELLED,
  PROP_STARTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void end_host (Host                   *host,
                      TetherInvocationStatus  status,
                      int                     exit_status,
                      const char             *message);

/* Statuses */

const char *
tether_invocation_status_to_string (TetherInvocationStatus status)
{
  static const char *names[] = { "Pending", "Connecting", "Running", "Succeeded", "Failed",
                                 "Error", "TimedOut", "Cancelled" };

  g_return_val_if_fail (status <= TETHER_INVOCATION_STATUS_CANCELLED, NULL);
  return names[status];
}

const char *
tether_invocation_status_to_display (TetherInvocationStatus status)
{
  switch (status)
    {
    case TETHER_INVOCATION_STATUS_PENDING:
      return C_("invocation status", "Waiting");
    case TETHER_INVOCATION_STATUS_CONNECTING:
      return C_("invocation status", "Connecting");
    case TETHER_INVOCATION_STATUS_RUNNING:
      return C_("invocation status", "Running");
    case TETHER_INVOCATION_STATUS_SUCCEEDED:
      return C_("invocation status", "Succeeded");
    case TETHER_INVOCATION_STATUS_FAILED:
      return C_("invocation status", "Failed");
    case TETHER_INVOCATION_STATUS_ERROR:
      return C_("invocation status", "Could not run");
    case TETHER_INVOCATION_STATUS_TIMED_OUT:
      return C_("invocation status", "Timed out");
    case TETHER_INVOCATION_STATUS_CANCELLED:
      return C_("invocation status", "Canceled");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tether_invocation_status_is_final (TetherInvocationStatus status)
{
  return status >= TETHER_INVOCATION_STATUS_SUCCEEDED;
}

gboolean
tether_invocation_status_is_failure (TetherInvocationStatus status)
{
  return status >= TETHER_INVOCATION_STATUS_FAILED;
}

/* Life */

static void
host_free (gpointer data)
{
  Host *host = data;

  g_clear_handle_id (&host->timeout_id, g_source_remove);
  if (host->channel != NULL)
    g_signal_handlers_disconnect_by_data (host->channel, host);
  g_clear_object (&host->channel);
  g_clear_object (&host->cancellable);
  g_clear_object (&host->session);
  g_clear_object (&host->result);
  g_free (host->computer);
  g_free (host);
}

static void
tether_invocation_dispose (GObject *object)
{
  TetherInvocation *self = TETHER_INVOCATION (object);

  if (self->run_cancellable != NULL)
    g_cancellable_disconnect (self->run_cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->queue);
  g_clear_pointer (&self->hosts, g_ptr_array_unref);
  g_clear_object (&self->results);
  g_clear_object (&self->groups);
  g_clear_pointer (&self->groups_by_key, g_hash_table_unref);
  if (self->manager != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->manager), (gpointer *) &self->manager);
  self->manager = NULL;

  G_OBJECT_CLASS (tether_invocation_parent_class)->dispose (object);
}

static void
tether_invocation_finalize (GObject *object)
{
  TetherInvocation *self = TETHER_INVOCATION (object);

  g_free (self->command);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_ptr_array_unref (self->held_warnings);

  G_OBJECT_CLASS (tether_invocation_parent_class)->finalize (object);
}

static void
tether_invocation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TetherInvocation *self = TETHER_INVOCATION (object);

  switch (prop_id)
    {
    case PROP_COMMAND:
      g_value_set_string (value, self->command);
      break;
    case PROP_THROTTLE_LIMIT:
      g_value_set_uint (value, self->throttle_limit);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_s);
      break;
    case PROP_N_TARGETS:
      g_value_set_uint (value, tether_invocation_get_n_targets (self));
      break;
    case PROP_N_FINISHED:
      g_value_set_uint (value, self->n_finished);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, tether_invocation_get_fraction (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, tether_invocation_get_finished (self));
      break;
    case PROP_CANCELLED:
      g_value_set_boolean (value, self->cancelled);
      break;
    case PROP_STARTED:
      g_value_set_boxed (value, self->started);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invocation_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TetherInvocation *self = TETHER_INVOCATION (object);

  switch (prop_id)
    {
    case PROP_THROTTLE_LIMIT:
      tether_invocation_set_throttle_limit (self, g_value_get_uint (value));
      break;
    case PROP_TIMEOUT:
      tether_invocation_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invocation_class_init (TetherInvocationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tether_invocation_dispose;
  object_class->finalize = tether_invocation_finalize;
  object_class->get_property = tether_invocation_get_property;
  object_class->set_property = tether_invocation_set_property;

  properties[PROP_COMMAND] = g_param_spec_string ("command", NULL, NULL, NULL, ro);
  properties[PROP_THROTTLE_LIMIT] =
    g_param_spec_uint ("throttle-limit", NULL, NULL, 1, G_MAXUINT, 1, rw);
  properties[PROP_TIMEOUT] = g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_N_TARGETS] = g_param_spec_uint ("n-targets", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FINISHED] = g_param_spec_uint ("n-finished", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, NULL, FALSE, ro);
  properties[PROP_CANCELLED] = g_param_spec_boolean ("cancelled", NULL, NULL, FALSE, ro);
  properties[PROP_STARTED] = g_param_spec_boxed ("started", NULL, NULL, G_TYPE_DATE_TIME, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tether_invocation_init (TetherInvocation *self)
{
  self->hosts = g_ptr_array_new_with_free_func (host_free);
  self->results = g_list_store_new (TETHER_TYPE_INVOCATION_RESULT);
  self->groups = g_list_store_new (TETHER_TYPE_INVOCATION_GROUP);
  self->groups_by_key = _tether_invocation_gather_table_new ();
  self->held_warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) held_warning_free);
  /* The real default is the setting's, given by the manager. */
  self->throttle_limit = 1;
}

TetherInvocation *
_tether_invocation_new (TetherSessionManager *manager,
                        const char           *command,
                        guint                 throttle_limit,
                        guint                 timeout_s)
{
  TetherInvocation *self = g_object_new (TETHER_TYPE_INVOCATION, NULL);

  self->manager = manager;
  g_object_add_weak_pointer (G_OBJECT (manager), (gpointer *) &self->manager);
  self->command = g_strdup (command);
  self->throttle_limit = MAX (throttle_limit, 1);
  self->timeout_s = timeout_s;
  return self;
}

static void
notify (TetherInvocation *self,
        guint             prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static Host *
add_host (TetherInvocation *self,
          const char       *computer_name,
          TetherSession    *session)
{
  Host *host = g_new0 (Host, 1);

  host->self = self;
  host->exit_status = -1;
  host->cancellable = g_cancellable_new ();
  host->result = _tether_invocation_result_new (self->hosts->len, computer_name, session);
  g_set_object (&host->session, session);
  g_ptr_array_add (self->hosts, host);
  g_list_store_append (self->results, host->result);
  _tether_invocation_gather (G_LIST_MODEL (self->results), self->groups, self->groups_by_key);
  notify (self, PROP_N_TARGETS);
  return host;
}

/**
 * tether_invocation_add_session:
 *
 * Adds a named session: the command will run on its connection, which must
 * be Opened by then (Invoke-Command -Session).
 */
void
tether_invocation_add_session (TetherInvocation *self,
                               TetherSession    *session)
{
  g_return_if_fail (TETHER_IS_INVOCATION (self));
  g_return_if_fail (TETHER_IS_SESSION (session));
  g_return_if_fail (self->started == NULL);

  add_host (self, tether_session_get_name (session), session);
}

/**
 * tether_invocation_add_computer:
 * @target: `[user@]host[:port]` or a `~/.ssh/config` alias
 *
 * Adds a computer name: a temporary session opens for the command and
 * closes when it ends (Invoke-Command -ComputerName).
 */
void
tether_invocation_add_computer (TetherInvocation *self,
                                const char       *target)
{
  Host *host;

  g_return_if_fail (TETHER_IS_INVOCATION (self));
  g_return_if_fail (target != NULL && *target != '\0');
  g_return_if_fail (self->started == NULL);

  host = add_host (self, target, NULL);
  host->computer = g_strdup (target);
}

/* The run */

/* The host a finished call was for: the one whose cancellable it carried
 * (the same session may be listed twice). */
static Host *
find_host (TetherInvocation *self,
           GAsyncResult     *result)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  for (guint i = 0; self->hosts != NULL && i < self->hosts->len; i++)
    {
      Host *host = g_ptr_array_index (self->hosts, i);

      if (host->cancellable == cancellable)
        return host;
    }
  return NULL;
}

/* What @session's configuration sets that Tether does not apply, kept with
 * the computers whose configuration says the same. */
static void
hold_warning (TetherInvocation *self,
              Host             *host,
              TetherSession    *session)
{
  gboolean accept_new;
  const char *ignored = _tether_session_get_held_warning (session, &accept_new);
  HeldWarning *held = NULL;
  HeldComputer *computer;

  if (ignored == NULL && !accept_new)
    return;
  for (guint i = 0; held == NULL && i < self->held_warnings->len; i++)
    {
      HeldWarning *other = g_ptr_array_index (self->held_warnings, i);

      if (g_strcmp0 (other->ignored, ignored) == 0 && other->accept_new == accept_new)
        held = other;
    }
  if (held == NULL)
    {
      held = g_new0 (HeldWarning, 1);
      held->ignored = g_strdup (ignored);
      held->accept_new = accept_new;
      held->computers = g_ptr_array_new_with_free_func ((GDestroyNotify) held_computer_free);
      g_ptr_array_add (self->held_warnings, held);
    }
  computer = g_new0 (HeldComputer, 1);
  g_ptr_array_find (self->hosts, host, &computer->position);
  computer->name = g_strdup (tether_session_get_computer_name (session));
  g_ptr_array_add (held->computers, computer);
}

/* Once the run is over: one sentence per way the computers' configuration
 * is applied, instead of one per computer. */
static void
say_held_warnings (TetherInvocation *self)
{
  for (guint i = 0; self->manager != NULL && i < self->held_warnings->len; i++)
    {
      HeldWarning *held = g_ptr_array_index (self->held_warnings, i);
      g_autoptr(GPtrArray) names = g_ptr_array_new_null_terminated (held->computers->len, NULL, TRUE);
      g_autofree char *message = NULL;

      /* Named in the run's order, not in the order they happened to open. */
      g_ptr_array_sort (held->computers, by_position);
      for (guint j = 0; j < held->computers->len; j++)
        g_ptr_array_add (names, ((HeldComputer *) g_ptr_array_index (held->computers, j))->name);
      message = _tether_config_warning_message ((const char *const *) names->pdata,
                                                held->ignored, held->accept_new);
      _tether_session_manager_warn (self->manager, NULL, message);
    }
  g_ptr_array_set_size (self->held_warnings, 0);
}

static void
complete_if_done (TetherInvocation *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->n_finished < self->hosts->len || !self->running)
    return;

  self->running = FALSE;
  say_held_warnings (self);
  notify (self, PROP_RUNNING);
  notify (self, PROP_FINISHED);
  task = g_steal_pointer (&self->task);
  if (task == NULL)
    return;
  if (self->cancelled)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                             _("The command was canceled."));
  else if (self->n_failed > 0)
    g_task_return_new_error (task, TETHER_ERROR, TETHER_ERROR_FAILED,
                             ngettext ("The command failed on %u of %u computer. See its result.",
                                       "The command failed on %u of %u computers. See their results.",
                                       self->hosts->len),
                             self->n_failed, self->hosts->len);
  else
    g_task_return_boolean (task, TRUE);
}

static void
channel_output_cb (TetherChannel *channel,
                   GBytes        *data,
                   gboolean       is_stderr,
                   Host          *host)
{
  _tether_invocation_result_append (host->result, data, is_stderr);
  /* The result keeps its own copy: give the window back at once. */
  tether_channel_consume (channel, g_bytes_get_size (data));
}

static void
channel_exited_cb (TetherChannel *channel,
                   int            status,
                   Host          *host)
{
  host->exit_status = status;
}

static void
channel_closed_cb (TetherChannel *channel,
                   const GError  *error,
                   Host          *host)
{
  if (error != NULL)
    end_host (host, TETHER_INVOCATION_STATUS_ERROR, host->exit_status, error->message);
  else if (host->exit_status == 0)
    end_host (host, TETHER_INVOCATION_STATUS_SUCCEEDED, 0, NULL);
  else
    end_host (host, TETHER_INVOCATION_STATUS_FAILED, host->exit_status, NULL);
}

static void
exec_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TetherInvocation) self = user_data;
  TetherSession *session = TETHER_SESSION (object);
  g_autoptr(TetherChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  Host *host = find_host (self, result);

  channel = tether_session_exec_finish (session, result, &error);

  if (host == NULL || host->ended)
    {
      /* Cancelled or timed out while the channel opened: nobody reads it. */
      if (channel != NULL)
        tether_channel_close (channel);
      return;
    }
  if (channel == NULL)
    {
      end_host (host, TETHER_INVOCATION_STATUS_ERROR, -1, error->message);
      return;
    }

  host->channel = g_steal_pointer (&channel);
  g_signal_connect (host->channel, "output", G_CALLBACK (channel_output_cb), host);
  g_signal_connect (host->channel, "exited", G_CALLBACK (channel_exited_cb), host);
  g_signal_connect (host->channel, "closed", G_CALLBACK (channel_closed_cb), host);
  _tether_invocation_result_set_status (host->result, TETHER_INVOCATION_STATUS_RUNNING);
  tether_channel_start (host->channel);
}

static void
exec_on (Host *host)
{
  tether_session_exec_async (host->session, host->self->command, host->cancellable, exec_cb,
                             g_object_ref (host->self));
}

static void
computer_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TetherInvocation) self = user_data;
  TetherSessionManager *manager = TETHER_SESSION_MANAGER (object);
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) error = NULL;
  Host *host = find_host (self, result);

  session = tether_session_manager_open_computer_finish (manager, result, &error);

  if (host == NULL || host->ended)
    {
      /* Opened after a cancel or a timeout: close what nobody will use. */
      if (session != NULL)
        tether_session_manager_close_session (manager, session);
      return;
    }
  if (session == NULL)
    {
      end_host (host, TETHER_INVOCATION_STATUS_ERROR, -1, error->message);
      return;
    }
  hold_warning (self, host, session);
  host->session = g_steal_pointer (&session);
  exec_on (host);
}

static gboolean
host_timeout_cb (gpointer user_data)
{
  Host *host = user_data;
  g_autofree char *message = NULL;

  host->timeout_id = 0;
  message = g_strdup_printf (ngettext ("The command did not end within %u second; it was stopped. "
                                       "Raise the timeout if it needs longer.",
                                       "The command did not end within %u seconds; it was stopped. "
                                       "Raise the timeout if it needs longer.",
                                       host->self->timeout_s),
                             host->self->timeout_s);
  end_host (host, TETHER_INVOCATION_STATUS_TIMED_OUT, -1, message);
  return G_SOURCE_REMOVE;
}

static void
start_host (Host *host)
{
  TetherInvocation *self = host->self;

  host->started = TRUE;
  self->n_running++;
  _tether_invocation_result_start_clock (host->result);
  _tether_invocation_result_set_status (host->result, TETHER_INVOCATION_STATUS_CONNECTING);
  if (self->timeout_s > 0)
    host->timeout_id = g_timeout_add_seconds (self->timeout_s, host_timeout_cb, host);

  if (host->computer == NULL)
    exec_on (host);
  else if (self->manager == NULL)
    end_host (host, TETHER_INVOCATION_STATUS_ERROR, -1,
              _("Tether is closing: the command was not run."));
  else
    tether_session_manager_open_computer_async (self->manager, host->computer,
                                                TETHER_INTERACTION (self->queue), host->cancellable,
                                                computer_opened_cb, g_object_ref (self));
}

/* Starts hosts in list order while slots are free (ThrottleLimit). */
static void
fill_slots (TetherInvocation *self)
{
  while (!self->cancelled && self->n_running < self->throttle_limit
         && self->next < self->hosts->len)
    {
      Host *host = g_ptr_array_index (self->hosts, self->next++);

      if (!host->ended)
        start_host (host);
    }
}

static void
end_host (Host                   *host,
          TetherInvocationStatus  status,
          int                     exit_status,
          const char             *message)
{
  g_autoptr(TetherInvocation) self = g_object_ref (host->self);

  if (host->ended)
    return;
  host->ended = TRUE;

  g_clear_handle_id (&host->timeout_id, g_source_remove);
  g_cancellable_cancel (host->cancellable);
  if (host->channel != NULL)
    {
      g_signal_handlers_disconnect_by_data (host->channel, host);
      tether_channel_close (host->channel);
      g_clear_object (&host->channel);
    }
  /* A computer name's temporary session ends with its command. */
  if (host->computer != NULL && host->session != NULL)
    {
      if (self->manager != NULL)
        tether_session_manager_close_session (self->manager, host->session);
      g_clear_object (&host->session);
    }

  _tether_invocation_result_end (host->result, status, exit_status, message);
  if (host->started)
    self->n_running--;
  self->n_finished++;
  if (tether_invocation_status_is_failure (status))
    {
      self->n_failed++;
      notify (self, PROP_N_FAILED);
    }
  notify (self, PROP_N_FINISHED);
  notify (self, PROP_FRACTION);
  _tether_invocation_gather (G_LIST_MODEL (self->results), self->groups, self->groups_by_key);

  fill_slots (self);
  complete_if_done (self);
}

static gboolean
cancel_idle_cb (gpointer user_data)
{
  tether_invocation_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
run_cancelled_cb (GCancellable     *cancellable,
                  TetherInvocation *self)
{
  /* Maybe from another thread, maybe inside g_cancellable_connect(): end
   * the run from the main loop. */
  g_idle_add_full (G_PRIORITY_DEFAULT, cancel_idle_cb, g_object_ref (self), g_object_unref);
}

/**
 * tether_invocation_run_async:
 *
 * Runs the command on every target; see #TetherInvocation.  Cancelling
 * @cancellable is tether_invocation_cancel().
 */
void
tether_invocation_run_async (TetherInvocation    *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TETHER_IS_INVOCATION (self));
  g_return_if_fail (self->started == NULL);

  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, tether_invocation_run_async);
  self->started = g_date_time_new_now_local ();
  self->running = TRUE;
  if (self->manager != NULL && self->manager->interaction != NULL)
    self->queue = tether_interaction_queue_new (self->manager->interaction);
  notify (self, PROP_STARTED);
  notify (self, PROP_RUNNING);

  if (cancellable != NULL)
    {
      self->run_cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (run_cancelled_cb),
                                                  self, NULL);
    }

  fill_slots (self);
  complete_if_done (self);
}

gboolean
tether_invocation_run_finish (TetherInvocation  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_invocation_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_invocation_cancel:
 *
 * Stops every host still waiting or running (their results say Cancelled)
 * and closes the temporary sessions it opened.  Nothing once finished.
 */
void
tether_invocation_cancel (TetherInvocation *self)
{
  g_autoptr(TetherInvocation) hold = NULL;

  g_return_if_fail (TETHER_IS_INVOCATION (self));

  if (self->cancelled || !self->running)
    return;

  hold = g_object_ref (self);
  self->cancelled = TRUE;
  notify (self, PROP_CANCELLED);
  for (guint i = 0; i < self->hosts->len; i++)
    end_host (g_ptr_array_index (self->hosts, i), TETHER_INVOCATION_STATUS_CANCELLED, -1,
              _("The run was canceled before this computer finished."));
}

/* Accessors */

const char *
tether_invocation_get_command (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), NULL);
  return self->command;
}

guint
tether_invocation_get_throttle_limit (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), 0);
  return self->throttle_limit;
}

void
tether_invocation_set_throttle_limit (TetherInvocation *self,
                                      guint             limit)
{
  g_return_if_fail (TETHER_IS_INVOCATION (self));
  g_return_if_fail (limit > 0);

  if (self->throttle_limit == limit)
    return;
  self->throttle_limit = limit;
  notify (self, PROP_THROTTLE_LIMIT);
  if (self->running)
    fill_slots (self);
}

guint
tether_invocation_get_timeout (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), 0);
  return self->timeout_s;
}

/**
 * tether_invocation_set_timeout:
 * @seconds: per host, from its slot's start; 0 for none
 *
 * Applies to hosts started from now on.
 */
void
tether_invocation_set_timeout (TetherInvocation *self,
                               guint             seconds)
{
  g_return_if_fail (TETHER_IS_INVOCATION (self));

  if (self->timeout_s == seconds)
    return;
  self->timeout_s = seconds;
  notify (self, PROP_TIMEOUT);
}

guint
tether_invocation_get_n_targets (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), 0);
  return self->hosts != NULL ? self->hosts->len : 0;
}

guint
tether_invocation_get_n_finished (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), 0);
  return self->n_finished;
}

guint
tether_invocation_get_n_failed (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), 0);
  return self->n_failed;
}

double
tether_invocation_get_fraction (TetherInvocation *self)
{
  guint n;

  g_return_val_if_fail (TETHER_IS_INVOCATION (self), 0);

  n = tether_invocation_get_n_targets (self);
  return n == 0 ? (self->started != NULL ? 1.0 : 0.0) : self->n_finished / (double) n;
}

gboolean
tether_invocation_get_running (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), FALSE);
  return self->running;
}

gboolean
tether_invocation_get_finished (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), FALSE);
  return self->started != NULL && !self->running;
}

gboolean
tether_invocation_get_cancelled (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), FALSE);
  return self->cancelled;
}

/**
 * tether_invocation_get_started:
 *
 * Returns: (transfer none) (nullable): when the run started
 */
GDateTime *
tether_invocation_get_started (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), NULL);
  return self->started;
}

/**
 * tether_invocation_get_results:
 *
 * Returns: (transfer none): a #GListModel of #TetherInvocationResult
 */
GListModel *
tether_invocation_get_results (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), NULL);
  return G_LIST_MODEL (self->results);
}

/**
 * tether_invocation_get_groups:
 *
 * Returns: (transfer none): a #GListModel of #TetherInvocationGroup
 */
GListModel *
tether_invocation_get_groups (TetherInvocation *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION (self), NULL);
  return G_LIST_MODEL (self->groups);
}
