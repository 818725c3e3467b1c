/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tether-test-sshd.h"

/*
 * Real key presses: typed on the X server through its XTest extension, so
 * that GTK gets them as it gets a keyboard's and sends them through the
 * window's widgets to the focus.  Without XTest at build time the tests that
 * type skip, and say so.
 */

#ifdef TETHER_TEST_HAVE_XTEST

#include <gdk/x11/gdkx.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

typedef struct {
  guint    keycode;
  gboolean released;
} TetherTestKeyWait;

static inline void
tether_test_on_key_released (GtkEventControllerKey *controller,
                             guint                  keyval,
                             guint                  keycode,
                             GdkModifierType        state,
                             TetherTestKeyWait     *wait)
{
  if (keycode == wait->keycode)
    wait->released = TRUE;
}

static inline void
tether_test_fake_key (Display *display,
                      KeySym   keysym,
                      gboolean press)
{
  XTestFakeKeyEvent (display, XKeysymToKeycode (display, keysym), press, CurrentTime);
}

/* Sends @accelerator (gtk_accelerator_parse() syntax) to @widget's window,
 * whose focus is wherever it is; returns the keycode pressed. */
static inline guint
tether_test_send_keys (GtkWidget  *widget,
                       const char *accelerator)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (root)));
  GdkModifierType modifiers;
  guint keycode;
  guint keyval;

  g_assert_true (gtk_accelerator_parse (accelerator, &keyval, &modifiers));
  g_assert_cmpuint (modifiers & ~(GDK_CONTROL_MASK | GDK_SHIFT_MASK), ==, 0);
  keycode = XKeysymToKeycode (display, keyval);
  g_assert_cmpuint (keycode, !=, 0);
  /* A key on a keycode's second level (plus) needs Shift. */
  if (XkbKeycodeToKeysym (display, keycode, 0, 0) != keyval)
    modifiers |= GDK_SHIFT_MASK;

  /* Other test programs share this X server: none may move the keyboard
   * focus to a window of theirs between the focus and the keys. */
  XGrabServer (display);
  XSetInputFocus (display, xid, RevertToParent, CurrentTime);
  if (modifiers & GDK_CONTROL_MASK)
    tether_test_fake_key (display, XK_Control_L, TRUE);
  if (modifiers & GDK_SHIFT_MASK)
    tether_test_fake_key (display, XK_Shift_L, TRUE);
  XTestFakeKeyEvent (display, keycode, TRUE, CurrentTime);
  XTestFakeKeyEvent (display, keycode, FALSE, CurrentTime);
  if (modifiers & GDK_SHIFT_MASK)
    tether_test_fake_key (display, XK_Shift_L, FALSE);
  if (modifiers & GDK_CONTROL_MASK)
    tether_test_fake_key (display, XK_Control_L, FALSE);
  XUngrabServer (display);
  XFlush (display);
  return keycode;
}

/* Types @accelerator into @widget's window and returns once the window has
 * seen the key go up: by then its press went all the way through.  (A key
 * that opens a window of its own, whose key release that window may get,
 * is sent with tether_test_send_keys() and the window waited for.) */
static inline void
tether_test_type_keys (GtkWidget  *widget,
                       const char *accelerator)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  GtkEventController *watch = gtk_event_controller_key_new ();
  TetherTestKeyWait wait = { 0 };

  gtk_event_controller_set_propagation_phase (watch, GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "key-released", G_CALLBACK (tether_test_on_key_released), &wait);
  gtk_widget_add_controller (root, watch);

  wait.keycode = tether_test_send_keys (widget, accelerator);

  tether_test_wait_for_flag (&wait.released, 20000);
  gtk_widget_remove_controller (root, watch);
}

#define TETHER_TEST_NEEDS_XTEST()

#else

#define TETHER_TEST_NEEDS_XTEST()                                         \
  G_STMT_START {                                                          \
    g_test_skip ("built without XTest (libxtst-dev): cannot type keys");  \
    return;                                                               \
  } G_STMT_END

/* Never reached: the tests that type skip first. */
static inline guint
tether_test_send_keys (GtkWidget  *widget,
                       const char *accelerator)
{
  g_assert_not_reached ();
}

static inline void
tether_test_type_keys (GtkWidget  *widget,
                       const char *accelerator)
{
  g_assert_not_reached ();
}

#endif
