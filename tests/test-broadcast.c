/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-test-keys.h"
#include "tether-test-window.h"

/*
 * Broadcast input, in the real window against a real sshd: tabs picked in
 * Broadcast to… get what is typed into one of them (keys typed on the X
 * server, Ctrl+C and a paste included), read back from each remote shell
 * (the shell computes an answer, so an echo of the typed line is not
 * enough); the others get nothing, a new tab does not join, Esc twice
 * stops (the first Esc reaches the shells, the second nowhere), and the
 * same key that opens the picker stops it.
 */

static TetherSession *sessions[4];
static const char *const names[] = { "Alpha", "Bravo", "Charlie", "Delta" };

static GtkWidget *
broadcast_button (void)
{
  g_autofree char *tooltip = NULL;
  GtkWidget *bar = tether_test_find_widget (GTK_WIDGET (window), tether_test_is_of_type,
                                            GSIZE_TO_POINTER (ADW_TYPE_TAB_BAR));
  GtkWidget *button = adw_tab_bar_get_end_action_widget (ADW_TAB_BAR (bar));

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  g_object_get (button, "tooltip-text", &tooltip, NULL);
  g_assert_cmpstr (tooltip, ==, "Broadcast to…");
  return button;
}

static gboolean
is_check_for (GtkWidget     *widget,
              gconstpointer  name)
{
  g_autofree char *prefix = g_strdup_printf ("[%s]", (const char *) name);
  const char *label;

  if (!GTK_IS_CHECK_BUTTON (widget))
    return FALSE;
  label = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
  return label != NULL && g_str_has_prefix (label, prefix);
}

static gboolean
is_all_check (GtkWidget     *widget,
              gconstpointer  data)
{
  return GTK_IS_CHECK_BUTTON (widget)
         && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), "_All in This Window") == 0;
}

static gboolean
popover_shows (gpointer name)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (broadcast_button ()));

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover))
         && tether_test_find_widget (GTK_WIDGET (popover), is_check_for, name) != NULL;
}

/* Opens Broadcast to…, as a click on its button does. */
static GtkWidget *
open_picker (void)
{
  GtkPopover *popover;

  gtk_menu_button_popup (GTK_MENU_BUTTON (broadcast_button ()));
  tether_test_wait_until (popover_shows, (gpointer) names[0], WAIT_MS);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (broadcast_button ()));
  return GTK_WIDGET (popover);
}

/* A click on the check box of @name's tab. */
static void
pick (GtkWidget  *picker,
      const char *name)
{
  GtkWidget *check = tether_test_find_widget (picker, is_check_for, name);

  g_assert_nonnull (check);
  g_assert_true (gtk_widget_get_sensitive (check));
  gtk_widget_activate (check);
}

static gboolean
picker_hidden (gpointer picker)
{
  return !gtk_widget_get_mapped (picker);
}

static void
close_picker (GtkWidget *picker)
{
  gtk_popover_popdown (GTK_POPOVER (picker));
  tether_test_wait_until (picker_hidden, picker, WAIT_MS);
}

static TetherSession *
ensure_entered (guint i)
{
  if (sessions[i] == NULL)
    sessions[i] = add_session (tether_test_sshd_get_target (sshd), names[i], NULL);
  enter (sessions[i]);
  return sessions[i];
}

/* The strip across a receiving tab's top. */
static gboolean
is_broadcast_strip (GtkWidget     *widget,
                    gconstpointer  data)
{
  GtkWidget *child;

  if (!GTK_IS_REVEALER (widget))
    return FALSE;
  child = gtk_revealer_get_child (GTK_REVEALER (widget));
  return child != NULL && gtk_widget_has_css_class (child, "tether-broadcast-bar");
}

static gboolean
tab_broadcasting (TetherSession *session)
{
  TetherSessionTab *tab = tab_of (session);
  gboolean broadcasting = FALSE;
  AdwTabPage *page = adw_tab_view_get_page (tab_view (), GTK_WIDGET (tab));
  GtkWidget *strip = tether_test_find_widget (GTK_WIDGET (tab), is_broadcast_strip, NULL);

  g_object_get (tab, "broadcasting", &broadcasting, NULL);
  /* What the user sees says the same: the strip and the tab's icon. */
  g_assert_nonnull (strip);
  g_assert_cmpint (gtk_revealer_get_reveal_child (GTK_REVEALER (strip)), ==, broadcasting);
  g_assert_cmpint (adw_tab_page_get_indicator_icon (page) != NULL, ==, broadcasting);
  return broadcasting;
}

static gboolean
has_focus (gpointer session)
{
  return gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (terminal_of (session));
}

