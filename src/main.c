/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tether-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TetherApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  /* build-aux/run starts Tether from the build tree, where the catalogues
   * are not under the install prefix yet. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TETHER_LOCALEDIR") ? g_getenv ("TETHER_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = tether_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  /* A command this process carried out itself reports its status here:
   * GApplication says 0 whenever the main loop ran. */
  if (status == 0)
    status = tether_application_get_local_exit_status (app);
  return status;
}
