#!/bin/sh
# The query bar: / opens it, the parse error is shown while typing (a caret
# under the bad character and the message), Enter applies the filter (the
# list says "N of M goroutines"), Up/Down walk the history (kept in
# $XDG_STATE_HOME/gotrex/history), Esc closes the bar and Esc again clears
# the filter; an empty query + Enter clears it too. Queries that need the
# deadlock analysis (in:cycle) get it. The help lists the language, with
# the examples of doc/query.md.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/abba.txt"
cd "$GX_TMP" || fail "cd"
# the truth, from the raw dump: 24, 25, 26 wait in sync.Mutex.Lock; the
# cycle of samples/02-abba-mutex/expect is lockAThenB (24) and lockBThenA (25)
[ "$(grep -c '^goroutine [0-9]* \[sync.Mutex.Lock\]:' abba.txt)" = 3 ] ||
	fail "abba-debug2.txt changed: not 3 goroutines in sync.Mutex.Lock"
tmux_env XDG_STATE_HOME="$GX_TMP/state"

tmux_start abba.txt
tmux_wait "row 1/11"
tmux_keys / m u t e x Space w a i t '>' 1 x
tmux_wait "^ expected a duration unit"
tmux_expect query-error
# Ctrl-W deletes the word before the cursor: the error goes away
tmux_keys C-w
tmux_wait "/mutex "
capture=$(tmux_capture)
printf '%s\n' "$capture" | grep -q "expected a duration" && fail "the error stayed after C-w"
tmux_keys Enter
tmux_wait "3 of 11 goroutines match"
tmux_expect query-applied
# / starts from the applied query; Ctrl-U clears it
tmux_keys / C-u i n : c y c l e Enter
tmux_wait "2 of 11 goroutines match"
tmux_expect query-cycle
# the history: Up gives in:cycle, then mutex; Down back to in:cycle
tmux_keys / C-u Up
tmux_wait "/in:cycle"
tmux_keys Up
tmux_wait "/mutex"
tmux_keys Down
tmux_wait "/in:cycle"
# editing keys: Home, Right, End, Left, Backspace, Delete
tmux_keys Home Right End Left BSpace
tmux_wait "/in:cyce"
tmux_wait "^^^^ expected cycle or stuck after 'in:'"
tmux_expect query-caret
tmux_keys Left Left DC
tmux_wait "/in:cce"
# a window on a dump cannot be applied: the error, the bar stays open
tmux_keys End C-u l a s t Space 1 0 m s Enter
tmux_wait "no timeline"
tmux_keys Escape
tmux_wait "filter: in:cycle"
tmux_expect query-closed
# Esc again clears the filter
tmux_keys Escape
tmux_wait "filter cleared: 11 goroutines"
tmux_wait "Goroutines: 11  sort"
# an empty query + Enter clears a filter too
tmux_keys / c h a n Enter
tmux_wait "5 of 11 goroutines match"
tmux_keys / C-u Enter
tmux_wait "filter cleared: 11 goroutines"
tmux_quit

# the history file, written atomically (no temporary left beside it)
hist=$GX_TMP/state/gotrex/history
[ -f "$hist" ] || fail "no history file $hist"
printf 'mutex \nin:cycle\nchan\n' >want-history
diff -u want-history "$hist" >&2 || fail "history file differs"
[ "$(ls "$GX_TMP/state/gotrex" | wc -l)" = 1 ] || fail "left-over files: $(ls "$GX_TMP/state/gotrex")"

# a new session reads it back: Up gives the last query
tm kill-server >/dev/null 2>&1
rm -f "$GX_TMP/status"
tmux_start abba.txt
tmux_wait "row 1/11"
tmux_keys / Up
tmux_wait "/chan"
tmux_keys Escape
tmux_wait "no warnings"

# the help lists the language; every example it shows is one of doc/query.md
tmux_keys '?'
tmux_wait "Help: keys"
tmux_keys G
tmux_wait "Query examples"
tmux_expect query-help
tmux_capture | sed -n '/Query examples/,$p' | sed '1d;$d' | cut -c3-34 | sed 's/ *$//' |
while IFS= read -r ex; do
	[ -n "$ex" ] || continue
	grep -q -F -- "    $ex " "$top_srcdir/doc/query.md" ||
		fail "help example '$ex' is not in doc/query.md"
done || exit 1
tmux_keys q
tmux_wait "row 1/11"
tmux_quit
