/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "tether-new-session-dialog-private.h"
#include "tether-test-keys.h"
#include "tether-test-session.h"
#include "tether-test-window.h"

/*
 * The window's dialogs against real servers: the unknown host key (accepted
 * and saved), a key's passphrase, a password, keyboard-interactive prompts,
 * and New Session / Edit with their validation while typing.
 */


static gboolean
host_key_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-host-key-dialog") != NULL;
}

static void
test_host_key (void)
{
  g_autoptr(TetherTestSshd) stranger = tether_test_sshd_new_sibling (sshd);
  TetherSession *session = add_session (tether_test_sshd_get_target (stranger), "Stranger", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *host = g_strdup_printf ("[127.0.0.1]:%u", tether_test_sshd_get_port (stranger));
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *out = NULL;
  GtkWindow *dialog;
  int status = -1;
  const char *argv[] = { "ssh-keygen", "-F", host, "-f", known_hosts, NULL };

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);

  tether_test_wait_until (host_key_dialog_shown, NULL, WAIT_MS);
  dialog = find_toplevel ("tether-host-key-dialog");
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  /* The SHA256 fingerprint the user compares with the administrator's. */
  g_assert_true (label_contains (GTK_WIDGET (dialog), tether_test_sshd_get_fingerprint (stranger)));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  tether_test_wait_until (is_entered, session, WAIT_MS);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "127.0.0.1"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

static gboolean
error_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-error-dialog") != NULL;
}

static gboolean
is_label_exactly (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_tooltip (GtkWidget     *widget,
            gconstpointer  text)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0;
}

static void
test_changed_host_key (void)
{
  g_autoptr(TetherTestSshd) changed = tether_test_sshd_new_sibling (sshd);
  TetherSession *session = add_session (tether_test_sshd_get_target (changed), "Changed", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *known = NULL;
  g_autofree char *command = NULL;
  GtkWidget *command_label;
  GtkWidget *copy;
  GtkWindow *question;
  GtkWindow *dialog;

  /* A response given from code does not close a message dialog the way its
   * buttons do: what an earlier test answered may still be up. */
  while ((question = find_toplevel ("tether-host-key-dialog")) != NULL)
    gtk_window_destroy (question);

  /* Known with one key, then the server comes back with another. */
  tether_test_sshd_trust (changed);
  known = g_strdup (tether_test_sshd_get_fingerprint (changed));
  tether_test_sshd_change_host_key (changed);

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);

  /* An error that explains and gives the line to run; never a question. */
  tether_test_wait_until (error_dialog_shown, NULL, WAIT_MS);
  g_assert_null (find_toplevel ("tether-host-key-dialog"));
  dialog = find_toplevel ("tether-error-dialog");
  /* The key known next to the new one. */
  g_assert_true (label_contains (GTK_WIDGET (dialog), known));
  g_assert_true (label_contains (GTK_WIDGET (dialog), tether_test_sshd_get_fingerprint (changed)));
  /* The command on a line of its own, whole: unwrapped and selectable. */
  command = g_strdup_printf ("ssh-keygen -R '[127.0.0.1]:%u' -f %s/.ssh/known_hosts",
                             tether_test_sshd_get_port (changed), g_get_home_dir ());
  command_label = tether_test_find_widget (GTK_WIDGET (dialog), is_label_exactly, command);
  g_assert_nonnull (command_label);
  g_assert_false (gtk_label_get_wrap (GTK_LABEL (command_label)));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (command_label)));
  /* Its button is there.  Not pressed here: claiming the X clipboard makes
   * GDK leak (LeakSanitizer) in every GTK test program on this X server. */
  copy = tether_test_find_widget (GTK_WIDGET (dialog), is_tooltip, "Copy Command");
  g_assert_nonnull (copy);
  g_assert_true (gtk_widget_is_ancestor (command_label, gtk_widget_get_parent (copy)));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpint (adw_tab_view_get_n_pages (tether_window_get_tab_view (window)), ==, 0);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_destroy (dialog);
  tether_session_manager_remove_session (manager (), session);
}

static gboolean
host_key_dialog_gone (gpointer data)
{
  return find_toplevel ("tether-host-key-dialog") == NULL;
}

/* The server dies while its key is asked about: the dialog closes by
 * itself and the error says why; nothing is entered, nothing saved. */
