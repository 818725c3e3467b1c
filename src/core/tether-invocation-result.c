/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tether-enums.h"
#include "tether-invocation-private.h"
#include "tether-util.h"

/* Results: one host of a run */

struct _TetherInvocationResult
{
  GObject                 parent_instance;

  guint                   index;
  char                   *computer_name;
  TetherSession          *session;
  TetherInvocationStatus  status;
  int                     exit_status;
  gint64                  started_us;   /* monotonic, 0 before its slot */
  gint64                  ended_us;
  char                   *error_message;
  GArray                 *chunks;       /* TetherInvocationChunk */
};

G_DEFINE_FINAL_TYPE (TetherInvocationResult, tether_invocation_result, G_TYPE_OBJECT)

enum {
  RESULT_PROP_0,
  RESULT_PROP_COMPUTER_NAME,
  RESULT_PROP_SESSION,
  RESULT_PROP_INDEX,
  RESULT_PROP_STATUS,
  RESULT_PROP_EXIT_STATUS,
  RESULT_PROP_DURATION,
  RESULT_PROP_ERROR_MESSAGE,
  RESULT_N_PROPS
};

static GParamSpec *result_properties[RESULT_N_PROPS];

enum {
  SIGNAL_OUTPUT,
  N_SIGNALS
};

static guint result_signals[N_SIGNALS];

static void
clear_chunk (gpointer data)
{
  TetherInvocationChunk *chunk = data;

  g_clear_pointer (&chunk->data, g_bytes_unref);
}

static void
tether_invocation_result_dispose (GObject *object)
{
  TetherInvocationResult *self = TETHER_INVOCATION_RESULT (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (tether_invocation_result_parent_class)->dispose (object);
}

static void
tether_invocation_result_finalize (GObject *object)
{
  TetherInvocationResult *self = TETHER_INVOCATION_RESULT (object);

  g_free (self->computer_name);
  g_free (self->error_message);
  g_array_unref (self->chunks);

  G_OBJECT_CLASS (tether_invocation_result_parent_class)->finalize (object);
}

static void
tether_invocation_result_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  TetherInvocationResult *self = TETHER_INVOCATION_RESULT (object);

  switch (prop_id)
    {
    case RESULT_PROP_COMPUTER_NAME:
      g_value_set_string (value, self->computer_name);
      break;
    case RESULT_PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case RESULT_PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case RESULT_PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case RESULT_PROP_EXIT_STATUS:
      g_value_set_int (value, self->exit_status);
      break;
    case RESULT_PROP_DURATION:
      g_value_set_double (value, tether_invocation_result_get_duration (self));
      break;
    case RESULT_PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_invocation_result_class_init (TetherInvocationResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tether_invocation_result_dispose;
  object_class->finalize = tether_invocation_result_finalize;
  object_class->get_property = tether_invocation_result_get_property;

  result_properties[RESULT_PROP_COMPUTER_NAME] =
    g_param_spec_string ("computer-name", NULL, NULL, NULL, flags);
  result_properties[RESULT_PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TETHER_TYPE_SESSION, flags);
  result_properties[RESULT_PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, flags);
  result_properties[RESULT_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, TETHER_TYPE_INVOCATION_STATUS,
                       TETHER_INVOCATION_STATUS_PENDING, flags);
  result_properties[RESULT_PROP_EXIT_STATUS] =
    g_param_spec_int ("exit-status", NULL, NULL, -1, G_MAXINT, -1, flags);
  result_properties[RESULT_PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  result_properties[RESULT_PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, RESULT_N_PROPS, result_properties);

  result_signals[SIGNAL_OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_BOOLEAN);
}

static void
tether_invocation_result_init (TetherInvocationResult *self)
{
  self->exit_status = -1;
  self->chunks = g_array_new (FALSE, TRUE, sizeof (TetherInvocationChunk));
  g_array_set_clear_func (self->chunks, clear_chunk);
}

TetherInvocationResult *
_tether_invocation_result_new (guint          index,
                               const char    *computer_name,
                               TetherSession *session)
{
  TetherInvocationResult *self = g_object_new (TETHER_TYPE_INVOCATION_RESULT, NULL);

  self->index = index;
  self->computer_name = g_strdup (computer_name);
  g_set_object (&self->session, session);
  return self;
}

void
_tether_invocation_result_set_status (TetherInvocationResult *self,
                                      TetherInvocationStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), result_properties[RESULT_PROP_STATUS]);
}

void
_tether_invocation_result_start_clock (TetherInvocationResult *self)
{
  self->started_us = g_get_monotonic_time ();
}

void
_tether_invocation_result_append (TetherInvocationResult *self,
                                  GBytes                 *data,
                                  gboolean                is_stderr)
{
  TetherInvocationChunk chunk = { g_bytes_ref (data), is_stderr };

  g_array_append_val (self->chunks, chunk);
  g_signal_emit (self, result_signals[SIGNAL_OUTPUT], 0, data, is_stderr);
}

void
_tether_invocation_result_end (TetherInvocationResult *self,
                               TetherInvocationStatus  status,
                               int                     exit_status,
                               const char             *error_message)
{
  g_return_if_fail (tether_invocation_status_is_final (status));

  if (tether_invocation_status_is_final (self->status))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->ended_us = g_get_monotonic_time ();
  if (self->started_us == 0)
    self->started_us = self->ended_us;
  if (tether_set_str (&self->error_message, error_message))
    g_object_notify_by_pspec (G_OBJECT (self), result_properties[RESULT_PROP_ERROR_MESSAGE]);
  if (self->exit_status != exit_status)
    {
      self->exit_status = exit_status;
      g_object_notify_by_pspec (G_OBJECT (self), result_properties[RESULT_PROP_EXIT_STATUS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), result_properties[RESULT_PROP_DURATION]);
  _tether_invocation_result_set_status (self, status);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
tether_invocation_result_get_computer_name (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), NULL);
  return self->computer_name;
}

/**
 * tether_invocation_result_get_session:
 *
 * Returns: (transfer none) (nullable): the named session it ran on, or
 *   %NULL for a computer name (its temporary session is gone)
 */
TetherSession *
tether_invocation_result_get_session (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), NULL);
  return self->session;
}

