/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-preferences-window.h"

/* The font shown while the terminal follows the desktop, when the desktop
 * does not say which monospace font it uses. */
#define FALLBACK_MONOSPACE_FONT "Monospace 11"

struct _TetherPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* template widgets */
  AdwComboRow    *color_scheme_row;
  AdwComboRow    *output_buffering_row;
  GtkSwitch      *system_font_switch;
  AdwActionRow   *font_row;
  GtkFontButton  *font_button;
  GtkSpinButton  *scrollback_spin;
  GtkSpinButton  *connect_timeout_spin;
  AdwActionRow   *keepalive_row;
  GtkSpinButton  *keepalive_spin;
  GtkSpinButton  *reconnect_window_spin;
  GtkSpinButton  *throttle_spin;
  GtkSwitch      *confirm_quit_switch;

  /* owned references */
  GSettings      *settings;
  char           *system_font;
};

G_DEFINE_FINAL_TYPE (TetherPreferencesWindow, tether_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The nicks of an enum key, in the order of its combo row's items,
 * NULL-terminated. */
static const char * const color_scheme_nicks[] = { "system", "light", "dark", NULL };
static const char * const output_buffering_nicks[] = { "drop", "block", NULL };

static gboolean
nick_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    {
      if (g_str_equal (nick, nicks[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
nick_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) nicks))
    return NULL;

  return g_variant_new_string (nicks[selected]);
}

static void
bind_combo (TetherPreferencesWindow *self,
            const char              *key,
            AdwComboRow             *row,
            const char * const      *nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_get_mapping, nick_set_mapping, (gpointer) nicks, NULL);
}

/* An empty terminal-font means "the desktop's monospace font": the switch is
 * on exactly then. */
static gboolean
system_font_get_mapping (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  g_value_set_boolean (value, g_variant_get_string (variant, NULL)[0] == '\0');
  return TRUE;
}

static GVariant *
system_font_set_mapping (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  TetherPreferencesWindow *self = user_data;
  g_autofree char *font = NULL;

  if (g_value_get_boolean (value))
    return g_variant_new_string ("");

  /* Turning the switch off picks the font the button shows, so that the
   * terminal keeps its look until another font is chosen. */
  font = gtk_font_chooser_get_font (GTK_FONT_CHOOSER (self->font_button));
  return g_variant_new_string (font != NULL ? font : self->system_font);
}

static gboolean
font_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  TetherPreferencesWindow *self = user_data;
  const char *font = g_variant_get_string (variant, NULL);

  g_value_set_string (value, font[0] != '\0' ? font : self->system_font);
  return TRUE;
}

static GVariant *
font_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  TetherPreferencesWindow *self = user_data;
  const char *font = g_value_get_string (value);

  /* The button shows the system font while the switch is on: that is not a
   * choice, and writing it would turn the switch off. */
  if (font == NULL || gtk_switch_get_active (self->system_font_switch))
    return NULL;

  return g_variant_new_string (font);
}

static gboolean
monospace_filter (const PangoFontFamily *family,
                  const PangoFontFace   *face,
                  gpointer               user_data)
{
  return pango_font_family_is_monospace ((PangoFontFamily *) family);
}

static char *
lookup_system_monospace_font (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) interface = NULL;
  g_autofree char *font = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "monospace-font-name"))
    return g_strdup (FALLBACK_MONOSPACE_FONT);

  interface = g_settings_new_full (schema, NULL, NULL);
  font = g_settings_get_string (interface, "monospace-font-name");
  if (font == NULL || font[0] == '\0')
    return g_strdup (FALLBACK_MONOSPACE_FONT);

  return g_steal_pointer (&font);
}

/* The schema's range is the only source of a key's limits. */
static void
bind_spin (TetherPreferencesWindow *self,
           const char              *key,
           GtkSpinButton           *spin)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) limits = NULL;
  g_autofree char *kind = NULL;
  gdouble min = 0, max = G_MAXINT;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(sv)", &kind, &limits);

  if (g_str_equal (kind, "range"))
    {
      if (g_variant_is_of_type (limits, G_VARIANT_TYPE ("(ii)")))
        {
          gint32 lo, hi;

          g_variant_get (limits, "(ii)", &lo, &hi);
          min = lo;
          max = hi;
        }
      else if (g_variant_is_of_type (limits, G_VARIANT_TYPE ("(uu)")))
        {
          guint32 lo, hi;

          g_variant_get (limits, "(uu)", &lo, &hi);
          min = lo;
          max = hi;
        }
    }

  gtk_spin_button_set_range (spin, min, max);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
}

/* How many missed keepalives make a session Broken is a setting with no
 * row of its own: the interval's row says what it is. */
static void
update_keepalive_subtitle (TetherPreferencesWindow *self)
{
  guint missed = g_settings_get_uint (self->settings, "keepalive-max-missed");
  g_autofree char *subtitle = NULL;

  subtitle = g_strdup_printf (ngettext ("Seconds between keepalives; a session whose computer misses %u in a row is Broken",
                                        "Seconds between keepalives; a session whose computer misses %u in a row is Broken",
                                        missed),
                              missed);
  adw_action_row_set_subtitle (self->keepalive_row, subtitle);
}

