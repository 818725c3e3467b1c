/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tether-terminal-private.h"

/*
 * The bridge: the session's `output` is fed to VTE (vte_terminal_feed), VTE's
 * `commit` (keys, paste) goes to tether_session_write(), and the grid size
 * goes to the remote PTY on every allocation that changes it.
 *
 * Flow control, chosen by measurement (build-aux/bench: 2 shared cores,
 * Xvfb, cairo, 100×30, 10 000 lines, `cat` of 63 MB; MB/s, then the p99
 * lateness of a 10 ms timer at default priority):
 *   the same VTE showing a local `cat` (the reference)    9.8   91–141 ms
 *   feed with no pacing                                  12.1   712 ms
 *   a fixed 256 KiB window given back on contents-changed 5.0    24 ms
 *   fixed slices of 512 KiB / 768 KiB / 1 MiB, queued   7.9 / 9.7 / 10.8
 *                                                          at 44 / 73 / 90 ms
 *   adaptive slices aiming at 25–35 ms, every byte      7.2–7.9  43–51 ms
 *   adaptive slices aiming at 15–25 ms, every byte      6.0–6.1  37 ms
 *   the same, unseen output skipped (this design)      16.6–17.1 34–40 ms
 *                                      (VTE parses 30 % of the flood)
 * Why: VTE 0.70 processes everything fed to it in one go (the budget it has
 * only applies to its own PTY reads), so the main loop's lateness is the
 * time VTE spends on what is queued in it; and after each cycle it waits its
 * 30 ms repeat timer, so small slices waste most of the time waiting.  The
 * frontier is slice / (30 ms + slice / VTE's speed) against a lateness of
 * slice / VTE's speed: parsing every byte, no slice size gives both the
 * reference's speed and a p99 under 50 ms on this machine.  So:
 * - This terminal keeps what it received in its own queue and feeds VTE one
 *   slice at a time, the next one as soon as VTE says it processed the
 *   previous (`contents-changed`), from the queue, never waiting for the
 *   network (a round trip per slice is what made the fixed window slow).
 *   Queued bytes are held on the shell channel's flow control, which is
 *   the one count of them: each goes back (tether_channel_consume()) as it
 *   leaves the queue, fed or skipped.  So the channel's window bounds the
 *   queue, and VTE holds at most a slice more.
 * - Once per VTE cycle the slice adapts to the worst lateness a 10 ms probe
 *   saw during the cycle (the probe runs only while output is pending):
 *   multiplied by 3/4 above LATE_HIGH_MS, grown by SLICE_STEP below
 *   LATE_LOW_MS while the slice is what limits the feed.
 * - What the queue holds that would scroll out of the scrollback before it
 *   could be drawn is not fed at all (tether-terminal-skip.c): a flood then
 *   goes at the network's pace while VTE parses only what it will keep, so
 *   the slice can aim low for lateness (the figures above).
 * The next slice waits for VTE to process the last; a watchdog feeds it
 * anyway if VTE changed nothing visible (a flood of escape sequences with no
 * visible effect emits no `contents-changed`).
 *
 * Detached: while the session is not entered (its terminal out of its tab),
 * nobody sees the screen, so nothing needs parsing now; on Enter the screen
 * and scrollback must be what every byte would have made them.  The
 * output-buffering-mode setting (PowerShell's OutputBufferingMode) says
 * what a flood does meanwhile:
 * - block: nothing is fed, skipped or given back.  The queue fills the
 *   channel's window (2 MiB: a 10 000-line scrollback of lines up to 200
 *   columns), the channel stops reading, the SSH window closes and the
 *   remote program waits in its write to the PTY, at no cost here, until
 *   Enter feeds and skips the queue as usual.
 * - drop (the default): the remote program keeps running, paced.  Every
 *   DETACHED_TICK_MS the terminal skips the plain lines that would scroll
 *   out unseen (tether-terminal-skip.c, the same skip as when entered),
 *   which gives them back and lets the shell send up to a window more; and
 *   it feeds VTE only the queue beyond HOLD_MAX (what cannot be skipped:
 *   output that is not plain, or lines too long for a window of them to
 *   push a scrollback out), or all of it once output calms down (less than
 *   QUIET came in a tick), at most TICK_FEED_MAX a tick.  So what Drop
 *   keeps is what the scrollback and the screen would hold, a flood costs
 *   one scan of each byte and little parsing, at a pace of at most about a
 *   window a tick, and a screen that is not flooded stays current within a
 *   tick or two.  Anything that is not plain waits at most until output
 *   calms down (a program asking the terminal something gets its answer
 *   then).  The tick sets the price (build-aux/bench detached, a `cat` of
 *   seq(1) output left flooding, % of a core at MB/s): 29 % at 13 MB/s
 *   parsing as when entered; 8-13 % at 6.6-7.3 MB/s with a 250 ms tick;
 *   5 % at 3.9 MB/s with 500 ms.  Block: 0 %.
 * Nothing is held while the session has no shell: it exited, and its tab
 * shows how it ended.
 */