guint
tether_invocation_result_get_index (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), 0);
  return self->index;
}

TetherInvocationStatus
tether_invocation_result_get_status (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), TETHER_INVOCATION_STATUS_PENDING);
  return self->status;
}

int
tether_invocation_result_get_exit_status (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), -1);
  return self->exit_status;
}

/**
 * tether_invocation_result_get_duration:
 *
 * Returns: seconds from its slot's start to its end (or to now while it
 *   runs; 0 while it waits)
 */
double
tether_invocation_result_get_duration (TetherInvocationResult *self)
{
  gint64 end;

  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), 0);

  if (self->started_us == 0)
    return 0;
  end = self->ended_us != 0 ? self->ended_us : g_get_monotonic_time ();
  return (end - self->started_us) / (double) G_USEC_PER_SEC;
}

const char *
tether_invocation_result_get_error_message (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), NULL);
  return self->error_message;
}

guint
tether_invocation_result_get_n_chunks (TetherInvocationResult *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), 0);
  return self->chunks->len;
}

/**
 * tether_invocation_result_get_chunk:
 *
 * Returns: (transfer none): the @index-th piece of output, in arrival order
 */
const TetherInvocationChunk *
tether_invocation_result_get_chunk (TetherInvocationResult *self,
                                    guint                   index)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), NULL);
  g_return_val_if_fail (index < self->chunks->len, NULL);
  return &g_array_index (self->chunks, TetherInvocationChunk, index);
}

/**
 * tether_invocation_result_dup_output:
 *
 * Returns: (transfer full): the output so far
 */
