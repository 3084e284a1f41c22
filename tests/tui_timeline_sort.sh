#!/bin/sh
# With the time cursor, the goroutine list shows and sorts the goroutines
# as they were at the cursor: sorted by state at the trace start of
# 02-abba-mutex, G1 runs, G2-G4 and G17 wait, the rest are not created yet
# (gotrex events: G1 Undetermined->Running, G2, G3, G4, G17
# Undetermined->Waiting, G18 and later NotExist->Runnable after the first
# event); at the end (Go's final states) G21 runs and the rest wait.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

trace=$top_srcdir/tests/data/tui/timeline-abba.trace
tmux_need_file "$trace"
cp "$trace" "$GX_TMP/abba.trace"
cd "$GX_TMP" || fail "cd"
TMUX_ROWS=40

tmux_start abba.trace
tmux_wait "cursor 0.202477 s"
tmux_keys s
tmux_wait "sort: state"
tmux_keys g
tmux_wait "row 1/17"
tmux_expect timeline-sort-end
tmux_keys Tab Tab Home
tmux_wait "cursor 0.000000 s"
tmux_expect timeline-sort-start
tmux_quit
