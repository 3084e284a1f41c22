#!/bin/sh
# s cycles the sort column (id, state, wait, frame), S reverses it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

tmux_start debug2.txt
tmux_wait "row 1/11"
tmux_keys s
tmux_wait "sorted by state"
tmux_expect sort-state
tmux_keys s s
tmux_wait "sorted by frame"
tmux_expect sort-frame
tmux_keys S
tmux_wait "sorted by frame, descending"
tmux_expect sort-frame-reverse
tmux_keys s
tmux_wait "sorted by id"
tmux_quit