static void
test_host_key_withdrawn (void)
{
  g_autoptr(TetherTestSshd) dying = tether_test_sshd_new_sibling (sshd);
  TetherSession *session = add_session (tether_test_sshd_get_target (dying), "Dying", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (session);
  g_autofree char *host = g_strdup_printf ("[127.0.0.1]:%u", tether_test_sshd_get_port (dying));
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *contents = NULL;
  GtkWindow *question;
  GtkWindow *dialog;

  while ((question = find_toplevel ("tether-host-key-dialog")) != NULL)
    gtk_window_destroy (question);

  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  tether_test_wait_until (host_key_dialog_shown, NULL, WAIT_MS);

  tether_test_sshd_kill_connections (dying);
  tether_test_wait_until (host_key_dialog_gone, NULL, WAIT_MS);
  tether_test_wait_until (error_dialog_shown, NULL, WAIT_MS);
  dialog = find_toplevel ("tether-error-dialog");
  g_assert_true (label_contains (GTK_WIDGET (dialog), "withdrawn"));
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpint (adw_tab_view_get_n_pages (tether_window_get_tab_view (window)), ==, 0);
  g_assert_true (!g_file_get_contents (known_hosts, &contents, NULL, NULL) ||
                 strstr (contents, host) == NULL);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_destroy (dialog);
  tether_session_manager_remove_session (manager (), session);
}

static void
collect_editables (GtkWidget *widget,
                   GPtrArray *editables)
{
  /* The entries themselves, not the GtkText inside them. */
  if ((GTK_IS_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget)) && gtk_widget_get_visible (widget))
    {
      g_ptr_array_add (editables, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_editables (child, editables);
}


/* Waits for the dialog called @name, checks its entries hide what is typed
 * (@hidden), fills them with @answer and accepts. */
static void
answer_dialog (const char *name,
               const char *answer,
               gboolean    hidden)
{
  g_autoptr(GPtrArray) editables = g_ptr_array_new ();
  GtkWindow *dialog;

  tether_test_wait_until (toplevel_shown, (gpointer) name, WAIT_MS);
  dialog = find_toplevel (name);
  collect_editables (GTK_WIDGET (dialog), editables);
  g_assert_cmpuint (editables->len, ==, 1);
  g_assert_true (GTK_IS_PASSWORD_ENTRY (editables->pdata[0]) == hidden);
  gtk_editable_set_text (editables->pdata[0], answer);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
}

static void
enter_answering (TetherSession *session,
                 const char    *dialog,
                 const char    *answer,
                 gboolean       hidden)
{
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  answer_dialog (dialog, answer, hidden);
  tether_test_wait_until (is_entered, session, WAIT_MS);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
}

static void
test_passphrase_dialog (void)
{
  g_autofree char *key = tether_test_make_key ("gui-encrypted", "pass-phrase-1");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  TetherSessionDefinition def = {
    .target = tether_test_sshd_get_target (sshd),
    .name = "Locked",
    .identity_file = key,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  tether_test_sshd_authorize_key (sshd, pub);
  hidden = tether_test_hide_default_key ();
  session = tether_session_manager_add_session (manager (), &def, &error);
  g_assert_no_error (error);
  keep = g_object_ref (session);

  enter_answering (session, "tether-passphrase-dialog", "pass-phrase-1", TRUE);
  tether_test_restore_default_key (hidden);
}

static gboolean
passphrase_dialog_gone (gpointer data)
{
  return find_toplevel ("tether-passphrase-dialog") == NULL;
}

static gboolean
is_body_with (GtkWidget     *widget,
              gconstpointer  needle)
{
  return tether_test_is_label_with (widget, needle) && gtk_widget_get_mapped (widget);
}

/* Types @answer into the passphrase dialog's entry and presses Enter, as a
 * user does: the dialog answers and closes by itself.  Then waits until its
 * entry is finalized, and presses Shift in the window: GTK 4.8's password
 * entry would still be told of the keyboard's state, after its end. */
static void
type_passphrase (const char *answer,
                 const char *body)
{
  GtkWidget *entry = NULL;
  GtkWindow *dialog;
  g_autoptr(GPtrArray) editables = g_ptr_array_new ();

  tether_test_wait_until (toplevel_shown, (gpointer) "tether-passphrase-dialog", WAIT_MS);
  dialog = find_toplevel ("tether-passphrase-dialog");
  g_assert_nonnull (tether_test_find_widget (GTK_WIDGET (dialog), is_body_with, body));
  collect_editables (GTK_WIDGET (dialog), editables);
  g_assert_cmpuint (editables->len, ==, 1);
  entry = editables->pdata[0];
  g_object_add_weak_pointer (G_OBJECT (entry), (gpointer *) &entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), answer);
  gtk_widget_grab_focus (entry);
  tether_test_type_keys (entry, "Return");
  tether_test_wait_until (passphrase_dialog_gone, NULL, WAIT_MS);
  while (entry != NULL)
    g_main_context_iteration (NULL, TRUE);

  tether_test_type_keys (GTK_WIDGET (window), "<Shift>F12");
}

/* A wrong passphrase is asked again, saying so, up to three times; the
 * dialog answered from the keyboard logs nothing. */
static void
test_passphrase_retry (void)
{
  g_autofree char *key = tether_test_make_key ("gui-retry", "pass-phrase-2");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  TetherSessionDefinition def = {
    .target = tether_test_sshd_get_target (sshd),
    .name = "Retried",
    .identity_file = key,
  };
  g_autoptr(GError) error = NULL;
  TetherSession *session;
  g_autoptr(TetherSession) keep = NULL;
  GtkWindow *dialog;
  char *hidden;

  TETHER_TEST_NEEDS_XTEST ();
  /* What an earlier test answered from code is still up. */
  while ((dialog = find_toplevel ("tether-passphrase-dialog")) != NULL)
    gtk_window_destroy (dialog);
  tether_test_sshd_authorize_key (sshd, pub);
  hidden = tether_test_hide_default_key ();
  session = tether_session_manager_add_session (manager (), &def, &error);
  g_assert_no_error (error);
  keep = g_object_ref (session);

  /* Wrong, wrong, right: entered. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  type_passphrase ("wrong-1", "is protected by a passphrase");
  type_passphrase ("wrong-2", "(try 2 of 3)");
  type_passphrase ("pass-phrase-2", "(try 3 of 3)");
  tether_test_wait_until (is_entered, session, WAIT_MS);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.exit", NULL);
  tether_test_wait_until (no_pages, NULL, WAIT_MS);
  tether_session_manager_close_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);

  /* Wrong three times: the error says the passphrase was wrong, not that
   * the server refused. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enter", NULL);
  type_passphrase ("wrong-1", "is protected by a passphrase");
  type_passphrase ("wrong-2", "(try 2 of 3)");
  type_passphrase ("wrong-3", "(try 3 of 3)");
  tether_test_wait_until (error_dialog_shown, NULL, WAIT_MS);
  dialog = find_toplevel ("tether-error-dialog");
  g_assert_true (label_contains (GTK_WIDGET (dialog), "None of the passphrases you typed opened the key"));
  g_assert_false (label_contains (GTK_WIDGET (dialog), "refused"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_destroy (dialog);

  tether_session_manager_remove_session (manager (), session);
  tether_test_wait_until (state_is_closed, session, WAIT_MS);
  tether_test_restore_default_key (hidden);
}

static void
test_password_dialog (void)
{
  const char *user = tether_test_password_user ("gui-pw-1");
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  if (user == NULL)
    {
      g_test_skip ("password logins need a local account with a password: run as root");
      return;
    }

  server = tether_test_sshd_new ("PasswordAuthentication yes\n"
                                 "KbdInteractiveAuthentication no\n");
  tether_test_sshd_trust (server);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = tether_test_hide_default_key ();
  keep = g_object_ref (add_session (target, "Password", NULL));

  enter_answering (keep, "tether-password-dialog", "gui-pw-1", TRUE);
  tether_test_restore_default_key (hidden);
}

static void
test_keyboard_interactive_dialog (void)
{
  const char *user = tether_test_password_user ("gui-kbd-1");
  g_autoptr(TetherTestSshd) server = NULL;
  g_autofree char *target = NULL;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  if (user == NULL)
    {
      g_test_skip ("keyboard-interactive logins need PAM and a local account: run as root");
      return;
    }

  server = tether_test_sshd_new ("UsePAM yes\n"
                                 "KbdInteractiveAuthentication yes\n"
                                 "PasswordAuthentication no\n");
  tether_test_sshd_trust (server);
  target = g_strdup_printf ("%s@127.0.0.1:%u", user, tether_test_sshd_get_port (server));
  hidden = tether_test_hide_default_key ();
  keep = g_object_ref (add_session (target, "Kbd", NULL));

  /* PAM's "Password:" does not echo: a hidden entry. */
  enter_answering (keep, "tether-keyboard-interactive-dialog", "gui-kbd-1", TRUE);
  tether_test_restore_default_key (hidden);
}

static gboolean
is_shown_button (GtkWidget     *widget,
                 gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
         gtk_widget_get_mapped (widget);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  return tether_test_find_widget (widget, is_shown_button, label);
}

static gboolean
undo_button_shown (gpointer data)
{
  return find_button (GTK_WIDGET (window), "_Undo") != NULL;
}

static gboolean
is_shown_label_with (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

/* The Details button of the toast whose title says @title: another
 * test's toast may still be shown, or hiding. */
static GtkWidget *
find_details_button (const char *title)
{
  GtkWidget *label = tether_test_find_widget (GTK_WIDGET (window), is_shown_label_with, title);

  for (GtkWidget *widget = label; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
      return find_button (widget, "_Details");
  return NULL;
}

static gboolean
details_shown (gpointer title)
{
  return find_details_button (title) != NULL;
}

/* A forward whose port is taken: the session opens, and the window says
 * which forward is off and, behind Details, why. */
static void
test_forward_failed (void)
{
  g_autoptr(GSocketListener) busy = g_socket_listener_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *forwards = NULL;
  TetherSessionDefinition def = { .target = tether_test_sshd_get_target (sshd), .name = "Forwarded" };
  TetherSession *session;
  AdwMessageDialog *dialog;

  g_socket_listener_add_address (busy, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  forwards = g_strdup_printf ("-L %u:127.0.0.1:22",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  def.forwards = forwards;
  session = tether_session_manager_add_session (manager (), &def, &error);
  g_assert_no_error (error);

  g_assert_true (tether_test_open_session (manager (), session, &error));
  g_assert_no_error (error);
  tether_test_wait_until (details_shown, (gpointer) "is off", WAIT_MS);
  g_assert_cmpint (tether_session_get_state (session), ==, TETHER_SESSION_STATE_OPENED);

  g_signal_emit_by_name (find_details_button ("is off"), "clicked");
  tether_test_wait_until (toplevel_shown, (gpointer) "tether-forward-dialog", WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel ("tether-forward-dialog"));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), forwards));
  /* The sentence is the dialog's selectable label. */
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (adw_message_dialog_get_extra_child (dialog))),
                            "already in use"));
  adw_message_dialog_response (dialog, "close");

  tether_session_manager_remove_session (manager (), session);
}

