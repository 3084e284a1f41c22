#!/bin/sh
# ? opens the help (every key, from the key table), q closes it, q quits.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

tmux_start debug2.txt
tmux_wait "row 1/11"
tmux_keys '?'
tmux_wait "Help: keys"
tmux_expect help
tmux_keys q
tmux_wait "Goroutines: 11"
tmux_keys '?'
tmux_wait "Help: keys"
tmux_keys Escape
tmux_wait "Goroutines: 11"
tmux_keys x
tmux_wait "x: no such key (? for help)"
tmux_quit
