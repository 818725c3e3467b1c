/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* POLLRDHUP */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <poll.h>
#include <unistd.h>

#include "tether-connection-private.h"
#include "tether-error.h"

/* Prompts: the worker asks, the main thread shows the question through the
 * interaction, and the worker waits for the answer while it watches the
 * connection.  A question whose connection died, was closed or waited
 * longer than the connect timeout is withdrawn: its cancellable closes the
 * dialog, and an answer given after that is ignored. */

/* True when the server closed or reset the connection. */
static gboolean
socket_is_lost (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLRDHUP };

  return fd >= 0 && poll (&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/* Worker thread.  Returns TRUE once the answer is in; FALSE with @error
 * when the question must be withdrawn. */
static gboolean
wait_for_answer (TetherConnectionShared  *shared,
                 gint64                   deadline,
                 GError                 **error)
{
  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = -1, .events = POLLRDHUP },
        { .fd = shared->wake_fd, .events = POLLIN },
      };
      gboolean done, closing;
      gint64 now;
      guint64 count;

      g_mutex_lock (&shared->mutex);
      done = shared->prompt_done;
      closing = shared->closing;
      fds[0].fd = shared->socket_fd;
      g_mutex_unlock (&shared->mutex);

      if (closing)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The connection was closed before it was open."));
          return FALSE;
        }
      /* Checked even once answered: an answer to a dead connection (Accept
       * after the server went) must not save anything. */
      if (socket_is_lost (fds[0].fd))
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_BROKEN,
                       _("The connection to %s was lost while Tether waited for your answer, so the question was withdrawn. Connect again when the server is reachable."),
                       shared->key);
          return FALSE;
        }
      if (done)
        return TRUE;

      now = g_get_monotonic_time ();
      if (now >= deadline)
        {
          g_set_error (error, TETHER_ERROR, TETHER_ERROR_TIMED_OUT,
                       ngettext ("Nobody answered the question for %s within %u second, so Tether withdrew it and did not connect. Connect again when you can answer, or raise the connection timeout in Preferences.",
                                 "Nobody answered the question for %s within %u seconds, so Tether withdrew it and did not connect. Connect again when you can answer, or raise the connection timeout in Preferences.",
                                 shared->timeout_s),
                       shared->key, shared->timeout_s);
          return FALSE;
        }

      /* POLLRDHUP alone: data the server sends meanwhile is libssh's to
       * read later, and must not wake this loop. */
      poll (fds, G_N_ELEMENTS (fds), (int) MAX ((deadline - now) / 1000, 1));
      /* Read the eventfd back to zero, or poll() returns at once again. */
      if ((fds[1].revents & POLLIN) && read (shared->wake_fd, &count, sizeof count) < 0)
        count = 0;
    }
}

/* Worker thread: asks the user and waits for the answer.  Returns TRUE if
 * the user answered, FALSE with no error if they declined, and FALSE with
 * @error if the question was withdrawn: the connection died or is being
 * closed, or nobody answered within the connect timeout. */
gboolean
_tether_connection_ask (TetherConnectionShared  *shared,
                        TetherPrompt            *prompt,
                        GError                 **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  TetherEvent *event = g_new0 (TetherEvent, 1);
  gint64 deadline = g_get_monotonic_time () + (gint64) shared->timeout_s * G_USEC_PER_SEC;
  gboolean in_time;
  gboolean answered;

  event->type = TETHER_EVENT_PROMPT;
  event->prompt = g_object_ref (prompt);
  event->cancellable = g_object_ref (cancellable);

  g_mutex_lock (&shared->mutex);
  shared->prompt = prompt;
  shared->prompt_done = FALSE;
  shared->prompt_answered = FALSE;
  g_mutex_unlock (&shared->mutex);

  _tether_connection_post_event (shared, event);
  in_time = wait_for_answer (shared, deadline, error);

  g_mutex_lock (&shared->mutex);
  answered = in_time && shared->prompt_answered;
  shared->prompt = NULL;
  g_mutex_unlock (&shared->mutex);

  if (!in_time)
    g_cancellable_cancel (cancellable);
  return answered;
}

typedef struct {
  TetherConnectionShared *shared;
  TetherPrompt           *prompt;
} Ask;

static void
ask_free (Ask *ask)
{
  _tether_connection_shared_unref (ask->shared);
  g_object_unref (ask->prompt);
  g_free (ask);
}

/* Main thread.  Only the question the worker still waits for counts. */
void
_tether_connection_answer_prompt (TetherConnectionShared *shared,
               TetherPrompt           *prompt,
               gboolean                answered)
{
  g_mutex_lock (&shared->mutex);
  if (shared->prompt == prompt)
    {
      shared->prompt_done = TRUE;
      shared->prompt_answered = answered;
    }
  g_mutex_unlock (&shared->mutex);
  _tether_connection_wake (shared);
}

static void
ask_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Ask *ask = user_data;
  g_autoptr(GError) error = NULL;
  gboolean answered;

  answered = tether_interaction_ask_finish (TETHER_INTERACTION (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Asking the user failed: %s", error->message);
  _tether_connection_answer_prompt (ask->shared, ask->prompt, answered);
  ask_free (ask);
}

/* Main thread: shows @prompt through @interaction; the answer, or its
 * withdrawal through @cancellable, goes back to the waiting worker. */
void
_tether_connection_show_prompt (TetherConnectionShared *shared,
                                TetherInteraction      *interaction,
                                TetherPrompt           *prompt,
                                GCancellable           *cancellable)
{
  Ask *ask = g_new0 (Ask, 1);

  ask->shared = _tether_connection_shared_ref (shared);
  ask->prompt = g_object_ref (prompt);
  tether_interaction_ask (interaction, prompt, cancellable, ask_cb, ask);
}
