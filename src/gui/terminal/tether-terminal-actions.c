/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "tether-shortcuts.h"
#include "tether-terminal-private.h"

/* The terminal's actions and keys, its right-click menu and its links. */

#define ZOOM_MIN         0.5
#define ZOOM_MAX         3.0
#define ZOOM_STEP        1.1

/* A URL with a scheme, not ending on punctuation that usually closes a
 * sentence or a bracket around it. */
#define URL_REGEX \
  "(?:https?|ftp|file)://[^\\s<>\"'`{}|\\\\^]*[^\\s<>\"'`{}|\\\\^.,;:!?)\\]]"

/* Actions */

/* The terminal's keys: they work while it has the focus. */
const TetherShortcut tether_terminal_shortcuts[] = {
  { "term.copy", { "<Control><Shift>c" } },
  { "term.paste", { "<Control><Shift>v" } },
  { "term.zoom-in", { "<Control>plus", "<Control>equal" } },
  { "term.zoom-out", { "<Control>minus" } },
  { "term.zoom-reset", { "<Control>0" } },
  { NULL },
};

static void
update_actions (TetherTerminal *self)
{
  double scale = vte_terminal_get_font_scale (VTE_TERMINAL (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy",
                                 vte_terminal_get_has_selection (VTE_TERMINAL (self)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.zoom-in", scale * ZOOM_STEP <= ZOOM_MAX);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.zoom-out", scale / ZOOM_STEP >= ZOOM_MIN);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.zoom-reset", scale != 1.0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.open-link", self->menu_link != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy-link", self->menu_link != NULL);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vte_terminal_copy_clipboard_format (VTE_TERMINAL (widget), VTE_FORMAT_TEXT);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vte_terminal_paste_clipboard (VTE_TERMINAL (widget));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VteTerminal *terminal = VTE_TERMINAL (widget);
  double scale = vte_terminal_get_font_scale (terminal);

  if (g_str_equal (action_name, "term.zoom-in"))
    scale *= ZOOM_STEP;
  else if (g_str_equal (action_name, "term.zoom-out"))
    scale /= ZOOM_STEP;
  else
    scale = 1.0;
  vte_terminal_set_font_scale (terminal, CLAMP (scale, ZOOM_MIN, ZOOM_MAX));
  update_actions (TETHER_TERMINAL (widget));
}

static void
open_link (TetherTerminal *self,
           const char     *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
open_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TetherTerminal *self = TETHER_TERMINAL (widget);

  if (self->menu_link != NULL)
    open_link (self, self->menu_link);
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TetherTerminal *self = TETHER_TERMINAL (widget);

  if (self->menu_link != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->menu_link);
}

/* Pointer: links and the menu */

static char *
dup_link_at (TetherTerminal *self,
             double          x,
             double          y)
{
  int tag = -1;
  char *match = vte_terminal_check_match_at (VTE_TERMINAL (self), x, y, &tag);

  if (match != NULL && tag != self->url_tag)
    g_clear_pointer (&match, g_free);
  return match;
}

static GMenuModel *
build_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) link = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) zoom = g_menu_new ();
  g_autoptr(GMenuItem) zoom_section = NULL;

  g_menu_append (link, _("_Open Link"), "term.open-link");
  g_menu_append (link, _("Copy _Link"), "term.copy-link");
  g_menu_append (edit, _("_Copy"), "term.copy");
  g_menu_append (edit, _("_Paste"), "term.paste");
  g_menu_append (edit, _("_Find…"), "term.find");
  g_menu_append (zoom, _("Zoom _Out"), "term.zoom-out");
  g_menu_append (zoom, _("_Reset Zoom"), "term.zoom-reset");
  g_menu_append (zoom, _("Zoom _In"), "term.zoom-in");

  g_menu_append_section (menu, NULL, G_MENU_MODEL (link));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  zoom_section = g_menu_item_new_section (NULL, G_MENU_MODEL (zoom));
  g_menu_item_set_attribute (zoom_section, "display-hint", "s", "horizontal-buttons");
  g_menu_append_item (menu, zoom_section);
  return G_MENU_MODEL (menu);
}

static void
show_menu (TetherTerminal *self,
           double          x,
           double          y)
{
  g_free (self->menu_link);
  self->menu_link = dup_link_at (self, x, y);
  update_actions (self);

  if (self->popover == NULL)
    {
      g_autoptr(GMenuModel) model = build_menu ();

      self->popover = gtk_popover_menu_new_from_model (model);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TetherTerminal  *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (button == GDK_BUTTON_SECONDARY && (state & GDK_SHIFT_MASK) == 0)
    {
      show_menu (self, x, y);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }

  /* Ctrl+click opens a link, as in other terminals: a plain click selects. */
  if (button == GDK_BUTTON_PRIMARY && (state & GDK_CONTROL_MASK) != 0 && n_press == 1)
    {
      g_autofree char *link = dup_link_at (self, x, y);

      if (link != NULL)
        {
          open_link (self, link);
          gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
          return;
        }
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
}

void
_tether_terminal_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "term.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "term.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "term.open-link", NULL, open_link_action);
  gtk_widget_class_install_action (widget_class, "term.copy-link", NULL, copy_link_action);
}

void
_tether_terminal_init_actions (TetherTerminal *self)
{
  VteTerminal *terminal = VTE_TERMINAL (self);
  g_autoptr(VteRegex) url_regex = NULL;
  g_autoptr(GError) error = NULL;
  GtkGesture *click;

  self->url_tag = -1;
  url_regex = vte_regex_new_for_match (URL_REGEX, -1, PCRE2_MULTILINE | PCRE2_CASELESS, &error);
  if (url_regex != NULL)
    {
      self->url_tag = vte_terminal_match_add_regex (terminal, url_regex, 0);
      vte_terminal_match_set_cursor_name (terminal, self->url_tag, "pointer");
    }
  else
    g_warning ("Link pattern: %s", error->message);

  g_signal_connect_swapped (self, "selection-changed", G_CALLBACK (update_actions), self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  tether_shortcuts_attach (GTK_WIDGET (self), tether_terminal_shortcuts);
  update_actions (self);
}

void
_tether_terminal_dispose_actions (TetherTerminal *self)
{
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->menu_link, g_free);
}