GBytes *
tether_invocation_result_dup_output (TetherInvocationResult *self,
                                     gboolean                both,
                                     gboolean                is_stderr)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_return_val_if_fail (TETHER_IS_INVOCATION_RESULT (self), NULL);

  for (guint i = 0; i < self->chunks->len; i++)
    {
      TetherInvocationChunk *chunk = &g_array_index (self->chunks, TetherInvocationChunk, i);
      gsize len;
      const guint8 *data;

      if (!both && chunk->is_stderr != is_stderr)
        continue;
      data = g_bytes_get_data (chunk->data, &len);
      g_byte_array_append (out, data, len);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Groups: identical hosts gathered */

struct _TetherInvocationGroup
{
  GObject     parent_instance;

  GListStore *results;
};

G_DEFINE_FINAL_TYPE (TetherInvocationGroup, tether_invocation_group, G_TYPE_OBJECT)

static void
tether_invocation_group_dispose (GObject *object)
{
  TetherInvocationGroup *self = TETHER_INVOCATION_GROUP (object);

  g_clear_object (&self->results);

  G_OBJECT_CLASS (tether_invocation_group_parent_class)->dispose (object);
}

static void
tether_invocation_group_class_init (TetherInvocationGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tether_invocation_group_dispose;
}

static void
tether_invocation_group_init (TetherInvocationGroup *self)
{
  self->results = g_list_store_new (TETHER_TYPE_INVOCATION_RESULT);
}

/**
 * tether_invocation_group_get_results:
 *
 * Returns: (transfer none): its #TetherInvocationResult, in list order
 */
GListModel *
tether_invocation_group_get_results (TetherInvocationGroup *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_GROUP (self), NULL);
  return G_LIST_MODEL (self->results);
}

guint
tether_invocation_group_get_n_computers (TetherInvocationGroup *self)
{
  g_return_val_if_fail (TETHER_IS_INVOCATION_GROUP (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->results));
}

/**
 * tether_invocation_group_get_first:
 *
 * Returns: (transfer none): the result that stands for the group
 */
TetherInvocationResult *
tether_invocation_group_get_first (TetherInvocationGroup *self)
{
  g_autoptr(TetherInvocationResult) first = NULL;

  g_return_val_if_fail (TETHER_IS_INVOCATION_GROUP (self), NULL);

  /* The store keeps its own reference. */
  first = g_list_model_get_item (G_LIST_MODEL (self->results), 0);
  return first;
}

TetherInvocationStatus
tether_invocation_group_get_status (TetherInvocationGroup *self)
{
  return tether_invocation_result_get_status (tether_invocation_group_get_first (self));
}

/**
 * tether_invocation_group_dup_label:
 *
 * Returns: (transfer full): its computers, "a, b, c … 12 computers" past
 *   three
 */
