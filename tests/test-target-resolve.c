/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <time.h>
#include <utime.h>

#include "tether-error.h"
#include "tether-session-manager.h"
#include "tether-target-private.h"
#include "tether-target.h"
#include "tether-test-session.h"
#include "tether-test-sshd.h"

/* The resolution of targets against OpenSSH's own client: for each
 * configuration, the resolved fields are those `ssh -G` prints for the same
 * file; and the libssh fallback, with `ssh` out of PATH. */

#define WAIT_MS 20000

static char *
ssh_dir_path (const char *name)
{
  return g_build_filename (g_get_home_dir (), ".ssh", name, NULL);
}

static void
write_ssh_file (const char *name,
                const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ssh_dir_path (name);
  g_autofree char *dir = g_path_get_dirname (path);

  if (contents == NULL)
    {
      g_remove (path);
      return;
    }
  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_chmod (path, 0600);
}

static TetherResolvedTarget *
resolve_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse (text, &error);
  TetherResolvedTarget *resolved;

  g_assert_no_error (error);
  resolved = tether_target_resolve (target, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (resolved);
  return resolved;
}

/* What OpenSSH's client itself says, run here independently of Tether:
 * keyword → first value. */
static GHashTable *
ssh_g (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse (text, &error);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *config = ssh_dir_path ("config");
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status;

  g_assert_no_error (error);
  g_ptr_array_add (argv, g_strdup ("ssh"));
  g_ptr_array_add (argv, g_strdup ("-G"));
  g_ptr_array_add (argv, g_strdup ("-F"));
  g_ptr_array_add (argv, g_strdup (config));
  if (target->user != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-l"));
      g_ptr_array_add (argv, g_strdup (target->user));
    }
  if (target->port != 0)
    g_ptr_array_add (argv, g_strdup_printf ("-p%u", target->port));
  g_ptr_array_add (argv, g_strdup (target->host));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &output, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space = strchr (lines[i], ' ');
      g_autofree char *keyword = space ? g_strndup (lines[i], space - lines[i]) : NULL;

      if (keyword != NULL && !g_hash_table_contains (options, keyword))
        g_hash_table_insert (options, g_steal_pointer (&keyword), g_strdup (space + 1));
    }
  return options;
}

typedef struct {
  const char *name;
  const char *config;
  const char *included[2][2];   /* file under ~/.ssh, contents */
  const char *target;
  const char *user;             /* %NULL: the local user */
  const char *host;
  guint       port;
  const char *identity;         /* under $HOME, or %NULL for none configured */
} ConfigCase;

static const ConfigCase config_cases[] = {
  { "include-glob",
    "Include ~/.ssh/conf.d/*.conf\n",
    { { "conf.d/10-a.conf", "Host inc\n  HostName inc.example.org\n" },
      { "conf.d/20-b.conf", "Host inc\n  User incuser\n  Port 2201\n" } },
    "inc", "incuser", "inc.example.org", 2201, NULL },
  { "match-host",
    "Match host mh\n  User mhuser\n  IdentityFile ~/.ssh/mh\n",
    { { NULL } }, "mh", "mhuser", "mh", 22, ".ssh/mh" },
  { "match-user",
    "Match user bob\n  Port 2202\n",
    { { NULL } }, "bob@mu", "bob", "mu", 2202, NULL },
  { "match-user-other",
    "Match user bob\n  Port 2202\n",
    { { NULL } }, "carol@mu", "carol", "mu", 22, NULL },
  { "match-exec",
    "Match exec \"test %h = mx\"\n  User execuser\n",
    { { NULL } }, "mx", "execuser", "mx", 22, NULL },
  { "match-exec-false",
    "Match exec \"test %h = mx\"\n  User execuser\n",
    { { NULL } }, "my", NULL, "my", 22, NULL },
  /* OpenSSH: a negated pattern that matches rules the line out, wherever it
   * is (libssh 0.10 let the first match decide). */
  { "host-negated-last",
    "Host * !neg\n  User star\n",
    { { NULL } }, "neg", NULL, "neg", 22, NULL },
  { "host-negated-first",
    "Host !neg *\n  User star\n",
    { { NULL } }, "neg", NULL, "neg", 22, NULL },
  { "host-negated-other",
    "Host * !neg\n  User star\n",
    { { NULL } }, "pos", "star", "pos", 22, NULL },
  { "tokens",
    "Host tok\n  HostName %h.example.org\n  User tu\n  Port 2203\n"
    "  IdentityFile ~/.ssh/id_%r_%h_%p\n",
    { { NULL } }, "tok", "tu", "tok.example.org", 2203, ".ssh/id_tu_tok.example.org_2203" },
  { "tokens-overridden",
    "Host tok\n  HostName %h.example.org\n  User tu\n  Port 2203\n"
    "  IdentityFile ~/.ssh/id_%r_%h_%p\n",
    { { NULL } }, "bob@tok:2200", "bob", "tok.example.org", 2200,
    ".ssh/id_bob_tok.example.org_2200" },
  { "first-value-wins",
    "Host fv\n  Port 2205\nHost *\n  Port 2299\n  User last\n",
    { { NULL } }, "fv", "last", "fv", 2205, NULL },
};

