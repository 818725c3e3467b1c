/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tether-session.h"

/* The names of a session's states, in PowerShell's words. */

/**
 * tether_session_state_to_string:
 *
 * Returns: PowerShell's invariant English name of @state, as Get-PSSession
 *   prints it in every language
 */
const char *
tether_session_state_to_string (TetherSessionState state)
{
  switch (state)
    {
    case TETHER_SESSION_STATE_OPENING: return "Opening";
    case TETHER_SESSION_STATE_OPENED: return "Opened";
    case TETHER_SESSION_STATE_CLOSING: return "Closing";
    case TETHER_SESSION_STATE_CLOSED: return "Closed";
    case TETHER_SESSION_STATE_BROKEN: return "Broken";
    case TETHER_SESSION_STATE_DISCONNECTING: return "Disconnecting";
    case TETHER_SESSION_STATE_DISCONNECTED: return "Disconnected";
    case TETHER_SESSION_STATE_CONNECTING: return "Connecting";
    default: return "Unknown";
    }
}

/**
 * tether_session_state_to_display:
 *
 * Returns: the translated name of @state, for the window
 */
const char *
tether_session_state_to_display (TetherSessionState state)
{
  switch (state)
    {
    case TETHER_SESSION_STATE_OPENING: return C_("session state", "Opening");
    case TETHER_SESSION_STATE_OPENED: return C_("session state", "Opened");
    case TETHER_SESSION_STATE_CLOSING: return C_("session state", "Closing");
    case TETHER_SESSION_STATE_CLOSED: return C_("session state", "Closed");
    case TETHER_SESSION_STATE_BROKEN: return C_("session state", "Broken");
    case TETHER_SESSION_STATE_DISCONNECTING: return C_("session state", "Disconnecting");
    case TETHER_SESSION_STATE_DISCONNECTED: return C_("session state", "Disconnected");
    case TETHER_SESSION_STATE_CONNECTING: return C_("session state", "Connecting");
    default: return C_("session state", "Unknown");
    }
}
