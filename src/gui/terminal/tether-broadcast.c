/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-broadcast.h"
#include "tether-terminal-private.h"

struct _TetherBroadcast
{
  GObject    parent_instance;

  /* TetherTerminal*, not referenced: a terminal leaves before it goes
   * (tether_terminal_set_broadcast (…, NULL) in its dispose). */
  GPtrArray *members;
};

G_DEFINE_FINAL_TYPE (TetherBroadcast, tether_broadcast, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_MEMBERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tether_broadcast_finalize (GObject *object)
{
  TetherBroadcast *self = TETHER_BROADCAST (object);

  g_assert (self->members->len == 0);
  g_ptr_array_unref (self->members);

  G_OBJECT_CLASS (tether_broadcast_parent_class)->finalize (object);
}

static void
tether_broadcast_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TetherBroadcast *self = TETHER_BROADCAST (object);

  switch (prop_id)
    {
    case PROP_N_MEMBERS:
      g_value_set_uint (value, self->members->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_broadcast_class_init (TetherBroadcastClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tether_broadcast_finalize;
  object_class->get_property = tether_broadcast_get_property;

  properties[PROP_N_MEMBERS] =
    g_param_spec_uint ("n-members", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tether_broadcast_init (TetherBroadcast *self)
{
  self->members = g_ptr_array_new ();
}

TetherBroadcast *
tether_broadcast_new (void)
{
  return g_object_new (TETHER_TYPE_BROADCAST, NULL);
}

gboolean
tether_broadcast_contains (TetherBroadcast *self,
                           TetherTerminal  *terminal)
{
  g_return_val_if_fail (TETHER_IS_BROADCAST (self), FALSE);

  return g_ptr_array_find (self->members, terminal, NULL);
}

/**
 * tether_broadcast_set_member:
 *
 * Picks @terminal, or unpicks it.  A terminal whose session is not
 * entered cannot be picked.
 *
 * Returns: whether @terminal is a member now
 */
gboolean
tether_broadcast_set_member (TetherBroadcast *self,
                             TetherTerminal  *terminal,
                             gboolean         member)
{
  TetherSession *session;

  g_return_val_if_fail (TETHER_IS_BROADCAST (self), FALSE);
  g_return_val_if_fail (TETHER_IS_TERMINAL (terminal), FALSE);

  session = tether_terminal_get_session (terminal);
  if (member && (session == NULL || !tether_session_get_attached (session)))
    member = FALSE;
  if (member == tether_broadcast_contains (self, terminal))
    return member;

  if (member)
    g_ptr_array_add (self->members, terminal);
  else
    g_ptr_array_remove (self->members, terminal);
  _tether_terminal_broadcast_changed (terminal);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
  return member;
}

guint
tether_broadcast_get_n_members (TetherBroadcast *self)
{
  g_return_val_if_fail (TETHER_IS_BROADCAST (self), 0);

  return self->members->len;
}

/**
 * tether_broadcast_stop:
 *
 * Unpicks every terminal: input goes back to each one's own shell.
 */
void
tether_broadcast_stop (TetherBroadcast *self)
{
  g_autoptr(GPtrArray) members = NULL;

  g_return_if_fail (TETHER_IS_BROADCAST (self));

  if (self->members->len == 0)
    return;
  members = g_steal_pointer (&self->members);
  self->members = g_ptr_array_new ();
  for (guint i = 0; i < members->len; i++)
    _tether_terminal_broadcast_changed (g_ptr_array_index (members, i));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

/**
 * tether_broadcast_write:
 *
 * Sends @data (keys, Ctrl keys, a paste: what a member's terminal
 * committed) to the shell of every member, in the order they were picked.
 */
void
tether_broadcast_write (TetherBroadcast *self,
                        const char      *data,
                        gsize            size)
{
  g_return_if_fail (TETHER_IS_BROADCAST (self));

  for (guint i = 0; i < self->members->len; i++)
    {
      TetherSession *session = tether_terminal_get_session (g_ptr_array_index (self->members, i));

      if (session != NULL)
        tether_session_write (session, data, size);
    }
}
