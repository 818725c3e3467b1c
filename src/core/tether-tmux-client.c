/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tether-error.h"
#include "tether-tmux-client.h"

/*
 * tmux control mode, as `man tmux` (CONTROL MODE) describes it: one command
 * per line in; out, each command's reply between `%begin TIME NUMBER FLAGS`
 * and `%end` or `%error` with the same NUMBER (FLAGS 1 for the commands we
 * sent, 0 for the `new-session` given on tmux's command line), and
 * notifications (`%output`, `%exit`, …) between replies, never inside one.
 *
 * Flow control stays the channel's one ledger: every raw byte read is held
 * until given back.  The pane's bytes inside an `%output` line are given
 * back by whoever takes them (the terminal, as it feeds VTE); the rest of
 * the line (its framing, the octal escapes' extra bytes) and every other
 * line are given back here as soon as they are parsed.  So a flood is paced
 * by the SSH window as a DefaultShell's is, and tmux, whose control client
 * then falls behind, stops reading the pane (server_client_check_pane_buffer
 * in tmux 3.2 and later): memory stays flat on both sides.
 */

/* An unfinished line longer than this is not tmux talking. */
#define MAX_LINE (16 * 1024 * 1024)
/* Bytes of input per send-keys command. */
#define KEYS_PER_COMMAND 256
/* What is kept of tmux's standard error, for the error message. */
#define MAX_STDERR 2048

typedef void (*ReplyFunc) (TetherTmuxClient *self,
                           gboolean          ok,
                           GPtrArray        *lines);

typedef struct {
  ReplyFunc  func;
  GPtrArray *lines;
} Pending;

struct _TetherTmuxClient
{
  GObject        parent_instance;

  TetherChannel *channel;
  char          *host;
  GByteArray    *line;
  /* Replies expected, oldest first (Pending). */
  GQueue         pending;
  /* Inside a reply: ours (the head of @pending) or tmux's own. */
  gboolean       in_reply;
  gboolean       reply_ours;
  /* "TIME NUMBER FLAGS" of the reply's %begin, which its %end repeats (a
   * pane's text may hold a line that starts with "%end"). */
  char          *reply_tag;
  char          *pane_id;
  guint          cursor_x;
  guint          cursor_y;
  gboolean       started;
  /* Commands wait for the end of `new-session`'s own reply: sent sooner,
   * tmux runs them with no client attached, on whatever session it finds. */
  gboolean       attached;
  GPtrArray     *waiting;
  /* Until the screen is restored the pane's live output is already in
   * what capture-pane gives, and is dropped. */
  gboolean       restoring;
  GError        *error;
  GString       *stderr_text;
  gboolean       closed;
  /* Detaching or ending: the client keeps itself (and its channel, and so
   * the connection) until tmux is done and the channel closes. */
  gboolean       ending;
};

G_DEFINE_FINAL_TYPE (TetherTmuxClient, tether_tmux_client, G_TYPE_OBJECT)

