/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "tether-session-tab-private.h"
#include "tether-shortcuts.h"

/* A shell that ends sooner than this after it appeared in the tab did not
 * end because of something the user typed: its tab stays to say so.  The
 * core starts shells before anyone enters (so Enter is instant), hence "since
 * it was entered" rather than "since it started": a shell pre-started and
 * dying at once is exited by the time of the Enter, and the fresh one that
 * Enter starts dies within this delay.  Anything typed meanwhile (`exit`)
 * makes the end the user's doing. */
#define QUICK_EXIT_USEC (G_USEC_PER_SEC)
/* Entering waits this long at most for the terminal's first allocation, so
 * that the remote PTY starts at the real size (a tab never shown attaches
 * at VTE's default 80×24 and resizes later). */
#define ALLOCATION_WAIT_MS 500

struct _TetherSessionTab
{
  GtkWidget              parent_instance;

  /* Template widgets */
  TetherReconnectBar    *reconnect_bar;
  GtkRevealer           *message_revealer;
  GtkLabel              *message_label;
  GtkRevealer           *broadcast_revealer;
  GtkLabel              *broadcast_label;
  GtkSearchBar          *search_bar;
  GtkSearchEntry        *search_entry;
  GtkLabel              *search_status;
  GtkScrolledWindow     *scroller;
  TetherTerminal        *terminal;

  /* Owned references */
  TetherSession         *session;
  GTask                 *enter_task;
  char                  *title;
  GSignalGroup          *broadcast_signals;

  TetherSessionTabState  state;
  gint64                 shell_started;
  gboolean               typed;
  /* The shell this terminal showed ended with its connection: the next
   * one says so first (new_shell()). */
  gboolean               shell_lost;
  gboolean               exited_while_entering;
  int                    exit_status_while_entering;
  gulong                 grid_handler;
  guint                  grid_timeout;
};

G_DEFINE_FINAL_TYPE (TetherSessionTab, tether_session_tab, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_TITLE,
  PROP_TOOLTIP,
  PROP_BROADCASTING,
  N_PROPS
};