static gboolean
session_listed_opened (gpointer data)
{
  TetherSession *session = tether_session_manager_lookup (manager (), data);

  return session != NULL && tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED;
}

static gboolean
new_session_dialog_gone (gpointer data)
{
  return find_toplevel ("tether-new-session-dialog") == NULL;
}

static gboolean
shows_failure (gpointer data)
{
  GtkWindow *dialog = find_toplevel ("tether-new-session-dialog");

  return dialog != NULL && find_button (GTK_WIDGET (dialog), "_Save Without Connecting") != NULL;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkEditable *
find_row (TetherNewSessionDialog *dialog,
          const char             *title)
{
  GtkWidget *row = tether_test_find_widget (GTK_WIDGET (dialog), is_row_titled, title);

  g_assert_nonnull (row);
  return GTK_EDITABLE (row);
}

/* A Create in @configuration that fails (@user refused by the server,
 * nothing listening on @port, no tmux there) keeps the dialog, every field
 * as typed and the reason (@reason) in it; Save Without Connecting lists
 * the session Closed. */
static void
check_create_fails (const char *name,
                    const char *user,
                    guint       port,
                    const char *configuration,
                    const char *reason)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *target = g_strdup_printf ("%s@127.0.0.1:%u", user, port);
  TetherNewSessionDialog *dialog;
  TetherSessionDefinition def;
  TetherSession *saved;
  GtkWidget *save;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", name, user, port_text);
  gtk_editable_set_text (find_row (dialog, "Configuration Name (DefaultShell, or tmux: the shell keeps "
                                           "running on the server)"),
                         configuration);
  gtk_editable_set_text (find_row (dialog, "Folder"), "Lab");
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");

  tether_test_wait_until (shows_failure, NULL, WAIT_MS);
  g_assert_true (find_toplevel ("tether-new-session-dialog") == GTK_WINDOW (dialog));
  g_assert_true (label_contains (GTK_WIDGET (dialog), reason));
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_assert_cmpstr (gtk_editable_get_text (find_row (dialog, "User (empty for the target’s or your own)")), ==, user);
  g_assert_cmpstr (gtk_editable_get_text (find_row (dialog, "Port (empty for 22 or the ssh config’s)")), ==, port_text);
  tether_new_session_dialog_get_definition (dialog, &def);
  g_assert_cmpstr (def.name, ==, name);
  g_assert_cmpstr (def.target, ==, target);
  g_assert_cmpstr (def.configuration_name, ==, configuration);
  g_assert_cmpstr (def.folder, ==, "Lab");
  g_assert_null (tether_session_manager_lookup (manager (), name));
  g_assert_null (find_toplevel ("tether-error-dialog"));

  save = find_button (GTK_WIDGET (dialog), "_Save Without Connecting");
  g_assert_true (gtk_widget_get_sensitive (save));
  g_signal_emit_by_name (save, "clicked");
  tether_test_wait_until (new_session_dialog_gone, NULL, WAIT_MS);
  saved = tether_session_manager_lookup (manager (), name);
  g_assert_nonnull (saved);
  g_assert_cmpint (tether_session_get_state (saved), ==, TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpstr (tether_session_get_target (saved), ==, target);
  g_assert_cmpstr (tether_session_get_folder (saved), ==, "Lab");
  tether_session_manager_remove_session (manager (), saved);
}

static void
test_new_session_refused (void)
{
  check_create_fails ("Refused", "tether-nobody", tether_test_sshd_get_port (sshd), "Lab.Shell",
                      "refused the login of “tether-nobody”");
}

/* Nothing listens on the port: the same, with the reason the core gives. */
static void
test_new_session_unreachable (void)
{
  guint port = tether_test_closed_port ();
  g_autofree char *reason = g_strdup_printf ("The computer “127.0.0.1” refused the connection on port %u.", port);

  check_create_fails ("Unreachable", tether_test_sshd_get_user (sshd), port, "Lab.Shell", reason);
}

/* A server without tmux, in the tmux configuration: the same, with the
 * sentence that says what to install. */
static void
test_new_session_no_tmux (void)
{
  TetherTestSshd *bare = tether_test_sshd_new_with_path ("/nonexistent");

  tether_test_sshd_trust (bare);
  check_create_fails ("NoTmux", tether_test_sshd_get_user (bare), tether_test_sshd_get_port (bare),
                      "tmux", "There is no tmux on 127.0.0.1. Install the “tmux” package there "
                      "(version 3.2 or later), or use the DefaultShell configuration.");
  tether_test_sshd_free (bare);
}

static void
test_new_session_dialog (void)
{
  TetherSession *taken = add_session ("taken.example", "Taken", NULL);
  g_autoptr(TetherSession) keep = g_object_ref (taken);
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  TetherNewSessionDialog *dialog;
  TetherSession *created;
  g_autofree char *instance_id = NULL;
  GtkWindow *question;
  guint id;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  g_assert_nonnull (dialog);

  /* Nothing typed yet: Create waits. */
  g_assert_false (tether_new_session_dialog_get_valid (dialog));

  /* Each field is checked while typing, with the core's reasons. */
  tether_new_session_dialog_set_fields (dialog, "a@@b", NULL, NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", NULL, NULL, "70000");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", NULL, NULL, "ssh");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Taken", NULL, port);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Created", "bad user", port);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));

  /* User and port fields complete the target. */
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Created", tether_test_sshd_get_user (sshd), port);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");
  tether_test_wait_until (session_listed_opened, (gpointer) "Created", WAIT_MS);
  tether_test_wait_until (new_session_dialog_gone, NULL, WAIT_MS);

  created = tether_session_manager_lookup (manager (), "Created");
  g_assert_cmpuint (tether_session_get_port (created), ==, tether_test_sshd_get_port (sshd));
  g_assert_cmpstr (tether_session_get_user_name (created), ==, tether_test_sshd_get_user (sshd));

  /* Duplicate lists a Closed copy under a free name. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.duplicate-session", NULL);
  g_assert_nonnull (tether_session_manager_lookup (manager (), "Created-2"));
  g_assert_cmpint (tether_session_get_state (tether_session_manager_lookup (manager (), "Created-2")), ==,
                   TETHER_SESSION_STATE_CLOSED);

  /* Remove forgets it; the toast's Undo lists it again, Closed, as the same
   * session (InstanceId), with the same Id. */
  instance_id = g_strdup (tether_session_get_instance_id (tether_session_manager_lookup (manager (),
                                                                                        "Created-2")));
  id = tether_session_get_id (tether_session_manager_lookup (manager (), "Created-2"));
  g_assert_cmpstr (instance_id, !=, tether_session_get_instance_id (created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-session", NULL);
  g_assert_null (tether_session_manager_lookup (manager (), "Created-2"));
  tether_test_wait_until (undo_button_shown, NULL, WAIT_MS);
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Undo"), "clicked");
  g_assert_nonnull (tether_session_manager_lookup (manager (), "Created-2"));
  g_assert_cmpint (tether_session_get_state (tether_session_manager_lookup (manager (), "Created-2")), ==,
                   TETHER_SESSION_STATE_CLOSED);
  g_assert_cmpstr (tether_session_get_instance_id (tether_session_manager_lookup (manager (), "Created-2")), ==,
                   instance_id);
  g_assert_cmpuint (tether_session_get_id (tether_session_manager_lookup (manager (), "Created-2")), ==, id);
  tether_session_manager_remove_session (manager (), tether_session_manager_lookup (manager (), "Created-2"));

  /* Edit: the same dialog, filled in; Save renames in place. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  g_assert_true (tether_new_session_dialog_get_session (dialog) == created);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, tether_session_get_target (created), "Taken", NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_fields (dialog, tether_session_get_target (created), "Renamed", NULL, NULL);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");
  g_assert_cmpstr (tether_session_get_name (created), ==, "Renamed");
  g_assert_null (find_toplevel ("tether-new-session-dialog"));

  /* Jump hosts: checked as targets are, kept, shown again by Edit. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  tether_new_session_dialog_set_jump_hosts (dialog, "a@@b");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_jump_hosts (dialog, "bastion,,inner");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_jump_hosts (dialog, "ops@bastion:2222,inner");
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_forwards (dialog, "-L 8080");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_forwards (dialog, "-L 127.0.0.1:0:localhost:80 -D 0");
  g_assert_false (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_forwards (dialog, "-R 0:localhost:22 -D 1080");
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  tether_new_session_dialog_set_forward_agent (dialog, TRUE);
  g_signal_emit_by_name (dialog, "create");
  g_assert_cmpstr (tether_session_get_jump_hosts (created), ==, "ops@bastion:2222,inner");
  g_assert_cmpstr (tether_session_get_forwards_spec (created), ==, "-R 0:localhost:22 -D 1080");
  g_assert_true (tether_session_get_forward_agent (created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  {
    TetherSessionDefinition def;

    tether_new_session_dialog_get_definition (dialog, &def);
    g_assert_cmpstr (def.jump_hosts, ==, "ops@bastion:2222,inner");
    g_assert_cmpstr (def.forwards, ==, "-R 0:localhost:22 -D 1080");
    g_assert_true (def.forward_agent);
  }
  tether_new_session_dialog_set_forward_agent (dialog, FALSE);
  tether_new_session_dialog_set_jump_hosts (dialog, "");
  tether_new_session_dialog_set_forwards (dialog, "");
  g_signal_emit_by_name (dialog, "create");
  g_assert_null (tether_session_get_jump_hosts (created));
  g_assert_false (tether_session_get_forward_agent (created));

  /* Close: asked (it is Opened), then Closed, still listed. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), created));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-session", NULL);
  tether_test_wait_until (toplevel_shown, (gpointer) "tether-end-session-dialog", WAIT_MS);
  question = find_toplevel ("tether-end-session-dialog");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "close");
  gtk_window_destroy (question);
  tether_test_wait_until (state_is_closed, created, WAIT_MS);
  g_assert_nonnull (tether_session_manager_lookup (manager (), "Renamed"));

  tether_session_manager_remove_session (manager (), created);
  tether_session_manager_remove_session (manager (), taken);
}

static gboolean
has_tooltip (GtkWidget     *widget,
             gconstpointer  tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static GtkWidget *
find_by_tooltip (GtkWidget  *widget,
                 const char *tooltip)
{
  return tether_test_find_widget (widget, has_tooltip, tooltip);
}

/* GtkFileChooserNative shows a GtkFileChooserDialog of its own when there
 * is no portal to ask (no sandbox here): a toplevel like any other. */
static GtkWindow *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
folder_shown (gpointer folder)
{
  g_autoptr(GFile) current = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (find_file_chooser ()));

  return current != NULL && g_file_equal (current, folder);
}

static gboolean
file_selected (gpointer file)
{
  g_autoptr(GFile) selected = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (find_file_chooser ()));

  return selected != NULL && g_file_equal (selected, file);
}

