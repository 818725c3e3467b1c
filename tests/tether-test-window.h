/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vte/vte.h>

#include "tether-application.h"
#include "tether-session-manager-private.h"
#include "tether-session-tab-private.h"
#include "tether-session-tree-private.h"
#include "tether-test-sshd.h"
#include "tether-test-widgets.h"
#include "tether-window-private.h"

/*
 * What the window tests share: one application and its window, presented
 * under Xvfb, against one harness sshd, and helpers that drive them and wait
 * on conditions.  Header-only because each test is a program of its own.
 */

#define WAIT_MS 20000

static TetherTestSshd *sshd;
static TetherApplication *app;
static TetherWindow *window;

static inline TetherSessionManager *
manager (void)
{
  return tether_application_get_manager (app);
}

static inline TetherSession *
add_session (const char *target,
             const char *name,
             const char *folder)
{
  TetherSessionDefinition def = {
    .target = target,
    .name = name,
    .folder = folder,
    .persistent = FALSE,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session = tether_session_manager_add_session (manager (), &def, &error);

  g_assert_no_error (error);
  return session;
}

/* For a test that must end the process (quitting the application, leaving
 * without the leak check): runs it again in a child, which has its own
 * application, window and server since it runs main() again.  Returns TRUE
 * in that child; in the parent, FALSE once the child passed. */
static inline gboolean
tether_test_in_child (void)
{
  if (g_test_subprocess ())
    return TRUE;
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  return FALSE;
}

static inline gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window));
}

static inline AdwTabView *
tab_view (void)
{
  return tether_window_get_tab_view (window);
}

static inline TetherSessionTab *
tab_of (TetherSession *session)
{
  return tether_window_lookup_tab (window, session);
}

static inline VteTerminal *
terminal_of (TetherSession *session)
{
  return VTE_TERMINAL (tether_session_tab_get_terminal (tab_of (session)));
}

static inline gboolean
is_entered (gpointer data)
{
  TetherSessionTab *tab = tab_of (data);

  /* The session says whether it is entered; the tab, that it shows it. */
  return tab != NULL && tether_session_get_attached (data)
         && tether_session_tab_get_state (tab) == TETHER_SESSION_TAB_STATE_ENTERED;
}

static inline void
enter (TetherSession *session)
{
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  tether_test_wait_until (is_entered, session, WAIT_MS);
}

typedef struct {
  TetherSession *session;
  const char    *needle;
} Search;

static inline gboolean
terminal_shows (gpointer data)
{
  Search *search = data;
  g_autofree char *text = NULL;

  if (tab_of (search->session) == NULL)
    return FALSE;
  text = vte_terminal_get_text (terminal_of (search->session), NULL, NULL, NULL);
  return text != NULL && strstr (text, search->needle) != NULL;
}

static inline void
wait_for_text (TetherSession *session,
               const char    *needle)
{
  Search search = { session, needle };

  tether_test_wait_until (terminal_shows, &search, WAIT_MS);
}

static inline void
type (TetherSession *session,
      const char    *text)
{
  vte_terminal_feed_child (terminal_of (session), text, -1);
}

static inline gboolean
no_pages (gpointer data)
{
  return adw_tab_view_get_n_pages (tab_view ()) == 0;
}

static inline gboolean
state_is_closed (gpointer data)
{
  return tether_session_get_state (data) == TETHER_SESSION_STATE_CLOSED;
}

static inline GtkWindow *
find_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (toplevel)), name) == 0 &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static inline gboolean
toplevel_shown (gpointer name)
{
  return find_toplevel (name) != NULL;
}

static inline gboolean
is_shown_button_labelled (GtkWidget     *widget,
                          gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
         gtk_widget_get_mapped (widget);
}

/* The button labelled @label on screen in the window (a toast's). */
static inline GtkWidget *
toast_button (const char *label)
{
  return tether_test_find_widget (GTK_WIDGET (window), is_shown_button_labelled, label);
}

static inline gboolean
toast_button_shown (gpointer label)
{
  return toast_button (label) != NULL;
}

static inline gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Until the toast whose button says @label is on screen, and its show
 * animation over.  libadwaita 1.2 frees a toast dismissed during its show
 * animation (500 ms when it replaces another) before that animation ends,
 * whose "done" handler then touches the freed memory: a crash in a later
 * test, seen under MALLOC_PERTURB_ only.  A user does not click that fast;
 * the tests wait (there is nothing to observe the animation by). */
static inline void
wait_toast_shown (const char *label)
{
  gboolean waited = FALSE;

  tether_test_wait_until (toast_button_shown, (gpointer) label, WAIT_MS);
  g_timeout_add_seconds (1, set_flag_cb, &waited);
  tether_test_wait_for_flag (&waited, WAIT_MS);
}

/* The harness, a server, and the window presented.  No D-Bus name: several
 * test programs run at once on one bus. */
static inline void
tether_test_window_setup (int    *argc,
                          char ***argv)
{
  tether_test_init (argc, argv);
  tether_test_start_private_display ();

  sshd = tether_test_sshd_new (NULL);
  tether_test_sshd_trust (sshd);

  app = tether_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  window = TETHER_WINDOW (tether_application_ensure_window (app));
  gtk_window_present (GTK_WINDOW (window));
}

/* The window and every tab it kept go with it: a leak check. */
static inline gboolean
no_connections (gpointer data)
{
  return tether_session_manager_get_n_connections (manager ()) == 0;
}

static inline void
tether_test_window_teardown (void)
{
  /* Connections close on their own threads: wait for them, so that nothing
   * is still on its way when the process ends. */
  tether_session_manager_close_all (manager ());
  tether_test_wait_until (no_connections, NULL, WAIT_MS);
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

static inline void
tether_test_window_free (void)
{
  g_object_unref (app);
  tether_test_sshd_free (sshd);
}