/* The keyboard into @session's terminal, as a click on its tab would. */
static void
focus_tab (TetherSession *session)
{
  adw_tab_view_set_selected_page (tab_view (), adw_tab_view_get_page (tab_view (), GTK_WIDGET (tab_of (session))));
  gtk_widget_grab_focus (GTK_WIDGET (terminal_of (session)));
  tether_test_wait_until (has_focus, session, WAIT_MS);
}

/* Types @text key by key on the X server, into the focused terminal. */
static void
type_keys (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guint keyval = *p == '\r' ? GDK_KEY_Return : gdk_unicode_to_keyval ((guint32) *p);

      tether_test_type_keys (GTK_WIDGET (window), gdk_keyval_name (keyval));
    }
}

static gboolean
shows (TetherSession *session,
       const char    *needle)
{
  g_autofree char *text = vte_terminal_get_text (terminal_of (session), NULL, NULL, NULL);

  return text != NULL && strstr (text, needle) != NULL;
}

/* @session got nothing of @needle: a marker typed into it alone after the
 * broadcast shows, so anything broadcast to it would show before. */
static void
assert_not_received (TetherSession *session,
                     const char    *needle,
                     const char    *marker_command,
                     const char    *marker)
{
  type (session, marker_command);
  wait_for_text (session, marker);
  g_assert_false (shows (session, needle));
}

/* With one tab there is nothing to broadcast to: the button waits for a
 * second one. */
static void
test_one_tab (void)
{
  ensure_entered (0);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, 1);
  g_assert_false (gtk_widget_get_sensitive (broadcast_button ()));
  /* Its shortcut neither. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.broadcast", NULL);
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (broadcast_button ())));
  ensure_entered (1);
  g_assert_true (gtk_widget_get_sensitive (broadcast_button ()));
}

/* Picked tabs get keys, Ctrl+C and a paste; the one not picked nothing. */
static void
test_picked_tabs (void)
{
  GtkWidget *picker;
  GdkClipboard *clipboard;

  TETHER_TEST_NEEDS_XTEST ();
  for (guint i = 0; i < 3; i++)
    ensure_entered (i);

  picker = open_picker ();
  pick (picker, "Alpha");
  pick (picker, "Bravo");
  close_picker (picker);
  g_assert_cmpuint (tether_broadcast_get_n_members (tether_window_get_broadcast (window)), ==, 2);
  g_assert_true (tab_broadcasting (sessions[0]));
  g_assert_true (tab_broadcasting (sessions[1]));
  g_assert_false (tab_broadcasting (sessions[2]));
  g_assert_true (gtk_widget_has_css_class (broadcast_button (), "tether-broadcasting"));

  /* Keys typed into Alpha: the shells compute 42. */
  focus_tab (sessions[0]);
  type_keys ("echo bc$((6*7))\r");
  wait_for_text (sessions[0], "bc42");
  wait_for_text (sessions[1], "bc42");
  assert_not_received (sessions[2], "bc42", "echo cm$((2+2))\r", "cm4");

  /* Ctrl+C interrupts both shells' sleep: both say 130. */
  focus_tab (sessions[1]);
  type ((sessions[1]), "echo go$((1+1)); sleep 60\r");
  wait_for_text (sessions[0], "go2");
  wait_for_text (sessions[1], "go2");
  tether_test_type_keys (GTK_WIDGET (window), "<Control>c");
  type_keys ("echo st$?x\r");
  wait_for_text (sessions[0], "st130x");
  wait_for_text (sessions[1], "st130x");
  assert_not_received (sessions[2], "go2", "echo cm$((3+3))\r", "cm6");

  /* A paste into Bravo (bracketed by the shell: Return runs it). */
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (terminal_of (sessions[1])));
  gdk_clipboard_set_text (clipboard, "echo pa$((3*3))z");
  tether_test_type_keys (GTK_WIDGET (window), "<Control><Shift>v");
  tether_test_type_keys (GTK_WIDGET (window), "Return");
  wait_for_text (sessions[0], "pa9z");
  wait_for_text (sessions[1], "pa9z");
  assert_not_received (sessions[2], "pa9z", "echo cm$((4+4))\r", "cm8");
}

