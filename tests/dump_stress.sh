#!/bin/sh
# dump_stress: the truth of a sample at instants nobody picked. Each sample
# program runs with the installed Go and, after its snapshot, writes
# DUMP_STRESS (default 60) more pprof debug=2 dumps 1 ms apart (rec's
# -stress); every one of them must give the sample's truth (expect) and
# fingerprint, as report_truth.sh checks the recorded files. A dump that
# catches the HTTP server, the GC or a busy worker mid-way is where false
# verdicts hide (a live_samples run once failed on one).
# A failure prints the dump's goroutine headers and what was reported, so
# the CI log alone says what went wrong.
. "$top_srcdir/tests/lib.sh"
need_go
gx_tmpdir
. "$top_srcdir/tests/truth.sh"

n=${DUMP_STRESS:-60}
checked=0
skipped=0
failures=0
: >"$GX_TMP/fingerprints"

mkdir "$GX_TMP/bin"
(cd "$top_srcdir/samples" && GOFLAGS=-trimpath CGO_ENABLED=0 go build -o "$GX_TMP/bin/" ./...) ||
	fail "cannot build the sample programs with $(go env GOVERSION)"
echo "$(go env GOVERSION), $n dumps per sample"

for expect in "$top_srcdir"/samples/*/expect; do
	dir=${expect%/expect}
	name=${dir##*/}
	out="$GX_TMP/$name"
	truth_load "$expect"
	mkdir "$out"
	# env execs the program: $! is its pid, and the loop is its timeout.
	env GOMAXPROCS=2 GOTRACEBACK=all GODEBUG=tracebacklabels=1 \
		"$GX_TMP/bin/$name" -out "$out" -stress "$n" >/dev/null 2>"$out/stderr" &
	runner=$!
	i=0
	while [ ! -s "$out/.recorded" ] && kill -0 "$runner" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL "$runner" 2>/dev/null
	wait "$runner" 2>/dev/null
	[ -s "$out/.recorded" ] || {
		echo "FAIL $name: no snapshot: $(head -c 300 "$out/stderr")"
		failures=$((failures + 1))
		continue
	}
	before=$failures
	for f in "$out"/stress/*.txt; do
		b=$failures
		check_unit "$name/stress/${f##*/}" "$name/debug2.txt" "$f" >"$GX_TMP/unit" || :
		grep -v '^ok ' "$GX_TMP/unit" || :
		[ "$failures" -eq "$b" ] && continue
		# What the dump holds and what was said of it.
		grep '^goroutine ' "$f" | head -n 60
		sed -n 's/^ *{"id": \([0-9]*\), "count": [0-9]*, "status": "stuck", \("wait": "[^"]*"\).*"function": \("[^"]*"\).*/  stuck G\1 \2 \3/p' \
			"$GX_TMP/out.json" | head -n 30
	done
	echo "$name: $(ls "$out"/stress | wc -l) dumps, $((failures - before)) failed"
done

truth_fingerprints
[ "$checked" -gt 0 ] || fail "no dump was checked"
echo "$checked dumps checked, $failures failed"
[ "$failures" -eq 0 ] || fail "$failures dump(s) disagree with samples/*/expect"
exit 0