enum {
  OUTPUT,
  READY,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_free (Pending *pending)
{
  g_clear_pointer (&pending->lines, g_ptr_array_unref);
  g_free (pending);
}

static void
tether_tmux_client_dispose (GObject *object)
{
  TetherTmuxClient *self = TETHER_TMUX_CLIENT (object);

  if (self->channel != NULL)
    g_signal_handlers_disconnect_by_data (self->channel, self);
  g_clear_object (&self->channel);

  G_OBJECT_CLASS (tether_tmux_client_parent_class)->dispose (object);
}

static void
tether_tmux_client_finalize (GObject *object)
{
  TetherTmuxClient *self = TETHER_TMUX_CLIENT (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_byte_array_unref (self->line);
  g_ptr_array_unref (self->waiting);
  g_string_free (self->stderr_text, TRUE);
  g_clear_error (&self->error);
  g_free (self->pane_id);
  g_free (self->host);
  g_free (self->reply_tag);

  G_OBJECT_CLASS (tether_tmux_client_parent_class)->finalize (object);
}

static void
tether_tmux_client_class_init (TetherTmuxClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_tmux_client_dispose;
  object_class->finalize = tether_tmux_client_finalize;

  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, TETHER_TYPE_CHANNEL, G_TYPE_BYTES);
  signals[READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_INT);
}

static void
tether_tmux_client_init (TetherTmuxClient *self)
{
  self->line = g_byte_array_new ();
  self->waiting = g_ptr_array_new_with_free_func (g_free);
  self->stderr_text = g_string_new (NULL);
  g_queue_init (&self->pending);
}

/**
 * tether_tmux_client_command_line:
 * @instance_id: the session's InstanceId
 * @idle_timeout_s: how long the tmux session may stay detached
 *
 * The IdleTimeout is tmux's own: each detach bumps a counter (a global
 * option named after the session, so that it reads the same from any
 * context) and starts a tmux timer (`run-shell -d -C`, no process) that
 * ends the session if the counter has not moved meanwhile; each attach
 * bumps it too, so only the timer of the last detach can fire, and only
 * if nobody came back.
 *
 * Returns: (transfer full): the command the exec channel runs: the
 *   session's tmux session `tether-<InstanceId>`, created or re-attached,
 *   in control mode, with its idle timer's hooks; exit status 127 when
 *   there is no tmux.  It runs under the user's login shell, so it keeps to
 *   what sh, bash, zsh and fish share (no single quote inside the single
 *   quotes).
 */
char *
tether_tmux_client_command_line (const char *instance_id,
                                 guint       idle_timeout_s)
{
  g_autofree char *counter = NULL;
  g_autofree char *bump = NULL;

  g_return_val_if_fail (instance_id != NULL, NULL);

  counter = g_strdup_printf ("@tether-detached-%s", instance_id);
  bump = g_strdup_printf ("set -gF %s \"#{e|+:#{%s},1}\"", counter, counter);
  return g_strdup_printf (TETHER_TMUX_FIND
                          "exec tmux -C new-session -A -s tether-%s"
                          " \\; set-hook client-attached '%s'"
                          " \\; set-hook client-detached '%s ; run-shell -b -d %u -C "
                          "\"if -F \\\"##{==:##{%s},#{%s}}\\\" "
                          "\\\"kill-session -t =tether-%s ; set -gu %s\\\"\"'",
                          instance_id, bump, bump, idle_timeout_s,
                          counter, counter, instance_id, counter);
}

/* Decoding */

/**
 * tether_tmux_decode_output:
 * @escaped: the DATA of an `%output` line
 *
 * tmux escapes the bytes below 32 and the backslash as `\ooo`; everything
 * else is the pane's bytes as they are.
 *
 * Returns: (transfer full): the pane's bytes
 */
GBytes *
tether_tmux_decode_output (const char *escaped,
                           gsize       len)
{
  GByteArray *out = g_byte_array_sized_new (len);
  gsize i = 0;

  while (i < len)
    {
      const char *backslash = memchr (escaped + i, '\\', len - i);
      gsize plain = backslash ? (gsize) (backslash - escaped) - i : len - i;
      guint value = 0;
      gsize digits = 0;
      guint8 byte;

      g_byte_array_append (out, (const guint8 *) escaped + i, plain);
      i += plain;
      if (i >= len)
        break;
      i++;
      while (digits < 3 && i + digits < len
             && escaped[i + digits] >= '0' && escaped[i + digits] <= '7')
        {
          value = value * 8 + (guint) (escaped[i + digits] - '0');
          digits++;
        }
      /* A backslash not followed by an octal number stands for itself. */
      byte = digits > 0 ? (guint8) value : '\\';
      g_byte_array_append (out, &byte, 1);
      i += digits;
    }
  return g_byte_array_free_to_bytes (out);
}

/* Commands */

static void
send_command (TetherTmuxClient *self,
              const char       *command,
              ReplyFunc         func)
{
  Pending *pending;

  if (self->closed)
    return;
  pending = g_new0 (Pending, 1);
  pending->func = func;
  pending->lines = g_ptr_array_new_with_free_func (g_free);
  g_queue_push_tail (&self->pending, pending);
  if (!self->attached)
    {
      g_ptr_array_add (self->waiting, g_strdup (command));
      return;
    }
  tether_channel_write (self->channel, command, strlen (command));
  tether_channel_write (self->channel, "\n", 1);
}

/* `new-session -A` is done: the client is attached to its session. */
static void
set_attached (TetherTmuxClient *self)
{
  g_autoptr(GString) lines = g_string_new (NULL);

  if (self->attached)
    return;
  self->attached = TRUE;
  for (guint i = 0; i < self->waiting->len; i++)
    g_string_append_printf (lines, "%s\n", (const char *) g_ptr_array_index (self->waiting, i));
  g_ptr_array_set_size (self->waiting, 0);
  if (lines->len > 0)
    tether_channel_write (self->channel, lines->str, lines->len);
}

static void
emit_output (TetherTmuxClient *self,
             TetherChannel    *giver,
             GBytes           *data)
{
  gboolean taken = FALSE;

  g_signal_emit (self, signals[OUTPUT], 0, giver, data, &taken);
  if (!taken && giver != NULL)
    tether_channel_consume (giver, g_bytes_get_size (data));
}

/* The end, once: @error (taken, nullable) says why when it is a failure. */
static void
finish (TetherTmuxClient *self,
        GError           *error,
        int               status)
{
  g_autoptr(GError) owned = error;

  if (self->closed)
    return;
  self->closed = TRUE;
  g_signal_emit (self, signals[CLOSED], 0, owned, status);
  if (self->ending)
    g_object_unref (self);
}

/* Sends the command that ends the control client (with or without its
 * tmux session), and holds on until tmux closes the channel: closed
 * sooner, sshd drops the command unread. */
static void
end_with (TetherTmuxClient *self,
          const char       *command)
{
  if (self->closed || self->ending)
    return;
  self->ending = TRUE;
  g_object_ref (self);
  if (!self->started)
    {
      /* Never started: nothing was read, nothing was asked of tmux yet. */
      self->restoring = TRUE;
      self->started = TRUE;
      tether_channel_start (self->channel);
    }
  send_command (self, command, NULL);
}

static void
fail (TetherTmuxClient *self,
      GError           *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  tether_channel_close (self->channel);
}

/* Fills the terminal with what the pane holds: its history (into the
 * scrollback), its screen, then puts the cursor where tmux has it.  What
 * the terminal held is cleared first: a re-attach in the same terminal
 * shows the pane, not the pane after what was there. */
static void
restored_cb (TetherTmuxClient *self,
             gboolean          ok,
             GPtrArray        *lines)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(GBytes) screen = NULL;

