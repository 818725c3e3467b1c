/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-application.h"

struct _TetherApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TetherApplication, tether_application, ADW_TYPE_APPLICATION)

static void
tether_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (app)));
  gtk_window_present (window);
}

static void
tether_application_class_init (TetherApplicationClass *klass)
{
  G_APPLICATION_CLASS (klass)->activate = tether_application_activate;
}

static void
tether_application_init (TetherApplication *self)
{
}

TetherApplication *
tether_application_new (void)
{
  return g_object_new (TETHER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/tetherapp/Tether",
                       NULL);
}