enum {
  SHELL_EXITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_message (TetherSessionTab *self,
              const char       *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

static void
set_state (TetherSessionTab      *self,
           TetherSessionTabState  state)
{
  if (self->state == state)
    return;
  self->state = state;

  /* What the user sees follows the state: a terminal that takes input only
   * while a shell is attached, a message bar only when something failed. */
  vte_terminal_set_input_enabled (VTE_TERMINAL (self->terminal),
                                  state == TETHER_SESSION_TAB_STATE_ENTERED
                                  || state == TETHER_SESSION_TAB_STATE_ENTERING);
  if (state == TETHER_SESSION_TAB_STATE_ENTERING || state == TETHER_SESSION_TAB_STATE_ENTERED)
    show_message (self, NULL);
}

static void
update_title (TetherSessionTab *self)
{
  const char *window_title = vte_terminal_get_window_title (VTE_TERMINAL (self->terminal));
  g_autofree char *title = NULL;
  g_autofree char *label = NULL;

  /* A temporary session's name (SessionN) was never chosen nor listed:
   * its computer says which tab it is. */
  if (tether_session_get_temporary (self->session))
    label = tether_session_dup_shown_computer (self->session);
  else
    label = g_strdup (tether_session_get_name (self->session));

  if (window_title != NULL && window_title[0] != '\0')
    title = g_strdup_printf ("[%s] %s", label, window_title);
  else
    title = g_strdup_printf ("[%s]", label);

  if (g_strcmp0 (title, self->title) == 0)
    return;
  g_free (self->title);
  self->title = g_steal_pointer (&title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* The session */

static void
notify_tooltip (TetherSessionTab *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOLTIP]);
}

static void
on_shell_exited (TetherSession    *session,
                 int               status,
                 TetherSessionTab *self)
{
  gboolean quick = self->shell_started != 0 && !self->typed
                   && g_get_monotonic_time () - self->shell_started < QUICK_EXIT_USEC;

  self->shell_started = 0;
  /* The attach completed in the core but its callback has not run yet (the
   * shell's end came in the same batch of events): handled once it has. */
  if (self->state == TETHER_SESSION_TAB_STATE_ENTERING)
    {
      self->exited_while_entering = TRUE;
      self->exit_status_while_entering = status;
      return;
    }
  if (self->state != TETHER_SESSION_TAB_STATE_ENTERED && self->state != TETHER_SESSION_TAB_STATE_LEFT)
    return;

  /* The session is no longer entered (the core says so); the next Enter
   * starts a fresh shell. */
  set_state (self, TETHER_SESSION_TAB_STATE_EXITED);

  if (quick)
    {
      g_autofree char *message = NULL;

      if (status >= 0)
        message = g_strdup_printf (_("The shell on %s ended as soon as it started (exit status %d). "
                                     "Check the account’s shell and start-up files on that computer, "
                                     "then enter the session again."),
                                   tether_session_get_computer_name (session), status);
      else
        message = g_strdup_printf (_("The shell on %s ended as soon as it started. "
                                     "Check the account’s shell and start-up files on that computer, "
                                     "then enter the session again."),
                                   tether_session_get_computer_name (session));
      show_message (self, message);
    }

  g_signal_emit (self, signals[SHELL_EXITED], 0, status, quick);
}

static void
on_session_state (TetherSession    *session,
                  GParamSpec       *pspec,
                  TetherSessionTab *self)
{
  TetherSessionState state = tether_session_get_state (session);
  g_autofree char *message = NULL;

  if (self->state != TETHER_SESSION_TAB_STATE_ENTERED && self->state != TETHER_SESSION_TAB_STATE_LEFT)
    return;
  /* Retried in place (Connecting) or given up (Broken): either way the
   * shell on screen is gone with the connection. */
  if (state == TETHER_SESSION_STATE_CONNECTING || state == TETHER_SESSION_STATE_BROKEN)
    self->shell_lost = TRUE;
  if (state != TETHER_SESSION_STATE_BROKEN && state != TETHER_SESSION_STATE_CLOSED)
    return;

  set_state (self, TETHER_SESSION_TAB_STATE_FAILED);
  /* Broken: the reconnect bar says why and offers Reconnect; a second bar
   * would only say it again. */
  if (state == TETHER_SESSION_STATE_BROKEN)
    show_message (self, NULL);
  else
    {
      message = g_strdup_printf (_("The session “%s” is %s: its shell is gone. Open it, then enter it again."),
                                 tether_session_get_name (session),
                                 tether_session_state_to_display (state));
      show_message (self, message);
    }
}

/* A shell starts in this terminal.  If the one it showed before ended with
 * its connection, a dimmed local line (never sent to the server) says so
 * first: the one place for both ways back, retried in place
 * (on_reconnected()) and Reconnect after Broken (attach_cb()). */
static void
new_shell (TetherSessionTab *self)
{
  if (self->shell_lost)
    {
      g_autofree char *line = NULL;

      line = g_strdup_printf ("\r\n\033[2m%s\033[0m\r\n",
                              _("The previous shell ended with the connection. This is a new shell."));
      tether_terminal_feed_local (self->terminal, line);
      self->shell_lost = FALSE;
    }
  self->shell_started = g_get_monotonic_time ();
  self->typed = FALSE;
}

/* A session back from a lost connection: the same shell (tmux), or a new
 * one in this terminal (DefaultShell). */
static void
on_reconnected (TetherSession    *session,
                gboolean          same_shell,
                TetherSessionTab *self)
{
  if (same_shell)
    {
      self->shell_lost = FALSE;
      return;
    }
  new_shell (self);
}

static void
on_commit (TetherSessionTab *self)
{
  self->typed = TRUE;
}

/* Entering */

static void
attach_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TetherSessionTab) self = g_object_ref (g_task_get_source_object (task));
  g_autoptr(GError) error = NULL;