static void
tether_preferences_window_dispose (GObject *object)
{
  TetherPreferencesWindow *self = TETHER_PREFERENCES_WINDOW (object);

  /* The font mappings read the window, so their bindings must not outlive
   * it, and the widgets they sit on can: here (GTK 4.8, libadwaita 1.2)
   * the switch and the font button were still alive after the window was
   * finalized.  Every binding goes, so that a leftover widget never writes
   * a setting. */
  if (self->font_button != NULL)
    {
      g_settings_unbind (self->font_button, "font");
      g_settings_unbind (self->system_font_switch, "active");
      g_settings_unbind (self->color_scheme_row, "selected");
      g_settings_unbind (self->output_buffering_row, "selected");
      g_settings_unbind (self->scrollback_spin, "value");
      g_settings_unbind (self->connect_timeout_spin, "value");
      g_settings_unbind (self->keepalive_spin, "value");
      g_settings_unbind (self->reconnect_window_spin, "value");
      g_settings_unbind (self->throttle_spin, "value");
      g_settings_unbind (self->confirm_quit_switch, "active");
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (tether_preferences_window_parent_class)->dispose (object);
}

static void
tether_preferences_window_finalize (GObject *object)
{
  TetherPreferencesWindow *self = TETHER_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->system_font, g_free);

  G_OBJECT_CLASS (tether_preferences_window_parent_class)->finalize (object);
}

static void
tether_preferences_window_class_init (TetherPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_preferences_window_dispose;
  object_class->finalize = tether_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, output_buffering_row);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, system_font_switch);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, font_row);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, font_button);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, scrollback_spin);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, connect_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, keepalive_row);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, keepalive_spin);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, reconnect_window_spin);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, throttle_spin);
  gtk_widget_class_bind_template_child (widget_class, TetherPreferencesWindow, confirm_quit_switch);
}

static void
tether_preferences_window_init (TetherPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->system_font = lookup_system_monospace_font ();

  bind_combo (self, "color-scheme", self->color_scheme_row, color_scheme_nicks);

  gtk_font_chooser_set_filter_func (GTK_FONT_CHOOSER (self->font_button),
                                    monospace_filter, NULL, NULL);
  gtk_font_chooser_set_level (GTK_FONT_CHOOSER (self->font_button),
                              GTK_FONT_CHOOSER_LEVEL_FAMILY | GTK_FONT_CHOOSER_LEVEL_SIZE);
  /* The switch first: the font's set mapping reads it. */
  g_settings_bind_with_mapping (self->settings, "terminal-font",
                                self->system_font_switch, "active",
                                G_SETTINGS_BIND_DEFAULT,
                                system_font_get_mapping, system_font_set_mapping,
                                self, NULL);
  g_settings_bind_with_mapping (self->settings, "terminal-font",
                                self->font_button, "font",
                                G_SETTINGS_BIND_DEFAULT,
                                font_get_mapping, font_set_mapping,
                                self, NULL);
  g_object_bind_property (self->system_font_switch, "active",
                          self->font_row, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  bind_spin (self, "scrollback-lines", self->scrollback_spin);
  bind_spin (self, "connect-timeout", self->connect_timeout_spin);
  bind_spin (self, "keepalive-interval", self->keepalive_spin);
  update_keepalive_subtitle (self);
  g_signal_connect_object (self->settings, "changed::keepalive-max-missed",
                           G_CALLBACK (update_keepalive_subtitle), self, G_CONNECT_SWAPPED);
  bind_spin (self, "reconnect-window", self->reconnect_window_spin);
  bind_spin (self, "throttle-limit", self->throttle_spin);

  g_settings_bind (self->settings, "confirm-quit",
                   self->confirm_quit_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  bind_combo (self, "output-buffering-mode", self->output_buffering_row, output_buffering_nicks);
}

/**
 * tether_preferences_window_new:
 * @parent: (nullable): the window the preferences belong to
 *
 * Creates the preferences window.  Every row is bound to its key of the
 * `io.github.tetherapp.Tether` schema: a change is saved, and seen by the
 * windows and terminals that listen to the key, at once.
 *
 * Returns: (transfer floating): a new #TetherPreferencesWindow
 */
GtkWidget *
tether_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (TETHER_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}

static void
apply_color_scheme (GSettings       *settings,
                    const char      *key,
                    AdwStyleManager *style_manager)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT,     /* system */
    ADW_COLOR_SCHEME_FORCE_LIGHT, /* light */
    ADW_COLOR_SCHEME_FORCE_DARK,  /* dark */
  };
  int scheme = g_settings_get_enum (settings, "color-scheme");

  G_STATIC_ASSERT (G_N_ELEMENTS (schemes) == G_N_ELEMENTS (color_scheme_nicks) - 1);

  if (scheme < 0 || (guint) scheme >= G_N_ELEMENTS (schemes))
    scheme = 0;

  adw_style_manager_set_color_scheme (style_manager, schemes[scheme]);
}

/**
 * tether_style_follow_settings:
 * @settings: settings of the `io.github.tetherapp.Tether` schema
 *
 * Applies the color-scheme key to the default #AdwStyleManager now and
 * whenever the key changes.  Call it once libadwaita is initialized, from
 * the application's startup.
 */
void
tether_style_follow_settings (GSettings *settings)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  g_return_if_fail (G_IS_SETTINGS (settings));

  g_signal_connect_object (settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), style_manager, 0);
  apply_color_scheme (settings, "color-scheme", style_manager);
}
