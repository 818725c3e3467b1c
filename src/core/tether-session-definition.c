/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-session-definition.h"

/**
 * tether_session_definition_new:
 *
 * Returns: (transfer full): a definition with every field empty, whose
 *   strings it will own
 */
TetherSessionDefinition *
tether_session_definition_new (void)
{
  return g_new0 (TetherSessionDefinition, 1);
}

/**
 * tether_session_definition_new_for_session:
 *
 * Returns: (transfer full): what defines @session now, copied
 */
TetherSessionDefinition *
tether_session_definition_new_for_session (TetherSession *session)
{
  TetherSessionDefinition *def;

  g_return_val_if_fail (TETHER_IS_SESSION (session), NULL);

  def = tether_session_definition_new ();
  def->instance_id = g_strdup (tether_session_get_instance_id (session));
  def->name = g_strdup (tether_session_get_name (session));
  def->target = g_strdup (tether_session_get_target (session));
  def->configuration_name = g_strdup (tether_session_get_configuration_name (session));
  def->identity_file = g_strdup (tether_session_get_identity_file (session));
  def->folder = g_strdup (tether_session_get_folder (session));
  def->persistent = tether_session_get_persistent (session);
  return def;
}

/**
 * tether_session_definition_free:
 * @def: (nullable): a definition that owns its strings
 */
void
tether_session_definition_free (TetherSessionDefinition *def)
{
  if (def == NULL)
    return;

  /* Const for the definitions that borrow; these own theirs. */
  g_free ((char *) def->instance_id);
  g_free ((char *) def->name);
  g_free ((char *) def->target);
  g_free ((char *) def->configuration_name);
  g_free ((char *) def->identity_file);
  g_free ((char *) def->folder);
  g_free (def);
}