  if (self->enter_task == task)
    g_clear_object (&self->enter_task);

  if (!tether_session_attach_finish (TETHER_SESSION (source), result, &error))
    {
      /* Left while entering: stay left, nothing to say. */
      if (self->state == TETHER_SESSION_TAB_STATE_ENTERING)
        {
          set_state (self, TETHER_SESSION_TAB_STATE_FAILED);
          show_message (self, error->message);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->state != TETHER_SESSION_TAB_STATE_ENTERING)
    {
      /* Left while entering, and the core attached anyway: undo it, or the
       * session would stay Busy with nobody looking. */
      tether_session_detach (TETHER_SESSION (source));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               _("Entering was canceled."));
      return;
    }

  new_shell (self);
  set_state (self, TETHER_SESSION_TAB_STATE_ENTERED);
  if (gtk_widget_get_mapped (GTK_WIDGET (self->terminal)))
    gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
  g_task_return_boolean (task, TRUE);

  if (self->exited_while_entering)
    {
      self->exited_while_entering = FALSE;
      on_shell_exited (TETHER_SESSION (source), self->exit_status_while_entering, self);
    }
}

static void
stop_waiting_for_grid (TetherSessionTab *self)
{
  g_clear_signal_handler (&self->grid_handler, self->terminal);
  g_clear_handle_id (&self->grid_timeout, g_source_remove);
}

static void
attach (TetherSessionTab *self)
{
  GTask *task = self->enter_task;
  guint columns, rows;

  stop_waiting_for_grid (self);
  if (g_task_return_error_if_cancelled (task))
    {
      set_state (self, TETHER_SESSION_TAB_STATE_FAILED);
      g_clear_object (&self->enter_task);
      return;
    }

  tether_terminal_get_grid_size (self->terminal, &columns, &rows);
  tether_session_attach_async (self->session, columns, rows, g_task_get_cancellable (task),
                               attach_cb, g_object_ref (task));
}

static gboolean
grid_timeout_cb (gpointer data)
{
  TetherSessionTab *self = data;

  self->grid_timeout = 0;
  attach (self);
  return G_SOURCE_REMOVE;
}

/* The terminal has its real size.  This runs inside its size_allocate:
 * attaching changes the session's state, which other widgets show, so it
 * waits until the layout is over. */
static void
on_first_grid (TetherSessionTab *self)
{
  stop_waiting_for_grid (self);
  self->grid_timeout = g_idle_add (grid_timeout_cb, self);
}

/**
 * tether_session_tab_enter_async:
 *
 * Enter-PSSession: attaches the session's shell (a fresh one if it has none)
 * at the terminal's size.  A failure shows the core's sentence in the
 * message bar and is returned too.
 */
void
tether_session_tab_enter_async (TetherSessionTab    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_SESSION_TAB (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_session_tab_enter_async);

  if (self->state == TETHER_SESSION_TAB_STATE_ENTERED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->state == TETHER_SESSION_TAB_STATE_ENTERING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The session “%s” is being entered already."),
                               tether_session_get_name (self->session));
      return;
    }

  self->exited_while_entering = FALSE;
  set_state (self, TETHER_SESSION_TAB_STATE_ENTERING);
  self->enter_task = g_steal_pointer (&task);

  if (tether_terminal_get_allocated (self->terminal))
    {
      attach (self);
      return;
    }
  self->grid_handler = g_signal_connect_swapped (self->terminal, "grid-size-changed",
                                                 G_CALLBACK (on_first_grid), self);
  self->grid_timeout = g_timeout_add (ALLOCATION_WAIT_MS, grid_timeout_cb, self);
}

