#!/bin/sh
# The first screen on a recorded dump: the goroutine list sorted by id and
# the stack of the first goroutine, and the status line's deadlock verdict;
# q quits cleanly.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

tmux_start debug2.txt
tmux_wait "row 1/11"
tmux_expect first-screen
# The verdict on the first screen: samples/02-abba-mutex/expect (the
# program this dump was recorded from) says 3 goroutines are stuck.
want=$(awk '$1 == "stuck" { n += $2 } END { print n }' "$top_srcdir/samples/02-abba-mutex/expect")
tmux_capture | tail -n 1 | grep -q "deadlock: $want stuck (W)" ||
	fail "the status line does not say deadlock: $want stuck"
tmux_quit

# A healthy program's dump: no verdict (samples/09-healthy-busy/expect).
healthy=$top_srcdir/samples/09-healthy-busy/go1.26/debug2.txt
tmux_need_file "$healthy"
grep -q '^deadlock no$' "$top_srcdir/samples/09-healthy-busy/expect" || fail "09 is not healthy?"
cp "$healthy" "$GX_TMP/healthy.txt"
tmux_start healthy.txt
tmux_wait "row 1/"
tmux_capture | tail -n 1 | grep -q "deadlock" && fail "a deadlock on a healthy dump"
tmux_quit
