/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-broadcast-popover.h"
#include "tether-target.h"
#include "tether-window-private.h"

G_DEFINE_FINAL_TYPE (TetherWindow, tether_window, ADW_TYPE_APPLICATION_WINDOW)

static AdwTabPage *
find_page (TetherWindow     *self,
           TetherSessionTab *tab)
{
  int n = adw_tab_view_get_n_pages (self->tab_view);

  for (int i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);

      if (adw_tab_page_get_child (page) == GTK_WIDGET (tab))
        return page;
    }
  return NULL;
}

/**
 * tether_window_lookup_tab:
 *
 * Returns: (transfer none) (nullable): the tab widget kept for @session,
 *   shown in a page or not
 */
TetherSessionTab *
tether_window_lookup_tab (TetherWindow  *self,
                          TetherSession *session)
{
  return g_hash_table_lookup (self->tabs, session);
}

static void
focus_terminal (TetherSessionTab *tab)
{
  gtk_widget_grab_focus (GTK_WIDGET (tether_session_tab_get_terminal (tab)));
}

static gboolean
focus_terminal_cb (gpointer tab)
{
  /* Its page may have closed meanwhile, or the window gone. */
  if (gtk_widget_get_root (GTK_WIDGET (tab)) != NULL)
    focus_terminal (tab);
  return G_SOURCE_REMOVE;
}

/* Once the event that asked for the tab is over: a double-click on a row
 * activates it from the press, and the row then takes the focus for
 * itself, after we gave it to the terminal. */
static void
focus_terminal_later (TetherSessionTab *tab)
{
  focus_terminal (tab);
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, focus_terminal_cb, g_object_ref (tab), g_object_unref);
}

/* Forgets the tab widget of @session, closing its page first (which leaves
 * the session: see on_close_page()). */
static void
drop_tab (TetherWindow  *self,
          TetherSession *session)
{
  g_autoptr(TetherSession) session_ref = g_object_ref (session);
  g_autoptr(TetherSessionTab) tab = g_hash_table_lookup (self->tabs, session);
  AdwTabPage *page;

  if (tab == NULL)
    return;

  /* Out of the table before the page closes: closing it may come back here
   * (a temporary session) and must then find nothing to do. */
  g_object_ref (tab);
  g_hash_table_remove (self->tabs, session);
  g_signal_handlers_disconnect_by_data (session, self);
  g_signal_handlers_disconnect_by_data (tab, self);

  page = find_page (self, tab);
  if (page != NULL)
    adw_tab_view_close_page (self->tab_view, page);
}

static gboolean
on_close_page (AdwTabView   *view,
               AdwTabPage   *page,
               TetherWindow *self)
{
  TetherSessionTab *tab = TETHER_SESSION_TAB (adw_tab_page_get_child (page));
  g_autoptr(TetherSession) session = g_object_ref (tether_session_tab_get_session (tab));

  /* Exit-PSSession: the viewer goes, the shell stays (named sessions). */
  tether_session_tab_leave (tab);
  adw_tab_view_close_page_finish (view, page, TRUE);

  /* The keyboard goes back to the list rather than nowhere. */
  if (adw_tab_view_get_n_pages (view) == 0)
    tether_session_tree_focus_list (self->session_tree);

  /* Enter-PSSession -ComputerName: the temporary session ends with it. */
  if (tether_session_get_temporary (session))
    {
      drop_tab (self, session);
      tether_session_manager_close_session (self->manager, session);
    }

  return GDK_EVENT_STOP;
}

static void
on_tab_shell_exited (TetherSessionTab *tab,
                     int               status,
                     gboolean          stays_open,
                     TetherWindow     *self)
{
  TetherSession *session = tether_session_tab_get_session (tab);

  /* A shell that died right away leaves its tab open, saying why. */
  if (stays_open)
    return;

  /* `exit` does what Exit does.  The next Enter starts a fresh shell, so it
   * gets a fresh terminal too rather than the dead shell's screen. */
  drop_tab (self, session);
}

