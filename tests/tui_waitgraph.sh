#!/bin/sh
# The wait-graph pane (W): the deadlock's cycles and stuck goroutines as a
# tree; Right/+/Enter expand a node, Left/- collapse it (or go to its
# parent); moving onto a goroutine's node selects it in the list and the
# stack pane, and selecting in the list moves the tree's cursor. On
# samples 02 (ABBA: cycle lockAThenB/lockBThenA, auditBalances stuck behind
# it) and 07 (20 leaked senders in main.queryBackend).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

abba=$top_srcdir/tests/data/tui/abba-debug2.txt
leak=$top_srcdir/tests/data/tui/leak-debug2.txt
tmux_need_file "$abba"
tmux_need_file "$leak"
cp "$abba" "$GX_TMP/abba.txt"
cp "$leak" "$GX_TMP/leak.txt"
cd "$GX_TMP" || fail "cd"
# the truth (samples/02-abba-mutex/expect), by id in this dump
grep -A10 '^goroutine 24 \[sync.Mutex.Lock\]:' abba.txt | grep -q '^main.lockAThenB(' ||
	fail "abba-debug2.txt changed: 24 is not lockAThenB"
grep -A10 '^goroutine 25 \[sync.Mutex.Lock\]:' abba.txt | grep -q '^main.lockBThenA(' ||
	fail "abba-debug2.txt changed: 25 is not lockBThenA"
grep -A10 '^goroutine 26 \[sync.Mutex.Lock\]:' abba.txt | grep -q '^main.auditBalances(' ||
	fail "abba-debug2.txt changed: 26 is not auditBalances"

tmux_start abba.txt
tmux_wait "row 1/11"
tmux_keys W
tmux_wait "Wait graph: 3 stuck, 1 cycle"
tmux_expect waitgraph-abba
# j j: the cycle's first member, goroutine 24; the list and stack follow
tmux_keys j j
tmux_wait "row 4/11"
tmux_wait "Stack of goroutine 24"
# Right expands it, Right steps into it, Right expands the mutex
tmux_keys Right
tmux_wait "waits for mutex 0x62f720"
tmux_keys Right Right
tmux_wait "released by G25 sync.Mutex.Lock in main.lockBThenA [shared-arg, weak]"
# j: the releaser, goroutine 25; Right: the evidence in full, and what 25
# waits for, whose releaser is 24 again (above, not expanded again)
tmux_keys j
tmux_wait "row 5/11"
tmux_wait "Stack of goroutine 25"
tmux_keys Right
tmux_wait "G25 passes 0x30017359c030 in main.lockBThenA, as a waiter does [shared-arg, weak]"
tmux_keys j j Right
tmux_wait "(above)"
tmux_expect waitgraph-expanded
# Left on an open node closes it; on a closed one goes to its parent
tmux_keys Left Left
tmux_wait "row 5/11"
tmux_keys Left Left
tmux_wait "row 4/11"
tmux_keys Left
tmux_wait "▸ waits for mutex 0x62f720"
# - goes up to goroutine 24 and closes it; Enter opens it again
tmux_keys - -
tmux_wait "   ▸ G24 sync.Mutex.Lock in main.lockAThenB"
tmux_keys Enter
tmux_wait "   ▾ G24 sync.Mutex.Lock in main.lockAThenB"
tmux_keys -
tmux_wait "   ▸ G24 sync.Mutex.Lock in main.lockAThenB"
# select goroutine 26 in the list: the tree's cursor goes to its node,
# so Right there opens what 26 waits for
tmux_keys Tab
tmux_wait "▶ Goroutines: 11"
tmux_keys g j j j j j
tmux_wait "row 6/11"
tmux_keys Tab Tab
tmux_wait "▶ Wait graph"
tmux_keys Right
tmux_wait "▾ G26 sync.Mutex.Lock in main.auditBalances"
tmux_wait "waits for mutex 0x62f700"
# D: a dump has no timeline
tmux_keys D
tmux_wait "no timeline (the input is not a trace)"
# W hides the pane: the list has its rows back
tmux_keys W
tmux_wait "  31 waiting  chan receive"
tmux_quit

tm kill-server >/dev/null 2>&1
rm -f "$GX_TMP/status"
[ "$(grep -c '^main.queryBackend(' leak.txt)" = 20 ] || fail "leak-debug2.txt changed"
tmux_start leak.txt
tmux_wait "row 1/27"
tmux_keys W
tmux_wait "Wait graph: 20 stuck, 0 cycles"
tmux_keys j Right j j Right
tmux_wait "nobody in the input could release it"
tmux_expect waitgraph-leak
tmux_quit

# A trace of a running service (tests/data/waitgraph/window-bug.trace, its
# own /debug/pprof/trace): the ABBA pair was blocked before the trace
# began, so the deadlock is older than the trace; the idle workers and the
# leaked senders are undetermined, each with the reason.
tm kill-server >/dev/null 2>&1
rm -f "$GX_TMP/status"
cp "$top_srcdir/tests/data/waitgraph/window-bug.trace" "$GX_TMP/window.trace"
TMUX_COLS=160 TMUX_ROWS=60 tmux_start window.trace
tmux_wait "row 1/36"
tmux_wait "deadlock: 2 stuck (W)"
# a wait that began before the trace: a lower bound, in ms
tmux_wait "waiting                          1.001s+ main.worker"
tmux_keys W
tmux_wait "Wait graph: 2 stuck, 1 cycle"
tmux_wait "fingerprint dd5b9466f284  before the trace began (D)"
tmux_wait "G8 chan receive in main.worker  undetermined"
# select goroutine 8 in the list; in the tree, Right opens its node: why
# it is not judged
tmux_keys g j j j j j j j
tmux_wait "row 8/36"
tmux_keys W W
tmux_wait "▶ Wait graph"
tmux_keys Right
tmux_wait "undetermined: blocked since before the trace began, and nothing in the trace shows"
tmux_quit
