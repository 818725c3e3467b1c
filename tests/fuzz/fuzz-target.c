/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "tether-error.h"
#include "tether-target.h"

/*
 * The target parser (tether_target_parse()), with what the user types.
 * Invariants: a target that parses prints (tether_target_to_string()) as
 * text that parses to the same target, and prints the same again; it holds
 * nothing the sessions file refuses; a refusal is a TETHER_ERROR_INVALID_TARGET
 * whose message is a sentence with nothing unprintable in it.
 */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
assert_no_control (const char *text)
{
  if (text == NULL)
    return;
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

static void
assert_round_trip (const TetherTarget *target)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = tether_target_to_string (target);
  g_autoptr(TetherTarget) again = tether_target_parse (printed, &error);
  g_autofree char *printed_again = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (again->user, ==, target->user);
  g_assert_cmpstr (again->host, ==, target->host);
  g_assert_cmpuint (again->port, ==, target->port);

  printed_again = tether_target_to_string (again);
  g_assert_cmpstr (printed_again, ==, printed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The parser takes a C string: text after a NUL is never seen. */
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse (text, &error);

  if (target == NULL)
    {
      g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
      fuzz_assert_printable (error->message);
      g_assert_true (g_str_has_suffix (error->message, "."));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (target->host);
  g_assert_cmpstr (target->host, !=, "");
  g_assert_true (target->user == NULL || *target->user != '\0');
  g_assert_cmpuint (target->port, <=, G_MAXUINT16);
  assert_no_control (target->user);
  assert_no_control (target->host);
  assert_round_trip (target);
  return 0;
}
