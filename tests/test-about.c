/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-about.h"
#include "tether-test-window.h"

/*
 * The About window, from the build tree as build-aux/run starts Tether: the
 * app icon is not installed in any icon theme here (the test's XDG data
 * directories hold no hicolor copy of it), yet the window shows it.
 */

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
is_about (GtkWidget     *widget,
          gconstpointer  data)
{
  return ADW_IS_ABOUT_WINDOW (widget);
}

static gboolean
shows_app_icon (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_IMAGE (widget) &&
         gtk_image_get_storage_type (GTK_IMAGE (widget)) == GTK_IMAGE_ICON_NAME &&
         g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), APP_ID) == 0;
}

static void
test_icon (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  GtkWidget *about = NULL;
  GtkWidget *image;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (guint i = 0; about == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (is_about (toplevel, NULL))
        about = toplevel;
    }
  g_assert_nonnull (about);
  tether_test_wait_until (widget_mapped, about, WAIT_MS);

  image = tether_test_find_widget (about, shows_app_icon, NULL);
  g_assert_nonnull (image);
  g_assert_true (gtk_widget_get_mapped (image));

  /* The theme finds it, in Tether's own resources rather than as the
   * "image-missing" fallback. */
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  icon = gtk_icon_theme_lookup_icon (theme, APP_ID, NULL, 128, 1, GTK_TEXT_DIR_NONE, 0);
  file = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (file);
  uri = g_file_get_uri (file);
  g_assert_cmpstr (uri, ==, "resource:///io/github/tetherapp/Tether/icons/scalable/apps/" APP_ID ".svg");

  gtk_window_destroy (GTK_WINDOW (about));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tether_test_window_setup (&argc, &argv);

  g_test_add_func ("/about/icon", test_icon);

  status = g_test_run ();

  tether_test_window_teardown ();
  tether_test_window_free ();
  return status;
}
