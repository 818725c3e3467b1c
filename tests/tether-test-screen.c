/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-test-screen.h"

gboolean
tether_test_same_text (VteTerminal *terminal,
                       VteTerminal *reference)
{
  g_autofree char *a = vte_terminal_get_text (terminal, NULL, NULL, NULL);
  g_autofree char *b = vte_terminal_get_text (reference, NULL, NULL, NULL);

  return g_strcmp0 (a, b) == 0;
}

/* VteCharAttributes is deprecated, but in VTE 0.70 it is the only way to
 * read colours back (the HTML format came in 0.72). */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

/* From the cursor's row back past the scrollback: rows no longer held
 * read as empty, so where the scrollback ends is compared too. */
static char *
dump (VteTerminal *terminal,
      glong        scrollback,
      GArray      *attributes,
      long        *first_row,
      long        *cursor_column)
{
  long rows = vte_terminal_get_row_count (terminal);
  long row, first;
  /* Not fatal here: VTE's warning that the array is deprecated. */
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  char *text;

  vte_terminal_get_cursor_position (terminal, cursor_column, &row);
  first = MAX (0, row - scrollback - 2 * rows);
  *first_row = first;
  text = vte_terminal_get_text_range (terminal, first, 0, row + rows,
                                      vte_terminal_get_column_count (terminal) - 1,
                                      NULL, NULL, attributes);
  g_log_set_always_fatal (fatal);
  return text;
}

/* Says where they differ rather than printing a screenful. */
static void
assert_same_text (const char *a,
                  const char *b)
{
  gsize i = 0;

  while (a[i] != '\0' && a[i] == b[i])
    i++;
  if (a[i] != b[i])
    {
      g_autofree char *near_a = g_strndup (a + (i > 40 ? i - 40 : 0), 80);
      g_autofree char *near_b = g_strndup (b + (i > 40 ? i - 40 : 0), 80);

      g_test_message ("differ at byte %" G_GSIZE_FORMAT ":\n%s\n--- reference:\n%s", i, near_a, near_b);
      g_assert_not_reached ();
    }
}

/**
 * tether_test_assert_same_screen:
 * @scrollback: the lines both keep above the screen
 * @last_words: what the reference must show, so that the comparison means
 *   something
 *
 * The same text in the same colours on the screen and in the scrollback,
 * the cursor at the same place and the same window title.
 */
void
tether_test_assert_same_screen (VteTerminal *terminal,
                                VteTerminal *reference,
                                glong        scrollback,
                                const char  *last_words)
{
  g_autoptr(GArray) attrs_a = g_array_new (FALSE, FALSE, sizeof (VteCharAttributes));
  g_autoptr(GArray) attrs_b = g_array_new (FALSE, FALSE, sizeof (VteCharAttributes));
  long first_a, first_b, col_a, col_b;
  g_autofree char *text_a = dump (terminal, scrollback, attrs_a, &first_a, &col_a);
  g_autofree char *text_b = dump (reference, scrollback, attrs_b, &first_b, &col_b);

  g_assert_nonnull (strstr (text_b, last_words));
  assert_same_text (text_a, text_b);
  g_assert_cmpint (col_a, ==, col_b);
  g_assert_cmpstr (vte_terminal_get_window_title (terminal), ==,
                   vte_terminal_get_window_title (reference));

  g_assert_cmpuint (attrs_a->len, ==, attrs_b->len);
  for (guint i = 0; i < attrs_a->len; i++)
    {
      VteCharAttributes *a = &g_array_index (attrs_a, VteCharAttributes, i);
      VteCharAttributes *b = &g_array_index (attrs_b, VteCharAttributes, i);

      g_assert_cmpint (a->row - first_a, ==, b->row - first_b);
      g_assert_cmpint (a->column, ==, b->column);
      g_assert_cmpmem (&a->fore, sizeof a->fore, &b->fore, sizeof b->fore);
      g_assert_cmpmem (&a->back, sizeof a->back, &b->back, sizeof b->back);
      g_assert_cmpuint (a->underline, ==, b->underline);
    }
}

G_GNUC_END_IGNORE_DEPRECATIONS
