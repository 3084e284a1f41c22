#!/bin/sh
# Moving in the goroutine list: j/k, G/g, PgDn/PgUp, Ctrl-F/Ctrl-B; the
# stack pane follows the selection.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/leak-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/leak.txt"
cd "$GX_TMP" || fail "cd"

tmux_start leak.txt
tmux_wait "row 1/27"
tmux_keys j j
tmux_wait "row 3/27"
tmux_expect nav-j
tmux_keys k
tmux_wait "row 2/27"
tmux_keys G
tmux_wait "row 27/27"
tmux_expect nav-bottom
tmux_keys g
tmux_wait "row 1/27"
tmux_keys NPage
tmux_wait "row 14/27"
tmux_expect nav-pgdn
tmux_keys PPage
tmux_wait "row 1/27"
tmux_keys C-f
tmux_wait "row 14/27"
tmux_keys C-b
tmux_wait "row 1/27"
tmux_keys Down Down Up
tmux_wait "row 2/27"
tmux_keys End
tmux_wait "row 27/27"
tmux_keys Home
tmux_wait "row 1/27"
# l scrolls the pane right by 8 columns (the header too), h back
tmux_keys l
tmux_wait "WAIT TOP USER FRAME"
tmux_expect nav-right
tmux_keys h
tmux_wait " ID▲ STATE"
tmux_quit
