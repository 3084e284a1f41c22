#!/bin/sh
# golden_report: `gotrex report` (text, --json, --format=openmetrics) on a
# few recorded samples, compared byte for byte with tests/expected/report/.
# The expected files are not trusted as they are: each is first checked
# against the sources of truth,
#   - samples/<name>/expect: deadlock yes|no, the stuck functions and
#     their counts, the cycle's functions;
#   - the raw debug2.txt of the same recording folder (one process): every
#     goroutine id the report calls stuck is there, blocked, with the
#     reported function in its stack;
#   - for a trace (with Go installed): `go tool trace -d=parsed` of it,
#     for each state change and wake-up in the JSON's "before_deadlock";
# and only then compared with what gotrex prints now.
# GOTREX_UPDATE_GOLDEN=1 rewrites the expected files (after the checks).
. "$top_srcdir/tests/lib.sh"
gx_tmpdir

exp="$top_srcdir/tests/expected/report"
[ -d "$top_srcdir/samples" ] || skip "no samples directory"
failures=0

bad() {
	echo "FAIL $*"
	failures=$((failures + 1))
}

# want_stuck NAME: "count function" lines of samples/NAME/expect, sorted.
want_stuck() {
	sed -n 's/^stuck \([0-9]*\) \(.*\)$/\1 \2/p' "$top_srcdir/samples/$1/expect" | sort
}

