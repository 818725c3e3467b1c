/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-shortcuts.h"

static gboolean
keep_key (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  return TRUE;
}

/**
 * tether_shortcuts_attach:
 * @widget: the widget whose actions @shortcuts name
 * @shortcuts: its keys
 *
 * Gives @widget its keys, for itself and everything inside it.  They are
 * caught on the way down to the focus (the capture phase), before it gets
 * there: VTE takes every key it is given for the shell, and a search entry
 * has a Ctrl+Shift+G of its own.
 */
void
tether_shortcuts_attach (GtkWidget            *widget,
                         const TetherShortcut *shortcuts)
{
  GtkEventController *controller;
  GtkShortcutController *shortcut_controller;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (shortcuts != NULL);

  controller = gtk_shortcut_controller_new ();
  shortcut_controller = GTK_SHORTCUT_CONTROLLER (controller);
  gtk_event_controller_set_static_name (controller, "tether-shortcuts");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (const TetherShortcut *shortcut = shortcuts; shortcut->action != NULL; shortcut++)
    /* Backwards: menus show an action's key added last, and should show
     * the first. */
    for (guint i = g_strv_length ((char **) shortcut->accels); i-- > 0;)
      {
        GtkShortcutTrigger *trigger = gtk_shortcut_trigger_parse_string (shortcut->accels[i]);

        /* The action first.  When it is disabled (Copy with nothing
         * selected) the key is kept all the same: the shell would read
         * Ctrl+Shift+C as ^C. */
        gtk_shortcut_controller_add_shortcut (shortcut_controller,
                                              gtk_shortcut_new (g_object_ref (trigger),
                                                                gtk_named_action_new (shortcut->action)));
        gtk_shortcut_controller_add_shortcut (shortcut_controller,
                                              gtk_shortcut_new (trigger,
                                                                gtk_callback_action_new (keep_key, NULL, NULL)));
      }
  gtk_widget_add_controller (widget, controller);
}

static void
describe (GtkWidget            *widget,
          const TetherShortcut *shortcuts)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *action = NULL;

      g_object_get (widget, "action-name", &action, NULL);
      for (const TetherShortcut *shortcut = shortcuts; action != NULL && shortcut->action != NULL; shortcut++)
        if (g_str_equal (action, shortcut->action))
          {
            g_autofree char *accelerator = g_strjoinv (" ", (char **) shortcut->accels);

            g_object_set (widget, "accelerator", accelerator, "action-name", NULL, NULL);
            break;
          }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    describe (child, shortcuts);
}

/**
 * tether_shortcuts_describe:
 * @window: a shortcuts window
 * @shortcuts: keys that some of its lines name by action
 *
 * A #GtkShortcutsShortcut finds the keys of the action it names among the
 * application's accelerators only, and looks again whenever the window's
 * keys change.  Those that name an action of @shortcuts, in the sections
 * and in the search results alike, are given its keys instead, and no
 * action name to look up.
 */
void
tether_shortcuts_describe (GtkShortcutsWindow   *window,
                           const TetherShortcut *shortcuts)
{
  g_return_if_fail (GTK_IS_SHORTCUTS_WINDOW (window));
  g_return_if_fail (shortcuts != NULL);

  describe (GTK_WIDGET (window), shortcuts);
}