gboolean
tether_session_tab_enter_finish (TetherSessionTab  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_session_tab_enter_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_session_tab_leave:
 *
 * Exit-PSSession: detaches.  The shell keeps running and this widget keeps
 * showing its output, so entering again shows the same screen.
 */
void
tether_session_tab_leave (TetherSessionTab *self)
{
  g_return_if_fail (TETHER_IS_SESSION_TAB (self));

  switch (self->state)
    {
    case TETHER_SESSION_TAB_STATE_ENTERING:
      /* Attach_cb then fails with G_IO_ERROR_CANCELLED. */
      if (self->enter_task != NULL)
        {
          GCancellable *cancellable = g_task_get_cancellable (self->enter_task);

          if (self->grid_timeout != 0)
            {
              stop_waiting_for_grid (self);
              g_task_return_new_error (self->enter_task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _("Entering was canceled."));
              g_clear_object (&self->enter_task);
            }
          else if (cancellable != NULL)
            g_cancellable_cancel (cancellable);
        }
      set_state (self, TETHER_SESSION_TAB_STATE_LEFT);
      break;

    case TETHER_SESSION_TAB_STATE_ENTERED:
      tether_session_detach (self->session);
      set_state (self, TETHER_SESSION_TAB_STATE_LEFT);
      break;

    case TETHER_SESSION_TAB_STATE_INITIAL:
    case TETHER_SESSION_TAB_STATE_LEFT:
    case TETHER_SESSION_TAB_STATE_EXITED:
    case TETHER_SESSION_TAB_STATE_FAILED:
    default:
      break;
    }
}

/* Broadcast input: the strip that says this tab receives it. */

static void
update_broadcast (TetherSessionTab *self)
{
  TetherBroadcast *broadcast = tether_terminal_get_broadcast (self->terminal);
  gboolean broadcasting = tether_terminal_get_broadcasting (self->terminal);

  if (broadcasting)
    {
      guint n = tether_broadcast_get_n_members (broadcast);
      g_autofree char *text = NULL;

      text = g_strdup_printf (ngettext ("Broadcast input: what you type or paste here goes to %u tab. "
                                        "Press Esc twice to stop.",
                                        "Broadcast input: what you type or paste here goes to %u tabs. "
                                        "Press Esc twice to stop.", n), n);
      gtk_label_set_text (self->broadcast_label, text);
    }
  gtk_revealer_set_reveal_child (self->broadcast_revealer, broadcasting);
}

static void
on_broadcasting (TetherSessionTab *self)
{
  update_broadcast (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROADCASTING]);
}

static void
on_broadcast (TetherSessionTab *self)
{
  g_signal_group_set_target (self->broadcast_signals, tether_terminal_get_broadcast (self->terminal));
  on_broadcasting (self);
}

static void
stop_broadcast_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (widget);
  TetherBroadcast *broadcast = tether_terminal_get_broadcast (self->terminal);

  if (broadcast != NULL)
    tether_broadcast_stop (broadcast);
}

/* Search */

/* Says when nothing matches.  Where the match is, VTE shows by selecting
 * it and scrolling to it; it cannot say which one of how many it is: 0.70
 * has no match count and no position for its selection. */
static void
show_search_status (TetherSessionTab *self,
                    gboolean          found)
{
  gtk_label_set_text (self->search_status, found ? "" : _("No match"));
  gtk_widget_set_visible (GTK_WIDGET (self->search_status), !found);
  if (found)
    gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
}

static void
find (TetherSessionTab *self,
      gboolean          backwards)
{
  VteTerminal *terminal = VTE_TERMINAL (self->terminal);
  gboolean found;

  if (vte_terminal_search_get_regex (terminal) == NULL)
    {
      show_search_status (self, TRUE);
      return;
    }
  /* With wrap-around on, either way finds nothing only when nothing in
   * the scrollback or on the screen matches. */
  if (backwards)
    found = vte_terminal_search_find_previous (terminal);
  else
    found = vte_terminal_search_find_next (terminal);
  show_search_status (self, found);
}