static void
on_session_state (TetherSession *session,
                  GParamSpec    *pspec,
                  TetherWindow  *self)
{
  /* A session closed elsewhere (the tree, the command line) takes its
   * terminal with it.  A Broken one keeps it: its tab says what happened. */
  if (tether_session_get_state (session) == TETHER_SESSION_STATE_CLOSED)
    drop_tab (self, session);
}

/* Shows the page @name of @stack and hides the others' children, rather
 * than only keeping them behind it: GTK styles, and looks up the icons of,
 * every visible widget of a window, shown or not.  The pages not shown
 * were 4 % of the instructions run before the first frame (callgrind). */
static void
show_stack_page (GtkStack   *stack,
                 const char *name)
{
  GtkWidget *shown = gtk_stack_get_child_by_name (stack, name);

  /* Shown first: a stack whose visible child hides shows another. */
  gtk_widget_set_visible (shown, TRUE);
  gtk_stack_set_visible_child (stack, shown);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != shown)
      gtk_widget_set_visible (child, FALSE);
}

/* The list and the terminal area, or one page saying what to do when
 * there is neither a session nor a tab (a temporary session has a tab). */
static void
update_content (TetherWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->manager)) == 0
                   && adw_tab_view_get_n_pages (self->tab_view) == 0;

  show_stack_page (self->content_stack, empty ? "empty" : "sessions");
}

/* Broadcasting to one tab is typing into it: the button waits for a
 * second tab, unless a broadcast is on (its picker is how it stops). */
static void
update_broadcast_button (TetherWindow *self)
{
  gboolean on = self->broadcast != NULL && tether_broadcast_get_n_members (self->broadcast) > 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->broadcast_button),
                            on || adw_tab_view_get_n_pages (self->tab_view) > 1);
}

static void
update_terminal_area (TetherWindow *self)
{
  gboolean tabs = adw_tab_view_get_n_pages (self->tab_view) > 0;

  /* No tab: the status page says so, an empty bar above it would not. */
  gtk_widget_set_visible (GTK_WIDGET (self->tab_bar), tabs);
  show_stack_page (self->terminal_stack, tabs ? "tabs" : "empty");
  update_broadcast_button (self);
  if (self->manager != NULL)
    update_content (self);
  _tether_window_update_actions (self);
}

/* Sessions start their shell as soon as they open: at the size terminals
 * really have here, so that entering one rarely has to resize it. */
static void
on_terminal_grid_changed (TetherTerminal *terminal,
                          TetherWindow   *self)
{
  long columns = vte_terminal_get_column_count (VTE_TERMINAL (terminal));
  long rows = vte_terminal_get_row_count (VTE_TERMINAL (terminal));

  if (columns > 0 && rows > 0)
    tether_session_manager_set_terminal_size (self->manager, (guint) columns, (guint) rows);
}

typedef struct {
  TetherWindow  *window;
  TetherSession *session;
} Reconnect;

static void
reconnect_free (Reconnect *data)
{
  g_object_unref (data->window);
  g_object_unref (data->session);
  g_free (data);
}

static void
on_reconnected (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Reconnect *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tether_session_manager_open_session_finish (TETHER_SESSION_MANAGER (source), result, &error))
    tether_window_show_error (data->window, _("Could Not Reconnect"), error->message);
  else
    /* Back in the tab it kept, with its scrollback. */
    _tether_window_enter (data->window, data->session);
  reconnect_free (data);
}

/* The buttons of a tab's bar while its connection is lost. */
static void
on_reconnect_response (TetherReconnectBar *bar,
                       const char         *response,
                       TetherWindow       *self)
{
  TetherSession *session = tether_reconnect_bar_get_session (bar);
  Reconnect *data;

  if (g_str_equal (response, "reconnect-now"))
    tether_session_manager_reconnect_now (self->manager, session);
  else if (g_str_equal (response, "close"))
    tether_session_manager_close_session (self->manager, session);
  else
    {
      data = g_new0 (Reconnect, 1);
      data->window = g_object_ref (self);
      data->session = g_object_ref (session);
      tether_session_manager_open_session_async (self->manager, session, NULL, on_reconnected, data);
    }
}

static gboolean
escape_markup (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_take_string (to, text != NULL ? g_markup_escape_text (text, -1) : NULL);
  return TRUE;
}

