#!/bin/sh
# Tab moves the focus to the stack pane; j/k then scroll the stack, not
# the list; Tab again returns.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

tmux_start debug2.txt
tmux_wait "row 1/11"
# goroutine 24: the deepest stack of this dump, with its created-by frame
tmux_keys j j j
tmux_wait "row 4/11"
tmux_keys Tab
tmux_wait "▶ Stack of goroutine 24"
tmux_expect stack-focus
tmux_keys j j
tmux_wait "[3-"
tmux_expect stack-scrolled
# still on goroutine 24: j scrolled the stack, not the list
tmux_keys Tab
tmux_wait "▶ Goroutines"
tmux_keys j
tmux_wait "row 5/11"
tmux_quit