/* While the chooser is up, GTK 4.8 now and then draws the scroll button of
 * its path bar in a frame before giving it a place: a warning of GTK's own
 * (about one run in thirty here) that would fail the test.  That one
 * warning is let through, as a TAP comment; every other stays fatal. */
static gboolean chooser_up;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;

  if (chooser_up && (log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Gtk") == 0 &&
      message != NULL && g_str_has_prefix (message, "Trying to snapshot GtkButton ") &&
      g_str_has_suffix (message, " without a current allocation"))
    {
      g_test_message ("GTK 4.8's file chooser: %s", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* What the user does: the button, then the key in the folder the chooser
 * opens in, ~/.ssh, then Select. */
static void
choose_identity_file (TetherNewSessionDialog *dialog,
                      const char             *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;
  GtkWidget *button = find_by_tooltip (GTK_WIDGET (dialog), "Choose a private key file");
  GtkWindow *chooser;

  g_assert_nonnull (button);
  g_assert_null (find_file_chooser ());
  chooser_up = TRUE;
  g_signal_emit_by_name (button, "clicked");
  tether_test_wait_until (file_chooser_shown, NULL, WAIT_MS);
  chooser = find_file_chooser ();
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Choose a Private Key");
  g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (dialog));

  /* Choosing before the folder is shown would ask for it a second time, and
   * GTK 4.8 answers the request it then cancels by going to the parent
   * folder, over the newer one (a user cannot click that fast). */
  tether_test_wait_until (folder_shown, folder, WAIT_MS);

  /* The chooser selects the file once it has loaded the folder's list, not
   * at once: Select waits for that. */
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, &error));
  g_assert_no_error (error);
  tether_test_wait_until (file_selected, file, WAIT_MS);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_null (find_file_chooser ());
  chooser_up = FALSE;
}

