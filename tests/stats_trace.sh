#!/bin/sh
# stats_trace: `gotrex stats --json` on every sample trace against the Go
# toolchain's own parser. From `go tool trace -d=parsed` this counts, with
# awk, the goroutine state transitions by the state entered (a transition
# out of "Undetermined" only says where a goroutine was when a generation
# began, so it is not one), the creations (NotExist->...), the wake-ups
# (Waiting->Runnable) and the time from the first to the last event, and
# requires gotrex's figures to be the same.
. "$top_srcdir/tests/lib.sh"
need_go
gx_tmpdir

checked=0
failures=0
for f in "$top_srcdir"/samples/*/go*/trace.out; do
	case $f in */truncated/*) continue ;; esac # Go refuses those whole
	rel=${f#"$top_srcdir"/samples/}
	if ! TZ=UTC go tool trace -d=parsed "$f" >"$GX_TMP/go.txt" 2>"$GX_TMP/go.err"; then
		echo "FAIL $rel: go tool trace: $(head -c 200 "$GX_TMP/go.err")"
		failures=$((failures + 1))
		continue
	fi
	want=$(awk '
		/^M=.* (StateTransition|Sync) Time=/ {
			t = $0; sub(/.* Time=/, "", t); sub(/ .*/, "", t)
			if (first == "") first = t
			last = t
		}
		/ StateTransition Time=[0-9]+ GoID=[0-9]+ [A-Za-z]+->[A-Za-z]+/ {
			tr = $0; sub(/.* GoID=[0-9]+ /, "", tr); sub(/ .*/, "", tr)
			split(tr, p, "->")
			if (p[1] == "NotExist") create++
			if (p[1] == "Waiting" && p[2] == "Runnable") unblock++
			if (p[1] != "Undetermined") into[p[2]]++
		}
		END {
			printf "span=%s runnable=%d running=%d syscall=%d waiting=%d dead=%d create=%d unblock=%d\n",
				last - first, into["Runnable"], into["Running"], into["Syscall"],
				into["Waiting"], into["NotExist"], create, unblock
		}' "$GX_TMP/go.txt")
	if ! "$GOTREX" stats --json --no-cache "$f" >"$GX_TMP/st.json" 2>"$GX_TMP/st.err"; then
		echo "FAIL $rel: gotrex stats: $(head -c 200 "$GX_TMP/st.err")"
		failures=$((failures + 1))
		continue
	fi
	got=$(awk '
		function num(key,   s) {
			s = $0
			if (!sub(".*\"" key "\": ", "", s)) return 0
			sub(/[^0-9].*/, "", s)
			return s + 0
		}
		/"start_ns":/ { start = num("start_ns") }
		/"end_ns":/ { end = num("end_ns") }
		/"transitions":/ {
			r = num("runnable"); ru = num("running"); sy = num("syscall")
			w = num("waiting"); d = num("dead")
		}
		/"events_by_kind":/ { c = num("create"); u = num("unblock") }
		END {
			printf "span=%d runnable=%d running=%d syscall=%d waiting=%d dead=%d create=%d unblock=%d\n",
				end - start, r, ru, sy, w, d, c, u
		}' "$GX_TMP/st.json")
	checked=$((checked + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL $rel:"
		echo "   go:     $want"
		echo "   gotrex: $got"
		failures=$((failures + 1))
	else
		echo "ok $rel $got"
	fi
done
[ "$checked" -gt 0 ] || skip "no sample traces under samples/"
echo "$checked traces checked, $failures failed"
[ "$failures" -eq 0 ] || fail "$failures trace(s) whose stats disagree with go tool trace"
