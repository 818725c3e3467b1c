/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

/* Finding a widget in a real window, as a user would see it: the tests look
 * by what shows (a label, a tooltip, a row's title, a style class), never by
 * a private template child. */

typedef gboolean (*TetherTestWidgetMatch) (GtkWidget     *widget,
                                           gconstpointer  data);

/* A match on a GType, given with GSIZE_TO_POINTER(). */
static inline gboolean
tether_test_is_of_type (GtkWidget     *widget,
                        gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

/* A match on a preferences row's title. */
static inline gboolean
tether_test_is_row (GtkWidget     *widget,
                    gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* A match on a label on screen showing @text, markup or not, as the user
 * reads it. */
static inline gboolean
tether_test_is_label (GtkWidget     *widget,
                      gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The first of @root and its descendants, depth first, that @match takes. */
static inline GtkWidget *
tether_test_find_widget (GtkWidget             *root,
                         TetherTestWidgetMatch  match,
                         gconstpointer          data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tether_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
tether_test_is_label_with (GtkWidget     *widget,
                           gconstpointer  needle)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL;
}

/* Whether a label under @widget shows @needle. */
static inline gboolean
label_contains (GtkWidget  *widget,
                const char *needle)
{
  return tether_test_find_widget (widget, tether_test_is_label_with, needle) != NULL;
}