/* A second key pair, next to the default one in ~/.ssh, where a user's
 * keys are and where the chooser opens. */
static char *
make_key_in_ssh_dir (const char *name)
{
  g_autofree char *made = tether_test_make_key (name, NULL);
  g_autofree char *made_pub = g_strconcat (made, ".pub", NULL);
  char *key = g_build_filename (g_get_home_dir (), ".ssh", name, NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);

  g_assert_cmpint (g_rename (made, key), ==, 0);
  g_assert_cmpint (g_rename (made_pub, pub), ==, 0);
  return key;
}

/* GTK 4.8's file chooser leaks what its folder-loading threads make (file
 * infos, dates), and drops GLib's first block of quark names by taking the
 * program past 2048 quarks: LeakSanitizer would blame this test.  So the
 * chooser runs in a child that leaves with _exit(), without the leak check;
 * what Tether does with the chosen file is checked by the assertions here,
 * and the dialog's own code by the other tests, with it. */
static void identity_file_child (void);

static void
test_identity_file (void)
{
  if (!tether_test_in_child ())
    return;
  identity_file_child ();
  _exit (0);
}

static void
identity_file_child (void)
{
  g_autofree char *key = make_key_in_ssh_dir ("gui-chosen");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  TetherNewSessionDialog *dialog;
  TetherSessionDefinition def;
  AdwActionRow *row;
  GtkWidget *clear;
  TetherSession *created;
  g_autoptr(TetherSession) keep = NULL;
  char *hidden;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  g_assert_nonnull (dialog);
  row = ADW_ACTION_ROW (tether_test_find_widget (GTK_WIDGET (dialog), tether_test_is_row,
                                                 "Identity File"));
  g_assert_nonnull (row);
  clear = find_by_tooltip (GTK_WIDGET (dialog), "Use the default keys");
  g_assert_nonnull (clear);

  /* At first: the default keys, and nothing to clear. */
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "The default keys and the agent");
  g_assert_false (gtk_widget_get_visible (clear));
  tether_new_session_dialog_get_definition (dialog, &def);
  g_assert_null (def.identity_file);

  choose_identity_file (dialog, key);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, key);
  g_assert_true (gtk_widget_get_visible (clear));
  tether_new_session_dialog_get_definition (dialog, &def);
  g_assert_cmpstr (def.identity_file, ==, key);

  /* Clear goes back to the default keys. */
  g_signal_emit_by_name (clear, "clicked");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "The default keys and the agent");
  g_assert_false (gtk_widget_get_visible (clear));
  tether_new_session_dialog_get_definition (dialog, &def);
  g_assert_null (def.identity_file);

  /* Chosen again and created: the session keeps the key and logs in with
   * it, the only key the server takes that the client has (the default one
   * is hidden). */
  choose_identity_file (dialog, key);
  tether_test_sshd_authorize_key (sshd, pub);
  hidden = tether_test_hide_default_key ();
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", "Keyed", tether_test_sshd_get_user (sshd), port);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");
  tether_test_wait_until (session_listed_opened, (gpointer) "Keyed", WAIT_MS);
  tether_test_restore_default_key (hidden);

  created = tether_session_manager_lookup (manager (), "Keyed");
  keep = g_object_ref (created);
  g_assert_cmpstr (tether_session_get_identity_file (created), ==, key);

  tether_session_manager_remove_session (manager (), created);
  tether_test_wait_until (state_is_closed, created, WAIT_MS);
  g_assert_cmpint (g_unlink (key), ==, 0);
  g_assert_cmpint (g_unlink (pub), ==, 0);
}