static void
test_config_case (gconstpointer data)
{
  const ConfigCase *c = data;
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(GHashTable) openssh = NULL;
  g_autofree char *port = NULL;

  write_ssh_file ("config", c->config);
  for (guint i = 0; i < G_N_ELEMENTS (c->included) && c->included[i][0] != NULL; i++)
    write_ssh_file (c->included[i][0], c->included[i][1]);

  resolved = resolve_ok (c->target);
  openssh = ssh_g (c->target);

  /* Equal to what `ssh -G` says... */
  g_assert_cmpstr (resolved->user, ==, g_hash_table_lookup (openssh, "user"));
  g_assert_cmpstr (resolved->host, ==, g_hash_table_lookup (openssh, "hostname"));
  port = g_strdup_printf ("%u", resolved->port);
  g_assert_cmpstr (port, ==, g_hash_table_lookup (openssh, "port"));

  /* ...and to what the case expects, so that the table itself is checked. */
  g_assert_cmpstr (resolved->user, ==, c->user != NULL ? c->user : g_get_user_name ());
  g_assert_cmpstr (resolved->host, ==, c->host);
  g_assert_cmpuint (resolved->port, ==, c->port);
  g_assert_cmpstr (resolved->alias, ==, g_hash_table_lookup (openssh, "host"));
  if (c->identity == NULL)
    g_assert_cmpuint (g_strv_length (resolved->identity_files), ==, 0);
  else
    {
      g_autofree char *expected = g_build_filename (g_get_home_dir (), c->identity, NULL);

      g_assert_cmpuint (g_strv_length (resolved->identity_files), ==, 1);
      g_assert_cmpstr (resolved->identity_files[0], ==, expected);
    }
  g_assert_null (resolved->config_file);

  for (guint i = 0; i < G_N_ELEMENTS (c->included) && c->included[i][0] != NULL; i++)
    write_ssh_file (c->included[i][0], NULL);
}

/* Every applied setting lands in its field; the others, and only those that
 * differ from OpenSSH's defaults, are listed as not applied. */