/* Closing a tab is Exit here (the session stays opened; Close is another
 * action), but libadwaita 1.2's tabs say "Close Tab" on their close
 * button, in their template, with no property to change it: the buttons,
 * made as pages are added, are renamed after each addition. */
static void
name_exit_buttons (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "tab-close-button"))
    gtk_widget_set_tooltip_text (widget, _("Exit"));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_exit_buttons (child);
}

/* Broadcast input */

/* A tab receiving broadcast input has an icon saying so; clicking it
 * takes that tab out (on_indicator_activated()). */
static gboolean
broadcast_indicator (GBinding     *binding,
                     const GValue *from,
                     GValue       *to,
                     gpointer      user_data)
{
  if (g_value_get_boolean (from))
    g_value_take_object (to, g_themed_icon_new ("input-keyboard-symbolic"));
  else
    g_value_set_object (to, NULL);
  return TRUE;
}

static void
on_indicator_activated (AdwTabView   *view,
                        AdwTabPage   *page,
                        TetherWindow *self)
{
  TetherSessionTab *tab = TETHER_SESSION_TAB (adw_tab_page_get_child (page));

  tether_broadcast_set_member (self->broadcast, tether_session_tab_get_terminal (tab), FALSE);
}

static void
on_broadcast_members (TetherWindow *self)
{
  if (tether_broadcast_get_n_members (self->broadcast) > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->broadcast_button), "tether-broadcasting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->broadcast_button), "tether-broadcasting");
  update_broadcast_button (self);
}

/* Built when it first opens, like the other menus: not before the first
 * frame. */
static void
create_broadcast_popup (GtkMenuButton *button,
                        gpointer       user_data)
{
  TetherWindow *self = user_data;

  if (gtk_menu_button_get_popover (button) == NULL)
    gtk_menu_button_set_popover (button, tether_broadcast_popover_new (self->tab_view, self->broadcast));
}

/* Tabs */

static TetherSessionTab *
ensure_tab (TetherWindow  *self,
            TetherSession *session)
{
  TetherSessionTab *tab = g_hash_table_lookup (self->tabs, session);
  AdwTabPage *page;

  if (tab == NULL)
    {
      tab = g_object_ref_sink (tether_session_tab_new (session));
      g_hash_table_insert (self->tabs, g_object_ref (session), tab);
      g_signal_connect_object (tab, "shell-exited", G_CALLBACK (on_tab_shell_exited), self, 0);
      g_signal_connect_object (tether_session_tab_get_reconnect_bar (tab), "response",
                               G_CALLBACK (on_reconnect_response), self, 0);
      g_signal_connect_object (tether_session_tab_get_terminal (tab), "grid-size-changed",
                               G_CALLBACK (on_terminal_grid_changed), self, 0);
      g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state), self, 0);
      /* It may be picked, never by itself. */
      tether_terminal_set_broadcast (tether_session_tab_get_terminal (tab), self->broadcast);
    }

  page = find_page (self, tab);
  if (page == NULL)
    {
      g_autoptr(GIcon) icon = g_themed_icon_new ("utilities-terminal-symbolic");

      page = adw_tab_view_append (self->tab_view, GTK_WIDGET (tab));
      g_object_bind_property (tab, "title", page, "title", G_BINDING_SYNC_CREATE);
      /* The page's tooltip is markup; the tab's is plain text. */
      g_object_bind_property_full (tab, "tooltip", page, "tooltip", G_BINDING_SYNC_CREATE,
                                   escape_markup, NULL, NULL, NULL);
      adw_tab_page_set_icon (page, icon);
      name_exit_buttons (GTK_WIDGET (self->tab_bar));
      g_object_bind_property_full (tab, "broadcasting", page, "indicator-icon", G_BINDING_SYNC_CREATE,
                                   broadcast_indicator, NULL, NULL, NULL);
      adw_tab_page_set_indicator_tooltip (page, _("This tab receives broadcast input: click to take it out"));
      adw_tab_page_set_indicator_activatable (page, TRUE);
    }
  adw_tab_view_set_selected_page (self->tab_view, page);
  /* The list shows which session the terminal belongs to (temporary
   * sessions have no row). */
  tether_session_tree_select_session (self->session_tree, session);

  return tab;
}