static gboolean
in_folder (gpointer data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (manager ()));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherSession) session = g_list_model_get_item (G_LIST_MODEL (manager ()), i);

      if (g_strcmp0 (tether_session_get_folder (session), "~/.ssh/config") == 0 &&
          g_strcmp0 (tether_session_get_target (session), data) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Import from SSH Configuration…: the menu's item, the chooser on
 * ~/.ssh/config, then a dialog saying what was done.  In a child, for the
 * chooser's leaks (see test_identity_file()). */
static void import_child (void);

static void
test_import_ssh_config (void)
{
  if (!tether_test_in_child ())
    return;
  import_child ();
  _exit (0);
}

static void
import_child (void)
{
  g_autofree char *config = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (config);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  GMenuModel *section = g_menu_model_get_item_link (window->primary_menu, 0, G_MENU_LINK_SECTION);
  GtkWindow *chooser;
  GtkWindow *report;
  g_autofree char *action = NULL;

  /* The main menu offers it first. */
  g_assert_true (g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "win.import-ssh-config");
  g_object_unref (section);

  g_assert_true (g_file_set_contents (config, "Host guia guib\nHost *.example.org\n", -1, NULL));
  chooser_up = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.import-ssh-config", NULL);
  tether_test_wait_until (file_chooser_shown, NULL, WAIT_MS);
  chooser = find_file_chooser ();
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Import from SSH Configuration");
  tether_test_wait_until (folder_shown, folder, WAIT_MS);
  tether_test_wait_until (file_selected, file, WAIT_MS);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  chooser_up = FALSE;

  tether_test_wait_until (toplevel_shown, (gpointer) "tether-import-dialog", WAIT_MS);
  report = find_toplevel ("tether-import-dialog");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (report)))), ==,
                   "Imported into the folder “~/.ssh/config”: 2 new sessions, 0 updated, "
                   "0 already up to date. Skipped, as they name no single computer: *.example.org.");
  g_assert_true (in_folder ((gpointer) "guia"));
  g_assert_true (in_folder ((gpointer) "guib"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (report), "close");
}