#define SLICE_MIN        (32 * 1024)
/* 1 MiB let a slice of the flood's kept tail take VTE 60 ms now and then,
 * before the slice could adapt (build-aux/bench flood, quiet machine, 3
 * rounds, p99 lateness / MB/s: 1 MiB 38-60 ms / 22-26; 512 KiB 40-44 ms /
 * 20-23; 256 KiB 32-36 ms / 23-26).  With unseen output skipped VTE
 * parses ~13 % of a flood, so the smaller cap costs no throughput. */
#define SLICE_MAX        (256 * 1024)
#define SLICE_START      (128 * 1024)
#define SLICE_STEP       (32 * 1024)
#define PROBE_MS         10
#define LATE_HIGH_MS     25
#define LATE_LOW_MS      15
#define WATCHDOG_MS      150
/* Not worth cutting the queue for less (tether-terminal-skip.c). */
#define SKIP_MIN         (64 * 1024)
/* Detached under Drop (above). */
#define DETACHED_TICK_MS 500
#define HOLD_MAX         (1024 * 1024)
#define QUIET            (64 * 1024)
#define TICK_FEED_MAX    (256 * 1024)
/* io.github.tetherapp.Tether.OutputBufferingMode */
#define BUFFERING_BLOCK  1

G_DEFINE_FINAL_TYPE (TetherTerminal, tether_terminal, VTE_TYPE_TERMINAL)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BROADCAST,
  PROP_BROADCASTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  GRID_SIZE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* GNOME Console's palette: readable on both backgrounds. */
static const char *const palette_spec[16] = {
  "#241f31", "#c01c28", "#2ec27e", "#f5c211", "#1e78e4", "#9841bb", "#0ab9dc", "#c0bfbc",
  "#5e5c64", "#ed333b", "#57e389", "#f8e45c", "#51a1ff", "#c061cb", "#4fd2fd", "#f6f5f4",
};

/* Flow control */

static void feed_some (TetherTerminal *self);

/* The session is not entered and has a shell that output may be held for
 * (tether-terminal.c, "Detached"). */
static gboolean
holding (TetherTerminal *self)
{
  return self->session != NULL && !tether_session_get_attached (self->session)
         && tether_session_get_has_shell (self->session);
}

