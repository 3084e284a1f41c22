# truth.sh: checking `gotrex report --json` against a sample's recorded
# truth (samples/<name>/expect), for report_truth.sh and dump_stress.sh.
# Source it after lib.sh and gx_tmpdir; it uses GX_TMP and GOTREX, and
# counts in checked, skipped and failures (set them to 0 first), and
# check_unit files the fingerprint under the sample's $name.
#   truth_load EXPECT       want_deadlock, $GX_TMP/want_stuck, want_cycles
#   check_unit REL SHORT FILE...   one report against them
#   truth_fingerprints      one fingerprint per sample, none shared

# A dump cannot tell 05's selects (channels nobody will ever use, created by
# a goroutine that is still alive) from a healthy select whose channels the
# live creator feeds (09-healthy-busy's pollQueue): both show an inlined or
# unmatched frame created by a live main. gotrex reports them as releasable
# by their creator (a weak hint) rather than risk false positives on healthy
# services. A trace can tell (no unblock ever at that site).
KNOWN_MISS="05-select-all-blocked/debug2.txt 05-select-all-blocked/sigquit.txt"

# stuck_of JSON: "count function" per stuck goroutine function, sorted;
# a stuck goroutine without a user frame counts as "(none)". (What follows
# "releasers" in a goroutine's line is cut first: the releasers and the
# steps before the deadlock name functions too.)
stuck_of() {
	sed 's/, "releasers": \[.*$//; s/"function": null/"function": "(none)"/' "$1" |
		sed -n 's/.*"count": \([0-9]*\), "status": "stuck".*"function": "\([^"]*\)".*/\2 \1/p' |
		awk '{ n[$1] += $2 } END { for (f in n) print n[f], f }' | sort
}

# cycles_of JSON: one line per cycle, its functions sorted and joined.
cycles_of() {
	ids=$(sed -n 's/^ *"cycles": \[\(.*\)\],$/\1/p' "$1")
	[ -n "$ids" ] || return 0
	printf '%s\n' "$ids" | sed 's/\], *\[/\n/g; s/[][]//g' | while read -r line; do
		for id in $(printf '%s\n' "$line" | tr ',' ' '); do
			sed 's/, "releasers": \[.*$//' "$1" |
				sed -n "s/.*{\"id\": $id, .*\"function\": \"\\([^\"]*\\)\".*/\\1/p"
		done | sort | tr '\n' ' ' | sed 's/ $//'
		echo
	done | sort
}

# check_unit REL SHORT FILE...: one report (of one file, or of a trace
# joined with a dump) against the expect file of the sample in $name.
check_unit() {
	rel=$1
	short=$2
	shift 2
	rc=0
	"$GOTREX" report --json "$@" >"$GX_TMP/out.json" 2>"$GX_TMP/err" || rc=$?
	if [ "$rc" -eq 2 ] && grep -q 'cannot read yet' "$GX_TMP/err"; then
		echo "skip $rel: $(cat "$GX_TMP/err")"
		skipped=$((skipped + 1))
		return 0
	fi
	checked=$((checked + 1))
	problems=""
	case $rc in
	0) got_deadlock=no ;;
	1) got_deadlock=yes ;;
	*) problems="exit status $rc ($(head -c 300 "$GX_TMP/err"))" ;;
	esac
	if [ -z "$problems" ]; then
		grep -q "\"deadlock\": $([ "$got_deadlock" = yes ] && echo true || echo false)," "$GX_TMP/out.json" ||
			problems="exit status $rc disagrees with \"deadlock\""
	fi
	stuck_of "$GX_TMP/out.json" >"$GX_TMP/got_stuck"
	cycles_of "$GX_TMP/out.json" >"$GX_TMP/got_cycles"
	[ "$got_deadlock" = "$want_deadlock" ] || problems="$problems deadlock: got $got_deadlock, want $want_deadlock;"
	cmp -s "$GX_TMP/got_stuck" "$GX_TMP/want_stuck" ||
		problems="$problems stuck: got [$(tr '\n' ';' <"$GX_TMP/got_stuck")] want [$(tr '\n' ';' <"$GX_TMP/want_stuck")];"
	cmp -s "$GX_TMP/got_cycles" "$GX_TMP/want_cycles" ||
		problems="$problems cycles: got [$(tr '\n' ';' <"$GX_TMP/got_cycles")] want [$(tr '\n' ';' <"$GX_TMP/want_cycles")];"

	case " $KNOWN_MISS " in
	*" $short "*)
		# Known miss: no false positive allowed, and it must still
		# say there is a deadlock when the truth says so.
		extra=$(comm -23 "$GX_TMP/got_stuck" "$GX_TMP/want_stuck")
		if [ -n "$extra" ] || [ "$got_deadlock" != "$want_deadlock" ]; then
			echo "FAIL $rel (known miss got worse):$problems"
			failures=$((failures + 1))
		else
			echo "known miss $rel:$problems"
		fi
		return 0
		;;
	esac
	if [ -n "$problems" ]; then
		echo "FAIL $rel:$problems"
		failures=$((failures + 1))
		return 0
	fi
	fp=$(sed -n 's/^ *"fingerprint": "\([0-9a-f]*\)",$/\1/p' "$GX_TMP/out.json")
	[ "$want_deadlock" = no ] || [ ${#fp} -eq 12 ] || {
		echo "FAIL $rel: fingerprint '$fp' is not 12 hex digits"
		failures=$((failures + 1))
	}
	[ -z "$fp" ] || echo "$name $fp" >>"$GX_TMP/fingerprints"
	echo "ok $rel ${fp:-(no deadlock)}"
}

# truth_load EXPECT: what samples/<name>/expect says.
#   deadlock yes|no      the exit status (1|0) and "deadlock"
#   stuck N FUNC         exactly these stuck goroutines: N blocked in FUNC
#                        (the innermost user frame), nothing else
#   cycle FUNC...        a wait-for cycle of exactly these functions
truth_load() {
	want_deadlock=$(sed -n 's/^deadlock \(yes\|no\)$/\1/p' "$1")
	[ -n "$want_deadlock" ] || fail "$1: no 'deadlock yes|no' line"
	sed -n 's/^stuck \([0-9]*\) \(.*\)$/\1 \2/p' "$1" |
		awk '{ n[$2] += $1 } END { for (f in n) print n[f], f }' | sort >"$GX_TMP/want_stuck"
	sed -n 's/^cycle //p' "$1" | while read -r line; do
		printf '%s\n' $line | sort | tr '\n' ' ' | sed 's/ $//'
		echo
	done | sort >"$GX_TMP/want_cycles"
}

# truth_fingerprints: one fingerprint per sample, and no two samples
# sharing one (check_unit collects them in $GX_TMP/fingerprints).
truth_fingerprints() {
	per_sample=$(sort -u "$GX_TMP/fingerprints" | awk '{ print $1 }' | uniq -d)
	[ -z "$per_sample" ] || {
		echo "FAIL: different fingerprints within one sample: $per_sample"
		failures=$((failures + 1))
	}
	shared=$(sort -u "$GX_TMP/fingerprints" | awk '{ print $2 }' | sort | uniq -d)
	[ -z "$shared" ] || {
		echo "FAIL: samples share a fingerprint: $shared"
		failures=$((failures + 1))
	}
}
