/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tether-test-keys.h"

/*
 * Real pointer clicks and drags: moved and pressed on the X server through
 * XTest, so that GTK picks the widget under the pointer as it does for a
 * mouse (a paned's handle may take a press meant for its child).  Positions
 * are in @widget's own coordinates.  The tests that use them skip without
 * XTest (TETHER_TEST_NEEDS_XTEST()).
 */

#ifdef TETHER_TEST_HAVE_XTEST

typedef struct {
  guint released;
  guint wanted;
} TetherTestButtonWait;

/* Only watches: the event goes on to the widgets. */
static inline gboolean
tether_test_on_button_event (GtkEventControllerLegacy *controller,
                             GdkEvent                 *event,
                             TetherTestButtonWait     *wait)
{
  if (gdk_event_get_event_type (event) == GDK_BUTTON_RELEASE)
    wait->released++;
  return GDK_EVENT_PROPAGATE;
}

static inline gboolean
tether_test_button_released (gpointer data)
{
  TetherTestButtonWait *wait = data;

  return wait->released >= wait->wanted;
}

/* Where @x, @y of @widget is on the X screen. */
static inline void
tether_test_screen_point (GtkWidget *widget,
                          double     x,
                          double     y,
                          int       *screen_x,
                          int       *screen_y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (native));
  graphene_point_t point;
  double offset_x, offset_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  /* The native widget sits in its surface after any client-side shadow. */
  gtk_native_get_surface_transform (native, &offset_x, &offset_y);
  XTranslateCoordinates (display, xid, DefaultRootWindow (display),
                         (int) (point.x + offset_x), (int) (point.y + offset_y),
                         screen_x, screen_y, &child);
}

/* Presses the first button at @x0, @y0 of @widget, moves to @x1, @y1 in a
 * few steps, and releases it there; @n_clicks > 1 clicks that many times in
 * place instead (a double-click).  Returns once the window has seen the last
 * release. */
static inline void
tether_test_pointer (GtkWidget *widget,
                     double     x0,
                     double     y0,
                     double     x1,
                     double     y1,
                     guint      n_clicks)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  GtkEventController *watch = gtk_event_controller_legacy_new ();
  TetherTestButtonWait wait = { 0, MAX (n_clicks, 1) };
  int sx0, sy0, sx1, sy1;

  tether_test_screen_point (widget, x0, y0, &sx0, &sy0);
  tether_test_screen_point (widget, x1, y1, &sx1, &sy1);

  gtk_event_controller_set_propagation_phase (watch, GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "event", G_CALLBACK (tether_test_on_button_event), &wait);
  gtk_widget_add_controller (root, watch);

  /* Other test programs share this X server, with no window manager: all
   * their windows sit at the same place, and the pointer's events go to the
   * one on top.  Ours is, while the server is grabbed. */
  XGrabServer (display);
  XRaiseWindow (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (root))));
  XTestFakeMotionEvent (display, -1, sx0, sy0, CurrentTime);
  for (guint i = 0; i < wait.wanted; i++)
    {
      XTestFakeButtonEvent (display, 1, TRUE, CurrentTime);
      if (i == 0 && n_clicks <= 1)
        for (int step = 1; step <= 4; step++)
          XTestFakeMotionEvent (display, -1, sx0 + (sx1 - sx0) * step / 4, sy0 + (sy1 - sy0) * step / 4,
                                CurrentTime);
      XTestFakeButtonEvent (display, 1, FALSE, CurrentTime);
    }
  XUngrabServer (display);
  XFlush (display);

  tether_test_wait_until (tether_test_button_released, &wait, 20000);
  gtk_widget_remove_controller (root, watch);
}

#endif
