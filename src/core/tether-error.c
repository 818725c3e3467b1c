/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tether-error.h"

G_DEFINE_QUARK (tether-error-quark, tether_error)

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
