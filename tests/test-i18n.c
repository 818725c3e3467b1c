/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tether in French, as a person would see it: runs under LANGUAGE=fr and
 * LANG=fr_FR.UTF-8 (set by tests/meson.build) with the catalogs of the
 * build tree, presents real windows and looks for French text in them, and
 * reads `tether --help`.  A missing fr_FR.UTF-8 locale fails the test: under
 * the C locale gettext ignores LANGUAGE, and a French test that silently ran
 * in English would prove nothing.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tether-application.h"
#include "tether-preferences-window.h"
#include "tether-test-sshd.h"

static char *locale_in_effect;

static void
collect_texts (GtkWidget *widget,
               GString   *texts)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (texts, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
  if (GTK_IS_WINDOW (widget) && gtk_window_get_title (GTK_WINDOW (widget)) != NULL)
    g_string_append_printf (texts, "%s\n", gtk_window_get_title (GTK_WINDOW (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static gboolean
timed_out (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
present_and_wait (GtkWindow *window)
{
  gboolean expired = FALSE;
  guint timeout_id = g_timeout_add_seconds (10, timed_out, &expired);

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)) && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (timeout_id);

  /* A few more cycles: lists fill their rows after the first frame. */
  for (int i = 0; i < 20 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static void
assert_shows (const char *texts,
              const char *french)
{
  if (strstr (texts, french) == NULL)
    g_error ("“%s” is not shown; the window shows:\n%s", french, texts);
}

static void
test_locale (void)
{
  /* setlocale() returns NULL when fr_FR.UTF-8 is not generated. */
  if (locale_in_effect == NULL || !g_str_has_prefix (locale_in_effect, "fr_FR"))
    g_error ("The locale is “%s”, not fr_FR.UTF-8: generate it (locale-gen) or the "
             "French tests prove nothing.  build-aux/test does it.",
             locale_in_effect != NULL ? locale_in_effect : "(not available)");

  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "fr");
  g_assert_cmpstr (_("Preferences"), ==, "Préférences");
  g_assert_cmpstr (C_("session state", "Broken"), ==, "Interrompue");
  /* French plurals: 0 and 1 take the singular. */
  for (guint n = 0; n < 3; n++)
    {
      const char *text = g_dngettext (GETTEXT_PACKAGE,
                                      "%u session could not be read and was left out: the "
                                      "file was kept as “%s”. Open it to recover that session.",
                                      "%u sessions could not be read and were left out: the "
                                      "file was kept as “%s”. Open it to recover those sessions.",
                                      n);

      g_assert_true (g_str_has_prefix (text, n < 2 ? "%u session n’a pas pu être lue"
                                                   : "%u sessions n’ont pas pu être lues"));
    }
}

static void
test_preferences_window (void)
{
  GtkWidget *window = g_object_ref_sink (tether_preferences_window_new (NULL));
  g_autoptr(GString) texts = g_string_new (NULL);

  present_and_wait (GTK_WINDOW (window));
  collect_texts (window, texts);

  assert_shows (texts->str, "Préférences");
  assert_shows (texts->str, "Police du terminal");
  assert_shows (texts->str, "Jeu de couleurs");
  assert_shows (texts->str, "Suivre le système");
  assert_shows (texts->str, "Lignes d’historique");
  assert_shows (texts->str, "Délai de connexion");
  assert_shows (texts->str, "Limite de simultanéité");
  assert_shows (texts->str, "Confirmer avant de quitter");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window (void)
{
  TetherApplication *app = tether_application_new ();
  TetherSessionDefinition def = {
    .target = "server01.invalid",
    .name = "Server01",
    .persistent = FALSE,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) texts = g_string_new (NULL);
  GtkWindow *window;

  /* No D-Bus name: other test programs run at once on the same bus. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  tether_session_manager_add_session (tether_application_get_manager (app), &def, &error);
  g_assert_no_error (error);

  window = tether_application_ensure_window (app);
  present_and_wait (window);
  collect_texts (GTK_WIDGET (window), texts);

  /* The tree's columns, a session's state, the empty terminal area. */
  assert_shows (texts->str, "Ordinateur");
  assert_shows (texts->str, "État");
  assert_shows (texts->str, "Fermée");
  assert_shows (texts->str, "Aucune session interactive");

  tether_session_manager_close_all (tether_application_get_manager (app));
  gtk_window_destroy (window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* Not g_assert_finalize_object(): registering emits startup, where
   * GtkApplication takes a reference that only shutdown, emitted by
   * g_application_run(), gives back. */
  g_application_quit (G_APPLICATION (app));
  g_object_unref (app);
}

static void
test_help (void)
{
  if (g_test_subprocess ())
    {
      char *argv[] = { (char *) "tether", (char *) "--help", NULL };
      g_autoptr(TetherApplication) app = tether_application_new ();

      /* Prints the help and exits. */
      g_application_run (G_APPLICATION (app), 2, argv);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  /* GLib's own words, from its French catalog… */
  g_test_trap_assert_stdout ("*Utilisation*");
  /* …and Tether's. */
  g_test_trap_assert_stdout ("*Gérer des sessions shell distantes nommées, par SSH.*");
  g_test_trap_assert_stdout ("*Lister les sessions comme le fait Get-PSSession*");
  g_test_trap_assert_stdout ("*CIBLE*");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TETHER_TEST_LOCALEDIR");
  int status;

  /* A private home; the harness keeps the caller's LANGUAGE and locale. */
  tether_test_init (&argc, &argv);
  /* Copied: the next setlocale() call overwrites the string. */
  locale_in_effect = g_strdup (setlocale (LC_ALL, ""));
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  tether_test_start_private_display ();
  gtk_init ();
  adw_init ();

  g_test_add_func ("/i18n/locale", test_locale);
  g_test_add_func ("/i18n/preferences-window", test_preferences_window);
  g_test_add_func ("/i18n/window", test_window);
  g_test_add_func ("/i18n/help", test_help);

  status = g_test_run ();
  g_free (locale_in_effect);
  return status;
}
