/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For nftw()'s FTW_PHYS, which never follows a symlink out of the temp dir. */
#define _GNU_SOURCE

#include "tether-test-sshd.h"
#include "tether-test-proc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define SSHD_PATH "/usr/sbin/sshd"
/* How long sshd may take to say it listens: generous, because a 2-core
 * machine running the whole suite in parallel under ASan is slow. */
#define SSHD_START_TIMEOUT_MS 20000

struct _TetherTestSshd
{
  char   *dir;           /* its own directory under the test's temp dir */
  char   *config_path;
  char   *host_key_path;
  char   *authorized_keys_path;
  char   *extra_config;
  char   *remote_path;   /* PATH of its remote shells, NULL for sshd's */
  char   *user;
  char   *target;
  char   *fingerprint;
  char   *log_path;      /* the log of the current run */
  guint   port;
  GArray *more_ports;    /* guint: more ListenAddress lines, same server */
  guint   generation;    /* how many times it was started: names the logs */
  GPid    pid;
};

static char    *test_tmpdir;
static char    *sshd_path;      /* NULL: SSHD_PATH */
static GPid     bus_pid;
static GPid     display_pid;
static pid_t    display_owner;
static guint    n_servers;
static GList   *live_servers;
static GPid     agent_pid;
static char    *agent_sock;
static pid_t    test_pid;
static gboolean owns_tmpdir;

/* Scales every timeout: sanitizer builds run several times slower. */
static guint
scale_timeout (guint timeout_ms)
{
  const char *factor = g_getenv ("TETHER_TEST_TIMEOUT_MULTIPLIER");
  guint64 f = factor ? g_ascii_strtoull (factor, NULL, 10) : 1;

  return timeout_ms * MAX (f, 1);
}

/* Runs in the child between fork and exec: the child must not outlive a test
 * that crashed or was killed by meson's timeout, or it keeps the port and the
 * temp dir busy.  PR_SET_PDEATHSIG fires when the thread that forked exits, so
 * servers and agents are started from the test's main thread.  The check of
 * getppid() closes the race of a parent that died before the prctl(). */
static void
die_with_parent (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (127);
}

/* out_fd is the child's stdout and stderr; extra_fd, when not -1, its fd 3. */
static GPid
spawn_bound_with_fd (const char * const *argv,
                     int                 out_fd,
                     int                 extra_fd)
{
  g_autoptr(GError) error = NULL;
  const int target_fd = 3;
  GPid pid = 0;

  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL |
                                         G_SPAWN_SEARCH_PATH,
                                         die_with_parent, GINT_TO_POINTER (getpid ()),
                                         -1, out_fd, out_fd,
                                         extra_fd != -1 ? &extra_fd : NULL,
                                         extra_fd != -1 ? &target_fd : NULL,
                                         extra_fd != -1 ? 1 : 0,
                                         &pid, NULL, NULL, NULL, &error))
    g_error ("Cannot start %s: %s", argv[0], error->message);

  return pid;
}

static GPid
spawn_bound (const char * const *argv,
             int                 out_fd)
{
  return spawn_bound_with_fd (argv, out_fd, -1);
}

/* Runs a helper program to completion; any failure aborts the test with the
 * program's own words, since nothing after it could work. */
static void
run_checked (const char * const *argv,
             const char * const *envp)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, (char **) envp,
                     G_SPAWN_STDIN_FROM_DEV_NULL | G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    g_error ("Cannot run %s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv);
      g_error ("`%s` failed (%s): %s%s", cmd, error->message, out, err);
    }
}

static void
make_keypair (const char *path,
              const char *passphrase,
              const char *comment)
{
  g_autofree char *pub = g_strconcat (path, ".pub", NULL);
  const char *argv[] = {
    "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase ? passphrase : "",
    "-C", comment, "-f", path, NULL
  };

  /* ssh-keygen asks before overwriting, and there is nobody to answer. */
  g_unlink (path);
  g_unlink (pub);
  run_checked (argv, NULL);
}

