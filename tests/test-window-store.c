/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "tether-new-session-dialog-private.h"
#include "tether-session-store.h"
#include "tether-test-caps.h"
#include "tether-test-window.h"

/*
 * The window and the sessions file (issue #10, section 1): a save that
 * fails is a dialog with Retry, a file that cannot be read at start is a
 * dialog with Retry and Move Aside, the New Session dialog refuses what the
 * file cannot keep, and names are never read as Pango markup.
 */

static char *
sessions_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "tether", "sessions.ini", NULL);
}

/* What a label shows, markup or not, as the user reads it. */
static gboolean
window_shows (gpointer text)
{
  return tether_test_find_widget (GTK_WIDGET (window), tether_test_is_label, text) != NULL;
}

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  needle)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL;
}

static gboolean
store_dialog_shown (gpointer data)
{
  return find_toplevel ("tether-store-dialog") != NULL;
}

static gboolean
store_dialog_gone (gpointer data)
{
  return find_toplevel ("tether-store-dialog") == NULL;
}

static AdwMessageDialog *
wait_store_dialog (const char *heading,
                   const char *needle)
{
  AdwMessageDialog *dialog;

  tether_test_wait_until (store_dialog_shown, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel ("tether-store-dialog"));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_nonnull (tether_test_find_widget (GTK_WIDGET (dialog), is_label_with, needle));
  return dialog;
}

