#!/bin/sh
# A mutex profile in the TUI: its records are stacks, not goroutines, so
# the list shows each record's contentions and delay (DELAY column) and
# numbers records #1, #2 instead of made-up goroutine ids. The figures are
# those `go tool pprof -raw tests/data/pprof/mutex.pb.gz` prints:
#   1 contention, 54400193 ns (main.holder); 8 contentions, 16905888 ns
#   (main.contender). Sorting by the DELAY column puts the larger first.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

prof=$top_srcdir/tests/data/pprof/mutex.pb.gz
tmux_need_file "$prof"
cp "$prof" "$GX_TMP/mutex.pb.gz"
cd "$GX_TMP" || fail "cd"

tmux_start mutex.pb.gz
tmux_wait "row 1/2"
screen=$(tmux_capture)
printf '%s\n' "$screen" | grep -q ' ID. *STATE *REASON *DELAY TOP USER FRAME' ||
	fail "no DELAY column: $screen"
printf '%s\n' "$screen" | grep -q '#1 unknown  1 contentions  *54.4ms main.holder ' ||
	fail "record #1 is not 1 contention, 54.4ms, main.holder: $screen"
printf '%s\n' "$screen" | grep -q '#2 unknown  8 contentions  *16.9ms main.contender ' ||
	fail "record #2 is not 8 contentions, 16.9ms, main.contender: $screen"
# sort by the next column (state), then by delay: the largest delay first
tmux_keys s s
tmux_wait "sort: wait"
first=$(tmux_capture | grep -m1 'contentions')
case $first in
*main.holder*) ;;
*) fail "sorted by delay, main.holder (54.4ms) is not first: $first" ;;
esac
tmux_quit