static void
on_search_changed (GtkSearchEntry   *entry,
                   TetherSessionTab *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(VteRegex) regex = NULL;
  g_autofree char *pattern = NULL;
  guint32 flags = PCRE2_MULTILINE;

  if (text[0] != '\0')
    {
      /* Literal text; case matters only when the user typed a capital. */
      g_autofree char *lower = g_utf8_strdown (text, -1);

      pattern = g_regex_escape_string (text, -1);
      if (g_str_equal (lower, text))
        flags |= PCRE2_CASELESS;
      regex = vte_regex_new_for_search (pattern, -1, flags, NULL);
    }
  vte_terminal_search_set_regex (VTE_TERMINAL (self->terminal), regex, 0);
  vte_terminal_search_set_wrap_around (VTE_TERMINAL (self->terminal), TRUE);
  /* The scrollback is above: look upwards first. */
  find (self, TRUE);
}

static void
on_search_activate (GtkSearchEntry   *entry,
                    TetherSessionTab *self)
{
  find (self, TRUE);
}

static void
on_search_next (GtkSearchEntry   *entry,
                TetherSessionTab *self)
{
  find (self, FALSE);
}

static void
on_search_previous (GtkSearchEntry   *entry,
                    TetherSessionTab *self)
{
  find (self, TRUE);
}

static void
on_search_stop (GtkSearchEntry   *entry,
                TetherSessionTab *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (widget);
  VteTerminal *terminal = VTE_TERMINAL (self->terminal);

  /* A selection is what the user most likely looks for. */
  if (vte_terminal_get_has_selection (terminal))
    {
      g_autofree char *selection = vte_terminal_get_text_selected (terminal, VTE_FORMAT_TEXT);

      if (selection != NULL && strchr (selection, '\n') == NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->search_entry), selection);
    }
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
find_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  find (TETHER_SESSION_TAB (widget), g_str_equal (action_name, "term.find-previous"));
}

/* The tab's keys: they work in its terminal and in its search entry, whose
 * own Ctrl+Shift+G (previous match) they come before. */
const TetherShortcut tether_session_tab_shortcuts[] = {
  { "term.find", { "<Control><Shift>f" } },
  { "term.find-next", { "<Control><Shift>g" } },
  { "term.find-previous", { "<Control><Shift>h" } },
  { NULL },
};

/* GObject */

static void
tether_session_tab_dispose (GObject *object)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (object);

  /* Leaving cancels an Enter under way; an attach still in flight holds
   * its own reference to the task and completes it (attach_cb()). */
  if (self->session != NULL)
    {
      tether_session_tab_leave (self);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  stop_waiting_for_grid (self);
  g_clear_object (&self->enter_task);
  g_clear_object (&self->broadcast_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_SESSION_TAB);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tether_session_tab_parent_class)->dispose (object);
}

static void
tether_session_tab_finalize (GObject *object)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (object);

  g_free (self->title);

  G_OBJECT_CLASS (tether_session_tab_parent_class)->finalize (object);
}

static void
tether_session_tab_constructed (GObject *object)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (object);

  G_OBJECT_CLASS (tether_session_tab_parent_class)->constructed (object);

  g_assert (self->session != NULL);
  tether_terminal_set_session (self->terminal, self->session);
  g_signal_connect_swapped (self->terminal, "commit", G_CALLBACK (on_commit), self);
  g_signal_connect (self->session, "shell-exited", G_CALLBACK (on_shell_exited), self);
  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_state), self);
  g_signal_connect (self->session, "reconnected", G_CALLBACK (on_reconnected), self);
  tether_reconnect_bar_set_session (self->reconnect_bar, self->session);
  g_signal_connect_swapped (self->session, "notify::name", G_CALLBACK (update_title), self);
  g_signal_connect_swapped (self->session, "notify::user-name", G_CALLBACK (notify_tooltip), self);
  g_signal_connect_swapped (self->session, "notify::computer-name", G_CALLBACK (notify_tooltip), self);
  g_signal_connect_swapped (self->session, "notify::port", G_CALLBACK (notify_tooltip), self);
  update_title (self);
}