# check_json FILE NAME DIR: the JSON against expect and the raw dump.
check_json() {
	f=$1 name=$2 dir=$3
	want_dl=$(sed -n 's/^deadlock \(yes\|no\)$/\1/p' "$top_srcdir/samples/$name/expect")
	grep -q "\"deadlock\": $([ "$want_dl" = yes ] && echo true || echo false)," "$f" ||
		bad "$f: \"deadlock\" is not $want_dl as samples/$name/expect says"
	sed 's/, "releasers": \[.*$//' "$f" |
		sed -n 's/.*{"id": \([0-9]*\), "count": 1, "status": "stuck".*"function": "\([^"]*\)".*/\1 \2/p' >"$GX_TMP/ids"
	awk '{ n[$2]++ } END { for (f in n) print n[f], f }' "$GX_TMP/ids" | sort >"$GX_TMP/got"
	want_stuck "$name" >"$GX_TMP/want"
	cmp -s "$GX_TMP/got" "$GX_TMP/want" ||
		bad "$f: stuck [$(tr '\n' ';' <"$GX_TMP/got")] but samples/$name/expect says [$(tr '\n' ';' <"$GX_TMP/want")]"
	# Every stuck id, in the raw dump of the same process: blocked, and
	# the function in its stack.
	while read -r id fn; do
		awk -v id="$id" -v fn="$fn" '
			/^goroutine [0-9]+ / { in_g = ($2 == id); if (in_g) { hdr = $0; found_g = 1 } next }
			in_g && index($0, fn "(") == 1 { found_f = 1 }
			END {
				if (!found_g) { print "no goroutine " id; exit 1 }
				if (hdr ~ /\[(running|runnable)/) { print "goroutine " id " is not blocked: " hdr; exit 1 }
				if (!found_f) { print "goroutine " id " has no frame " fn; exit 1 }
			}' "$dir/debug2.txt" >"$GX_TMP/why" ||
			bad "$f: stuck G$id $fn disagrees with $dir/debug2.txt: $(cat "$GX_TMP/why")"
	done <"$GX_TMP/ids"
	# The cycle: exactly the functions of the expect file's cycle line.
	want_cycle=$(sed -n 's/^cycle //p' "$top_srcdir/samples/$name/expect" | tr ' ' '\n' | sort | tr '\n' ' ')
	ids=$(sed -n 's/^ *"cycles": \[\[\(.*\)\]\],$/\1/p' "$f" | tr ',' ' ')
	got_cycle=$(for id in $ids; do awk -v id="$id" '$1 == id { print $2 }' "$GX_TMP/ids"; done | sort | tr '\n' ' ')
	[ "$got_cycle" = "$want_cycle" ] ||
		bad "$f: cycle [$got_cycle] but samples/$name/expect says [$want_cycle]"
}

# check_window FILE TRACE: every step of a stuck goroutine's
# "before_deadlock" in the JSON that is a state change or a wake-up is
# a StateTransition of that goroutine, at that time (counted from the
# trace's first event), into that state (a wake-up: Waiting->Runnable, by
# that goroutine or by none), in `go tool trace -d=parsed` of the trace.
# Without Go this check is left out (the golden comparison still runs).
check_window() {
	f=$1 trace=$2
	command -v go >/dev/null 2>&1 || return 0
	TZ=UTC go tool trace -d=parsed "$trace" >"$GX_TMP/parsed" 2>/dev/null || true
	first=$(sed -n '1s/.* Time=\([0-9]*\).*/\1/p' "$GX_TMP/parsed")
	[ -n "$first" ] || { bad "$f: go tool trace -d=parsed gave nothing for $trace"; return; }
	grep '"before_deadlock"' "$f" | while read -r line; do
		id=$(printf '%s\n' "$line" | sed -n 's/^ *{"id": \([0-9]*\),.*/\1/p')
		printf '%s\n' "$line" | grep -o '{"ns": [0-9]*, "kind": "state", "state": "[a-z]*", [^}]*"since_before_window": false}' |
		while read -r step; do
			ns=$(printf '%s\n' "$step" | sed 's/^{"ns": \([0-9]*\),.*/\1/')
			st=$(printf '%s\n' "$step" | sed 's/.*"state": "\([a-z]*\)".*/\1/')
			case $st in
			dead|notexist) gs=NotExist ;;
			*) gs=$(printf '%s' "$st" | awk '{ print toupper(substr($0, 1, 1)) substr($0, 2) }') ;;
			esac
			grep -q "StateTransition Time=$((first + ns)) GoID=$id [A-Za-z]*->$gs " "$GX_TMP/parsed" ||
				echo "G$id: no transition into $gs at $((first + ns)) (ns $ns)"
		done
		printf '%s\n' "$line" | grep -o '{"ns": [0-9]*, "kind": "woken", "by": [0-9a-z]*' |
		while read -r step; do
			ns=$(printf '%s\n' "$step" | sed 's/^{"ns": \([0-9]*\),.*/\1/')
			by=$(printf '%s\n' "$step" | sed 's/.*"by": //')
			[ "$by" = null ] && by=-1
			grep -q "G=$by StateTransition Time=$((first + ns)) GoID=$id Waiting->Runnable " "$GX_TMP/parsed" ||
				echo "G$id: not woken by G=$by at $((first + ns)) (ns $ns)"
		done
	done >"$GX_TMP/why"
	[ ! -s "$GX_TMP/why" ] || bad "$f: the window before the deadlock disagrees with go tool trace -d=parsed $trace: $(head -n 3 "$GX_TMP/why" | tr '\n' ';')"
}

# check_text FILE NAME: the header's count and the stuck lines.
check_text() {
	f=$1 name=$2
	total=$(want_stuck "$name" | awk '{ s += $1 } END { print s + 0 }')
	if [ "$total" -gt 0 ]; then
		grep -q ": deadlock: $total goroutines\{0,1\} stuck" "$f" ||
			bad "$f: the header does not say $total stuck (samples/$name/expect)"
	else
		grep -q ": no deadlock found" "$f" || bad "$f: a deadlock where samples/$name/expect has none"
	fi
	want_stuck "$name" | while read -r n fn; do
		got=$(grep '^  G[0-9]' "$f" | grep -cF " in $fn, waiting")
		[ "$got" -eq "$n" ] || echo "$f: $got stuck lines in $fn, samples/$name/expect says $n"
	done >"$GX_TMP/why"
	[ ! -s "$GX_TMP/why" ] || bad "$(cat "$GX_TMP/why")"
	ncyc=$(grep -c '^cycle ' "$top_srcdir/samples/$name/expect")
	[ "$(grep -c '^cycle [0-9]* (' "$f")" -eq "$ncyc" ] || bad "$f: not $ncyc cycle(s) (samples/$name/expect)"
}

