/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>


#include "tether-error.h"
#include "tether-target.h"
#include "tether-test-sshd.h"

static TetherTarget *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  TetherTarget *target = tether_target_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (target);
  return target;
}

static void
assert_target (const TetherTarget *target,
               const char         *user,
               const char         *host,
               guint               port)
{
  g_assert_cmpstr (target->user, ==, user);
  g_assert_cmpstr (target->host, ==, host);
  g_assert_cmpuint (target->port, ==, port);
}

static void
test_parse_user_host (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("alice@example.org");

  assert_target (target, "alice", "example.org", 0);
}

static void
test_parse_host_port (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("example.org:22");

  assert_target (target, NULL, "example.org", 22);
}

static void
test_parse_url (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("ssh://u@h:2222");

  assert_target (target, "u", "h", 2222);
}

static void
test_parse_ipv6_port (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("[::1]:2222");

  assert_target (target, NULL, "::1", 2222);
}

static void
test_parse_ipv6_user (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("u@[fe80::1]");

  assert_target (target, "u", "fe80::1", 0);
}

static void
test_parse_ipv6_bare (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("::1");

  assert_target (target, NULL, "::1", 0);
}

static void
test_parse_alias (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("web-prod2");

  assert_target (target, NULL, "web-prod2", 0);
}

/* Whether a name exists is DNS's business, at connect time. */
static void
test_parse_unresolvable (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("nosuchhost.invalid");

  assert_target (target, NULL, "nosuchhost.invalid", 0);
}

static void
test_parse_surrounding_space (void)
{
  g_autoptr(TetherTarget) target = parse_ok ("  bob@host\n");

  assert_target (target, "bob", "host", 0);
}

/* A link-local address needs its interface: "%" and the interface's name,
 * which libssh looks up. */
static void
test_parse_ipv6_zone (void)
{
  g_autoptr(TetherTarget) bare = parse_ok ("fe80::1%eth0");
  g_autoptr(TetherTarget) bracketed = parse_ok ("u@[fe80::1%br-lan.10_a]:2222");

  assert_target (bare, NULL, "fe80::1%eth0", 0);
  assert_target (bracketed, "u", "fe80::1%br-lan.10_a", 2222);
}

typedef struct {
  const char *test_name;
  const char *text;
  const char *named;   /* what the message must quote or mention */
} BadTarget;

static const BadTarget bad_targets[] = {
  { "empty", "", "empty" },
  { "double-at", "a@@b:x", "“a@@b:x”" },
  { "port-zero", "h:0", "“0”" },
  { "port-too-big", "h:70000", "“70000”" },
  { "port-missing", "h:", "missing" },
  { "port-not-digits", "h:22x", "“22x”" },
  { "user-empty", "@h", "empty" },
  { "space", "h b", "“h b”" },
  { "control", "h\tb", "control" },
  { "url-empty", "ssh://", "empty" },
  { "bracket-unclosed", "[::1", "“[::1”" },
  { "bracket-garbage", "[::1]x", "“x”" },
  { "bracket-not-address", "[example.org]:22", "“example.org”" },
  { "bad-ipv6", "1:2:zz", "“1:2:zz”" },
  { "leading-dash", "-oProxyCommand=x", "“-oProxyCommand=x”" },
  { "password", "u:secret@h", "password" },
  { "underscore", "web_prod", "“web_prod”" },
  { "non-ascii", "héllo", "“héllo”" },
  /* Found by fuzzing (tests/fuzz/fuzz-target.c): g_hostname_is_ip_address()
   * takes ":" and anything after an IPv6 zone's "%", shell syntax too. */
  { "bracket-colon", "[:]", "“:”" },
  { "zone-shell", "fe80::1%$(id)", "“$(id)”" },
  { "zone-shell-bracketed", "[fe80::1%`id`]:22", "“`id`”" },
  { "zone-second-percent", "fe80::1%eth0%x", "“eth0%x”" },
  { "zone-empty", "fe80::1%", "interface" },
  { "zone-too-long", "fe80::1%abcdefghijklmnop", "“abcdefghijklmnop”" },
  { "zone-ipv4", "192.0.2.1%eth0", "“192.0.2.1%eth0”" },
  /* A control character anywhere is refused as such, never echoed: not
   * after a space, not a C1 control (which the sessions file refuses). */
  { "control-after-space", "a b\001", "control" },
  { "control-c1-host", "h\302\205b", "control" },
  { "control-c1-user", "u\302\205@h", "control" },
  /* What does not print is quoted escaped. */
  { "bidi-host", "h\342\200\256b", "“h\\u{202e}b”" },
  { "bidi-after-bracket", "[::1]\342\200\256", "“\\u{202e}”" },
  { "bidi-user", "u\342\200\256:x@h", "“u\\u{202e}:x”" },
};

/* Nothing in a message that a terminal, a log or the text's direction
 * would act on. */
static void
assert_printable (const char *message)
{
  g_assert_true (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_true (g_unichar_isprint (c));
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_LINE_SEPARATOR);
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_PARAGRAPH_SEPARATOR);
    }
}

