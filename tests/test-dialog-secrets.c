/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tether-secrets.h"
#include "tether-test-keyring.h"
#include "tether-test-keys.h"
#include "tether-test-session.h"
#include "tether-test-window.h"

/*
 * The password dialog and the keyring, through the real window and a real
 * gnome-keyring-daemon: Remember (off by default) makes the next Enter ask
 * nothing, Forget Password in the row menu makes it ask again, and a
 * password typed into the dialog is nowhere in the heap after the login.
 */

/* Typed key by key, then searched for in the heap: a literal, so that the
 * test holds it only in read-only data. */
#define MARKER "GuiMarker-4d2e8b1a"

static gboolean
is_check_with (GtkWidget     *widget,
               gconstpointer  needle)
{
  const char *label = GTK_IS_CHECK_BUTTON (widget)
                      ? gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) : NULL;

  return label != NULL && strstr (label, needle) != NULL;
}

static GtkEditable *
find_entry (GtkWindow *dialog)
{
  GtkWidget *entry = tether_test_find_widget (GTK_WIDGET (dialog), tether_test_is_of_type,
                                              GSIZE_TO_POINTER (GTK_TYPE_PASSWORD_ENTRY));

  g_assert_nonnull (entry);
  return GTK_EDITABLE (entry);
}

static TetherTestSshd *
password_server (const char *user)
{
  TetherTestSshd *server = tether_test_sshd_new ("PasswordAuthentication yes\n"
                                                 "KbdInteractiveAuthentication no\n");

  tether_test_sshd_trust (server);
  return server;
}

static void
start_enter (TetherSession *session)
{
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
}

static void
leave (TetherSession *session)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_close_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

/* Answers the password dialog with @password, Remember set to @remember. */
static void
answer_password (const char *password,
                 gboolean    remember)
{
  GtkWindow *dialog;
  GtkWidget *check;

  tether_test_wait_until (toplevel_shown, (gpointer) "tether-password-dialog", WAIT_MS);
  dialog = find_toplevel ("tether-password-dialog");
  check = tether_test_find_widget (GTK_WIDGET (dialog), is_check_with, "Remember");
  g_assert_nonnull (check);
  /* Off unless the user turns it on. */
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), remember);
  gtk_editable_set_text (find_entry (dialog), password);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  /* A response from code leaves the dialog up; a click would close it, the
   * focus on the button clicked. */
  gtk_widget_grab_focus (check);
  gtk_window_close (dialog);
}

static gboolean
dialog_gone (gpointer data)
{
  return find_toplevel ("tether-password-dialog") == NULL;
}

typedef struct {
  TetherTestSshd *server;
  const char     *user;
} Account;

static gboolean
forgotten (gpointer data)
{
  Account *account = data;
  char *stored = _tether_secrets_lookup_sync ("127.0.0.1", tether_test_sshd_get_port (account->server),
                                              account->user, TETHER_SECRET_PASSWORD);

  tether_secret_free (stored);
  return stored == NULL;
}