static void
on_tab_entered (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherWindow *self = g_task_get_source_object (task);
  TetherSessionTab *tab = TETHER_SESSION_TAB (source);
  g_autoptr(GError) error = NULL;

  if (!tether_session_tab_enter_finish (tab, result, &error))
    {
      drop_tab (self, tether_session_tab_get_session (tab));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  focus_terminal (tab);
  g_task_return_boolean (task, TRUE);
}

static void
show_tab (GTask *task)
{
  TetherWindow *self = g_task_get_source_object (task);
  TetherSession *session = g_task_get_task_data (task);
  TetherSessionTab *existing = g_hash_table_lookup (self->tabs, session);
  AdwTabPage *selected = adw_tab_view_get_selected_page (self->tab_view);
  gboolean in_front = existing != NULL && selected != NULL
                      && adw_tab_page_get_child (selected) == GTK_WIDGET (existing);
  TetherSessionTab *tab = ensure_tab (self, session);

  /* Entered, or on its way (a second Enter while the first one runs): the
   * one interactive view is there or coming. */
  if (tether_session_get_attached (session)
      || tether_session_tab_get_state (tab) == TETHER_SESSION_TAB_STATE_ENTERING)
    {
      if (in_front)
        _tether_window_offer_duplicate (self, session);
      focus_terminal_later (tab);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  tether_session_tab_enter_async (tab, g_task_get_cancellable (task), on_tab_entered, task);
}

static void
on_session_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_tether_window_open_session_finish (TETHER_WINDOW (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  show_tab (task);
}

/**
 * tether_window_enter_session_async:
 *
 * Enter-PSSession: opens @session if it is Closed or Broken, connects it if
 * it is Disconnected (offering what it printed meanwhile), then shows its
 * shell in a tab (the existing one when there is one) with the keyboard
 * focus in the terminal.
 */
void
tether_window_enter_session_async (TetherWindow        *self,
                                   TetherSession       *session,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TETHER_IS_WINDOW (self));
  g_return_if_fail (TETHER_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_window_enter_session_async);
  g_task_set_task_data (task, g_object_ref (session), g_object_unref);

  if (tether_session_get_state (session) != TETHER_SESSION_STATE_OPENED)
    {
      /* Its old shell is gone with its connection: so is its old screen. */
      drop_tab (self, session);
      _tether_window_open_session_async (self, session, cancellable, on_session_opened, task);
      return;
    }

  show_tab (task);
}

gboolean
tether_window_enter_session_finish (TetherWindow  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_computer_entered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TetherSession *session = g_task_get_task_data (task);

  if (!tether_window_enter_session_finish (TETHER_WINDOW (source), result, &error))
    {
      tether_session_manager_close_session (TETHER_WINDOW (source)->manager, session);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (session), g_object_unref);
}

static void
on_computer_opened (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSession) session = NULL;

  session = tether_session_manager_enter_computer_finish (TETHER_SESSION_MANAGER (source), result, &error);
  if (session == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, g_object_ref (session), g_object_unref);
  tether_window_enter_session_async (self, session, g_task_get_cancellable (task),
                                     on_computer_entered, g_object_ref (task));
}

/**
 * tether_window_enter_computer_async:
 * @target: `[user@]host[:port]`
 *
 * Enter-PSSession -ComputerName: a temporary session, entered at once and
 * closed when it is exited.
 */
void
tether_window_enter_computer_async (TetherWindow        *self,
                                    const char          *target,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TETHER_IS_WINDOW (self));
  g_return_if_fail (target != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_window_enter_computer_async);
  tether_session_manager_enter_computer_async (self->manager, target, cancellable,
                                               on_computer_opened, task);
}

/**
 * tether_window_enter_computer_finish:
 *
 * Returns: (transfer full): the temporary session, entered
 */