static void
kill_pid (GPid pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

static int
remove_one (const char        *path,
            const struct stat *st,
            int                flag,
            struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static void tether_test_sshd_stop (TetherTestSshd *sshd);

static void
cleanup_at_exit (void)
{
  /* A forked child (a test's own fork) inherits atexit handlers: only the
   * process that made the environment tears it down. */
  if (getpid () != test_pid)
    return;

  while (live_servers != NULL)
    tether_test_sshd_stop (live_servers->data);

  kill_pid (agent_pid);
  agent_pid = 0;

  kill_pid (bus_pid);
  bus_pid = 0;
  g_clear_pointer (&sshd_path, g_free);

  if (test_tmpdir != NULL && owns_tmpdir)
    nftw (test_tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* g_test_trap_subprocess() runs the same program again: that child shares
 * its parent's environment (HOME, known_hosts, keys) instead of making its
 * own, and leaves the directory to the parent. */
static gboolean
is_test_subprocess (int    argc,
                    char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--GTestSubprocess"))
      return TRUE;

  return FALSE;
}

static char *
make_subdir (const char *name,
             int         mode)
{
  char *path = g_build_filename (test_tmpdir, name, NULL);

  if (g_mkdir_with_parents (path, mode) != 0)
    g_error ("Cannot create %s: %s", path, g_strerror (errno));
  /* The umask may have taken bits away; the modes here are deliberate. */
  g_chmod (path, mode);

  return path;
}

void
tether_test_init (int    *argc,
                  char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autofree char *ssh_dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *config = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *data = NULL;
  g_autofree char *runtime = NULL;

  test_pid = getpid ();
  atexit (cleanup_at_exit);

  if (is_test_subprocess (*argc, *argv) && g_getenv ("TETHER_TEST_TMPDIR") != NULL)
    {
      test_tmpdir = g_strdup (g_getenv ("TETHER_TEST_TMPDIR"));
      setlocale (LC_ALL, "");
      g_test_init (argc, argv, NULL);
      return;
    }

  /* The environment must be in place before anything in GLib caches HOME or
   * the XDG directories, so before g_test_init(). */
  test_tmpdir = g_dir_make_tmp ("tether-test-XXXXXX", &error);
  if (test_tmpdir == NULL)
    g_error ("Cannot create the test's temp dir: %s", error->message);
  /* Traversable by others: sshd reads AuthorizedKeysFile as the target user,
   * who may be the password-test account.  HOME itself stays private. */
  g_chmod (test_tmpdir, 0755);
  owns_tmpdir = TRUE;
  g_setenv ("TETHER_TEST_TMPDIR", test_tmpdir, TRUE);

  home = make_subdir ("home", 0700);
  ssh_dir = make_subdir ("home/.ssh", 0700);
  config = make_subdir ("config", 0700);
  cache = make_subdir ("cache", 0700);
  data = make_subdir ("data", 0700);
  runtime = make_subdir ("runtime", 0700);

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  /* The developer's agent would offer their real keys to the test servers
   * and hide bugs in key-file authentication. */
  g_unsetenv ("SSH_AUTH_SOCK");
  g_unsetenv ("SSH_AGENT_PID");
  g_unsetenv ("SSH_ASKPASS");

  /* Messages are compared in English unless a test asks for a language. */
  if (g_getenv ("LANGUAGE") == NULL)
    g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");

  g_test_init (argc, argv, NULL);

  tether_test_start_private_bus ();

  key = g_build_filename (ssh_dir, "id_ed25519", NULL);
  make_keypair (key, NULL, "tether-test");
}

/* A session bus of the test's own, with nothing on it and nothing to
 * activate (no service directory): no test reaches a desktop's keyring or
 * portal, and the Secret Service is there only when a test starts one.
 * Its socket is in the test's directory; it dies with the test. */
void
tether_test_start_private_bus (void)
{
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *log_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "dbus-daemon", "--nofork", "--print-address=1", "--config-file", NULL, NULL };
  gint64 deadline;
  int log_fd;

  kill_pid (bus_pid);
  config_path = g_strdup_printf ("%s/session-bus-%d.conf", test_tmpdir, (int) getpid ());
  config = g_markup_printf_escaped ("<busconfig>\n"
                                    "  <type>session</type>\n"
                                    "  <listen>unix:dir=%s</listen>\n"
                                    "  <policy context=\"default\">\n"
                                    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                                    "    <allow eavesdrop=\"true\"/>\n"
                                    "    <allow own=\"*\"/>\n"
                                    "  </policy>\n"
                                    "</busconfig>\n", test_tmpdir);
  if (!g_file_set_contents (config_path, config, -1, &error))
    g_error ("%s", error->message);
  argv[4] = config_path;

  /* It prints its address on stdout, its complaints on stderr. */
  log_path = g_strdup_printf ("%s/session-bus-%d.log", test_tmpdir, (int) getpid ());
  log_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bus_pid = spawn_bound (argv, log_fd);
  close (log_fd);

  deadline = g_get_monotonic_time () + scale_timeout (10000) * G_TIME_SPAN_MILLISECOND;
  for (;;)
    {
      g_autofree char *log = NULL;
      char *address;

      g_file_get_contents (log_path, &log, NULL, NULL);
      if (log != NULL && (address = strstr (log, "unix:")) != NULL && strchr (address, '\n') != NULL)
        {
          *strchr (address, '\n') = '\0';
          g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
          return;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("dbus-daemon gave no address: %s", log ? log : "");
      g_usleep (5 * 1000);
    }
}

static void
stop_private_display (void)
{
  /* TERM, not KILL: Xvfb then removes its lock file and socket. */
  if (display_pid > 0 && getpid () == display_owner)
    {
      kill (display_pid, SIGTERM);
      while (waitpid (display_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  display_pid = 0;
}

/* An X server of the test program's own.  On one shared server, every GTK
 * program asks the owner of an X selection for its targets whenever it
 * changes hands (a focused entry takes PRIMARY, a paste CLIPBOARD); an owner
 * that ends while such an answer is on its way leaks it in GDK, and
 * LeakSanitizer failed whichever test that was. */
void
tether_test_start_private_display (void)
{
  const char *argv[] = {
    "Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", NULL
  };
  g_autoptr(GString) number = g_string_new (":");
  int null_fd;
  int fds[2];
  char c = 0;

  g_return_if_fail (display_pid == 0);

  /* A child of g_test_trap_subprocess() uses its parent's. */
  if (g_getenv ("TETHER_TEST_DISPLAY") != NULL &&
      g_strcmp0 (g_getenv ("TETHER_TEST_DISPLAY"), g_getenv ("DISPLAY")) == 0)
    return;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    g_error ("pipe2: %s", g_strerror (errno));
  null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  /* -displayfd: Xvfb picks a free display itself and writes its number
   * there once it accepts clients. */
  display_pid = spawn_bound_with_fd (argv, null_fd, fds[1]);
  display_owner = getpid ();
  atexit (stop_private_display);
  close (null_fd);
  close (fds[1]);

  while (read (fds[0], &c, 1) == 1 && c != '\n')
    g_string_append_c (number, c);
  close (fds[0]);
  if (c != '\n' || number->len == 1)
    g_error ("Xvfb ended without opening a display: run “Xvfb -displayfd 1” to see why");

  g_setenv ("DISPLAY", number->str, TRUE);
  g_setenv ("TETHER_TEST_DISPLAY", number->str, TRUE);
  g_unsetenv ("WAYLAND_DISPLAY");
}

/* sshd names its PAM service after its argv[0]: servers started from now
 * on run as @service (NULL: sshd again), through a link to sshd. */
void
tether_test_sshd_set_pam_service (const char *service)
{
  g_clear_pointer (&sshd_path, g_free);
  if (service == NULL)
    return;

  sshd_path = g_build_filename (test_tmpdir, service, NULL);
  if (!g_file_test (sshd_path, G_FILE_TEST_IS_SYMLINK) && symlink (SSHD_PATH, sshd_path) != 0)
    g_error ("Cannot link %s: %s", sshd_path, g_strerror (errno));
}

const char *
tether_test_get_tmpdir (void)
{
  return test_tmpdir;
}

/* sshd sets SO_REUSEADDR; a port is free for it when nothing listens there
 * and no socket of ours is bound to it.  Ports are drawn below the ephemeral
 * range (32768 and up here) so that no outgoing connection of a parallel test
 * can take the port between this check and sshd's bind(). */
static guint
find_free_port (void)
{
  for (guint attempt = 0; attempt < 200; attempt++)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = NULL;
      guint port = g_random_int_range (20000, 32000);

      socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, NULL);
      g_assert_nonnull (socket);
      address = g_inet_socket_address_new (loopback, port);
      if (g_socket_bind (socket, address, FALSE, NULL))
        return port;
    }

  g_error ("No free TCP port on 127.0.0.1 after 200 attempts");
}

static char *
read_file_or_die (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);

  return contents;
}

/* "SHA256:…" as ssh-keygen -l prints it: the unpadded base64 of the SHA-256
 * of the key blob.  Computed here to spare a process per server. */
static char *
fingerprint_of_pubkey (const char *pub_path)
{
  g_autofree char *text = read_file_or_die (pub_path);
  g_auto(GStrv) fields = g_strsplit_set (g_strstrip (text), " ", 3);
  g_autofree guchar *blob = NULL;
  g_autofree char *b64 = NULL;
  guint8 digest[32];
  gsize blob_len = 0;
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len;

  if (g_strv_length (fields) < 2)
    g_error ("%s is not a public key", pub_path);
  blob = g_base64_decode (fields[1], &blob_len);
  g_checksum_update (sum, blob, blob_len);
  g_checksum_get_digest (sum, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);
  len = strlen (b64);
  while (len > 0 && b64[len - 1] == '=')
    b64[--len] = '\0';

  return g_strconcat ("SHA256:", b64, NULL);
}

static void
write_config (TetherTestSshd *sshd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) config = g_string_new (NULL);
  g_autofree char *pid_path = g_build_filename (sshd->dir, "sshd.pid", NULL);
  g_autofree char *remote_home = g_build_filename (sshd->dir, "remote-home", NULL);

  if (g_mkdir_with_parents (remote_home, 0755) != 0)
    g_error ("Cannot create %s: %s", remote_home, g_strerror (errno));

  /* Caller's lines first: sshd keeps the first value of a keyword. */
  if (sshd->extra_config != NULL)
    g_string_append_printf (config, "%s\n", sshd->extra_config);

  for (guint i = 0; sshd->more_ports != NULL && i < sshd->more_ports->len; i++)
    g_string_append_printf (config, "ListenAddress 127.0.0.1:%u\n",
                            g_array_index (sshd->more_ports, guint, i));

  g_string_append_printf (config,
                          "ListenAddress 127.0.0.1\n"
                          "Port %u\n"
                          "HostKey %s\n"
                          "PidFile %s\n"
                          "AuthorizedKeysFile %s\n"
                          "PubkeyAuthentication yes\n"
                          "PasswordAuthentication no\n"
                          "KbdInteractiveAuthentication no\n"
                          /* No PAM unless a test asks for passwords: its
                           * account modules only slow a pubkey login. */
                          "UsePAM no\n"
                          /* Root runs the suite on CI and in containers. */
                          "PermitRootLogin yes\n"
                          /* The temp dirs are not root-owned chains. */
                          "StrictModes no\n"
                          "PrintMotd no\n"
                          "PrintLastLog no\n"
                          "UseDNS no\n"
                          /* The default 10:30:100 drops parallel connects
                           * at random, and 10 sessions per connection is
                           * less than the tests open. */
                          "MaxStartups 200:30:400\n"
                          "MaxSessions 100\n"
                          "Subsystem sftp internal-sftp\n",
                          sshd->port, sshd->host_key_path, pid_path,
                          sshd->authorized_keys_path);

  /* Remote shells get an empty HOME of the server's: the login account's
   * real ~/.bashrc is read by every shell and exec channel (Debian's bash
   * does so under sshd), and on this machine root's runs pyenv: ~100 ms per
   * channel, and a login killed mid-way by a test leaves pyenv's lock behind,
   * which then hangs every later login for a minute.  sshd applies SetEnv
   * after its own HOME.  The tmux server of a tmux session is the test's
   * own (its socket in TMUX_TMPDIR), and ends with the sshd. */
  g_string_append_printf (config, "SetEnv HOME=%s TMUX_TMPDIR=%s", remote_home, sshd->dir);
  if (sshd->remote_path != NULL)
    g_string_append_printf (config, " PATH=%s", sshd->remote_path);
  g_string_append_c (config, '\n');

  if (!g_file_set_contents (sshd->config_path, config->str, config->len, &error))
    g_error ("%s", error->message);
}

static void
check_config (TetherTestSshd *sshd)
{
  const char *argv[] = { sshd_path ? sshd_path : SSHD_PATH, "-t", "-f", sshd->config_path, NULL };

  run_checked (argv, NULL);
}

static gboolean
log_says_listening (TetherTestSshd *sshd)
{
  g_autofree char *log = NULL;
  g_autofree char *line = NULL;

  if (!g_file_get_contents (sshd->log_path, &log, NULL, NULL))
    return FALSE;
  line = g_strdup_printf ("Server listening on 127.0.0.1 port %u.", sshd->port);

  return strstr (log, line) != NULL;
}

/* Starts sshd on sshd->port and waits for its own "listening" line: a banner
 * on the port could come from a stale server.  FALSE when it exited first
 * (the port was taken meanwhile); the caller may then try another port. */
static gboolean
start_listener (TetherTestSshd *sshd)
{
  g_autofree char *log_name = NULL;
  gint64 deadline;
  int log_fd;
  const char *argv[] = { sshd_path ? sshd_path : SSHD_PATH, "-D", "-e", "-f", sshd->config_path, NULL };

  sshd->generation++;
  log_name = g_strdup_printf ("sshd-%u.log", sshd->generation);
  g_free (sshd->log_path);
  sshd->log_path = g_build_filename (sshd->dir, log_name, NULL);

  log_fd = open (sshd->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0)
    g_error ("Cannot create %s: %s", sshd->log_path, g_strerror (errno));
  sshd->pid = spawn_bound (argv, log_fd);
  close (log_fd);

  deadline = g_get_monotonic_time () + scale_timeout (SSHD_START_TIMEOUT_MS) * G_TIME_SPAN_MILLISECOND;
  while (!log_says_listening (sshd))
    {
      int status;

      if (waitpid (sshd->pid, &status, WNOHANG) == sshd->pid)
        {
          g_autofree char *log = read_file_or_die (sshd->log_path);

          g_test_message ("sshd on port %u exited at start: %s", sshd->port, log);
          sshd->pid = 0;
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = read_file_or_die (sshd->log_path);

          g_error ("sshd on port %u did not start listening: %s", sshd->port, log);
        }
      g_usleep (5 * 1000);
    }

  live_servers = g_list_prepend (live_servers, sshd);

  return TRUE;
}

/* The server's end of each connection to it: socket inodes. */
static GHashTable *
established (TetherTestSshd *sshd)
{
  g_autofree guint *ports = g_new (guint, tether_test_sshd_get_n_ports (sshd));

  for (guint i = 0; i < tether_test_sshd_get_n_ports (sshd); i++)
    ports[i] = tether_test_sshd_get_nth_port (sshd, i);
  return tether_test_proc_established (ports, tether_test_sshd_get_n_ports (sshd));
}

/* Whether @pid is where @signum leaves it: gone, stopped, or running. */
static gboolean
signal_took (pid_t pid,
             int   signum)
{
  char state = tether_test_proc_get_state (pid);

  if (signum == SIGKILL)
    return state == 0 || state == 'Z';
  if (signum == SIGSTOP)
    return state == 0 || state == 'T' || state == 't';
  return state != 'T' && state != 't';
}

/* Sends @signum to every process of the server's connections.  The tree
 * below the listener is most of them; but the monitor of a connection
 * forks its post-authentication child once the client is told it logged
 * in, so a test that acts at once can signal the monitor before that
 * child shows in /proc: reparented to init, the child would keep the
 * connection going.  So every process that holds one of the sockets the
 * server had is signaled too, until all of them took it. */
static void
signal_connections (TetherTestSshd *sshd,
                    int             signum)
{
  g_autoptr(GHashTable) sockets = established (sshd);
  g_autoptr(GArray) children = NULL;
  gint64 deadline = g_get_monotonic_time () + scale_timeout (5000) * G_TIME_SPAN_MILLISECOND;

  g_assert_cmpint (sshd->pid, >, 0);
  children = tether_test_proc_descendants (sshd->pid);
  for (guint i = 0; i < children->len; i++)
    kill (g_array_index (children, pid_t, i), signum);

  for (;;)
    {
      g_autoptr(GArray) holders = tether_test_proc_socket_holders (sockets);
      gboolean done = TRUE;

      for (guint i = 0; i < holders->len; i++)
        {
          pid_t pid = g_array_index (holders, pid_t, i);

          if (!signal_took (pid, signum))
            {
              kill (pid, signum);
              done = FALSE;
            }
        }
      if (done)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("The server's connections did not take signal %d in 5 s", signum);
      g_usleep (1000);
    }
}

/* A failing test says why the server side thought what it did: the log
 * disappears with the temp dir at exit. */
static void
print_log (TetherTestSshd *sshd)
{
  g_autofree char *log = NULL;
  gsize len = 0;
  const gsize tail = 8192;

  if (sshd->log_path == NULL || !g_file_get_contents (sshd->log_path, &log, &len, NULL))
    return;
  g_test_message ("sshd on port %u (%s)%s:\n%s", sshd->port, sshd->log_path,
                  len > tail ? ", end of its log" : "",
                  len > tail ? log + len - tail : log);
}

/* The tmux server the sessions in the tmux configuration started there. */
static void
kill_tmux_server (TetherTestSshd *sshd)
{
  g_autofree char *sockets = g_strdup_printf ("%s/tmux-%u", sshd->dir, (guint) geteuid ());
  g_autofree char *tmpdir = g_strconcat ("TMUX_TMPDIR=", sshd->dir, NULL);
  const char *argv[] = { "tmux", "kill-server", NULL };
  const char *envp[] = { tmpdir, "PATH=/usr/bin:/bin", NULL };

  g_autofree char *socket = g_build_filename (sockets, "default", NULL);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  if (!g_file_test (sockets, G_FILE_TEST_IS_DIR))
    return;
  g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_SEARCH_PATH_FROM_ENVP
                | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
  /* kill-server returns before the server is gone; a client started
   * meanwhile (the restarted sshd's next session) would reach the dying
   * server and hear "server exited unexpectedly".  The server removes its
   * socket last. */
  while (g_file_test (socket, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);

  /* A control client whose connection was killed under it can stay
   * attached, and keep a server whose socket is gone alive with it (seen:
   * one in two runs of test-window-tmux left a server and such a client
   * under init).  Nothing of this server's tmux may outlive the test. */
  {
    g_autoptr(GArray) left = tether_test_proc_find_with_env ("tmux", tmpdir);

    for (guint i = 0; i < left->len; i++)
      kill_pid (g_array_index (left, pid_t, i));
  }
}

/* sshd and its connections; the tmux server, which left sshd's tree when
 * it started, stays. */
static void
stop_sshd (TetherTestSshd *sshd)
{
  live_servers = g_list_remove (live_servers, sshd);
  if (sshd->pid <= 0)
    return;

  /* Freeze the listener first so that it forks no new connection while its
   * children are killed, then the children (which would otherwise outlive
   * it, reparented to init), then the listener. */
  kill (sshd->pid, SIGSTOP);
  signal_connections (sshd, SIGKILL);
  kill_pid (sshd->pid);
  sshd->pid = 0;
}

static void
tether_test_sshd_stop (TetherTestSshd *sshd)
{
  stop_sshd (sshd);
  /* Also after tether_test_sshd_shut_down_sshd(), which left it running. */
  kill_tmux_server (sshd);
}

static void
start_on_free_port (TetherTestSshd *sshd,
                    gboolean        keep_port)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      if (!keep_port || sshd->port == 0)
        sshd->port = find_free_port ();
      write_config (sshd);
      if (attempt == 0)
        check_config (sshd);
      if (start_listener (sshd))
        return;
    }

  g_error ("sshd could not start after 20 attempts; last log: %s", sshd->log_path);
}

static TetherTestSshd *
sshd_new_full (const char *extra_config,
               const char *remote_path,
               const char *authorized_keys,
               guint       n_ports)
{
  TetherTestSshd *sshd = g_new0 (TetherTestSshd, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  g_assert_nonnull (test_tmpdir);

  /* As root, sshd's privilege separation chroots into /run/sshd. */
  if (geteuid () == 0 && g_mkdir_with_parents ("/run/sshd", 0755) != 0)
    g_error ("Cannot create /run/sshd: %s", g_strerror (errno));

  /* The pid keeps a g_test_trap_subprocess() child off its parent's. */
  name = g_strdup_printf ("sshd-%d-%u", (int) getpid (), ++n_servers);
  sshd->dir = make_subdir (name, 0755);
  sshd->config_path = g_build_filename (sshd->dir, "sshd_config", NULL);
  sshd->host_key_path = g_build_filename (sshd->dir, "ssh_host_ed25519_key", NULL);
  sshd->authorized_keys_path = g_build_filename (sshd->dir, "authorized_keys", NULL);
  sshd->extra_config = g_strdup (extra_config);
  sshd->remote_path = g_strdup (remote_path);
  sshd->user = g_strdup (g_get_user_name ());
  sshd->more_ports = g_array_new (FALSE, FALSE, sizeof (guint));
  while (sshd->more_ports->len + 1 < n_ports)
    {
      guint port = find_free_port ();
      gboolean seen = FALSE;

      for (guint i = 0; i < sshd->more_ports->len; i++)
        seen |= g_array_index (sshd->more_ports, guint, i) == port;
      if (!seen)
        g_array_append_val (sshd->more_ports, port);
    }

  if (!g_file_set_contents (sshd->authorized_keys_path, authorized_keys, -1, &error))
    g_error ("%s", error->message);
  g_chmod (sshd->authorized_keys_path, 0644);

  make_keypair (sshd->host_key_path, NULL, name);
  /* sshd ignores a host key that others can read. */
  g_chmod (sshd->host_key_path, 0600);
  {
    g_autofree char *pub = g_strconcat (sshd->host_key_path, ".pub", NULL);
    sshd->fingerprint = fingerprint_of_pubkey (pub);
  }

  start_on_free_port (sshd, FALSE);
  sshd->target = g_strdup_printf ("%s@127.0.0.1:%u", sshd->user, sshd->port);

  return sshd;
}

TetherTestSshd *
tether_test_sshd_new (const char *extra_config)
{
  g_autofree char *pub_path = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519.pub", NULL);
  g_autofree char *pub = read_file_or_die (pub_path);

  return sshd_new_full (extra_config, NULL, pub, 1);
}

TetherTestSshd *
tether_test_sshd_new_with_path (const char *remote_path)
{
  g_autofree char *pub_path = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519.pub", NULL);
  g_autofree char *pub = read_file_or_die (pub_path);

  return sshd_new_full (NULL, remote_path, pub, 1);
}

TetherTestSshd *
tether_test_sshd_new_multi (const char *extra_config,
                            guint       n_ports)
{
  g_autofree char *pub_path = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519.pub", NULL);
  g_autofree char *pub = read_file_or_die (pub_path);

  /* sshd's MAX_LISTEN_SOCKS: past 16 it exits ("Too many listen
   * sockets"). */
  g_assert_cmpuint (n_ports, >=, 1);
  g_assert_cmpuint (n_ports, <=, 16);
  return sshd_new_full (extra_config, NULL, pub, n_ports);
}

guint
tether_test_closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  /* Bound by the kernel's choice, never listened on, then closed. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

guint
tether_test_sshd_get_n_ports (TetherTestSshd *sshd)
{
  return 1 + sshd->more_ports->len;
}

guint
tether_test_sshd_get_nth_port (TetherTestSshd *sshd,
                               guint           index)
{
  g_assert_cmpuint (index, <=, sshd->more_ports->len);
  return index == 0 ? sshd->port : g_array_index (sshd->more_ports, guint, index - 1);
}

TetherTestSshd *
tether_test_sshd_new_sibling (TetherTestSshd *sshd)
{
  g_autofree char *keys = read_file_or_die (sshd->authorized_keys_path);

  return sshd_new_full (sshd->extra_config, sshd->remote_path, keys, 1);
}

void
tether_test_sshd_free (TetherTestSshd *sshd)
{
  if (sshd == NULL)
    return;

  if (g_test_failed ())
    print_log (sshd);
  tether_test_sshd_stop (sshd);
  g_free (sshd->dir);
  g_free (sshd->config_path);
  g_free (sshd->host_key_path);
  g_free (sshd->authorized_keys_path);
  g_free (sshd->extra_config);
  g_free (sshd->remote_path);
  g_free (sshd->user);
  g_free (sshd->target);
  g_free (sshd->fingerprint);
  g_free (sshd->log_path);
  g_array_unref (sshd->more_ports);
  g_free (sshd);
}

guint
tether_test_sshd_get_port (TetherTestSshd *sshd)
{
  return sshd->port;
}

const char *
tether_test_sshd_get_user (TetherTestSshd *sshd)
{
  return sshd->user;
}

const char *
tether_test_sshd_get_target (TetherTestSshd *sshd)
{
  return sshd->target;
}

const char *
tether_test_sshd_get_fingerprint (TetherTestSshd *sshd)
{
  return sshd->fingerprint;
}

const char *
tether_test_sshd_get_log_path (TetherTestSshd *sshd)
{
  return sshd->log_path;
}

static void
trust_port (TetherTestSshd *sshd,
            guint           port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *known_hosts = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *pub_path = g_strconcat (sshd->host_key_path, ".pub", NULL);
  g_autofree char *pub = read_file_or_die (pub_path);
  g_autofree char *old = NULL;
  g_autofree char *pattern = g_strdup_printf ("[127.0.0.1]:%u ", port);
  g_auto(GStrv) fields = g_strsplit_set (g_strstrip (pub), " ", 3);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_cmpuint (g_strv_length (fields), >=, 2);

  /* Trusting a server whose key changed replaces the old entry, as a user
   * who accepts the new key would: a stale line would still make the host
   * look changed to some clients. */
  if (g_file_get_contents (known_hosts, &old, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (old, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], pattern))
          g_string_append_printf (out, "%s\n", lines[i]);
    }
  g_string_append_printf (out, "%s%s %s\n", pattern, fields[0], fields[1]);

  if (!g_file_set_contents (known_hosts, out->str, out->len, &error))
    g_error ("%s", error->message);
}

void
tether_test_sshd_trust (TetherTestSshd *sshd)
{
  for (guint i = 0; i < tether_test_sshd_get_n_ports (sshd); i++)
    trust_port (sshd, tether_test_sshd_get_nth_port (sshd, i));
}

void
tether_test_sshd_change_host_key (TetherTestSshd *sshd)
{
  g_autofree char *pub = g_strconcat (sshd->host_key_path, ".pub", NULL);
  g_autofree char *comment = g_path_get_basename (sshd->dir);

  tether_test_sshd_stop (sshd);
  make_keypair (sshd->host_key_path, NULL, comment);
  g_chmod (sshd->host_key_path, 0600);
  g_free (sshd->fingerprint);
  sshd->fingerprint = fingerprint_of_pubkey (pub);
  start_on_free_port (sshd, TRUE);
}

void
tether_test_sshd_shut_down (TetherTestSshd *sshd)
{
  tether_test_sshd_stop (sshd);
}

void
tether_test_sshd_shut_down_sshd (TetherTestSshd *sshd)
{
  stop_sshd (sshd);
}

void
tether_test_sshd_restart (TetherTestSshd *sshd)
{
  g_assert_cmpint (sshd->pid, ==, 0);
  start_on_free_port (sshd, TRUE);
}

void
tether_test_sshd_authorize_key (TetherTestSshd *sshd,
                                const char     *pubkey_path)
{
  g_autofree char *pub = read_file_or_die (pubkey_path);
  g_autofree char *keys = read_file_or_die (sshd->authorized_keys_path);
  g_autofree char *all = NULL;
  g_autoptr(GError) error = NULL;

  /* sshd reads the file at each login: no restart needed. */
  all = g_strconcat (keys, g_str_has_suffix (keys, "\n") ? "" : "\n", g_strstrip (pub), "\n", NULL);
  if (!g_file_set_contents (sshd->authorized_keys_path, all, -1, &error))
    g_error ("%s", error->message);
  g_chmod (sshd->authorized_keys_path, 0644);
}

guint
tether_test_sshd_count_logins (TetherTestSshd *sshd)
{
  g_autofree char *log = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (sshd->log_path, &log, NULL, NULL));
  for (const char *p = log; (p = strstr (p, "Accepted ")) != NULL; p++)
    n++;
  return n;
}

