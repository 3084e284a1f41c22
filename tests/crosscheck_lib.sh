# crosscheck_lib.sh: what trace_crosscheck.sh (v2 traces) and
# trace1_crosscheck.sh (v1 traces) share: comparing `gotrex events` with
# `go tool trace -d=parsed` on one file, the counts for the summary, the
# version in a trace's header and cutting a trace at spread offsets.
# Source it after lib.sh and gx_tmpdir:
#     . "$top_srcdir/tests/crosscheck_lib.sh"

nfiles=0
nlines=0
ndiff=0

# check FILE: compare the two outputs; keep the first diff for the log.
check() {
	f=$1
	TZ=UTC "$GOTREX" events "$f" >"$GX_TMP/gx.txt" 2>"$GX_TMP/gx.err"
	rc=$?
	if [ $rc -gt 1 ]; then
		cat "$GX_TMP/gx.err" >&2
		fail "gotrex events $f exited with status $rc"
	fi
	TZ=UTC go tool trace -d=parsed "$f" >"$GX_TMP/go.txt" 2>"$GX_TMP/go.err"
	nfiles=$((nfiles + 1))
	nlines=$((nlines + $(wc -l <"$GX_TMP/go.txt")))
	if ! cmp -s "$GX_TMP/gx.txt" "$GX_TMP/go.txt"; then
		ndiff=$((ndiff + 1))
		echo "DIFF: $f" >&2
		diff "$GX_TMP/go.txt" "$GX_TMP/gx.txt" | head -20 >&2
		head -5 "$GX_TMP/gx.err" >&2
	fi
}

# trace_minor FILE: N of the "go 1.N trace" header, nothing if there is none.
trace_minor() {
	head -c 16 "$1" | LC_ALL=C sed -n 's/^go 1\.\([0-9]*\) trace.*/\1/p' | head -1
}

# cuts FILE N CMD: FILE cut at N offsets spread over it, each copy passed
# to CMD CUT FILE.
cuts() {
	src=$1
	n=$2
	size=$(wc -c <"$src")
	i=1
	while [ $i -le "$n" ]; do
		# Spread the cuts, and avoid round numbers.
		at=$(( (size * i) / (n + 1) + i * 7 ))
		head -c "$at" "$src" >"$GX_TMP/cut.out"
		"$3" "$GX_TMP/cut.out" "$src"
		i=$((i + 1))
	done
}