  if (self->error != NULL)
    return;
  text = g_string_new ("\033[0m\033[H\033[2J\033[3J");
  for (guint i = 0; ok && i < lines->len; i++)
    {
      if (i > 0)
        g_string_append (text, "\033[0m\r\n");
      g_string_append (text, g_ptr_array_index (lines, i));
    }
  g_string_append_printf (text, "\033[0m\033[%u;%uH", self->cursor_y + 1, self->cursor_x + 1);
  self->restoring = FALSE;
  screen = g_string_free_to_bytes (g_steal_pointer (&text));
  emit_output (self, NULL, screen);
  g_signal_emit (self, signals[READY], 0);
}

static void
described_cb (TetherTmuxClient *self,
              gboolean          ok,
              GPtrArray        *lines)
{
  g_auto(GStrv) fields = NULL;
  GError *error = NULL;

  if (ok && lines->len > 0)
    fields = g_strsplit (g_ptr_array_index (lines, 0), " ", 4);
  if (fields == NULL || g_strv_length (fields) < 4)
    {
      fail (self, g_error_new (TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                               _("The tmux on %s did not describe its session. Check that “tmux -C” works there, or use the DefaultShell configuration."),
                               self->host));
      return;
    }
  if (!tether_tmux_check_version (self->host, 0, fields[0], &error))
    {
      fail (self, error);
      tether_tmux_client_detach (self);
      return;
    }
  g_free (self->pane_id);
  self->pane_id = g_strdup (fields[1]);
  self->cursor_x = (guint) g_ascii_strtoull (fields[2], NULL, 10);
  self->cursor_y = (guint) g_ascii_strtoull (fields[3], NULL, 10);
}

/* Parsing */

static void
reply_line (TetherTmuxClient *self,
            const char       *line)
{
  Pending *pending;

  if (!self->reply_ours)
    return;
  pending = g_queue_peek_head (&self->pending);
  if (pending != NULL)
    g_ptr_array_add (pending->lines, g_strdup (line));
}