TetherSession *
tether_window_enter_computer_finish (TetherWindow  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tether_window_exit_active:
 *
 * Exit-PSSession on the active tab.
 *
 * Returns: %FALSE when no session is entered
 */
gboolean
tether_window_exit_active (TetherWindow *self)
{
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);

  if (page == NULL)
    return FALSE;

  adw_tab_view_close_page (self->tab_view, page);
  return TRUE;
}

gboolean
tether_window_has_temporary_sessions (TetherWindow *self)
{
  GHashTableIter iter;
  TetherSession *session;

  g_hash_table_iter_init (&iter, self->tabs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &session, NULL))
    if (tether_session_get_temporary (session) &&
        tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED)
      return TRUE;
  return FALSE;
}

static void
update_empty_description (TetherWindow *self)
{
  if (tether_session_manager_lookup (self->manager, "Demo") != NULL)
    gtk_label_set_label (self->terminal_empty_description,
                         _("Double-click a session in the list to enter it: try Demo, "
                           "a server on this computer. Exit leaves the session opened."));
  else
    gtk_label_set_label (self->terminal_empty_description,
                         _("Double-click a session in the list to enter it, or create one "
                           "with the + button. Exit leaves the session opened."));
}

static void
on_sessions_changed (TetherWindow *self)
{
  update_content (self);
  update_empty_description (self);
}

static void
on_session_activated (TetherSessionTree *tree,
                      TetherSession     *session,
                      TetherWindow      *self)
{
  _tether_window_enter (self, session);
}

/* The field says at once when what is typed cannot be a target: red, and
 * the core's reason in words under it. */
static void
show_quick_connect_error (TetherWindow *self,
                          const char   *message)
{
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->quick_connect_entry), "error");
      gtk_label_set_text (self->quick_connect_error, message);
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->quick_connect_entry), "error");
  gtk_revealer_set_reveal_child (self->quick_connect_revealer, message != NULL);
}

static gboolean
check_quick_connect (TetherWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->quick_connect_entry));
  g_autoptr(TetherTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  if (text == NULL || *text == '\0')
    {
      show_quick_connect_error (self, NULL);
      return FALSE;
    }

  target = tether_target_parse (text, &error);
  show_quick_connect_error (self, target == NULL ? error->message : NULL);
  return target != NULL;
}

static void
on_quick_connect_activate (GtkEntry     *entry,
                           TetherWindow *self)
{
  if (check_quick_connect (self))
    _tether_window_quick_connect (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* On the way out, however the window goes (closed, Ctrl+Q, the last
 * instance quitting). */
static void
save_window_state (TetherWindow *self)
{
  GtkWindow *window = GTK_WINDOW (self);
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
tether_window_close_request (GtkWindow *window)
{
  /* The application asks first when sessions are Opened, then destroys us. */
  tether_application_request_quit (TETHER_APPLICATION (gtk_window_get_application (window)));
  return GDK_EVENT_STOP;
}

/* GtkWindow:application is not a construct property: it is only set after
 * constructed() ran, so the window is set up from tether_window_new(). */
static void
setup (TetherWindow      *self,
       TetherApplication *app)
{
  self->manager = tether_application_get_manager (app);
  self->settings = g_object_ref (tether_application_get_settings (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "sidebar-width", self->paned, "position", G_SETTINGS_BIND_DEFAULT);

  tether_session_tree_set_model (self->session_tree, G_LIST_MODEL (self->manager));
  g_signal_connect_object (self->manager, "items-changed", G_CALLBACK (on_sessions_changed),
                           self, G_CONNECT_SWAPPED);
  _tether_window_watch_sessions (self);
  g_signal_connect_object (tether_session_tree_get_rows (self->session_tree), "selection-changed",
                           G_CALLBACK (_tether_window_update_actions), self, G_CONNECT_SWAPPED);
  /* A selected row that goes (removed, filtered out) takes its selection. */
  g_signal_connect_object (tether_session_tree_get_rows (self->session_tree), "items-changed",
                           G_CALLBACK (_tether_window_update_actions), self, G_CONNECT_SWAPPED);
  _tether_window_watch_warnings (self);
  update_empty_description (self);
  update_terminal_area (self);
  _tether_window_watch_store (self);
  _tether_window_init_invoke (self);
}

/* A menu model makes GtkMenuButton build its popover at once: given only
 * when the menu first opens, it is not built before the window's first
 * frame. */
static void
create_primary_popup (GtkMenuButton *button,
                      gpointer       user_data)
{
  TetherWindow *self = user_data;

  if (gtk_menu_button_get_popover (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
tether_window_dispose (GObject *object)
{
  TetherWindow *self = TETHER_WINDOW (object);

  if (self->tabs != NULL)
    {
      GHashTableIter iter;
      gpointer session, tab;

      g_hash_table_iter_init (&iter, self->tabs);
      while (g_hash_table_iter_next (&iter, &session, &tab))
        {
          g_signal_handlers_disconnect_by_data (session, self);
          g_signal_handlers_disconnect_by_data (tab, self);
        }
    }
  g_clear_pointer (&self->tabs, g_hash_table_unref);
  if (self->broadcast != NULL)
    tether_broadcast_stop (self->broadcast);
  g_clear_object (&self->broadcast);
  _tether_window_dispose_invoke (self);
  _tether_window_close_store_dialog (self);
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);
  save_window_state (self);
  g_clear_object (&self->settings);
  self->manager = NULL;

  G_OBJECT_CLASS (tether_window_parent_class)->dispose (object);
}

static void
tether_window_class_init (TetherWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tether_window_dispose;
  window_class->close_request = tether_window_close_request;

  g_type_ensure (TETHER_TYPE_SESSION_TREE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tetherapp/Tether/ui/tether-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, quick_connect_entry);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, quick_connect_revealer);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, quick_connect_error);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, session_tree);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, broadcast_button);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, terminal_stack);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, terminal_empty_description);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, runs_button);
  gtk_widget_class_bind_template_child (widget_class, TetherWindow, primary_menu);

  _tether_window_class_install_actions (widget_class);
  _tether_window_class_install_folder_actions (widget_class);
}