static void
test_applied_fields (void)
{
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autofree char *a = ssh_dir_path ("a");
  g_autofree char *b = ssh_dir_path ("b");
  g_autofree char *cert = ssh_dir_path ("a-cert.pub");
  g_autofree char *known = ssh_dir_path ("kh_fields.example.org");
  g_autofree char *agent = g_build_filename (g_get_home_dir (), "agent.sock", NULL);

  write_ssh_file ("config",
                  "Host fields\n"
                  "  HostName fields.example.org\n"
                  "  IdentityFile ~/.ssh/a\n"
                  "  IdentityFile ~/.ssh/b\n"
                  "  IdentitiesOnly yes\n"
                  "  IdentityAgent ~/agent.sock\n"
                  "  CertificateFile ~/.ssh/a-cert.pub\n"
                  "  UserKnownHostsFile ~/.ssh/kh_%h\n"
                  "  GlobalKnownHostsFile /etc/kh_%h\n"
                  "  HostKeyAlias fieldsalias\n"
                  "  StrictHostKeyChecking accept-new\n"
                  "  Ciphers aes128-ctr\n"
                  "  Compression yes\n"
                  "  ConnectTimeout 7\n"
                  "  ServerAliveInterval 5\n"
                  "  ServerAliveCountMax 4\n"
                  "  ProxyJump alice@bastion:2222,other\n"
                  "  LocalForward 8080 localhost:80\n"
                  "  RemoteForward 9090 localhost:90\n"
                  "  DynamicForward 1080\n"
                  "  ForwardAgent yes\n"
                  "  ControlMaster auto\n"
                  "  ForwardX11 yes\n");
  resolved = resolve_ok ("fields");

  g_assert_cmpuint (g_strv_length (resolved->identity_files), ==, 2);
  g_assert_cmpstr (resolved->identity_files[0], ==, a);
  g_assert_cmpstr (resolved->identity_files[1], ==, b);
  g_assert_true (resolved->identities_only);
  g_assert_cmpstr (resolved->identity_agent, ==, agent);
  g_assert_cmpstr (resolved->certificate_files[0], ==, cert);
  g_assert_cmpstr (resolved->user_known_hosts_files[0], ==, known);
  g_assert_null (resolved->user_known_hosts_files[1]);
  g_assert_cmpstr (resolved->global_known_hosts_files[0], ==, "/etc/kh_fields.example.org");
  g_assert_cmpstr (resolved->host_key_alias, ==, "fieldsalias");
  g_assert_cmpint (resolved->host_key_policy, ==, TETHER_HOST_KEY_POLICY_ACCEPT_NEW);
  g_assert_cmpstr (resolved->ciphers, ==, "aes128-ctr");
  g_assert_null (resolved->macs);
  g_assert_null (resolved->kex_algorithms);
  g_assert_null (resolved->host_key_algorithms);
  g_assert_true (resolved->compression);
  g_assert_cmpuint (resolved->connect_timeout_s, ==, 7);
  g_assert_cmpuint (resolved->server_alive_interval_s, ==, 5);
  g_assert_cmpuint (resolved->server_alive_count_max, ==, 4);
  g_assert_cmpstr (resolved->proxy_jump, ==, "alice@bastion:2222,other");
  g_assert_null (resolved->proxy_command);
  g_assert_cmpstr (resolved->local_forwards[0], ==, "8080 [localhost]:80");
  g_assert_cmpstr (resolved->remote_forwards[0], ==, "9090 [localhost]:90");
  g_assert_cmpstr (resolved->dynamic_forwards[0], ==, "1080");
  g_assert_true (resolved->forward_agent);
  g_assert_null (resolved->forward_agent_socket);

  /* libssh 0.10 has no CertificateFile: reported, like the rest. */
  g_assert_cmpuint (g_strv_length (resolved->ignored), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) resolved->ignored, "controlmaster auto"));
  g_assert_true (g_strv_contains ((const char * const *) resolved->ignored, "forwardx11 yes"));
  g_assert_true (g_strv_contains ((const char * const *) resolved->ignored,
                                  "certificatefile ~/.ssh/a-cert.pub"));
}

static void
test_defaults (void)
{
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autofree char *known = ssh_dir_path ("known_hosts");

  write_ssh_file ("config", NULL);
  resolved = resolve_ok ("example.org");

  g_assert_cmpstr (resolved->host, ==, "example.org");
  g_assert_cmpstr (resolved->user, ==, g_get_user_name ());
  g_assert_cmpuint (resolved->port, ==, 22);
  g_assert_cmpuint (g_strv_length (resolved->identity_files), ==, 0);
  g_assert_cmpuint (g_strv_length (resolved->ignored), ==, 0);
  /* Tether's own known_hosts, under $HOME, not the passwd entry's. */
  g_assert_cmpstr (resolved->user_known_hosts_files[0], ==, known);
  g_assert_null (resolved->user_known_hosts_files[1]);
  g_assert_cmpint (resolved->host_key_policy, ==, TETHER_HOST_KEY_POLICY_ASK);
  g_assert_null (resolved->proxy_jump);
  g_assert_false (resolved->forward_agent);
  g_assert_cmpuint (resolved->connect_timeout_s, ==, 0);
  g_assert_cmpuint (resolved->server_alive_interval_s, ==, 0);
  g_assert_cmpuint (resolved->server_alive_count_max, ==, 0);
}