static gboolean
session_opened (gpointer session)
{
  return tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED;
}

/* What the SSH configuration sets that Tether does not apply, and how it
 * treats StrictHostKeyChecking no: a toast, its Details the sentence. */
static void
test_ssh_config_warning (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *config = g_strdup_printf ("Host warnbox\n  HostName 127.0.0.1\n  Port %u\n"
                                             "  ControlMaster auto\n  StrictHostKeyChecking no\n",
                                             tether_test_sshd_get_port (sshd));
  TetherSession *session;
  GtkWidget *button;
  GtkWindow *dialog;
  const char *text;

  g_assert_true (g_file_set_contents (path, config, -1, NULL));
  session = add_session ("warnbox", "Warned", NULL);
  tether_session_manager_open_session_async (manager (), session, NULL, NULL, NULL);
  tether_test_wait_until (session_opened, session, WAIT_MS);
  tether_test_wait_until (details_shown, (gpointer) "How Tether applies", WAIT_MS);

  button = find_details_button ("How Tether applies");
  g_signal_emit_by_name (button, "clicked");
  tether_test_wait_until (toplevel_shown, (gpointer) "tether-warning-dialog", WAIT_MS);
  dialog = find_toplevel ("tether-warning-dialog");
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "How Tether applies your SSH configuration to “Warned”");
  text = gtk_label_get_label (GTK_LABEL (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))));
  g_assert_nonnull (strstr (text, "configuration to “warnbox”: controlmaster auto."));
  g_assert_nonnull (strstr (text, "Tether never accepts a changed one."));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");

  tether_session_manager_remove_session (manager (), session);
  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);
  g_log_set_writer_func (log_writer, NULL, NULL);
  /* Toasts appear and go at once: libadwaita 1.2 can crash (a hiding
   * toast's animation skipped after it was freed) when the toasts of
   * these tests' Details come and go within each other's animations. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/dialogs/host-key", test_host_key);
  g_test_add_func ("/dialogs/changed-host-key", test_changed_host_key);
  g_test_add_func ("/dialogs/host-key-withdrawn", test_host_key_withdrawn);
  g_test_add_func ("/dialogs/passphrase", test_passphrase_dialog);
  g_test_add_func ("/dialogs/passphrase-retry", test_passphrase_retry);
  g_test_add_func ("/dialogs/password", test_password_dialog);
  g_test_add_func ("/dialogs/keyboard-interactive", test_keyboard_interactive_dialog);
  g_test_add_func ("/dialogs/identity-file", test_identity_file);
  g_test_add_func ("/dialogs/forward-failed", test_forward_failed);
  g_test_add_func ("/dialogs/new-session-refused", test_new_session_refused);
  g_test_add_func ("/dialogs/new-session-unreachable", test_new_session_unreachable);
  g_test_add_func ("/dialogs/new-session-no-tmux", test_new_session_no_tmux);
  g_test_add_func ("/dialogs/import-ssh-config", test_import_ssh_config);
  g_test_add_func ("/dialogs/ssh-config-warning", test_ssh_config_warning);
  /* Last: libadwaita 1.2 aborts (show_toast: !info->widget) when a
   * high-priority toast goes within the 300 ms in which the toast it put off
   * is still hiding, and this test's Undo does that once the main loop runs
   * again (the Undo toast goes from an idle).  The teardown, with no
   * connection left to wait for, destroys the window before that. */
  g_test_add_func ("/dialogs/new-session", test_new_session_dialog);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