guint
tether_test_sshd_count_connections (TetherTestSshd *sshd)
{
  g_autoptr(GHashTable) sockets = established (sshd);

  return g_hash_table_size (sockets);
}

typedef struct {
  TetherTestSshd *sshd;
  guint           expected;
} CountCheck;

static gboolean
count_is (gpointer data)
{
  CountCheck *check = data;

  return tether_test_sshd_count_connections (check->sshd) == check->expected;
}

void
tether_test_sshd_wait_connections (TetherTestSshd *sshd,
                                   guint           expected,
                                   guint           timeout_ms)
{
  CountCheck check = { sshd, expected };

  tether_test_wait_until (count_is, &check, timeout_ms);
}

void
tether_test_sshd_kill_connections (TetherTestSshd *sshd)
{
  /* The whole tree: the network side of a connection is the privilege
   * separated child, not the monitor that the listener forked. */
  signal_connections (sshd, SIGKILL);
}

void
tether_test_sshd_stop_connections (TetherTestSshd *sshd,
                                   gboolean        stop)
{
  signal_connections (sshd, stop ? SIGSTOP : SIGCONT);
}

char *
tether_test_make_key (const char *name,
                      const char *passphrase)
{
  g_autofree char *dir = make_subdir ("keys", 0700);
  char *path = g_build_filename (dir, name, NULL);

  make_keypair (path, passphrase, name);

  return path;
}

