#!/bin/sh
# = groups identical stacks (the list and the stack pane say how many
# goroutines a group holds), = again ungroups and keeps the selection.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/leak-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/leak.txt"
cd "$GX_TMP" || fail "cd"

tmux_start leak.txt
tmux_wait "row 1/27"
# goroutine 1 stays selected: its group (one goroutine asleep) is the
# second, after the 20 leaked senders
tmux_keys =
tmux_wait "group 2/8"
tmux_expect group
tmux_keys g
tmux_wait "group 1/8"
tmux_expect group-first
# ungrouping selects the group's first goroutine
tmux_keys =
tmux_wait "ungrouped: 27 goroutines"
tmux_expect group-off
tmux_quit