static void
test_policies (void)
{
  static const struct {
    const char          *value;
    TetherHostKeyPolicy  policy;
  } policies[] = {
    { "yes", TETHER_HOST_KEY_POLICY_YES },
    { "ask", TETHER_HOST_KEY_POLICY_ASK },
    { "accept-new", TETHER_HOST_KEY_POLICY_ACCEPT_NEW },
    { "no", TETHER_HOST_KEY_POLICY_NO },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      g_autofree char *config = g_strdup_printf ("Host p\n  StrictHostKeyChecking %s\n",
                                                 policies[i].value);
      g_autoptr(TetherResolvedTarget) resolved = NULL;

      write_ssh_file ("config", config);
      resolved = resolve_ok ("p");
      g_assert_cmpint (resolved->host_key_policy, ==, policies[i].policy);
    }
}

static void
test_bad_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse ("bad", NULL);
  g_autoptr(TetherResolvedTarget) resolved = NULL;

  write_ssh_file ("config", "Host bad\n  NoSuchKeyword 1\n");
  resolved = tether_target_resolve (target, NULL, &error);

  /* ssh's own words for what is wrong reach the message. */
  g_assert_error (error, TETHER_ERROR, TETHER_ERROR_FAILED);
  g_assert_null (resolved);
  g_assert_nonnull (strstr (error->message, "Bad configuration option: nosuchkeyword"));
}

static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse ("bob@tok:2200", NULL);
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(TetherResolvedTarget) expected = NULL;
  TetherTestWait wait = { 0 };

  write_ssh_file ("config", "Host tok\n  HostName %h.example.org\n  User tu\n"
                  "  IdentityFile ~/.ssh/id_%r_%h_%p\n  ControlMaster auto\n");
  tether_target_resolve_async (target, NULL, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  resolved = tether_target_resolve_finish (wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);

  expected = resolve_ok ("bob@tok:2200");
  g_assert_cmpstr (resolved->host, ==, expected->host);
  g_assert_cmpstr (resolved->user, ==, expected->user);
  g_assert_cmpuint (resolved->port, ==, expected->port);
  g_assert_cmpstrv (resolved->identity_files, expected->identity_files);
  g_assert_cmpstrv (resolved->ignored, expected->ignored);
}

/* With OpenSSH's client out of PATH, libssh's parser resolves, and the
 * connection is told to let libssh apply the file itself. */
static void
test_fallback (void)
{
  g_autofree char *saved_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *empty = g_build_filename (tether_test_get_tmpdir (), "no-ssh-here", NULL);
  g_autofree char *config = ssh_dir_path ("config");
  g_autoptr(TetherResolvedTarget) resolved = NULL;
  g_autoptr(TetherResolvedTarget) async_resolved = NULL;
  g_autoptr(TetherTarget) target = tether_target_parse ("fb", NULL);
  g_autoptr(GError) error = NULL;
  TetherTestWait wait = { 0 };

  write_ssh_file ("config",
                  "Host fb\n  HostName 127.0.0.1\n  User fbuser\n  Port 2204\n"
                  "  ControlMaster auto\n");
  g_mkdir_with_parents (empty, 0700);
  g_setenv ("PATH", empty, TRUE);

  resolved = resolve_ok ("fb");
  tether_target_resolve_async (target, NULL, NULL, tether_test_store_result, &wait);
  tether_test_wait_for_flag (&wait.done, WAIT_MS);
  async_resolved = tether_target_resolve_finish (wait.result, &error);
  g_clear_object (&wait.result);
  g_setenv ("PATH", saved_path, TRUE);
  g_assert_no_error (error);

  g_assert_cmpstr (resolved->host, ==, "127.0.0.1");
  g_assert_cmpstr (resolved->user, ==, "fbuser");
  g_assert_cmpuint (resolved->port, ==, 2204);
  g_assert_cmpstr (resolved->config_file, ==, config);
  /* What libssh said it skipped, named by keyword. */
  g_assert_cmpuint (g_strv_length (resolved->ignored), ==, 1);
  g_assert_nonnull (strstr (resolved->ignored[0], "ontrol"));

  g_assert_cmpstr (async_resolved->host, ==, resolved->host);
  g_assert_cmpstr (async_resolved->user, ==, resolved->user);
  g_assert_cmpuint (async_resolved->port, ==, resolved->port);
  g_assert_cmpstrv (async_resolved->ignored, resolved->ignored);
}

