/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-error.h"

/* What a TetherError carries besides its code: whether the user declined
 * a question on the way (see tether_error_is_declined()). */
typedef struct {
  gboolean declined;
} TetherErrorPrivate;

/* GLib hands these zero-filled, never NULL; the checks are for the
 * compiler, which sees the getter's g_return_val_if_fail(). */
static void
tether_error_private_init (TetherErrorPrivate *priv)
{
}

static void
tether_error_private_copy (const TetherErrorPrivate *src,
                           TetherErrorPrivate       *dest)
{
  if (src != NULL && dest != NULL)
    dest->declined = src->declined;
}

static void
tether_error_private_clear (TetherErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (TetherError, tether_error)

/**
 * tether_error_set_declined:
 * @error: a #TETHER_ERROR
 *
 * Marks @error as the end of a login the user declined (a question
 * canceled): its code says what failed, as for any failed login, and this
 * says that asking again without being asked to is pointless.
 */
void
tether_error_set_declined (GError *error)
{
  TetherErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == TETHER_ERROR);

  if ((priv = tether_error_get_private (error)) != NULL)
    priv->declined = TRUE;
}

/**
 * tether_error_is_declined:
 * @error: (nullable): any error
 *
 * Returns: whether @error ended a login because the user declined a
 *   question (see tether_error_set_declined())
 */
gboolean
tether_error_is_declined (const GError *error)
{
  TetherErrorPrivate *priv;

  if (error == NULL || error->domain != TETHER_ERROR)
    return FALSE;
  priv = tether_error_get_private (error);
  return priv != NULL && priv->declined;
}

/* What must not reach a message as it is: controls (a terminal or a log
 * would act on them), formatting characters (a bidi override reorders the
 * sentence around it), line and paragraph separators, and code points no
 * font has. */
static gboolean
needs_escape (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return !g_unichar_isprint (c) ||
         type == G_UNICODE_LINE_SEPARATOR ||
         type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

/**
 * tether_error_escape:
 * @text: (nullable): text from the user, a file or the network, to quote in
 *   a message
 *
 * Every message that quotes such text quotes it through this, so that what
 * the user reads is the sentence and nothing the text could do.
 *
 * Returns: (transfer full): @text as valid UTF-8 in which each character
 *   that does not print (see needs_escape()) is written `\u{85}` and each
 *   byte that is not UTF-8 `\x{ff}`; "" for %NULL
 */
char *
tether_error_escape (const char *text)
{
  GString *out;
  const char *p = text;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x{%02x}", (guchar) *p);
          p++;
          continue;
        }

      if (needs_escape (c))
        g_string_append_printf (out, "\\u{%x}", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}