# check_om FILE NAME: the metrics against expect.
check_om() {
	f=$1 name=$2
	total=$(want_stuck "$name" | awk '{ s += $1 } END { print s + 0 }')
	ncyc=$(grep -c '^cycle ' "$top_srcdir/samples/$name/expect")
	want_dl=$(sed -n 's/^deadlock \(yes\|no\)$/\1/p' "$top_srcdir/samples/$name/expect")
	grep -q "^gotrex_stuck_goroutines{file=\"[^\"]*\"} $total\$" "$f" || bad "$f: gotrex_stuck_goroutines is not $total"
	grep -q "^gotrex_deadlock_cycles{file=\"[^\"]*\"} $ncyc\$" "$f" || bad "$f: gotrex_deadlock_cycles is not $ncyc"
	grep -q "^gotrex_deadlock{file=\"[^\"]*\",fingerprint=\"[0-9a-f]*\"} $([ "$want_dl" = yes ] && echo 1 || echo 0)\$" "$f" ||
		bad "$f: gotrex_deadlock disagrees with deadlock $want_dl"
	[ "$(tail -n 1 "$f")" = "# EOF" ] || bad "$f: does not end with # EOF"
}

# case KEY NAME FILE...: one golden case (files relative to top_srcdir).
run_case() {
	key=$1 name=$2
	shift 2
	dir=$top_srcdir/$(dirname "$1")
	for fmt in text json openmetrics; do
		out="$GX_TMP/$key.$fmt"
		(cd "$top_srcdir" && "$GOTREX" report --format=$fmt "$@") >"$out" 2>"$GX_TMP/err"
		rc=$?
		[ "$rc" -le 1 ] || { bad "$key.$fmt: exit status $rc: $(cat "$GX_TMP/err")"; continue; }
		if [ -n "${GOTREX_UPDATE_GOLDEN:-}" ]; then
			case $fmt in
			text) check_text "$out" "$name" ;;
			json)
				check_json "$out" "$name" "$dir"
				[ $# -eq 1 ] && case $1 in *trace.out) check_window "$out" "$top_srcdir/$1" ;; esac
				;;
			openmetrics) check_om "$out" "$name" ;;
			esac
			cp "$out" "$exp/$key.$fmt"
			continue
		fi
		[ -f "$exp/$key.$fmt" ] || { bad "$exp/$key.$fmt is missing"; continue; }
		# The expected file must agree with the truth ...
		case $fmt in
		text) check_text "$exp/$key.$fmt" "$name" ;;
		json)
			check_json "$exp/$key.$fmt" "$name" "$dir"
			[ $# -eq 1 ] && case $1 in *trace.out) check_window "$exp/$key.$fmt" "$top_srcdir/$1" ;; esac
			;;
		openmetrics) check_om "$exp/$key.$fmt" "$name" ;;
		esac
		# ... and gotrex must print it.
		if cmp -s "$out" "$exp/$key.$fmt"; then
			echo "ok $key.$fmt"
		else
			bad "$key.$fmt differs from $exp/$key.$fmt:"
			diff -u "$exp/$key.$fmt" "$out" | head -n 40
		fi
	done
}

run_case 02-trace 02-abba-mutex samples/02-abba-mutex/go1.26/trace.out
run_case 08-trace 08-lock-across-send samples/08-lock-across-send/go1.26/trace.out
run_case 08-joined 08-lock-across-send samples/08-lock-across-send/go1.26/trace.out samples/08-lock-across-send/go1.26/debug2.txt
run_case 04-dump 04-waitgroup-missing-done samples/04-waitgroup-missing-done/go1.26/debug2.txt
run_case 09-trace 09-healthy-busy samples/09-healthy-busy/go1.26/trace.out

[ "$failures" -eq 0 ] || fail "$failures golden report mismatch(es)"
exit 0
