/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-reconnect-bar.h"

struct _TetherReconnectBar
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkRevealer    *revealer;
  GtkLabel       *label;
  GtkButton      *reconnect_button;

  /* Owned references */
  TetherSession  *session;
  GSignalGroup   *session_signals;

  guint           tick_id;
};

G_DEFINE_FINAL_TYPE (TetherReconnectBar, tether_reconnect_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum {
  RESPONSE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update (TetherReconnectBar *self);

static gboolean
tick_cb (gpointer data)
{
  update (data);
  return G_SOURCE_CONTINUE;
}

/* "3:52": what is left of the window, rounded up, as the bar counts it. */
static char *
format_left (gint64 deadline)
{
  gint64 left = MAX (deadline - g_get_monotonic_time (), 0);
  gint64 seconds = (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

static void
show (TetherReconnectBar *self,
      const char         *text,
      const char         *button)
{
  gtk_label_set_text (self->label, text);
  gtk_button_set_label (self->reconnect_button, button);
  gtk_button_set_use_underline (self->reconnect_button, TRUE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

static void
update (TetherReconnectBar *self)
{
  TetherSessionState state = self->session ? tether_session_get_state (self->session)
                                           : TETHER_SESSION_STATE_CLOSED;
  const char *host = self->session ? tether_session_get_computer_name (self->session) : NULL;

  if (state == TETHER_SESSION_STATE_CONNECTING)
    {
      g_autofree char *left = format_left (tether_session_get_reconnect_deadline (self->session));
      g_autofree char *text = NULL;

      /* Translators: the first %s is a computer's name, the second the time
       * left to retry, as minutes:seconds ("3:52"). */
      text = g_strdup_printf (_("The connection to %s was interrupted. Reconnecting… %s"), host, left);
      show (self, text, _("Reconnect _Now"));
      if (self->tick_id == 0)
        self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
      return;
    }

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (state == TETHER_SESSION_STATE_BROKEN)
    {
      const char *why = tether_session_get_last_error (self->session);
      g_autofree char *text = NULL;

      /* The one bar of a Broken tab: why, then the way back. */
      if (why != NULL)
        /* Translators: %s is a whole sentence saying why the connection
         * was lost ("… refused the connection. …"). */
        text = g_strdup_printf (_("%s Reconnect to get a new shell in this tab."), why);
      else
        text = g_strdup_printf (_("The connection to %s is lost. Reconnect to get a new shell in this tab."), host);
      show (self, text, _("_Reconnect"));
      return;
    }
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

static void
respond (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  TetherReconnectBar *self = TETHER_RECONNECT_BAR (widget);
  const char *response;

  if (g_str_equal (action_name, "reconnect.close"))
    response = "close";
  else if (self->session != NULL
           && tether_session_get_state (self->session) == TETHER_SESSION_STATE_CONNECTING)
    response = "reconnect-now";
  else
    response = "reconnect";
  g_signal_emit (self, signals[RESPONSE], 0, response);
}

static void
tether_reconnect_bar_dispose (GObject *object)
{
  TetherReconnectBar *self = TETHER_RECONNECT_BAR (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), TETHER_TYPE_RECONNECT_BAR);

  G_OBJECT_CLASS (tether_reconnect_bar_parent_class)->dispose (object);
}

static void
tether_reconnect_bar_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TetherReconnectBar *self = TETHER_RECONNECT_BAR (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_reconnect_bar_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TetherReconnectBar *self = TETHER_RECONNECT_BAR (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      tether_reconnect_bar_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_reconnect_bar_class_init (TetherReconnectBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tether_reconnect_bar_dispose;
  object_class->get_property = tether_reconnect_bar_get_property;
  object_class->set_property = tether_reconnect_bar_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TETHER_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherReconnectBar::response:
   * @response: "reconnect-now", "reconnect" or "close"
   */
  signals[RESPONSE] =
    g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tetherapp/Tether/ui/tether-reconnect-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TetherReconnectBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, TetherReconnectBar, label);
  gtk_widget_class_bind_template_child (widget_class, TetherReconnectBar, reconnect_button);
  gtk_widget_class_install_action (widget_class, "reconnect.reconnect", NULL, respond);
  gtk_widget_class_install_action (widget_class, "reconnect.close", NULL, respond);
}

static void
tether_reconnect_bar_init (TetherReconnectBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (TETHER_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::state", G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::last-error", G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::reconnect-deadline",
                                  G_CALLBACK (update), self);
}

GtkWidget *
tether_reconnect_bar_new (void)
{
  return g_object_new (TETHER_TYPE_RECONNECT_BAR, NULL);
}

void
tether_reconnect_bar_set_session (TetherReconnectBar *self,
                                  TetherSession      *session)
{
  g_return_if_fail (TETHER_IS_RECONNECT_BAR (self));
  g_return_if_fail (session == NULL || TETHER_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * tether_reconnect_bar_get_session:
 *
 * Returns: (transfer none) (nullable): the session it watches
 */
TetherSession *
tether_reconnect_bar_get_session (TetherReconnectBar *self)
{
  g_return_val_if_fail (TETHER_IS_RECONNECT_BAR (self), NULL);
  return self->session;
}

gboolean
tether_reconnect_bar_get_shown (TetherReconnectBar *self)
{
  g_return_val_if_fail (TETHER_IS_RECONNECT_BAR (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

/* What it says now (for the tests). */
const char *
tether_reconnect_bar_get_text (TetherReconnectBar *self)
{
  g_return_val_if_fail (TETHER_IS_RECONNECT_BAR (self), NULL);
  return gtk_label_get_text (self->label);
}
