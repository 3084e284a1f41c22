#!/bin/sh
# report_truth: `gotrex report --json` on every recorded sample file
# (samples/<name>/go*/{debug2.txt,sigquit.txt,fatal.txt,trace.out}) against
# the recorded truth, samples/<name>/expect:
#   deadlock yes|no      the exit status (1|0) and "deadlock"
#   stuck N FUNC         exactly these stuck goroutines: N blocked in FUNC
#                        (the innermost user frame), nothing else
#   cycle FUNC...        a wait-for cycle of exactly these functions
# and checks that the fingerprint is the same for every file of a sample
# whose stuck set is the expected one, and differs between samples.
# Each recording folder's trace.out and debug2.txt (one process) are also
# reported together (`gotrex report trace.out debug2.txt`, joined by
# goroutine id): the same truth, the same fingerprint, and every object
# address the dump alone names for a stuck goroutine.
#
# Known misses are listed in tests/truth.sh with the reason; for them the test checks
# that what is reported is a subset of the truth (no false positive) and
# says so, instead of failing.
. "$top_srcdir/tests/lib.sh"

gx_tmpdir
. "$top_srcdir/tests/truth.sh"
# SAMPLES_DIR lets the live test point this at fresh recordings.
samples="${SAMPLES_DIR:-$top_srcdir/samples}"
[ -d "$samples" ] || skip "no samples directory"
checked=0
skipped=0
failures=0
: >"$GX_TMP/fingerprints"

# objects_of JSON: "id object" per stuck goroutine whose object is known.
objects_of() {
	sed -n 's/.*{"id": \([0-9]*\), "count": [0-9]*, "status": "stuck".*"object": "\(0x[0-9a-f]*\)".*/\1 \2/p' "$1" | sort
}

for expect in "$samples"/*/expect; do
	dir=${expect%/expect}
	name=${dir##*/}
	truth_load "$expect"

	for f in "$dir"/go*/debug2.txt "$dir"/go*/sigquit.txt "$dir"/go*/fatal.txt "$dir"/go*/trace.out; do
		[ -f "$f" ] || continue
		check_unit "${f#"$samples"/}" "$name/${f##*/}" "$f"
	done

	# A trace joined with the dump taken from the same process: the same
	# truth, and the objects the dump names for the stuck goroutines.
	for d in "$dir"/go*/; do
		[ -f "$d/trace.out" ] && [ -f "$d/debug2.txt" ] || continue
		rel="${d#"$samples"/}trace.out+debug2.txt"
		before=$failures
		check_unit "$rel" "$name/joined" "$d/trace.out" "$d/debug2.txt"
		[ "$failures" -eq "$before" ] || continue
		grep -q '"joined": ".*debug2.txt"' "$GX_TMP/out.json" || {
			echo "FAIL $rel: the report was not joined"
			failures=$((failures + 1))
			continue
		}
		"$GOTREX" report --json "$d/debug2.txt" >"$GX_TMP/dump.json" 2>/dev/null || :
		objects_of "$GX_TMP/dump.json" >"$GX_TMP/want_obj"
		objects_of "$GX_TMP/out.json" >"$GX_TMP/got_obj"
		missing=$(comm -23 "$GX_TMP/want_obj" "$GX_TMP/got_obj" | tr '\n' ';')
		[ -z "$missing" ] || {
			echo "FAIL $rel: objects the dump names are not in the joined report: $missing"
			failures=$((failures + 1))
		}
	done
done

truth_fingerprints

[ "$checked" -gt 0 ] || skip "no recorded sample files under $samples (run samples/record)"
echo "$checked files checked, $skipped skipped, $failures failed"
[ "$failures" -eq 0 ] || fail "$failures mismatch(es) with samples/*/expect"
exit 0