static gboolean
is_button (GtkWidget     *widget,
           gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* As the user answers: the button, which emits the response and closes the
 * dialog (adw_message_dialog_response() only does the first). */
static void
click (AdwMessageDialog *dialog,
       const char       *label)
{
  GtkWidget *button = tether_test_find_widget (GTK_WIDGET (dialog), is_button, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
file_mentions (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

/* A sessions.ini the application cannot read at start: a folder.  The
 * window opens with a dialog that names it; the file is as it was. */
static void
unreadable_at_start_child (const char *response)
{
  g_autofree char *path = sessions_path ();
  AdwMessageDialog *dialog;

  dialog = wait_store_dialog ("Your Sessions File Could Not Be Read", path);
  g_assert_true (adw_message_dialog_has_response (dialog, "move-aside"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_assert_false (tether_session_manager_get_saved (manager ()));

  if (g_str_equal (response, "retry"))
    {
      /* The user made it a file again. */
      g_assert_cmpint (g_rmdir (path), ==, 0);
      g_assert_true (g_file_set_contents (path, "[Tether]\nVersion=1\n\n[Session f]\nName=FromFile\nComputerName=f\n",
                                          -1, NULL));
      click (dialog, "_Retry");
      g_assert_nonnull (tether_session_manager_lookup (manager (), "FromFile"));
    }
  else
    {
      /* A new, empty list in its place. */
      click (dialog, "_Move Aside");
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      tether_test_wait_until (window_shows, (gpointer) "Your sessions are saved.", WAIT_MS);
    }

  g_assert_true (tether_session_manager_get_saved (manager ()));
  tether_test_wait_until (store_dialog_gone, NULL, WAIT_MS);
}

static void
test_unreadable_at_start (gconstpointer response)
{
  g_autofree char *path = sessions_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) listing = NULL;
  const char *entry;

  /* The earlier tests' file gives way to a folder. */
  if (!g_test_subprocess ())
    {
      g_remove (path);
      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
    }
  if (tether_test_in_child ())
    {
      unreadable_at_start_child (response);
      _exit (0);
    }

  /* What the child left: the file it read or began, and a folder moved
   * aside. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_remove (path), ==, 0);
  listing = g_dir_open (dir, 0, NULL);
  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *aside = g_build_filename (dir, entry, NULL);

      g_assert_cmpstr (response, ==, "move-aside");
      g_assert_true (g_str_has_prefix (entry, "sessions.ini.aside-"));
      g_assert_true (g_file_test (aside, G_FILE_TEST_IS_DIR));
      g_assert_cmpint (g_rmdir (aside), ==, 0);
    }
}

/* A save that fails (a read-only folder) is a dialog, not a line on
 * stderr; Retry saves once the folder is writable again. */
static void
test_save_failure (void)
{
  g_autofree char *path = sessions_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  TetherSession *original = add_session ("original.example", "Original", NULL);
  AdwMessageDialog *dialog;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  tether_test_drop_file_privileges ();

  /* Duplicate adds a session to remember. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), original));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.duplicate-session", NULL);
  g_assert_nonnull (tether_session_manager_lookup (manager (), "Original-2"));
  tether_test_restore_file_privileges ();

  dialog = wait_store_dialog ("Your Sessions Were Not Saved", "could not be saved");
  g_assert_false (adw_message_dialog_has_response (dialog, "move-aside"));
  g_assert_false (file_mentions (path, "Original-2"));

  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  click (dialog, "_Retry");
  tether_test_wait_until (store_dialog_gone, NULL, WAIT_MS);
  g_assert_true (file_mentions (path, "Original-2"));
  tether_test_wait_until (window_shows, (gpointer) "Your sessions are saved.", WAIT_MS);

  tether_session_manager_remove_session (manager (), tether_session_manager_lookup (manager (), "Original-2"));
  tether_session_manager_remove_session (manager (), original);
}

static GtkEditable *
row_editable (GtkWidget  *dialog,
              const char *title)
{
  GtkWidget *row = tether_test_find_widget (dialog, tether_test_is_row, title);

  g_assert_nonnull (row);
  return GTK_EDITABLE (row);
}

/* The dialog refuses, while typing, what the sessions file cannot keep: a
 * C1 control (U+0085 NEL) in the configuration or the folder.  A private
 * key's path shows as it is written, never as markup. */
static void
test_new_session_dialog_rules (void)
{
  const char *key = "/keys/a & b <i>.key";
  TetherSessionDefinition def = { .target = "keyed.example", .name = "Keyed", .identity_file = key };
  g_autoptr(GError) error = NULL;
  TetherSession *keyed = tether_session_manager_add_session (manager (), &def, &error);
  GtkWidget *dialog;

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", NULL);
  dialog = GTK_WIDGET (find_toplevel ("tether-new-session-dialog"));
  g_assert_nonnull (dialog);
  tether_new_session_dialog_set_fields (TETHER_NEW_SESSION_DIALOG (dialog), "host.example", "Fine", NULL, NULL);
  g_assert_true (tether_new_session_dialog_get_valid (TETHER_NEW_SESSION_DIALOG (dialog)));

  gtk_editable_set_text (row_editable (dialog, "Configuration Name (DefaultShell, or tmux: the shell keeps running on the server)"), "Bash\xc2\x85");
  tether_new_session_dialog_set_fields (TETHER_NEW_SESSION_DIALOG (dialog), "host.example", "Fine", NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (TETHER_NEW_SESSION_DIALOG (dialog)));
  gtk_editable_set_text (row_editable (dialog, "Configuration Name (DefaultShell, or tmux: the shell keeps running on the server)"), "");

  gtk_editable_set_text (row_editable (dialog, "Folder"), "Lab\xc2\x85");
  tether_new_session_dialog_set_fields (TETHER_NEW_SESSION_DIALOG (dialog), "host.example", "Fine", NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (TETHER_NEW_SESSION_DIALOG (dialog)));

  tether_new_session_dialog_set_fields (TETHER_NEW_SESSION_DIALOG (dialog), "host.example", "nel\xc2\x85", NULL, NULL);
  g_assert_false (tether_new_session_dialog_get_valid (TETHER_NEW_SESSION_DIALOG (dialog)));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Edit shows the key's path in its row, literally. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), keyed));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-session", NULL);
  dialog = GTK_WIDGET (find_toplevel ("tether-new-session-dialog"));
  g_assert_nonnull (dialog);
  g_assert_nonnull (tether_test_find_widget (dialog, tether_test_is_label, key));
  gtk_window_destroy (GTK_WINDOW (dialog));

  tether_session_manager_remove_session (manager (), keyed);
}

static gboolean
session_listed_opened (gpointer name)
{
  TetherSession *session = tether_session_manager_lookup (manager (), name);

  return session != NULL && tether_session_get_state (session) == TETHER_SESSION_STATE_OPENED;
}

/* Issue #10: a session named <span size="60000">x</span> showed giant in
 * its toast, and `plain & simple` blanked the Remove toast. */
static void
test_names_not_markup (void)
{
  const char *span = "<span size=\"60000\">x</span>";
  g_autofree char *port = g_strdup_printf ("%u", tether_test_sshd_get_port (sshd));
  g_autofree char *opened = g_strdup_printf ("Session “%s” opened", span);
  TetherNewSessionDialog *dialog;
  TetherSession *plain = add_session ("plain.example", "plain & simple", NULL);
  TetherSession *created;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", NULL);
  dialog = TETHER_NEW_SESSION_DIALOG (find_toplevel ("tether-new-session-dialog"));
  tether_new_session_dialog_set_fields (dialog, "127.0.0.1", span, tether_test_sshd_get_user (sshd), port);
  g_assert_true (tether_new_session_dialog_get_valid (dialog));
  g_signal_emit_by_name (dialog, "create");
  tether_test_wait_until (session_listed_opened, (gpointer) span, WAIT_MS);
  tether_test_wait_until (window_shows, opened, WAIT_MS);

  /* Remove's toast: the one with Undo. */
  g_assert_true (tether_session_tree_select_session (tether_window_get_session_tree (window), plain));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-session", NULL);
  tether_test_wait_until (window_shows, (gpointer) "Session “plain & simple” removed", WAIT_MS);

  created = tether_session_manager_lookup (manager (), span);
  tether_session_manager_remove_session (manager (), created);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);

  /* Each child starts Tether again, with the sessions file its test made. */
  g_test_add_data_func ("/window-store/unreadable-at-start/retry", "retry", test_unreadable_at_start);
  g_test_add_data_func ("/window-store/unreadable-at-start/move-aside", "move-aside", test_unreadable_at_start);
  g_test_add_func ("/window-store/save-failure", test_save_failure);
  g_test_add_func ("/window-store/new-session-dialog-rules", test_new_session_dialog_rules);
  /* The last toasts of this process (see tests/test-dialogs.c): GLib runs
   * the unreadable-at-start tests after it, each in a child of its own. */
  g_test_add_func ("/window-store/names-not-markup", test_names_not_markup);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();

  return status;
}
