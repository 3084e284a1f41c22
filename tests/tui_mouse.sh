#!/bin/sh
# Mouse: a click selects the row under the pointer (and focuses its pane),
# the wheel scrolls the pane under the pointer. The events are typed into
# the pane as the X10 mouse reports of TERM=screen (ESC [ M b x y, each
# byte 32 + value, 1-based coordinates).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/leak-debug2.txt
cp "$dump" "$GX_TMP/leak.txt"
cd "$GX_TMP" || fail "cd"

esc=$(printf '\033')
tmux_start leak.txt
tmux_wait "row 1/27"
# press and release button 1 at column 5, row 6: the 4th goroutine (9)
tmux_keys -l "${esc}[M %&"
tmux_keys -l "${esc}[M#%&"
tmux_wait "row 4/27"
# wheel down twice over the list: 3 lines each, the cursor stays visible
tmux_keys -l "${esc}[Ma%&"
tmux_keys -l "${esc}[Ma%&"
tmux_wait "row 7/27"
tmux_expect mouse-wheel
# a click in the stack pane (row 22) focuses it
tmux_keys -l "${esc}[M %6"
tmux_keys -l "${esc}[M#%6"
tmux_wait "▶ Stack of goroutine 14"
tmux_quit