/* An `ssh` first in PATH that logs its arguments and the sockets it was
 * handed, then is OpenSSH's client. */
static char *
logging_ssh_dir (const char *log)
{
  g_autofree char *dir = g_build_filename (tether_test_get_tmpdir (), "logging-ssh", NULL);
  g_autofree char *script = g_build_filename (dir, "ssh", NULL);
  g_autofree char *real = g_find_program_in_path ("ssh");
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\n"
                                           "echo \"run $*\" >>'%s'\n"
                                           "for fd in /proc/$$/fd/*; do\n"
                                           "  case \"$(readlink \"$fd\")\" in socket:*) echo \"socket $fd\" >>'%s' ;; esac\n"
                                           "done\n"
                                           "exec '%s' \"$@\"\n", log, log, real);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  return g_steal_pointer (&dir);
}

/* Resolutions started together (Invoke-Command's fifty computers) run
 * OpenSSH's defaults once between them, beside their own runs; and `ssh -G`,
 * spawned without closing inherited descriptors, gets none of the sockets
 * of Tether's connections. */
static void
test_concurrent (void)
{
  g_autofree char *log = g_build_filename (tether_test_get_tmpdir (), "logging-ssh.log", NULL);
  g_autofree char *dir = logging_ssh_dir (log);
  g_autofree char *saved_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *path = g_strdup_printf ("%s:%s", dir, saved_path);
  g_autofree char *contents = NULL;
  g_autoptr(TetherSessionManager) manager = tether_session_manager_new (NULL, tether_test_config ());
  g_autoptr(TetherSession) session = NULL;
  g_autoptr(GError) open_error = NULL;
  g_auto(GStrv) lines = NULL;
  TetherTestSshd *sshd = tether_test_sshd_new (NULL);
  TetherTestWait waits[8] = { 0 };
  guint defaults = 0, targets = 0;

  tether_test_sshd_trust (sshd);
  session = tether_test_new_session (manager, tether_test_sshd_get_target (sshd), "open-meanwhile",
                                     &open_error);
  g_assert_no_error (open_error);
  write_ssh_file ("config", "Host cc*\n  User concurrent\n");
  g_setenv ("PATH", path, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_autofree char *name = g_strdup_printf ("cc%u", i);
      g_autoptr(TetherTarget) target = tether_target_parse (name, NULL);

      tether_target_resolve_async (target, NULL, NULL, tether_test_store_result, &waits[i]);
    }
  g_setenv ("PATH", saved_path, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TetherResolvedTarget) resolved = NULL;
      g_autofree char *name = g_strdup_printf ("cc%u", i);

      tether_test_wait_for_flag (&waits[i].done, WAIT_MS);
      resolved = tether_target_resolve_finish (waits[i].result, &error);
      g_clear_object (&waits[i].result);
      g_assert_no_error (error);
      g_assert_cmpstr (resolved->host, ==, name);
      g_assert_cmpstr (resolved->user, ==, "concurrent");
    }

  g_assert_true (g_file_get_contents (log, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_false (g_str_has_prefix (lines[i], "socket "));
      defaults += g_str_has_prefix (lines[i], "run ") && strstr (lines[i], "defaults.invalid") != NULL;
      targets += g_str_has_prefix (lines[i], "run ") && strstr (lines[i], "-- cc") != NULL;
    }
  g_assert_cmpuint (defaults, ==, 1);
  g_assert_cmpuint (targets, ==, G_N_ELEMENTS (waits));

  tether_session_manager_close_all (manager);
  tether_test_sshd_free (sshd);
  write_ssh_file ("config", NULL);
}

/* Files older than a second, as a user's configuration is, so that the
 * cache keeps what ssh read from them. */
static void
age (const char *name)
{
  g_autofree char *path = ssh_dir_path (name);
  g_autofree char *dir = g_path_get_dirname (path);
  struct utimbuf old = { .actime = time (NULL) - 10, .modtime = time (NULL) - 10 };

  g_assert_cmpint (utime (path, &old), ==, 0);
  g_assert_cmpint (utime (dir, &old), ==, 0);
}