static void
tether_session_tab_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_TOOLTIP:
      g_value_take_string (value, tether_session_dup_destination (self->session));
      break;
    case PROP_BROADCASTING:
      g_value_set_boolean (value, tether_terminal_get_broadcasting (self->terminal));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_session_tab_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TetherSessionTab *self = TETHER_SESSION_TAB (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_session_tab_class_init (TetherSessionTabClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_session_tab_dispose;
  object_class->finalize = tether_session_tab_finalize;
  object_class->constructed = tether_session_tab_constructed;
  object_class->get_property = tether_session_tab_get_property;
  object_class->set_property = tether_session_tab_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TETHER_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOLTIP] =
    g_param_spec_string ("tooltip", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROADCASTING] =
    g_param_spec_boolean ("broadcasting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SHELL_EXITED] =
    g_signal_new ("shell-exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_BOOLEAN);

  g_type_ensure (TETHER_TYPE_TERMINAL);
  g_type_ensure (TETHER_TYPE_RECONNECT_BAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-session-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, reconnect_bar);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, message_label);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, broadcast_revealer);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, broadcast_label);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, search_status);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, scroller);
  gtk_widget_class_bind_template_child (widget_class, TetherSessionTab, terminal);
  gtk_widget_class_bind_template_callback (widget_class, update_title);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);

  gtk_widget_class_install_action (widget_class, "term.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "term.find-next", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "term.find-previous", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "term.stop-broadcast", NULL, stop_broadcast_action);

  gtk_widget_class_set_css_name (widget_class, "tether-session-tab");
}

static void
tether_session_tab_init (TetherSessionTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  self->broadcast_signals = g_signal_group_new (TETHER_TYPE_BROADCAST);
  g_signal_group_connect_swapped (self->broadcast_signals, "notify::n-members",
                                  G_CALLBACK (update_broadcast), self);
  g_signal_connect_object (self->terminal, "notify::broadcast", G_CALLBACK (on_broadcast),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->terminal, "notify::broadcasting", G_CALLBACK (on_broadcasting),
                           self, G_CONNECT_SWAPPED);
  tether_shortcuts_attach (GTK_WIDGET (self), tether_session_tab_shortcuts);
}

TetherSessionTab *
tether_session_tab_new (TetherSession *session)
{
  g_return_val_if_fail (TETHER_IS_SESSION (session), NULL);

  return g_object_new (TETHER_TYPE_SESSION_TAB, "session", session, NULL);
}

/**
 * tether_session_tab_get_session:
 *
 * Returns: (transfer none): the session shown
 */
TetherSession *
tether_session_tab_get_session (TetherSessionTab *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_TAB (self), NULL);
  return self->session;
}

/**
 * tether_session_tab_get_terminal:
 *
 * Returns: (transfer none): the tab's terminal
 */
TetherTerminal *
tether_session_tab_get_terminal (TetherSessionTab *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_TAB (self), NULL);
  return self->terminal;
}

TetherSessionTabState
tether_session_tab_get_state (TetherSessionTab *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_TAB (self), TETHER_SESSION_TAB_STATE_INITIAL);
  return self->state;
}

const char *
tether_session_tab_get_title (TetherSessionTab *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_TAB (self), NULL);
  return self->title;
}

/**
 * tether_session_tab_get_message:
 *
 * Returns: (nullable): what the message bar says, when it is shown
 */
const char *
tether_session_tab_get_message (TetherSessionTab *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_TAB (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->message_revealer))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

/**
 * tether_session_tab_get_reconnect_bar:
 *
 * Returns: (transfer none): the bar shown while the connection is lost
 */
TetherReconnectBar *
tether_session_tab_get_reconnect_bar (TetherSessionTab *self)
{
  g_return_val_if_fail (TETHER_IS_SESSION_TAB (self), NULL);
  return self->reconnect_bar;
}