void
tether_test_start_agent (const char *private_key)
{
  g_auto(GStrv) envp = NULL;
  const char *add_argv[] = { "ssh-add", "-q", private_key, NULL };
  gint64 deadline;

  if (agent_pid == 0)
    {
      const char *argv[] = { "ssh-agent", "-D", "-a", NULL, NULL };
      g_autofree char *sock_name = g_strdup_printf ("agent-%d.sock", (int) getpid ());
      int null_fd;

      g_clear_pointer (&agent_sock, g_free);
      agent_sock = g_build_filename (g_getenv ("XDG_RUNTIME_DIR"), sock_name, NULL);
      g_unlink (agent_sock);
      argv[3] = agent_sock;

      /* -D keeps it in the foreground as our child, so that it dies with
       * the test and is reaped at exit; it prints its variables, unused. */
      null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      agent_pid = spawn_bound (argv, null_fd);
      close (null_fd);

      deadline = g_get_monotonic_time () + scale_timeout (10000) * G_TIME_SPAN_MILLISECOND;
      while (!g_file_test (agent_sock, G_FILE_TEST_EXISTS))
        {
          if (waitpid (agent_pid, NULL, WNOHANG) == agent_pid)
            g_error ("ssh-agent exited at start");
          if (g_get_monotonic_time () > deadline)
            g_error ("ssh-agent did not create %s", agent_sock);
          g_usleep (5 * 1000);
        }
    }
  /* Every time: a test that used the agent unsets it when done. */
  g_setenv ("SSH_AUTH_SOCK", agent_sock, TRUE);

  /* Without a terminal or askpass, an encrypted key fails here loudly
   * instead of hanging on a prompt. */
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "SSH_AUTH_SOCK", agent_sock, TRUE);
  envp = g_environ_setenv (envp, "SSH_ASKPASS_REQUIRE", "never", TRUE);
  run_checked (add_argv, (const char * const *) envp);
}