/* A tab entered while a broadcast is on stays out of it. */
static void
test_new_tab (void)
{
  TetherBroadcast *broadcast = tether_window_get_broadcast (window);
  GtkWidget *picker;
  GtkWidget *all;

  TETHER_TEST_NEEDS_XTEST ();
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 2);
  ensure_entered (3);
  g_assert_false (tab_broadcasting (sessions[3]));
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 2);

  type (sessions[0], "echo nt$((2*5))\r");
  wait_for_text (sessions[0], "nt10");
  wait_for_text (sessions[1], "nt10");
  assert_not_received (sessions[3], "nt10", "echo dm$((3+3))\r", "dm6");

  /* All in This Window picks every entered tab, the new one included,
   * only when asked, and unchecking it stops. */
  picker = open_picker ();
  all = tether_test_find_widget (picker, is_all_check, NULL);
  g_assert_nonnull (all);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (all)));
  gtk_widget_activate (all);
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 4);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (all)));
  for (guint i = 0; i < 4; i++)
    g_assert_true (tab_broadcasting (sessions[i]));
  gtk_widget_activate (all);
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 0);
  for (guint i = 0; i < 4; i++)
    g_assert_false (tab_broadcasting (sessions[i]));
  close_picker (picker);
  g_assert_false (gtk_widget_has_css_class (broadcast_button (), "tether-broadcasting"));
}

/* Esc twice stops: the first Esc reaches every picked shell, the second
 * none, and what follows only the tab it is typed into. */
static void
test_escape_twice (void)
{
  TetherBroadcast *broadcast = tether_window_get_broadcast (window);
  GtkWidget *picker;

  TETHER_TEST_NEEDS_XTEST ();
  picker = open_picker ();
  pick (picker, "Alpha");
  pick (picker, "Bravo");
  close_picker (picker);

  focus_tab (sessions[0]);
  /* Each shell reads a line and says how long it was. */
  type (sessions[0], "echo rd$((1+1)); read -r v; echo len${#v}end\r");
  wait_for_text (sessions[0], "rd2");
  wait_for_text (sessions[1], "rd2");

  tether_test_type_keys (GTK_WIDGET (window), "Escape");
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 2);
  tether_test_type_keys (GTK_WIDGET (window), "Escape");
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 0);
  g_assert_false (tab_broadcasting (sessions[0]));
  g_assert_false (tab_broadcasting (sessions[1]));

  /* Alpha's line: one Esc and abc.  Bravo's: the one Esc alone. */
  type_keys ("abc\r");
  wait_for_text (sessions[0], "len4end");
  type (sessions[1], "\r");
  wait_for_text (sessions[1], "len1end");
}

/* The key that opens Broadcast to… stops a broadcast that is on, and a
 * tab's icon takes it out alone. */
static void
test_toggle_key (void)
{
  TetherBroadcast *broadcast = tether_window_get_broadcast (window);
  GtkWidget *picker;
  AdwTabPage *page;

  TETHER_TEST_NEEDS_XTEST ();
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.broadcast", NULL);
  tether_test_wait_until (popover_shows, (gpointer) names[0], WAIT_MS);
  picker = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (broadcast_button ())));

  pick (picker, "Alpha");
  pick (picker, "Charlie");
  pick (picker, "Delta");
  close_picker (picker);
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 3);

  page = adw_tab_view_get_page (tab_view (), GTK_WIDGET (tab_of (sessions[2])));
  g_signal_emit_by_name (tab_view (), "indicator-activated", page);
  g_assert_false (tab_broadcasting (sessions[2]));
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.broadcast", NULL);
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 0);
  g_assert_false (tab_broadcasting (sessions[0]));
  g_assert_false (tab_broadcasting (sessions[3]));
}

/* A tab whose session is left leaves the broadcast: only entered sessions
 * receive it. */
static void
test_exit_leaves (void)
{
  TetherBroadcast *broadcast = tether_window_get_broadcast (window);
  GtkWidget *picker = open_picker ();

  pick (picker, "Alpha");
  pick (picker, "Bravo");
  close_picker (picker);
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 2);

  focus_tab (sessions[1]);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  g_assert_false (tether_session_get_attached (sessions[1]));
  g_assert_cmpuint (tether_broadcast_get_n_members (broadcast), ==, 1);
  g_assert_true (tether_terminal_get_broadcasting (tether_session_tab_get_terminal (tab_of (sessions[0]))));

  tether_broadcast_stop (broadcast);
  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    if (sessions[i] != NULL)
      tether_session_manager_remove_session (manager (), sessions[i]);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);
  tether_test_wait_until (window_mapped, NULL, WAIT_MS);

  g_test_add_func ("/broadcast/one-tab", test_one_tab);
  g_test_add_func ("/broadcast/picked-tabs", test_picked_tabs);
  g_test_add_func ("/broadcast/new-tab", test_new_tab);
  g_test_add_func ("/broadcast/escape-twice", test_escape_twice);
  g_test_add_func ("/broadcast/toggle-key", test_toggle_key);
  g_test_add_func ("/broadcast/exit-leaves", test_exit_leaves);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
