/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-test-window.h"

/*
 * The keys and the shortcuts window that lists them.  The keys are read
 * from the running application, not from Tether's tables: the
 * application's accelerators and every shortcut controller of the window's
 * widgets (the tab view's, the terminal's, its tab's), with a session
 * entered so that a terminal and a tab exist.  A key added anywhere later
 * and not listed fails here, as does a listed key that does nothing.
 * GTK's own widget keys (an entry's Ctrl+A) are GTK's, not listed.
 */

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
widget_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

/* One spelling per key: "<Control>Page_Down" for the keypad's Page Down as
 * well, since the shortcuts window shows them as one key. */
static char *
key_name (guint           keyval,
          GdkModifierType mods)
{
  const char *name = gdk_keyval_name (keyval);

  if (name != NULL && g_str_has_prefix (name, "KP_"))
    {
      guint main_keyval = gdk_keyval_from_name (name + 3);

      if (main_keyval != GDK_KEY_VoidSymbol)
        keyval = main_keyval;
    }
  /* Shift+Tab arrives as ISO_Left_Tab. */
  if (keyval == GDK_KEY_ISO_Left_Tab)
    keyval = GDK_KEY_Tab;
  return gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods & gtk_accelerator_get_default_mod_mask ());
}

/* @accelerator as gtk_accelerator_parse() reads it, or a range as the
 * shortcuts window shows one: "<Alt>1...<Alt>9". */
static void
add_accelerator (GHashTable *keys,
                 const char *accelerator,
                 const char *where)
{
  g_auto(GStrv) ends = g_strsplit (accelerator, "...", 2);
  guint first, last;
  GdkModifierType mods, last_mods;

  g_assert_true (gtk_accelerator_parse (ends[0], &first, &mods));
  last = first;
  last_mods = mods;
  if (ends[1] != NULL)
    g_assert_true (gtk_accelerator_parse (ends[1], &last, &last_mods));
  g_assert_cmpuint (mods, ==, last_mods);
  g_assert_cmpuint (first, <=, last);
  for (guint keyval = first; keyval <= last; keyval++)
    g_hash_table_replace (keys, key_name (keyval, mods), g_strdup (where));
}

static void
add_trigger (GHashTable         *keys,
             GtkShortcutTrigger *trigger,
             const char         *where)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    {
      GtkKeyvalTrigger *keyval = GTK_KEYVAL_TRIGGER (trigger);

      g_hash_table_replace (keys, key_name (gtk_keyval_trigger_get_keyval (keyval),
                                            gtk_keyval_trigger_get_modifiers (keyval)),
                            g_strdup (where));
    }
  else if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      GtkAlternativeTrigger *alternative = GTK_ALTERNATIVE_TRIGGER (trigger);

      add_trigger (keys, gtk_alternative_trigger_get_first (alternative), where);
      add_trigger (keys, gtk_alternative_trigger_get_second (alternative), where);
    }
  /* Mnemonics (GtkMnemonicTrigger) are the labels' own Alt+letter. */
}

/* The keys of every shortcut controller of @widget and its descendants but
 * GTK's own widget bindings. */
static void
add_widget_keys (GHashTable *keys,
                 GtkWidget  *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      const char *name = gtk_event_controller_get_name (controller);

      /* A GTK widget's own keys, and F10 for the main menu, are GTK's. */
      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          g_strcmp0 (name, "gtk-widget-class-shortcuts") == 0 ||
          g_strcmp0 (name, "gtk-window-menubar-accel") == 0)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          add_trigger (keys, gtk_shortcut_get_trigger (shortcut), G_OBJECT_TYPE_NAME (widget));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_widget_keys (keys, child);
}

static void
add_listed_keys (GHashTable *keys,
                 GtkWidget  *widget)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) accels = NULL;

      g_object_get (widget, "title", &title, "accelerator", &accelerator, NULL);
      accels = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; accels[i] != NULL; i++)
        add_accelerator (keys, accels[i], title);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_listed_keys (keys, child);
}

static void
test_every_key_listed (void)
{
  TetherSession *session = add_session (tether_test_sshd_get_target (sshd), "Web", NULL);
  g_autoptr(GHashTable) registered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  GtkWindow *overlay;

  enter (session);

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        add_accelerator (registered, accels[j], actions[i]);
    }
  add_widget_keys (registered, GTK_WIDGET (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  tether_test_wait_until (widget_mapped, overlay, WAIT_MS);
  add_listed_keys (listed, GTK_WIDGET (overlay));

  /* Each way: a key nobody can find, a line that promises nothing. */
  {
    GHashTableIter iter;
    const char *key, *where;
    guint missing = 0;

    g_hash_table_iter_init (&iter, registered);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &where))
      if (!g_hash_table_contains (listed, key))
        {
          g_test_message ("%s (%s) is not in the shortcuts window", key, where);
          missing++;
        }
    g_hash_table_iter_init (&iter, listed);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &where))
      if (!g_hash_table_contains (registered, key))
        {
          g_test_message ("“%s” lists %s, which nothing binds", where, key);
          missing++;
        }
    g_assert_cmpuint (missing, ==, 0);
  }

  /* All on one page: GTK 4.8's page switcher is never needed. */
  {
    GtkWidget *section = tether_test_find_widget (GTK_WIDGET (overlay), tether_test_is_of_type,
                                                  GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_SECTION));
    GtkWidget *pages = tether_test_find_widget (section, tether_test_is_of_type,
                                                GSIZE_TO_POINTER (GTK_TYPE_STACK));
    g_autoptr(GtkSelectionModel) stack_pages = gtk_stack_get_pages (GTK_STACK (pages));

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (stack_pages)), ==, 1);
  }

  gtk_window_close (overlay);
  tether_test_wait_until (widget_unmapped, overlay, WAIT_MS);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);

  g_test_add_func ("/shortcuts/every-key-listed", test_every_key_listed);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();
  return status;
}