/* Holds an exclusive lock on a file in /run for as long as it is open, so
 * that parallel tests do not run useradd/chpasswd at the same time (they
 * refuse when /etc/shadow is locked). */
static int
lock_accounts (void)
{
  int fd = open ("/run/tether-test-accounts.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    g_error ("Cannot open the accounts lock: %s", g_strerror (errno));
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      g_error ("Cannot lock the accounts lock: %s", g_strerror (errno));

  return fd;
}

const char *
tether_test_password_user (const char *password)
{
  static GHashTable *users;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  g_autofree char *home = NULL;
  g_autofree char *chpasswd_input = NULL;
  struct passwd *pw;
  int lock_fd;
  const char *cached;

  if (geteuid () != 0)
    return NULL;

  if (users == NULL)
    users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* One account per password, named after it: tests in parallel processes
   * asking for different passwords must not reset each other's.  Kept by
   * its hash, not the password itself. */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, password, -1);
  cached = g_hash_table_lookup (users, hash);
  if (cached != NULL)
    return cached;

  name = g_strdup_printf ("tethertest-%.8s", hash);
  home = g_build_filename ("/var/tmp", name, NULL);

  lock_fd = lock_accounts ();
  if (getpwnam (name) == NULL)
    {
      const char *argv[] = {
        "useradd", "--no-create-home", "--home-dir", home, "--shell", "/bin/sh",
        "--comment", "Tether test account", name, NULL
      };

      run_checked (argv, NULL);
    }
  pw = getpwnam (name);
  if (pw == NULL)
    g_error ("useradd did not create %s", name);
  /* An empty home of its own, so that a login prints no "Could not chdir"
   * and reads no profile that would pollute the output tests compare. */
  if (g_mkdir_with_parents (home, 0755) != 0 || chown (home, pw->pw_uid, pw->pw_gid) != 0)
    g_error ("Cannot prepare %s: %s", home, g_strerror (errno));

  {
    const char *argv[] = { "chpasswd", NULL };
    g_autoptr(GError) error = NULL;
    int stdin_fd = -1;
    int status = -1;
    GPid pid;
    gssize written;

    /* Written straight to its pipe and wiped: tests search the memory for
     * the password they log in with. */
    chpasswd_input = g_strdup_printf ("%s:%s\n", name, password);
    if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, -1, -1, -1, NULL, NULL, 0,
                                           &pid, &stdin_fd, NULL, NULL, &error))
      g_error ("Cannot run chpasswd: %s", error->message);
    written = write (stdin_fd, chpasswd_input, strlen (chpasswd_input));
    explicit_bzero (chpasswd_input, strlen (chpasswd_input));
    close (stdin_fd);
    waitpid (pid, &status, 0);
    g_spawn_close_pid (pid);
    if (written <= 0 || !g_spawn_check_wait_status (status, &error))
      g_error ("chpasswd failed for %s: %s", name, error ? error->message : g_strerror (errno));
  }
  close (lock_fd);

  g_hash_table_insert (users, g_strdup (hash), g_strdup (name));

  return g_hash_table_lookup (users, hash);
}