static void
test_remember_and_forget (void)
{
  const char *user = tether_test_password_user ("gui-remember-pw");
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) session = NULL;
  char *hidden;

  if (user == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  server = password_server (user);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = tether_test_hide_default_key ();
  session = g_object_ref (add_session (target, "Remembered", NULL));

  start_enter (session);
  answer_password ("gui-remember-pw", TRUE);
  tether_test_wait_until (is_entered, session, WAIT_MS);
  leave (session);

  /* From the keyring: entered without a question (none is answered here). */
  enter (session);
  g_assert_true (dialog_gone (NULL));
  leave (session);

  /* Forget Password, from the row menu's action: asked again. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.forget-password", NULL);
  tether_test_wait_until (forgotten, &(Account) { server, user }, WAIT_MS);
  start_enter (session);
  answer_password ("gui-remember-pw", FALSE);
  tether_test_wait_until (is_entered, session, WAIT_MS);
  leave (session);

  tether_session_manager_remove_session (manager (), session);
  tether_test_restore_default_key (hidden);
}

static gboolean
remembered (gpointer data)
{
  return !forgotten (data);
}

/* Remove forgets the remembered password with the session; Undo brings
 * both back: the next Enter asks nothing. */
static void
test_remove_undo (void)
{
  const char *user = tether_test_password_user ("gui-undo-pw");
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) session = NULL;
  TetherSession *back;
  Account account;
  char *hidden;

  if (user == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  server = password_server (user);
  account = (Account) { server, user };
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = tether_test_hide_default_key ();
  session = g_object_ref (add_session (target, "Undone", NULL));
  start_enter (session);
  answer_password ("gui-undo-pw", TRUE);
  tether_test_wait_until (is_entered, session, WAIT_MS);
  leave (session);
  g_assert_true (remembered (&account));

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-session", NULL);
  g_assert_null (tether_session_manager_lookup (manager (), "Undone"));
  tether_test_wait_until (forgotten, &account, WAIT_MS);

  wait_toast_shown ("_Undo");
  g_signal_emit_by_name (toast_button ("_Undo"), "clicked");
  back = tether_session_manager_lookup (manager (), "Undone");
  g_assert_nonnull (back);
  tether_test_wait_until (remembered, &account, WAIT_MS);

  /* From the keyring again: entered without a question. */
  enter (back);
  g_assert_true (dialog_gone (NULL));
  leave (back);

  tether_session_manager_remove_session (manager (), back);
  tether_test_wait_until (forgotten, &account, WAIT_MS);
  tether_test_restore_default_key (hidden);
}

static void
type_text (GtkWidget  *widget,
           const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    {
      char key[16];

      if (g_ascii_isupper (*c))
        g_snprintf (key, sizeof key, "<Shift>%c", g_ascii_tolower (*c));
      else if (*c == '-')
        g_strlcpy (key, "minus", sizeof key);
      else
        g_snprintf (key, sizeof key, "%c", *c);
      tether_test_type_keys (widget, key);
    }
}

static void
test_typed_password_wiped (void)
{
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) session = NULL;
  const char *user;
  GtkWindow *dialog;
  GtkEditable *entry;
  char *hidden;

  TETHER_TEST_NEEDS_XTEST ();
  if ((user = tether_test_password_user (MARKER)) == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  server = password_server (user);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = tether_test_hide_default_key ();
  session = g_object_ref (add_session (target, "Typed", NULL));

  /* Typed on the keyboard into the real dialog, Remember off. */
  start_enter (session);
  tether_test_wait_until (toplevel_shown, (gpointer) "tether-password-dialog", WAIT_MS);
  dialog = find_toplevel ("tether-password-dialog");
  entry = find_entry (dialog);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  type_text (GTK_WIDGET (entry), MARKER);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, MARKER);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  gtk_widget_grab_focus (tether_test_find_widget (GTK_WIDGET (dialog), is_check_with, "Remember"));
  gtk_window_close (dialog);
  tether_test_wait_until (is_entered, session, WAIT_MS);
  wait_for_text (session, "$");

  /* Logged in, the session keeps one copy, to log in again unasked if the
   * connection is lost (tether-secret-memory.c); Remove wipes it: then no
   * copy is left, in use or freed. */
  leave (session);
  tether_session_manager_remove_session (manager (), session);
  g_assert_false (tether_test_memory_contains (MARKER, TRUE));
  tether_test_restore_default_key (hidden);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);
  tether_test_start_keyring ();

  g_test_add_func ("/dialog-secrets/remember-and-forget", test_remember_and_forget);
  g_test_add_func ("/dialog-secrets/typed-password-wiped", test_typed_password_wiped);
  g_test_add_func ("/dialog-secrets/remove-undo", test_remove_undo);

  status = g_test_run ();
  tether_test_window_teardown ();
  tether_test_window_free ();
  tether_secrets_shutdown ();
  return status;
}