char *
tether_invocation_group_dup_label (TetherInvocationGroup *self)
{
  g_autoptr(GString) label = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (TETHER_IS_INVOCATION_GROUP (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  for (guint i = 0; i < MIN (n, 3); i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (G_LIST_MODEL (self->results), i);

      if (i > 0)
        g_string_append (label, ", ");
      g_string_append (label, result->computer_name);
    }
  if (n > 3)
    /* Translators: after the first three computers' names */
    g_string_append_printf (label, ngettext (" … %u computer", " … %u computers", n), n);
  return g_string_free (g_steal_pointer (&label), FALSE);
}

/* Two final results gather when their bytes, both streams in their order,
 * and their end are the same: the key holds all of it. */
static GBytes *
gather_key (TetherInvocationResult *result)
{
  g_autoptr(GByteArray) key = g_byte_array_new ();
  g_autoptr(GBytes) out = tether_invocation_result_dup_output (result, FALSE, FALSE);
  g_autoptr(GBytes) err = tether_invocation_result_dup_output (result, FALSE, TRUE);
  g_autofree char *head = NULL;
  gsize len;
  const guint8 *data;

  if (!tether_invocation_status_is_final (result->status))
    head = g_strdup_printf ("running %u", result->index);
  else
    head = g_strdup_printf ("%d %d %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %s",
                            result->status, result->exit_status, g_bytes_get_size (out),
                            g_bytes_get_size (err), result->error_message ? result->error_message : "");
  g_byte_array_append (key, (const guint8 *) head, strlen (head) + 1);
  data = g_bytes_get_data (out, &len);
  g_byte_array_append (key, data, len);
  data = g_bytes_get_data (err, &len);
  g_byte_array_append (key, data, len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&key));
}

static gboolean
move_entry (gpointer key,
            gpointer value,
            gpointer user_data)
{
  g_hash_table_insert (user_data, key, value);
  return TRUE;
}

static int
rank (TetherInvocationStatus status)
{
  if (tether_invocation_status_is_failure (status))
    return 0;
  if (!tether_invocation_status_is_final (status))
    return 1;
  return 2;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  TetherInvocationGroup *ga = *(TetherInvocationGroup **) a;
  TetherInvocationGroup *gb = *(TetherInvocationGroup **) b;
  TetherInvocationResult *ra = tether_invocation_group_get_first (ga);
  TetherInvocationResult *rb = tether_invocation_group_get_first (gb);
  int diff = rank (ra->status) - rank (rb->status);

  if (diff != 0)
    return diff;
  return (ra->index > rb->index) - (ra->index < rb->index);
}

/* Sets @group's results to @members, unless they are those already: a
 * group that did not change says nothing. */
static void
set_members (TetherInvocationGroup *group,
             GPtrArray             *members)
{
  GListModel *model = G_LIST_MODEL (group->results);
  guint n = g_list_model_get_n_items (model);
  gboolean same = n == members->len;

  for (guint i = 0; same && i < n; i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (model, i);

      same = result == g_ptr_array_index (members, i);
    }
  if (!same)
    g_list_store_splice (group->results, 0, n, members->pdata, members->len);
}

/* Makes @store hold @wanted, in order, with the fewest changes, so that a
 * view keeps the rows (and their state) of the groups that stay. */
static void
update_store (GListStore *store,
              GPtrArray  *wanted)
{
  GListModel *model = G_LIST_MODEL (store);

  /* The groups gone first, then the new ones and the moves. */
  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(GObject) there = g_list_model_get_item (model, i - 1);

      if (!g_ptr_array_find (wanted, there, NULL))
        g_list_store_remove (store, i - 1);
    }
  for (guint i = 0; i < wanted->len; i++)
    {
      gpointer group = g_ptr_array_index (wanted, i);
      g_autoptr(GObject) there = i < g_list_model_get_n_items (model) ? g_list_model_get_item (model, i) : NULL;
      guint position;

      if (there == group)
        continue;
      if (g_list_store_find (store, group, &position))
        g_list_store_remove (store, position);
      g_list_store_insert (store, i, group);
    }
}

GHashTable *
_tether_invocation_gather_table_new (void)
{
  return g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, g_object_unref);
}

/**
 * _tether_invocation_gather:
 * @known: the groups of the last gathering by key (GBytes → group), kept
 *   by the caller and updated here: a group whose hosts still match keeps
 *   its object
 */
void
_tether_invocation_gather (GListModel *results,
                           GListStore *groups,
                           GHashTable *known)
{
  g_autoptr(GHashTable) members = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, g_object_unref);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (results);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TetherInvocationResult) result = g_list_model_get_item (results, i);
      g_autoptr(GBytes) key = gather_key (result);
      TetherInvocationGroup *group = g_hash_table_lookup (by_key, key);

      if (group == NULL)
        {
          group = g_hash_table_lookup (known, key);
          group = group != NULL ? g_object_ref (group) : g_object_new (TETHER_TYPE_INVOCATION_GROUP, NULL);
          g_hash_table_insert (by_key, g_steal_pointer (&key), group);
          g_hash_table_insert (members, group, g_ptr_array_new ());
          g_ptr_array_add (list, group);
        }
      g_ptr_array_add (g_hash_table_lookup (members, group), result);
    }

  for (guint i = 0; i < list->len; i++)
    set_members (g_ptr_array_index (list, i), g_hash_table_lookup (members, g_ptr_array_index (list, i)));
  g_ptr_array_sort (list, compare_groups);
  update_store (groups, list);

  g_hash_table_remove_all (known);
  g_hash_table_foreach_steal (by_key, move_entry, known);
}