typedef struct {
  gboolean *flag;
  gboolean (*func) (gpointer data);
  char    *(*describe) (gpointer data);
  gpointer  data;
} WaitCondition;

static gboolean
wake_up (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (WaitCondition *cond,
          guint          timeout_ms,
          const char    *what)
{
  gboolean timed_out = FALSE;
  guint scaled = scale_timeout (timeout_ms);
  guint deadline = g_timeout_add (scaled, wake_up, &timed_out);
  /* The condition may change with no event on this context (a socket state
   * in /proc, a flag set by another thread): a short tick makes sure it is
   * looked at again soon. */
  guint ticker = g_timeout_add (10, tick, NULL);

  while (!(cond->flag ? *cond->flag : cond->func (cond->data)))
    {
      if (timed_out)
        {
          g_autofree char *described = cond->describe ? cond->describe (cond->data) : NULL;
          g_autofree char *msg = g_strdup_printf ("timed out after %u ms waiting for %s",
                                                  scaled, described ? described : what);

          g_source_remove (ticker);
          for (GList *l = live_servers; l != NULL; l = l->next)
            print_log (l->data);

          g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
          return;
        }
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (ticker);
  if (!timed_out)
    g_source_remove (deadline);
}

void
tether_test_wait_for_flag (gboolean *flag,
                           guint     timeout_ms)
{
  WaitCondition cond = { flag, NULL, NULL, NULL };

  wait_for (&cond, timeout_ms, "a flag");
}

void
tether_test_wait_until (gboolean (*func) (gpointer data),
                        gpointer   data,
                        guint      timeout_ms)
{
  WaitCondition cond = { NULL, func, NULL, data };

  wait_for (&cond, timeout_ms, "a condition");
}

void
tether_test_wait_until_described (gboolean (*func) (gpointer data),
                                  char    *(*describe) (gpointer data),
                                  gpointer   data,
                                  guint      timeout_ms)
{
  WaitCondition cond = { NULL, func, describe, data };

  wait_for (&cond, timeout_ms, "a condition");
}