static gboolean
probe_cb (gpointer data)
{
  TetherTerminal *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late_ms = (now - self->probe_last) / 1000 - PROBE_MS;

  self->probe_last = now;
  self->cycle_late_ms = MAX (self->cycle_late_ms, late_ms);

  /* Nobody sees a detached terminal's lateness. */
  if ((self->queued == 0 || holding (self)) && self->fed == 0)
    {
      self->probe_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_probe (TetherTerminal *self)
{
  if (self->probe_source != 0)
    return;
  self->probe_last = g_get_monotonic_time ();
  self->probe_source = g_timeout_add (PROBE_MS, probe_cb, self);
}

/* Once per VTE cycle, on how late the main loop was during the last one:
 * multiplicative decrease when late, additive increase only while on time
 * and the slice was what limited the feed. */
static void
adapt_slice (TetherTerminal *self)
{
  if (self->cycle_late_ms > LATE_HIGH_MS)
    self->slice = MAX (self->slice_min, self->slice / 4 * 3);
  else if (self->cycle_late_ms < LATE_LOW_MS && self->queued > 0 && self->fed >= self->slice)
    self->slice = MIN (self->slice_max, self->slice + SLICE_STEP);
  self->cycle_late_ms = 0;
}

static void
processed (TetherTerminal *self)
{
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  adapt_slice (self);
  self->fed = 0;
  feed_some (self);
}

static gboolean
watchdog_cb (gpointer data)
{
  TetherTerminal *self = data;

  self->watchdog_source = 0;
  processed (self);
  return G_SOURCE_REMOVE;
}

/* Feeds VTE up to a slice from the queue (detached, up to what the last
 * tick allowed).  What leaves the queue is given back to its channel: from
 * there on VTE holds it, at most a slice. */
static void
feed_some (TetherTerminal *self)
{
  gboolean held = holding (self);
  gsize limit = held ? self->feed_limit : G_MAXSIZE;

  /* Detached, the tick skips, not each of a flood's reads. */
  if (self->skipping && !held)
    _tether_terminal_skip_unseen (self);

  while (self->fed < self->slice && limit > 0 && !g_queue_is_empty (&self->queue))
    {
      Chunk *head = g_queue_peek_head (&self->queue);
      gsize size;
      const char *data = g_bytes_get_data (head->bytes, &size);
      gsize n = MIN (MIN (size - self->head_offset, self->slice - self->fed), limit);

      vte_terminal_feed (VTE_TERMINAL (self), data + self->head_offset, (gssize) n);
      _tether_terminal_chunk_give_back (head, n);
      self->fed += n;
      self->queued -= n;
      self->bytes_fed += n;
      self->head_offset += n;
      limit -= n;
      if (self->head_offset == size)
        {
          _tether_terminal_chunk_free (g_queue_pop_head (&self->queue));
          self->head_offset = 0;
        }
    }
  if (held)
    self->feed_limit = limit;

  if (self->fed > 0 && self->watchdog_source == 0)
    self->watchdog_source = g_timeout_add (WATCHDOG_MS, watchdog_cb, self);
}

/* Drops what is queued, giving it back: nobody will see it. */
static void
drop_queue (TetherTerminal *self)
{
  Chunk *chunk;

  while ((chunk = g_queue_pop_head (&self->queue)) != NULL)
    {
      _tether_terminal_chunk_give_back (chunk, g_bytes_get_size (chunk->bytes) - self->head_offset);
      _tether_terminal_chunk_free (chunk);
      self->head_offset = 0;
    }
  self->queued = 0;
}

/* Detached under Drop: once a tick, skip what would scroll out unseen and
 * let VTE have what must be parsed (above). */
static gboolean
detached_tick_cb (gpointer data)
{
  TetherTerminal *self = data;
  guint64 received = self->bytes_received - self->tick_received;
  gsize limit;

  self->tick_received = self->bytes_received;
  if (self->skipping)
    _tether_terminal_skip_unseen (self);
  if (received < QUIET)
    limit = self->queued;
  else
    limit = self->queued > HOLD_MAX ? self->queued - HOLD_MAX : 0;
  self->feed_limit = MIN (limit, TICK_FEED_MAX);
  feed_some (self);

  if (self->queued == 0)
    {
      self->detached_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_tick (TetherTerminal *self)
{
  if (self->detached_source != 0)
    return;
  self->tick_received = self->bytes_received;
  self->detached_source = g_timeout_add (DETACHED_TICK_MS, detached_tick_cb, self);
}

/* The session was entered or left, its shell ended, or the setting
 * changed: hold the queue, or let it go as usual. */
static void
update_detached (TetherTerminal *self)
{
  self->feed_limit = 0;
  g_clear_handle_id (&self->detached_source, g_source_remove);
  if (!holding (self))
    {
      if (self->queued > 0)
        ensure_probe (self);
      feed_some (self);
    }
  else if (!self->block && self->queued > 0)
    ensure_tick (self);
}

/* Queues output for VTE, held on @giver's flow control (nullable: nothing
 * to give back) until it leaves the queue. */
void
_tether_terminal_push (TetherTerminal *self,
                       TetherChannel  *giver,
                       GBytes         *data)
{
  Chunk *chunk = _tether_terminal_chunk_new (data, giver);
  gsize size = g_bytes_get_size (data);

  /* Scanned in the order VTE will parse it, so the scanner's state is
   * VTE's at the end of the queue. */
  tether_vt_scanner_scan (&self->scanner, g_bytes_get_data (data, NULL), size, &chunk->span);
  g_queue_push_tail (&self->queue, chunk);
  self->queued += size;
  self->bytes_received += size;
  if (!holding (self))
    ensure_probe (self);
  else if (!self->block)
    ensure_tick (self);
  feed_some (self);
}

/* Everything the shell prints is the terminal's, entered or not: a
 * terminal out of its tab keeps what its screen and scrollback will show
 * on Enter, and paces the shell (or blocks it) while it does, so a flood
 * while nobody looks costs little and never fills the memory. */
static gboolean
on_output (TetherSession  *session,
           TetherChannel  *shell,
           GBytes         *data,
           TetherTerminal *self)
{
  _tether_terminal_push (self, shell, data);
  return TRUE;
}

static gboolean
processed_cb (gpointer data)
{
  TetherTerminal *self = data;

  self->processed_source = 0;
  if (self->fed > 0)
    processed (self);
  return G_SOURCE_REMOVE;
}

static void
on_contents_changed (VteTerminal *terminal)
{
  TetherTerminal *self = TETHER_TERMINAL (terminal);

  /* VTE paints on its own 15/30 ms timers; asking for a frame now takes
   * keystroke echo from ~34 ms to ~18 ms (notes). */
  gtk_widget_queue_draw (GTK_WIDGET (self));

  /* The next slice is fed once VTE's timer callback has returned, never
   * from inside it: fed there, it stays in VTE's queue while an
   * unrealized VTE (a terminal out of its tab) leaves its list of active
   * terminals, and is parsed only when something else is fed: the last
   * slice of a flood shown to a left session waited forever. */
  if (self->fed > 0 && self->processed_source == 0)
    self->processed_source = g_idle_add_full (G_PRIORITY_DEFAULT, processed_cb, self, NULL);
}

/* The one way input leaves the terminal: keys, Ctrl keys and pastes all
 * come through VTE's commit.  Picked for broadcast input, it goes to every
 * picked terminal's shell, this one's among them. */
static void
on_commit (VteTerminal *terminal,
           const char  *text,
           guint        size,
           gpointer     user_data)
{
  TetherTerminal *self = TETHER_TERMINAL (terminal);

  if (self->session == NULL || size == 0)
    return;
  if (tether_terminal_get_broadcasting (self))
    tether_broadcast_write (self->broadcast, text, size);
  else
    tether_session_write (self->session, text, size);
}

/* Broadcast input */

/* Esc twice in a row stops the broadcast: the first goes to the shells as
 * any key does (nobody knows yet that a second follows), the second goes
 * nowhere.  Seen before VTE turns the key into input. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TetherTerminal        *self)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  gboolean escape = keyval == GDK_KEY_Escape && (state & gtk_accelerator_get_default_mod_mask ()) == 0;

  if (event != NULL && gdk_key_event_is_modifier (event))
    return GDK_EVENT_PROPAGATE;
  if (!tether_terminal_get_broadcasting (self))
    {
      self->escape_pressed = FALSE;
      return GDK_EVENT_PROPAGATE;
    }
  if (escape && self->escape_pressed)
    {
      self->escape_pressed = FALSE;
      tether_broadcast_stop (self->broadcast);
      return GDK_EVENT_STOP;
    }
  self->escape_pressed = escape;
  return GDK_EVENT_PROPAGATE;
}

void
_tether_terminal_broadcast_changed (TetherTerminal *self)
{
  self->escape_pressed = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROADCASTING]);
}

/**
 * tether_terminal_set_broadcast:
 * @broadcast: (nullable): the broadcast this terminal may be picked in
 *
 * Leaves the previous one, if it was picked there.
 */
void
tether_terminal_set_broadcast (TetherTerminal  *self,
                               TetherBroadcast *broadcast)
{
  g_return_if_fail (TETHER_IS_TERMINAL (self));
  g_return_if_fail (broadcast == NULL || TETHER_IS_BROADCAST (broadcast));

  if (self->broadcast == broadcast)
    return;
  if (self->broadcast != NULL)
    tether_broadcast_set_member (self->broadcast, self, FALSE);
  g_set_object (&self->broadcast, broadcast);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROADCAST]);
}

/**
 * tether_terminal_get_broadcast:
 *
 * Returns: (transfer none) (nullable): the broadcast this terminal may be
 *   picked in
 */
TetherBroadcast *
tether_terminal_get_broadcast (TetherTerminal *self)
{
  g_return_val_if_fail (TETHER_IS_TERMINAL (self), NULL);
  return self->broadcast;
}

/**
 * tether_terminal_get_broadcasting:
 *
 * Returns: whether this terminal is picked for broadcast input
 */
gboolean
tether_terminal_get_broadcasting (TetherTerminal *self)
{
  g_return_val_if_fail (TETHER_IS_TERMINAL (self), FALSE);
  return self->broadcast != NULL && tether_broadcast_contains (self->broadcast, self);
}

/* Size */

static void
send_size (TetherTerminal *self)
{
  guint columns = (guint) vte_terminal_get_column_count (VTE_TERMINAL (self));
  guint rows = (guint) vte_terminal_get_row_count (VTE_TERMINAL (self));
  gboolean first = !self->allocated;

  self->allocated = TRUE;
  if (!first && columns == self->columns && rows == self->rows)
    return;
  self->columns = columns;
  self->rows = rows;
  if (self->session != NULL && tether_session_get_attached (self->session))
    tether_session_resize (self->session, columns, rows);
  g_signal_emit (self, signals[GRID_SIZE_CHANGED], 0);
}

static void
tether_terminal_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  TetherTerminal *self = TETHER_TERMINAL (widget);

  GTK_WIDGET_CLASS (tether_terminal_parent_class)->size_allocate (widget, width, height, baseline);

  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
  send_size (self);
}

/* Appearance */

static void
apply_colors (TetherTerminal *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA palette[16];
  GdkRGBA fg, bg;

  for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
    gdk_rgba_parse (&palette[i], palette_spec[i]);
  /* libadwaita's view colours, so the terminal matches the window. */
  gdk_rgba_parse (&fg, dark ? "#ffffff" : "#000000");
  gdk_rgba_parse (&bg, dark ? "#1e1e1e" : "#ffffff");
  vte_terminal_set_colors (VTE_TERMINAL (self), &fg, &bg, palette, G_N_ELEMENTS (palette));
}

static void
apply_font (TetherTerminal *self)
{
  g_autofree char *font = g_settings_get_string (self->settings, "terminal-font");
  g_autoptr(PangoFontDescription) desc = NULL;

  /* Empty: VTE's default, the system's monospace font. */
  if (font[0] != '\0')
    desc = pango_font_description_from_string (font);
  vte_terminal_set_font (VTE_TERMINAL (self), desc);
}

static void
on_setting_changed (GSettings      *settings,
                    const char     *key,
                    TetherTerminal *self)
{
  if (g_str_equal (key, "terminal-font"))
    apply_font (self);
  else if (g_str_equal (key, "scrollback-lines"))
    vte_terminal_set_scrollback_lines (VTE_TERMINAL (self),
                                       g_settings_get_int (settings, "scrollback-lines"));
  else if (g_str_equal (key, "output-buffering-mode"))
    {
      gboolean block = g_settings_get_enum (settings, key) == BUFFERING_BLOCK;

      if (block != self->block)
        {
          self->block = block;
          update_detached (self);
        }
    }
}

/* Focus comes back when the widget is shown again (Enter after Exit). */
static void
tether_terminal_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tether_terminal_parent_class)->map (widget);
  gtk_widget_grab_focus (widget);
}

