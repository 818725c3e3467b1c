/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The preferences window writes what a person changes to the settings at
 * once, shows what another part of the app changed, and keeps the limits of
 * the schema; the colour scheme reaches the style manager.
 */
#include "config.h"

#include <locale.h>

#include "tether-preferences-window.h"
#include "tether-test-sshd.h"
#include "tether-test-widgets.h"

typedef struct {
  GSettings *settings;
  GtkWidget *window;
} Fixture;

/* A template child by the type and the title of the row that holds it. */
static GtkWidget *
row_widget (Fixture    *fixture,
            const char *title,
            GType       type)
{
  GtkWidget *row = tether_test_find_widget (fixture->window, tether_test_is_row, title);
  GtkWidget *widget;

  g_assert_nonnull (row);
  /* Rows are never of the types looked for: the row itself may be tried. */
  widget = tether_test_find_widget (row, tether_test_is_of_type, GSIZE_TO_POINTER (type));
  g_assert_nonnull (widget);
  return widget;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->settings = g_settings_new (APP_ID);
  fixture->window = g_object_ref_sink (tether_preferences_window_new (NULL));
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->window);
  g_object_unref (fixture->settings);
}

static void
test_spin_rows (Fixture       *fixture,
                gconstpointer  data)
{
  static const struct {
    const char *title;
    const char *key;
    double      min, max, default_value;
  } rows[] = {
    { "Scrollback Lines",   "scrollback-lines",   0, 1000000, 10000 },
    { "Connection Timeout", "connect-timeout",    1, 600,     20 },
    { "Keepalive Interval", "keepalive-interval", 1, 3600,    15 },
    { "Reconnection Window", "reconnect-window",  0, 86400,   240 },
    { "Throttle Limit",     "throttle-limit",     1, 1024,    32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkSpinButton *spin = GTK_SPIN_BUTTON (row_widget (fixture, rows[i].title,
                                                         GTK_TYPE_SPIN_BUTTON));
      GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
      g_autoptr(GVariant) value = NULL;

      g_test_message ("%s", rows[i].key);
      /* The limits come from the schema. */
      g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, rows[i].min);
      g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, rows[i].max);
      g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, rows[i].default_value);

      /* The row writes the key… */
      gtk_spin_button_set_value (spin, rows[i].min + 1);
      value = g_settings_get_value (fixture->settings, rows[i].key);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
        g_assert_cmpint (g_variant_get_int32 (value), ==, rows[i].min + 1);
      else
        g_assert_cmpuint (g_variant_get_uint32 (value), ==, rows[i].min + 1);

      /* …and shows what someone else wrote. */
      g_settings_reset (fixture->settings, rows[i].key);
      g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, rows[i].default_value);
    }
}

static void
test_confirm_quit (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkSwitch *sw = GTK_SWITCH (row_widget (fixture, "Confirm Quit", GTK_TYPE_SWITCH));

  g_assert_true (gtk_switch_get_active (sw));
  gtk_switch_set_active (sw, FALSE);
  g_assert_false (g_settings_get_boolean (fixture->settings, "confirm-quit"));
  g_settings_set_boolean (fixture->settings, "confirm-quit", TRUE);
  g_assert_true (gtk_switch_get_active (sw));
}

static void
test_color_scheme (Fixture       *fixture,
                   gconstpointer  data)
{
  AdwComboRow *row = ADW_COMBO_ROW (tether_test_find_widget (fixture->window, tether_test_is_row,
                                                             "Color Scheme"));
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *saved = NULL;

  g_assert_nonnull (row);
  tether_style_follow_settings (fixture->settings);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  adw_combo_row_set_selected (row, 2);
  saved = g_settings_get_string (fixture->settings, "color-scheme");
  g_assert_cmpstr (saved, ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (fixture->settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_settings_reset (fixture->settings, "color-scheme");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_DEFAULT);
}

/* Drop by default; the row and the key follow each other. */
static void
test_output_buffering (Fixture       *fixture,
                       gconstpointer  data)
{
  AdwComboRow *row = ADW_COMBO_ROW (tether_test_find_widget (fixture->window, tether_test_is_row,
                                                             "Output Buffering Mode"));
  g_autofree char *saved = NULL;

  g_assert_nonnull (row);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  g_assert_cmpint (g_settings_get_enum (fixture->settings, "output-buffering-mode"), ==, 0);

  adw_combo_row_set_selected (row, 1);
  saved = g_settings_get_string (fixture->settings, "output-buffering-mode");
  g_assert_cmpstr (saved, ==, "block");

  g_settings_set_string (fixture->settings, "output-buffering-mode", "drop");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  g_settings_reset (fixture->settings, "output-buffering-mode");
}

static void
test_terminal_font (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkSwitch *sw = GTK_SWITCH (row_widget (fixture, "Use System Font", GTK_TYPE_SWITCH));
  GtkWidget *font_row = tether_test_find_widget (fixture->window, tether_test_is_row, "Terminal Font");
  GtkFontChooser *chooser = GTK_FONT_CHOOSER (row_widget (fixture, "Terminal Font",
                                                          GTK_TYPE_FONT_BUTTON));
  g_autofree char *shown = NULL;
  g_autofree char *saved = NULL;

  /* The default, an empty string, is the desktop's font. */
  g_assert_true (gtk_switch_get_active (sw));
  g_assert_false (gtk_widget_get_sensitive (font_row));

  /* Choosing a font writes it and turns the switch off. */
  gtk_switch_set_active (sw, FALSE);
  g_assert_true (gtk_widget_get_sensitive (font_row));
  shown = gtk_font_chooser_get_font (chooser);
  saved = g_settings_get_string (fixture->settings, "terminal-font");
  g_assert_cmpstr (saved, ==, shown);

  gtk_font_chooser_set_font (chooser, "Monospace 14");
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (fixture->settings, "terminal-font");
  g_assert_cmpstr (saved, ==, "Monospace 14");

  /* Another part of the app going back to the default turns it on. */
  g_settings_reset (fixture->settings, "terminal-font");
  g_assert_true (gtk_switch_get_active (sw));
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (fixture->settings, "terminal-font");
  g_assert_cmpstr (saved, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  /* The rows are found by their English titles, whatever the developer's
   * language. */
  setlocale (LC_ALL, "C.UTF-8");
  gtk_disable_setlocale ();

  g_test_init (&argc, &argv, NULL);
  tether_test_start_private_display ();
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/preferences-window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("spin-rows", test_spin_rows);
  ADD ("confirm-quit", test_confirm_quit);
  ADD ("color-scheme", test_color_scheme);
  ADD ("output-buffering", test_output_buffering);
  ADD ("terminal-font", test_terminal_font);
#undef ADD

  return g_test_run ();
}