/* Resolutions are kept while the files ssh read are unchanged: any change
 * is seen at the next resolution. */
static void
test_cache_file_changed (void)
{
  g_autoptr(TetherResolvedTarget) before = NULL;
  g_autoptr(TetherResolvedTarget) after = NULL;

  write_ssh_file ("config", "Host c1\n  HostName a.example.org\n");
  age ("config");
  before = resolve_ok ("c1");
  g_assert_cmpstr (before->host, ==, "a.example.org");

  /* Same size, same second. */
  write_ssh_file ("config", "Host c1\n  HostName b.example.org\n");
  after = resolve_ok ("c1");
  g_assert_cmpstr (after->host, ==, "b.example.org");
}

static void
test_cache_include_added (void)
{
  g_autoptr(TetherResolvedTarget) before = NULL;
  g_autoptr(TetherResolvedTarget) after = NULL;
  g_autoptr(TetherResolvedTarget) again = NULL;
  g_autofree char *dir = ssh_dir_path ("cache.d");

  g_mkdir_with_parents (dir, 0700);
  write_ssh_file ("config", "Include ~/.ssh/cache.d/*.conf\nHost c2\n  HostName c2.example.org\n");
  age ("config");
  age ("cache.d");
  before = resolve_ok ("c2");
  g_assert_cmpstr (before->user, ==, g_get_user_name ());

  /* A file the glob now matches: a new file in its directory. */
  write_ssh_file ("cache.d/10-user.conf", "Host c2\n  User added\n");
  age ("cache.d/10-user.conf");
  after = resolve_ok ("c2");
  g_assert_cmpstr (after->user, ==, "added");

  /* And one changed inside an included file. */
  write_ssh_file ("cache.d/10-user.conf", "Host c2\n  User other\n");
  again = resolve_ok ("c2");
  g_assert_cmpstr (again->user, ==, "other");
  write_ssh_file ("cache.d/10-user.conf", NULL);
}

