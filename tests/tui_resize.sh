#!/bin/sh
# The window may be resized at any time: the panes are laid out again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/leak-debug2.txt
cp "$dump" "$GX_TMP/leak.txt"
cd "$GX_TMP" || fail "cd"

tmux_start leak.txt
tmux_wait "row 1/27"
tmux_keys j j
tmux_wait "row 3/27"
tm resize-window -x 72 -y 16
# the stack pane's new height is the marker that the redraw happened
tmux_wait "[1-6/14]"
tmux_expect resize-small
tm resize-window -x 100 -y 30
tmux_wait "[1-12/14]"
tmux_expect resize-back
# too small to draw: say so, and come back
tm resize-window -x 20 -y 4
tmux_wait "terminal too small"
tm resize-window -x 100 -y 30
tmux_wait "row 3/27"
tmux_quit