static void
tether_window_init (TetherWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_popup, self, NULL);

  self->broadcast = tether_broadcast_new ();
  gtk_menu_button_set_create_popup_func (self->broadcast_button, create_broadcast_popup, self, NULL);
  g_signal_connect_object (self->broadcast, "notify::n-members", G_CALLBACK (on_broadcast_members),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tab_view, "indicator-activated", G_CALLBACK (on_indicator_activated), self, 0);

  self->tabs = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_object_unref);

  g_signal_connect_object (self->tab_view, "close-page", G_CALLBACK (on_close_page), self, 0);
  g_signal_connect_object (self->tab_view, "notify::n-pages", G_CALLBACK (update_terminal_area),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tab_view, "notify::selected-page", G_CALLBACK (_tether_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  /* Close and Remove follow the focus (session_in_focus()). */
  g_signal_connect_object (self, "notify::focus-widget", G_CALLBACK (_tether_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_tree, "session-activated", G_CALLBACK (on_session_activated), self, 0);
  _tether_window_watch_folders (self);
  g_signal_connect_object (self->quick_connect_entry, "activate", G_CALLBACK (on_quick_connect_activate), self, 0);
  g_signal_connect_object (self->quick_connect_entry, "changed", G_CALLBACK (check_quick_connect),
                           self, G_CONNECT_SWAPPED);
}

TetherWindow *
tether_window_new (TetherApplication *application)
{
  TetherWindow *self = g_object_new (TETHER_TYPE_WINDOW, "application", application, NULL);

  setup (self, application);
  return self;
}

/**
 * tether_window_get_session_tree:
 *
 * Returns: (transfer none): the session list
 */
TetherSessionTree *
tether_window_get_session_tree (TetherWindow *self)
{
  return self->session_tree;
}

/**
 * tether_window_get_tab_view:
 *
 * Returns: (transfer none): the tab view
 */
AdwTabView *
tether_window_get_tab_view (TetherWindow *self)
{
  return self->tab_view;
}

/**
 * tether_window_get_broadcast:
 *
 * Returns: (transfer none): the broadcast input among this window's tabs
 */
TetherBroadcast *
tether_window_get_broadcast (TetherWindow *self)
{
  return self->broadcast;
}