static guint
count_runs (const char *log,
            const char *host)
{
  g_autofree char *contents = NULL;
  g_autofree char *wanted = g_strdup_printf ("-- %s", host);
  g_auto(GStrv) lines = NULL;
  guint runs = 0;

  if (!g_file_get_contents (log, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    runs += g_str_has_prefix (lines[i], "run ") && g_str_has_suffix (lines[i], wanted);
  return runs;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Resolves @host with the logging `ssh` first in PATH, as a new process
 * would: with only what the cache file holds. */
static TetherResolvedTarget *
resolve_as_new_process (const char *dir,
                        const char *host)
{
  g_autofree char *saved_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *path = g_strdup_printf ("%s:%s", dir, saved_path);
  TetherResolvedTarget *resolved;

  _tether_target_cache_forget_memory ();
  g_setenv ("PATH", path, TRUE);
  resolved = resolve_ok (host);
  g_setenv ("PATH", saved_path, TRUE);
  return resolved;
}

/* What `ssh -G` printed is kept on disk for the next process (a command
 * line's Invoke-Command is one), and not when the file reads the
 * environment or the `ssh` program changed. */
static void
test_cache_on_disk (void)
{
  g_autofree char *log = g_build_filename (tether_test_get_tmpdir (), "on-disk.log", NULL);
  g_autofree char *dir = logging_ssh_dir (log);
  g_autofree char *program = g_build_filename (dir, "ssh", NULL);
  g_autofree char *file = g_build_filename (g_get_user_cache_dir (), "tether", "ssh-config.ini", NULL);
  g_autoptr(TetherResolvedTarget) first = NULL;
  g_autoptr(TetherResolvedTarget) again = NULL;
  g_autoptr(TetherResolvedTarget) upgraded = NULL;
  g_autoptr(TetherResolvedTarget) env_first = NULL;
  g_autoptr(TetherResolvedTarget) env_again = NULL;
  struct utimbuf old = { .actime = time (NULL) - 10, .modtime = time (NULL) - 10 };

  g_remove (file);
  write_ssh_file ("config", "Host kd\n  User kept\n  Port 2206\n"
                  "Host ke\n  IdentityFile ${HOME}/.ssh/id_env\n");
  age ("config");
  g_assert_cmpint (utime (program, &old), ==, 0);

  first = resolve_as_new_process (dir, "kd");
  g_assert_cmpuint (count_runs (log, "kd"), ==, 1);
  tether_test_wait_until (file_exists, file, WAIT_MS);
  again = resolve_as_new_process (dir, "kd");
  g_assert_cmpuint (count_runs (log, "kd"), ==, 1);
  g_assert_cmpstr (again->user, ==, "kept");
  g_assert_cmpuint (again->port, ==, 2206);
  g_assert_cmpstrv (again->identity_files, first->identity_files);

  /* A new OpenSSH: run again. */
  g_assert_true (g_file_set_contents (log, "", 0, NULL));
  old.modtime++;
  g_assert_cmpint (utime (program, &old), ==, 0);
  upgraded = resolve_as_new_process (dir, "kd");
  g_assert_cmpuint (count_runs (log, "kd"), ==, 1);
  g_assert_cmpstr (upgraded->user, ==, "kept");

  /* ${HOME} is the environment's: never on disk. */
  env_first = resolve_as_new_process (dir, "ke");
  env_again = resolve_as_new_process (dir, "ke");
  g_assert_cmpuint (count_runs (log, "ke"), ==, 2);
  g_assert_cmpstrv (env_again->identity_files, env_first->identity_files);
  write_ssh_file ("config", NULL);
}

/* What a Match exec says can change with no file changing: never kept. */
static void
test_cache_match_exec (void)
{
  g_autofree char *flag = g_build_filename (tether_test_get_tmpdir (), "match-flag", NULL);
  g_autofree char *config = g_strdup_printf ("Match host c3 exec \"test -f %s\"\n  User flagged\n", flag);
  g_autoptr(TetherResolvedTarget) before = NULL;
  g_autoptr(TetherResolvedTarget) after = NULL;

  g_remove (flag);
  write_ssh_file ("config", config);
  age ("config");
  before = resolve_ok ("c3");
  g_assert_cmpstr (before->user, ==, g_get_user_name ());

  g_assert_true (g_file_set_contents (flag, "", 0, NULL));
  after = resolve_ok ("c3");
  g_assert_cmpstr (after->user, ==, "flagged");
  g_remove (flag);
}

/* A configuration that appears after a resolution without one. */
static void
test_cache_config_created (void)
{
  g_autoptr(TetherResolvedTarget) before = NULL;
  g_autoptr(TetherResolvedTarget) after = NULL;

  write_ssh_file ("config", NULL);
  before = resolve_ok ("c4");
  g_assert_cmpuint (before->port, ==, 22);

  write_ssh_file ("config", "Host c4\n  Port 2244\n");
  after = resolve_ok ("c4");
  g_assert_cmpuint (after->port, ==, 2244);
}

int
main (int   argc,
      char *argv[])
{
  tether_test_init (&argc, &argv);

  for (gsize i = 0; i < G_N_ELEMENTS (config_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/target-resolve/ssh-g/", config_cases[i].name, NULL);

      g_test_add_data_func (path, &config_cases[i], test_config_case);
    }
  g_test_add_func ("/target-resolve/applied-fields", test_applied_fields);
  g_test_add_func ("/target-resolve/defaults", test_defaults);
  g_test_add_func ("/target-resolve/policies", test_policies);
  g_test_add_func ("/target-resolve/bad-config", test_bad_config);
  g_test_add_func ("/target-resolve/async", test_async);
  g_test_add_func ("/target-resolve/fallback", test_fallback);
  g_test_add_func ("/target-resolve/concurrent", test_concurrent);
  g_test_add_func ("/target-resolve/cache/file-changed", test_cache_file_changed);
  g_test_add_func ("/target-resolve/cache/include-added", test_cache_include_added);
  g_test_add_func ("/target-resolve/cache/match-exec", test_cache_match_exec);
  g_test_add_func ("/target-resolve/cache/on-disk", test_cache_on_disk);
  g_test_add_func ("/target-resolve/cache/config-created", test_cache_config_created);

  return g_test_run ();
}