static void
reply_end (TetherTmuxClient *self,
           gboolean          ok)
{
  Pending *pending;

  self->in_reply = FALSE;
  if (!self->reply_ours)
    {
      set_attached (self);
      return;
    }
  pending = g_queue_pop_head (&self->pending);
  if (pending == NULL)
    return;
  if (pending->func != NULL)
    pending->func (self, ok, pending->lines);
  else if (!ok && pending->lines->len > 0)
    g_debug ("tmux: %s", (const char *) g_ptr_array_index (pending->lines, 0));
  pending_free (pending);
}

/* `%output %PANE DATA`: gives the pane's bytes out, held on the channel. */
static void
output_line (TetherTmuxClient *self,
             const char       *line,
             gsize             len)
{
  const char *pane = line + strlen ("%output ");
  const char *space = memchr (pane, ' ', len - (gsize) (pane - line));
  g_autoptr(GBytes) data = NULL;
  gsize size;

  if (space == NULL || self->restoring || self->pane_id == NULL
      || (gsize) (space - pane) != strlen (self->pane_id)
      || strncmp (pane, self->pane_id, (gsize) (space - pane)) != 0)
    {
      tether_channel_consume (self->channel, len + 1);
      return;
    }
  data = tether_tmux_decode_output (space + 1, len - (gsize) (space + 1 - line));
  size = g_bytes_get_size (data);
  /* The line and its newline were held; the pane's bytes stay held. */
  tether_channel_consume (self->channel, len + 1 - size);
  if (size > 0)
    emit_output (self, self->channel, data);
}

static void
parse_line (TetherTmuxClient *self,
            char             *line,
            gsize             len)
{
  if (self->in_reply)
    {
      gboolean end = g_str_has_prefix (line, "%end ");

      if ((end || g_str_has_prefix (line, "%error "))
          && g_str_equal (strchr (line, ' ') + 1, self->reply_tag))
        reply_end (self, end);
      else
        reply_line (self, line);
    }
  else if (g_str_has_prefix (line, "%output "))
    {
      output_line (self, line, len);
      return;
    }
  else if (g_str_has_prefix (line, "%begin "))
    {
      g_auto(GStrv) fields = g_strsplit (line, " ", 4);

      self->in_reply = TRUE;
      g_free (self->reply_tag);
      self->reply_tag = g_strdup (line + strlen ("%begin "));
      self->reply_ours = g_strv_length (fields) == 4 && (atoi (fields[3]) & 1) != 0;
    }
  else if (g_str_has_prefix (line, "%exit"))
    g_debug ("tmux: %s", line);
  tether_channel_consume (self->channel, len + 1);
}

static void
channel_output_cb (TetherChannel    *channel,
                   GBytes           *data,
                   gboolean          is_stderr,
                   TetherTmuxClient *self)
{
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  gsize start = 0;
  g_autoptr(TetherTmuxClient) hold = g_object_ref (self);

  if (is_stderr)
    {
      if (self->stderr_text->len < MAX_STDERR)
        g_string_append_len (self->stderr_text, (const char *) bytes,
                             MIN (size, MAX_STDERR - self->stderr_text->len));
      tether_channel_consume (channel, size);
      return;
    }

  for (gsize i = 0; i < size; i++)
    {
      if (bytes[i] != '\n')
        continue;
      g_byte_array_append (self->line, bytes + start, (guint) (i - start));
      start = i + 1;
      g_byte_array_append (self->line, (const guint8 *) "", 1);
      parse_line (self, (char *) self->line->data, self->line->len - 1);
      g_byte_array_set_size (self->line, 0);
    }
  g_byte_array_append (self->line, bytes + start, (guint) (size - start));
  if (self->line->len > MAX_LINE)
    fail (self, g_error_new (TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                             _("The tmux on %s sent something Tether does not understand. Enter the session again."),
                             self->host));
}

