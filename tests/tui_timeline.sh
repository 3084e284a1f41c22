#!/bin/sh
# The timeline pane on a trace (02-abba-mutex, Go 1.26): the first screen
# (the whole trace, cursor at the end), stepping one goroutine through its
# state changes with n/N (times and wakers checked against `gotrex events`,
# the Go-parser-identical listing: see the comments), zoom and pan around
# the cursor, the cursor moved a column at a time and to the ends.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

trace=$top_srcdir/tests/data/tui/timeline-abba.trace
tmux_need_file "$trace"
cp "$trace" "$GX_TMP/abba.trace"
cd "$GX_TMP" || fail "cd"
# wide enough for the step messages next to the status facts
TMUX_COLS=160
tmux_env XDG_STATE_HOME="$GX_TMP/state"

tmux_start abba.trace
tmux_wait "cursor 0.202477 s"
tmux_expect timeline-first
# G23 (row 11): created by G1, locks, is woken by G22, blocks for good.
tmux_keys j j j j j j j j j j
tmux_wait "row 11/17"
# the timeline pane: Tab twice (list, stack, timeline); Home: the start
tmux_keys Tab Tab
tmux_wait "▶ Timeline"
tmux_keys Home
tmux_wait "cursor 0.000000 s"
# events: first event (Sync) at Time=1294016507968; G23 NotExist->Runnable
# at 1294016567232 (+59264 ns), Runnable->Running at 1294016641984
# (+134016), Running->Waiting "sync" at 1294016644992 (+137024),
# Waiting->Runnable on G=22 at 1294016645696 (+137728), Runnable->Running
# at 1294016646208 (+138240), Running->Waiting at 1294016649664 (+141696).
tmux_keys n
tmux_wait "G23 notexist → runnable at 0.000059 s"
tmux_keys n
tmux_wait "G23 runnable → running at 0.000134 s"
tmux_keys n
tmux_wait "G23 running → waiting"
tmux_keys n
tmux_wait "G23 waiting → runnable at 0.000137 s, woken by G22"
tmux_expect timeline-woken
tmux_keys n
tmux_wait "G23 runnable → running at 0.000138 s, woken by G22 at 0.000137 s"
tmux_keys n
tmux_wait "at 0.000141 s"
tmux_keys n
tmux_wait "G23: no later state change"
# back: N from 0.000141 s is the start of the running span at 0.000138 s
tmux_keys N
tmux_wait "cursor 0.000138 s"
# zoom in around the cursor (it keeps its column): 2^11 times closer
tmux_keys z z z z z z z z z z z
tmux_wait "timeline: 633ns/col"
tmux_expect timeline-zoomed
# pan later by a quarter of the width, then back
tmux_keys ]
tmux_wait "Timeline 0.000"
tmux_expect timeline-panned
tmux_keys [
tmux_keys Right Right
tmux_wait "cursor 0.000139 s"
tmux_expect timeline-cursor-right
# the whole trace again; End: the cursor at the trace end
tmux_keys 0
tmux_wait "timeline: "
tmux_keys End
tmux_wait "cursor 0.202477 s"
# G24 (row 12): slept, woken by a timer (no goroutine), locks for good.
# events: Waiting->Runnable at 1294037913920 (+21405952, G=-1),
# Runnable->Running at 1294037957440 (+21449472), Running->Waiting "sync"
# at 1294037962048 (+21454080).
tmux_keys j
tmux_wait "row 12/17"
tmux_keys N
tmux_wait "G24 running → waiting"
tmux_keys N
tmux_wait "G24 runnable → running at 0.021449 s, woken outside any goroutine at 0.021405 s"
tmux_expect timeline-timer
# A query with a time window: the timeline shows the window, the cursor at
# its end. events: G1 Runnable->Running at 1294037920896 (+21412928 ns),
# Running->Waiting "sleep" at 1294037931584 (+21423616): at 6411 ns a
# column from +21000000, running fills most of columns 64 and 65 (G1's
# row is scrolled off here; rows 20-27 wait all along).
tmux_keys / 0 . 0 2 1 s . . 0 . 0 2 2 s Enter
tmux_wait "cursor 0.022000 s"
tmux_expect timeline-window
tmux_quit

# A click on the cells puts the time cursor at that column's time. At the
# fit the window starts at 0 and a column is end / columns + 1 ns: the
# trace's end is 1294218985345 - 1294016507968 = 202477377 ns (events: its
# last and first Sync), the cells 160 - 4 = 156 columns wide (marker, two
# id digits, a space), so 1297932 ns a column. Row 22 is G1's (the first
# screen above); mouse reports as in tui_mouse.sh (x, y 1-based, + 32).
esc=$(printf '\033')
click() {
	xy=$(printf "\\$(printf '%03o' $(($1 + 32)))\\$(printf '%03o' $(($2 + 32)))")
	tmux_keys -l "${esc}[M ${xy}"
	tmux_keys -l "${esc}[M#${xy}"
}
tmux_start abba.trace
tmux_wait "cursor 0.202477 s"
click 5 22     # column 4, the first cell: 0 ns
tmux_wait "cursor 0.000000 s"
click 105 22   # the 101st cell: 100 x 1297932 ns = 0.129793200 s
tmux_wait "cursor 0.129793 s"
# the label is not a cell: the cursor stays (j after it shows the click
# was handled: keys are taken in order)
click 2 22
tmux_keys j
tmux_wait "row 2/17"
tmux_capture | grep -q "cursor 0.129793 s" || fail "a click on the label moved the cursor"
tmux_quit
