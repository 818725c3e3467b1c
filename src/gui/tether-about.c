/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tether-about.h"

/**
 * tether_about_present:
 * @parent: (nullable): the window the About window belongs to
 *
 * Shows the About window: version, licence (GPL-3.0-or-later, in COPYING),
 * developers and the translators of the current language.
 */
void
tether_about_present (GtkWindow *parent)
{
  static const char *developers[] = {
    "The Tether developers https://github.com/tetherapp/tether",
    NULL,
  };
  AdwAboutWindow *about;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);

  adw_about_window_set_application_name (about, "Tether");
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Tether developers"));
  adw_about_window_set_comments (about, _("Keep named sessions open on remote computers"));
  adw_about_window_set_website (about, "https://github.com/tetherapp/tether");
  adw_about_window_set_issue_url (about, "https://github.com/tetherapp/tether/issues");
  adw_about_window_set_copyright (about, _("© 2026 The Tether developers"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_developers (about, developers);
  /* Translators: your names and addresses, one a line; they are shown in
   * the About window's credits. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));

  gtk_window_present (GTK_WINDOW (about));
}