static void
test_parse_bad (gconstpointer data)
{
  const BadTarget *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse (bad->text, &error);

  g_assert_null (target);
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, bad->named));
  assert_printable (error->message);
  /* A whole sentence that also says what to do. */
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_assert_nonnull (strchr (error->message, ':'));
}

static void
test_validate_port (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_target_validate_port (1, NULL));
  g_assert_true (tether_target_validate_port (65535, NULL));
  g_assert_false (tether_target_validate_port (-1, NULL));
  g_assert_false (tether_target_validate_port (0, NULL));
  g_assert_false (tether_target_validate_port (70000, &error));
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_INVALID_TARGET);
  g_assert_cmpstr (error->message, ==,
                   "“70000” is not a valid port: use a number from 1 to 65535.");
}

static void
test_to_string_round_trip (void)
{
  const char *canonical[] = {
    "h", "u@h", "h:22", "u@h:2222", "[::1]:2222", "u@[fe80::1]:22", "::1", "u@fe80::1",
    "fe80::1%eth0", "[fe80::1%eth0]:22", "::ffff:192.0.2.1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (canonical); i++)
    {
      g_autoptr(TetherTarget) target = parse_ok (canonical[i]);
      g_autofree char *text = tether_target_to_string (target);
      g_autoptr(TetherTarget) again = parse_ok (text);

      g_assert_cmpstr (text, ==, canonical[i]);
      assert_target (again, target->user, target->host, target->port);
    }
}

static void
test_to_string_canonical (void)
{
  g_autoptr(TetherTarget) url = parse_ok ("ssh://u@h:2222");
  g_autoptr(TetherTarget) bracketed = parse_ok ("u@[fe80::1]");
  g_autofree char *url_text = tether_target_to_string (url);
  g_autofree char *bracketed_text = tether_target_to_string (bracketed);

  g_assert_cmpstr (url_text, ==, "u@h:2222");
  g_assert_cmpstr (bracketed_text, ==, "u@fe80::1");
}

static void
test_error_escape (void)
{
  const struct {
    const char *text;
    const char *escaped;
  } cases[] = {
    { "plain é ü 😀", "plain é ü 😀" },
    { "tab\tnl\ndel\177", "tab\\u{9}nl\\u{a}del\\u{7f}" },
    { "nel\302\205", "nel\\u{85}" },
    { "rlo\342\200\256 ls\342\200\250", "rlo\\u{202e} ls\\u{2028}" },
    { "bad\377x\303", "bad\\x{ff}x\\x{c3}" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = tether_error_escape (cases[i].text);

      g_assert_cmpstr (escaped, ==, cases[i].escaped);
      assert_printable (escaped);
    }
}

static void
test_boxed (void)
{
  g_autoptr(TetherTarget) target = tether_target_new ("u", "h", 7);
  TetherTarget *copy = g_boxed_copy (TETHER_TYPE_TARGET, target);

  g_assert_true (copy != target);
  assert_target (copy, "u", "h", 7);
  g_boxed_free (TETHER_TYPE_TARGET, copy);
}

static void
test_resolve_key (void)
{
  TetherResolvedTarget plain = { .user = (char *) "u", .host = (char *) "h", .port = 22 };
  TetherResolvedTarget v6 = { .user = (char *) "u", .host = (char *) "::1", .port = 2222 };
  g_autofree char *plain_key = tether_resolved_target_dup_key (&plain);
  g_autofree char *v6_key = tether_resolved_target_dup_key (&v6);

  g_assert_cmpstr (plain_key, ==, "u@h:22");
  g_assert_cmpstr (v6_key, ==, "u@[::1]:2222");
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/target/parse/user-host", test_parse_user_host);
  g_test_add_func ("/target/parse/host-port", test_parse_host_port);
  g_test_add_func ("/target/parse/url", test_parse_url);
  g_test_add_func ("/target/parse/ipv6", test_parse_ipv6_port);
  g_test_add_func ("/target/parse/ipv6-user", test_parse_ipv6_user);
  g_test_add_func ("/target/parse/ipv6-bare", test_parse_ipv6_bare);
  g_test_add_func ("/target/parse/alias", test_parse_alias);
  g_test_add_func ("/target/parse/unresolvable", test_parse_unresolvable);
  g_test_add_func ("/target/parse/surrounding-space", test_parse_surrounding_space);
  g_test_add_func ("/target/parse/ipv6-zone", test_parse_ipv6_zone);
  for (guint i = 0; i < G_N_ELEMENTS (bad_targets); i++)
    {
      g_autofree char *path = g_strconcat ("/target/parse/bad/", bad_targets[i].test_name, NULL);

      g_test_add_data_func (path, &bad_targets[i], test_parse_bad);
    }
  g_test_add_func ("/target/validate-port", test_validate_port);
  g_test_add_func ("/target/to-string/round-trip", test_to_string_round_trip);
  g_test_add_func ("/target/to-string/canonical", test_to_string_canonical);
  g_test_add_func ("/target/error-escape", test_error_escape);
  g_test_add_func ("/target/boxed", test_boxed);
  g_test_add_func ("/target/resolve/key", test_resolve_key);

  return g_test_run ();
}
