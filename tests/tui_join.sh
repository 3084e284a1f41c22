#!/bin/sh
# gotrex TRACE DUMP: the trace is the main input (timeline), the dump of the
# same process joins it by goroutine id, so the wait graph has the dump's
# object addresses; the status line names both files; D puts the time
# cursor at the deadlock. Two dumps (or three files) are refused.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

trace=$top_srcdir/tests/data/tui/abba-trace.out
dump=$top_srcdir/tests/data/tui/abba-trace-debug2.txt
tmux_need_file "$trace"
tmux_need_file "$dump"
cp "$trace" "$GX_TMP/abba-trace.out"
cp "$dump" "$GX_TMP/abba-dump.txt"
cd "$GX_TMP" || fail "cd"
TMUX_ROWS=40

# refused before the UI: two dumps, three files
"$GOTREX" abba-dump.txt abba-dump.txt >out 2>err
[ $? = 2 ] || fail "two dumps: expected exit 2"
grep -q "must be an execution trace and a goroutine dump" err || fail "two dumps: $(cat err)"
"$GOTREX" abba-trace.out abba-dump.txt abba-dump.txt >out 2>err
[ $? = 2 ] || fail "three files: expected exit 2"
grep -q "at most a trace and a dump" err || fail "three files: $(cat err)"

# The truth, from the raw dump: 22 lockAThenB waits for the mutex at
# 0x62f720, 23 lockBThenA and 24 auditBalances for 0x62f700
# (samples/02-abba-mutex/expect: cycle lockAThenB lockBThenA).
grep -A3 '^goroutine 22 \[sync.Mutex.Lock\]:' abba-dump.txt | grep -q 'lockSlow(0x62f720)' ||
	fail "abba-trace-debug2.txt changed (22)"
grep -A3 '^goroutine 23 \[sync.Mutex.Lock\]:' abba-dump.txt | grep -q 'lockSlow(0x62f700)' ||
	fail "abba-trace-debug2.txt changed (23)"

# either order: the trace is the main input
tmux_start abba-dump.txt abba-trace.out
tmux_wait "abba-trace.out + abba-dump.txt"
tmux_wait "row 1/17"
tmux_keys W
tmux_wait "joined with the dump: 11 goroutines"
tmux_keys j j Right
tmux_wait "waits for mutex 0x62f720"
# (whole lines of the wait graph and the status line, not the whole screen:
# the timeline pane above has screen tests of its own)
tmux_capture >screen
for line in \
	'▶ Wait graph: 3 stuck, 1 cycle  joined with the dump: 11 goroutines  (+/- expand, collapse)' \
	' ▾ cycle 1 (inferred from weak hints): G22 → G23 → G22' \
	'   ▾ G22 sync in main.lockAThenB' \
	'     ▸ waits for mutex 0x62f720' \
	' ▸ G24 sync in main.auditBalances  stuck (inferred)' \
	' abba-trace.out + abba-dump.txt · trace-v2 · 17 goroutines · row 10/17 · no warnings'
do
	grep -q -x -F -- "$line" screen || { cat screen >&2; fail "not on the screen: $line"; }
done
# D: the time cursor at the deadlock, when the last stuck goroutine (24)
# blocked: go tool trace -d=parsed shows its Running->Waiting "sync" at
# Time=1294037962048, the trace's first event at Time=1294016507968,
# 21.454080 ms before.
tmux_keys D
tmux_wait "time cursor at the deadlock"
tmux_wait "Goroutines: 17  sort: id ▲  at 0.021454 s"
# a query that needs the deadlock time: the three stuck goroutines were in
# a mutex wait in the 10 ms before it (the list, and so the timeline's rows)
tmux_keys / m u t e x Space 1 0 m s Space b e f o r e Space d e a d l o c k Enter
tmux_wait "3 of 17 goroutines match"
tmux_capture >screen
for id in 22 23 24; do
	grep -q "^ *$id waiting  sync " screen || { cat screen >&2; fail "$id not listed"; }
done
tmux_quit
