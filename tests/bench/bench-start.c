/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Start to first frame of an X11 program, from the X server's side:
 *
 *   bench-start COMMAND [ARG…]
 *
 * Before starting COMMAND it asks the server for every window created on
 * the root (SubstructureNotify) and puts a Damage object on each as it is
 * created, so the first drawing into any of them is seen, without polling
 * and without LD_PRELOAD.  It prints "RESULT first_frame_ms=N" when a mapped
 * window was drawn into and holds more than one colour (a real frame, not
 * the server clearing the background at map time), then kills COMMAND's
 * process group.  Bias: the server's notice (sub-millisecond on Xvfb) plus
 * reading the window back (a few ms, the same for every program).
 *
 * cpu_ms is the processor time COMMAND's process (all its threads, not the
 * processes it starts) had used when it was killed: unlike the time to the
 * first frame, it changes little with what else the machine runs.  It
 * includes what COMMAND ran while its frame was read back.
 */

/* Whether the window shows more than its background. */
static gboolean
has_content (Display *dpy,
             Window   window)
{
  XWindowAttributes attrs;
  XImage *image;
  gboolean varied = FALSE;

  if (!XGetWindowAttributes (dpy, window, &attrs) || attrs.map_state != IsViewable)
    return FALSE;
  image = XGetImage (dpy, window, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap);
  if (image == NULL)
    return FALSE;
  for (int y = 0; y < attrs.height && !varied; y += 4)
    for (int x = 0; x < attrs.width && !varied; x += 4)
      varied = XGetPixel (image, x, y) != XGetPixel (image, 0, 0);
  XDestroyImage (image);
  return varied;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  Display *dpy;
  int damage_event, damage_error;
  GHashTable *mapped;
  GHashTable *damages;
  double start, deadline, map_ms = 0;
  pid_t pid;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s COMMAND [ARG…]\n", argv[0]);
      return 2;
    }

  dpy = XOpenDisplay (NULL);
  if (dpy == NULL || !XDamageQueryExtension (dpy, &damage_event, &damage_error))
    {
      fprintf (stderr, "no X display with the DAMAGE extension\n");
      return 1;
    }
  XSelectInput (dpy, DefaultRootWindow (dpy), SubstructureNotifyMask);
  XSync (dpy, False);
  mapped = g_hash_table_new (NULL, NULL);
  damages = g_hash_table_new (NULL, NULL);

  start = now_ms ();
  pid = fork ();
  if (pid == 0)
    {
      setpgid (0, 0);
      execvp (argv[1], argv + 1);
      _exit (127);
    }

  deadline = start + 20000;
  while (now_ms () < deadline)
    {
      XEvent event;

      if (!XPending (dpy))
        {
          g_usleep (200);
          continue;
        }
      XNextEvent (dpy, &event);
      if (event.type == CreateNotify)
        g_hash_table_insert (damages, GSIZE_TO_POINTER (event.xcreatewindow.window),
                             GSIZE_TO_POINTER (XDamageCreate (dpy, event.xcreatewindow.window,
                                                              XDamageReportNonEmpty)));
      else if (event.type == MapNotify)
        {
          g_hash_table_add (mapped, GSIZE_TO_POINTER (event.xmap.window));
          if (map_ms == 0)
            map_ms = now_ms () - start;
        }
      else if (event.type == damage_event + XDamageNotify)
        {
          XDamageNotifyEvent *damage = (XDamageNotifyEvent *) &event;

          /* Ask again for the next drawing, then look at this one. */
          XDamageSubtract (dpy, damage->damage, None, None);
          if (g_hash_table_contains (mapped, GSIZE_TO_POINTER (damage->drawable))
              && has_content (dpy, damage->drawable))
            {
              double frame_ms = now_ms () - start;
              struct rusage usage;

              kill (-pid, SIGTERM);
              waitpid (pid, NULL, 0);
              getrusage (RUSAGE_CHILDREN, &usage);
              printf ("RESULT first_frame_ms=%.1f map_ms=%.1f cpu_ms=%.1f\n", frame_ms, map_ms,
                      (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
                      (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0);
              fflush (stdout);
              return 0;
            }
        }
    }

  fprintf (stderr, "no frame within 20 s\n");
  kill (-pid, SIGKILL);
  waitpid (pid, NULL, 0);
  return 1;
}