/* GObject */

static void
tether_terminal_dispose (GObject *object)
{
  TetherTerminal *self = TETHER_TERMINAL (object);

  tether_terminal_set_broadcast (self, NULL);
  tether_terminal_set_session (self, NULL);
  g_clear_handle_id (&self->probe_source, g_source_remove);
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  g_clear_handle_id (&self->processed_source, g_source_remove);
  g_clear_handle_id (&self->detached_source, g_source_remove);
  drop_queue (self);
  self->fed = 0;
  _tether_terminal_dispose_actions (self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tether_terminal_parent_class)->dispose (object);
}

static void
tether_terminal_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TetherTerminal *self = TETHER_TERMINAL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_BROADCAST:
      g_value_set_object (value, self->broadcast);
      break;
    case PROP_BROADCASTING:
      g_value_set_boolean (value, tether_terminal_get_broadcasting (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_terminal_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TetherTerminal *self = TETHER_TERMINAL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      tether_terminal_set_session (self, g_value_get_object (value));
      break;
    case PROP_BROADCAST:
      tether_terminal_set_broadcast (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_terminal_class_init (TetherTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  VteTerminalClass *terminal_class = VTE_TERMINAL_CLASS (klass);

  object_class->dispose = tether_terminal_dispose;
  object_class->get_property = tether_terminal_get_property;
  object_class->set_property = tether_terminal_set_property;

  widget_class->size_allocate = tether_terminal_size_allocate;
  widget_class->map = tether_terminal_map;

  terminal_class->contents_changed = on_contents_changed;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TETHER_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROADCAST] =
    g_param_spec_object ("broadcast", NULL, NULL, TETHER_TYPE_BROADCAST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROADCASTING] =
    g_param_spec_boolean ("broadcasting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The grid got its first real size, or a new one. */
  signals[GRID_SIZE_CHANGED] =
    g_signal_new ("grid-size-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _tether_terminal_class_install_actions (widget_class);
}

static void
tether_terminal_init (TetherTerminal *self)
{
  VteTerminal *terminal = VTE_TERMINAL (self);
  GtkEventController *controller;

  g_queue_init (&self->queue);
  tether_vt_scanner_init (&self->scanner);
  self->skipping = TRUE;
  self->skip_min = SKIP_MIN;
  self->slice = SLICE_START;
  self->slice_min = SLICE_MIN;
  self->slice_max = SLICE_MAX;

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self, 0);
  apply_font (self);
  vte_terminal_set_scrollback_lines (terminal, g_settings_get_int (self->settings, "scrollback-lines"));
  self->block = g_settings_get_enum (self->settings, "output-buffering-mode") == BUFFERING_BLOCK;

  apply_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (apply_colors), self, G_CONNECT_SWAPPED);

  vte_terminal_set_mouse_autohide (terminal, TRUE);
  vte_terminal_set_scroll_on_keystroke (terminal, TRUE);
  vte_terminal_set_scroll_on_output (terminal, FALSE);
  vte_terminal_set_enable_fallback_scrolling (terminal, FALSE);

  g_signal_connect (self, "commit", G_CALLBACK (on_commit), NULL);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  _tether_terminal_init_actions (self);
}

TetherTerminal *
tether_terminal_new (void)
{
  return g_object_new (TETHER_TYPE_TERMINAL, NULL);
}

/* Entered again: the size may have changed while it was not.  Left: the
 * queue is held from now on. */
static void
on_attached (TetherSession  *session,
             GParamSpec     *pspec,
             TetherTerminal *self)
{
  guint columns, rows;

  update_detached (self);
  if (!tether_session_get_attached (session))
    {
      /* Only entered sessions receive broadcast input. */
      if (self->broadcast != NULL)
        tether_broadcast_set_member (self->broadcast, self, FALSE);
      return;
    }
  tether_terminal_get_grid_size (self, &columns, &rows);
  tether_session_resize (session, columns, rows);
}

/**
 * tether_terminal_set_session:
 * @session: (nullable): the session whose shell this terminal shows
 *
 * Shows @session's shell, entered or not: a terminal out of its tab keeps
 * its screen up to date.  Its size follows the terminal while the session
 * is entered.
 */
void
tether_terminal_set_session (TetherTerminal *self,
                             TetherSession  *session)
{
  g_return_if_fail (TETHER_IS_TERMINAL (self));
  g_return_if_fail (session == NULL || TETHER_IS_SESSION (session));

  if (self->session == session)
    return;

  /* Picked for the other shell, not for this one. */
  if (self->broadcast != NULL)
    tether_broadcast_set_member (self->broadcast, self, FALSE);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
  /* What was the other shell's is nobody's now. */
  drop_queue (self);

  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_signal_connect (session, "output", G_CALLBACK (on_output), self);
      g_signal_connect (session, "notify::attached", G_CALLBACK (on_attached), self);
      g_signal_connect_swapped (session, "shell-exited", G_CALLBACK (update_detached), self);
    }
  update_detached (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * tether_terminal_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
TetherSession *
tether_terminal_get_session (TetherTerminal *self)
{
  g_return_val_if_fail (TETHER_IS_TERMINAL (self), NULL);
  return self->session;
}

/**
 * tether_terminal_get_allocated:
 *
 * Returns: whether the grid has its real size (it was allocated once)
 */
gboolean
tether_terminal_get_allocated (TetherTerminal *self)
{
  g_return_val_if_fail (TETHER_IS_TERMINAL (self), FALSE);
  return self->allocated;
}

/**
 * tether_terminal_get_grid_size:
 *
 * The size in cells to attach at (VTE's 80×24 until first allocated).
 */
void
tether_terminal_get_grid_size (TetherTerminal *self,
                               guint          *columns,
                               guint          *rows)
{
  g_return_if_fail (TETHER_IS_TERMINAL (self));

  *columns = (guint) MAX (1, vte_terminal_get_column_count (VTE_TERMINAL (self)));
  *rows = (guint) MAX (1, vte_terminal_get_row_count (VTE_TERMINAL (self)));
}

guint64
_tether_terminal_get_bytes_fed (TetherTerminal *self)
{
  return self->bytes_fed;
}

/* How many bytes of output were dropped unparsed because they would have
 * scrolled out of the scrollback unseen (tether-terminal-skip.c). */
guint64
_tether_terminal_get_bytes_skipped (TetherTerminal *self)
{
  return self->bytes_skipped;
}

gsize
_tether_terminal_get_slice (TetherTerminal *self)
{
  return self->slice;
}

/* Whether output that would scroll out unseen may be dropped (the
 * default); off, VTE parses every byte. */
void
_tether_terminal_set_skipping (TetherTerminal *self,
                               gboolean        skipping)
{
  self->skipping = !!skipping;
}

/* The smallest and largest slice fed to VTE at once: a fixed slice when
 * equal.  (The other knob of the designs the benchmark compares is the
 * shell channel's window, tether_channel_set_window().) */
void
_tether_terminal_set_pacing (TetherTerminal *self,
                             gsize           slice_min,
                             gsize           slice_max)
{
  g_return_if_fail (slice_min > 0 && slice_min <= slice_max);

  self->slice_min = slice_min;
  self->slice_max = slice_max;
  self->slice = CLAMP (self->slice, slice_min, slice_max);
}

/**
 * tether_terminal_feed_local:
 * @text: what Tether itself says, in the terminal's own stream
 *
 * Shows @text after the output already queued, as if the shell had
 * printed it; nothing is sent to the shell.
 */
void
tether_terminal_feed_local (TetherTerminal *self,
                            const char     *text)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (TETHER_IS_TERMINAL (self));
  g_return_if_fail (text != NULL);

  bytes = g_bytes_new (text, strlen (text));
  _tether_terminal_push (self, NULL, bytes);
}
