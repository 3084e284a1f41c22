#!/bin/sh
# The first screen on a recorded dump: the goroutine list sorted by id and
# the stack of the first goroutine; q quits cleanly.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

tmux_start debug2.txt
tmux_wait "row 1/11"
tmux_expect first-screen
tmux_quit