static void
channel_closed_cb (TetherChannel    *channel,
                   const GError     *error,
                   TetherTmuxClient *self)
{
  int status = tether_channel_get_exit_status (channel);
  g_autoptr(TetherTmuxClient) hold = g_object_ref (self);
  GError *missing = NULL;

  if (self->error != NULL)
    finish (self, g_steal_pointer (&self->error), status);
  else if (!tether_tmux_check_version (self->host, status, NULL, &missing))
    finish (self, missing, status);
  else if (error != NULL)
    finish (self, g_error_copy (error), status);
  else if (status != 0 && self->stderr_text->len > 0)
    finish (self, g_error_new (TETHER_ERROR, TETHER_ERROR_FAILED,
                               _("tmux on %s failed: %s"),
                               self->host, g_strstrip (self->stderr_text->str)),
            status);
  else
    finish (self, NULL, status);
}

/**
 * tether_tmux_client_new:
 * @channel: an exec channel running tether_tmux_client_command_line(), not
 *   started
 * @host: the server's name, for messages
 */
TetherTmuxClient *
tether_tmux_client_new (TetherChannel *channel,
                        const char    *host)
{
  TetherTmuxClient *self;

  g_return_val_if_fail (TETHER_IS_CHANNEL (channel), NULL);

  self = g_object_new (TETHER_TYPE_TMUX_CLIENT, NULL);
  self->channel = g_object_ref (channel);
  self->host = g_strdup (host);
  g_signal_connect (channel, "output", G_CALLBACK (channel_output_cb), self);
  g_signal_connect (channel, "closed", G_CALLBACK (channel_closed_cb), self);
  return self;
}

TetherChannel *
tether_tmux_client_get_channel (TetherTmuxClient *self)
{
  g_return_val_if_fail (TETHER_IS_TMUX_CLIENT (self), NULL);
  return self->channel;
}

gboolean
tether_tmux_client_get_started (TetherTmuxClient *self)
{
  g_return_val_if_fail (TETHER_IS_TMUX_CLIENT (self), FALSE);
  return self->started;
}

/**
 * tether_tmux_client_start:
 *
 * Sizes the control client to the viewer, keeps the tmux session alive
 * while detached, and restores the pane's screen and scrollback (`ready`
 * follows), then its live output.
 */
void
tether_tmux_client_start (TetherTmuxClient *self,
                          guint             columns,
                          guint             rows)
{
  g_return_if_fail (TETHER_IS_TMUX_CLIENT (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->restoring = TRUE;
  tether_channel_start (self->channel);
  tether_tmux_client_resize (self, columns, rows);
  /* A user's `destroy-unattached on` would end the shell at Disconnect. */
  send_command (self, "set-option destroy-unattached off", NULL);
  send_command (self, "display-message -p '#{version} #{pane_id} #{cursor_x} #{cursor_y}'",
                described_cb);
  send_command (self, "capture-pane -p -e -J -S -", restored_cb);
}

/**
 * tether_tmux_client_send_keys:
 *
 * Types @data in the pane, byte for byte (keys, Ctrl keys, paste with its
 * bracketed-paste marks): tmux passes hex keys on as they are.
 */
void
tether_tmux_client_send_keys (TetherTmuxClient *self,
                              const void       *data,
                              gsize             len)
{
  const guint8 *bytes = data;

  g_return_if_fail (TETHER_IS_TMUX_CLIENT (self));

  if (self->pane_id == NULL)
    return;
  for (gsize done = 0; done < len; done += KEYS_PER_COMMAND)
    {
      g_autoptr(GString) command = g_string_new ("send-keys -t ");

      g_string_append (command, self->pane_id);
      g_string_append (command, " -H");
      for (gsize i = done; i < len && i < done + KEYS_PER_COMMAND; i++)
        g_string_append_printf (command, " %02x", bytes[i]);
      send_command (self, command->str, NULL);
    }
}

void
tether_tmux_client_resize (TetherTmuxClient *self,
                           guint             columns,
                           guint             rows)
{
  g_autofree char *command = NULL;

  g_return_if_fail (TETHER_IS_TMUX_CLIENT (self));

  if (!self->started || columns == 0 || rows == 0)
    return;
  command = g_strdup_printf ("refresh-client -C %ux%u", columns, rows);
  send_command (self, command, NULL);
}

/**
 * tether_tmux_client_detach:
 *
 * Leaves the tmux session running on the server; `closed` follows.
 */
void
tether_tmux_client_detach (TetherTmuxClient *self)
{
  g_return_if_fail (TETHER_IS_TMUX_CLIENT (self));

  end_with (self, "detach-client");
}

/**
 * tether_tmux_client_kill:
 *
 * Ends the tmux session on the server, and the shell in it.
 */
void
tether_tmux_client_kill (TetherTmuxClient *self)
{
  g_return_if_fail (TETHER_IS_TMUX_CLIENT (self));

  end_with (self, "kill-session");
}

/* Disconnect and Receive */

#define MARK_FORMAT "'#{history_size} #{cursor_y} #{cursor_x}'"

/**
 * tether_tmux_mark_parse:
 * @mark: (out) (optional): filled in
 *
 * Returns: whether @text is a mark, `HISTORY_SIZE CURSOR_Y CURSOR_X`
 */
gboolean
tether_tmux_mark_parse (const char     *text,
                        TetherTmuxMark *mark)
{
  g_auto(GStrv) fields = NULL;
  guint64 values[3];

  g_return_val_if_fail (text != NULL, FALSE);

  fields = g_strsplit (text, " ", -1);
  if (g_strv_length (fields) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    if (!g_ascii_string_to_unsigned (fields[i], 10, 0, G_MAXUINT, &values[i], NULL))
      return FALSE;
  if (mark != NULL)
    {
      mark->history_size = (guint) values[0];
      mark->cursor_y = (guint) values[1];
      mark->cursor_x = (guint) values[2];
    }
  return TRUE;
}

/**
 * tether_tmux_mark_command:
 *
 * Returns: (transfer full): a command printing the mark of the session's
 *   pane, for an exec channel (the control client may not be reading)
 */
char *
tether_tmux_mark_command (const char *instance_id)
{
  g_return_val_if_fail (instance_id != NULL, NULL);

  return g_strdup_printf ("tmux display-message -p -t '=tether-%s:' " MARK_FORMAT, instance_id);
}

/**
 * tether_tmux_receive_command:
 *
 * Returns: (transfer full): a command printing the pane's mark now, then
 *   all its lines (history and screen, as text): one tmux command list,
 *   so that no output comes between the two
 */
char *
tether_tmux_receive_command (const char *instance_id)
{
  g_return_val_if_fail (instance_id != NULL, NULL);

  return g_strdup_printf ("tmux display-message -p -t '=tether-%s:' " MARK_FORMAT
                          " \\; capture-pane -p -t '=tether-%s:' -S - -E -",
                          instance_id, instance_id);
}

/**
 * tether_tmux_receive_text:
 * @since: the mark taken at Disconnect
 * @output: what tether_tmux_receive_command() printed
 *
 * Returns: (transfer full): the pane's text from @since to its cursor now,
 *   one line per row, each ending in a newline; %NULL with @error set when
 *   @output is not what the command prints
 */
char *
tether_tmux_receive_text (const TetherTmuxMark  *since,
                          const char            *output,
                          GError               **error)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  TetherTmuxMark now;
  guint first, last, n_lines;

  g_return_val_if_fail (since != NULL && output != NULL, NULL);

  lines = g_strsplit (output, "\n", -1);
  n_lines = g_strv_length (lines);
  if (n_lines < 2 || !tether_tmux_mark_parse (lines[0], &now))
    {
      g_set_error_literal (error, TETHER_ERROR, TETHER_ERROR_PROTOCOL,
                           _("tmux did not give the session’s output. Try again, or connect to the session and read its scrollback."));
      return NULL;
    }
  /* Lines 1… are the pane's, the oldest first. */
  first = since->history_size + since->cursor_y;
  last = now.history_size + now.cursor_y;
  for (guint i = first; i <= last && i + 1 < n_lines; i++)
    {
      const char *line = lines[i + 1];
      gsize len = strlen (line);
      gsize start = 0;

      /* The line of the mark: what was on it before the mark is older. */
      if (i == first)
        {
          glong chars = MIN ((glong) since->cursor_x, g_utf8_strlen (line, -1));

          start = (gsize) (g_utf8_offset_to_pointer (line, chars) - line);
        }
      if (i == last)
        {
          /* The cursor's line is output only once something is on it. */
          if (start >= len)
            break;
          g_string_append_len (text, line + start, (gssize) (len - start));
          g_string_append_c (text, '\n');
          break;
        }
      g_string_append_len (text, line + start, (gssize) (len - start));
      g_string_append_c (text, '\n');
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
