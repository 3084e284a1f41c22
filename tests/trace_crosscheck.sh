#!/bin/sh
# trace_crosscheck: `gotrex events FILE` must print exactly what
# `go tool trace -d=parsed FILE` prints (the Go toolchain is the source of
# truth), for
#   - every recorded sample trace, samples/*/go*/trace.out;
#   - the hand-made example of the format notes (if present);
#   - traces recorded now by the installed Go from tests/data/traceprog
#     (one plain, one with a generation every 2 ms);
#   - those traces cut at several byte offsets (a program killed while
#     tracing): both must print the same events before giving up;
#   - cuts of such traces kept in tests/data/trace/ (cases that differed).
# Set GX_TRACE_TOOLCHAINS="go1.22.12 go1.23.12 go1.25.7" to also record
# with older toolchains (GOTOOLCHAIN; fetched from the module proxy).
. "$top_srcdir/tests/lib.sh"
need_go
gx_tmpdir
. "$top_srcdir/tests/crosscheck_lib.sh"

# is_v2 FILE: the header says go 1.22 or newer (gotrex events reads only
# the v2 format; Go 1.21 and older traces are another loader's).
is_v2() {
	minor=$(trace_minor "$1")
	[ -n "$minor" ] && [ "$minor" -ge 22 ]
}

nv1=0
for f in "$top_srcdir"/samples/*/go*/trace.out; do
	[ -f "$f" ] || continue
	if is_v2 "$f"; then
		check "$f"
	else
		nv1=$((nv1 + 1))
	fi
done
[ $nv1 -eq 0 ] || echo "trace_crosscheck: skipped $nv1 pre-1.22 (v1) sample traces" >&2
# Kept cuts: cut-cpu-samples.out is a Go 1.26 trace of traceprog (a
# generation every 2 ms) cut inside a generation after its CPU samples
# batch: Go emits nothing of that generation (gotrex once printed a sample).
for f in "$top_srcdir"/tests/data/trace/*.out; do
	check "$f"
done
ex="$top_srcdir/../shared/docs/trace-samples/example-go126-handmade.bin"
[ -f "$ex" ] && check "$ex"

# Record fresh traces with the installed Go (and any requested toolchains).
cp -r "$top_srcdir/tests/data/traceprog" "$GX_TMP/prog" || fail "cannot copy tests/data/traceprog"
record() {
	tc=$1
	out=$2
	shift 2
	(cd "$GX_TMP/prog" && env GOTOOLCHAIN="$tc" GOFLAGS=-mod=mod "$@" go run . "$out") \
		>"$GX_TMP/rec.log" 2>&1 || {
		cat "$GX_TMP/rec.log" >&2
		fail "recording a trace with $tc failed"
	}
}
for tc in local ${GX_TRACE_TOOLCHAINS:-}; do
	record "$tc" "$GX_TMP/plain-$tc.out"
	record "$tc" "$GX_TMP/gens-$tc.out" GODEBUG=traceadvanceperiod=2000000
	check "$GX_TMP/plain-$tc.out"
	check "$GX_TMP/gens-$tc.out"
	cuts "$GX_TMP/gens-$tc.out" 6 check
done
if [ -f "$top_srcdir/samples/09-healthy-busy/go1.22/trace.out" ]; then
	cuts "$top_srcdir/samples/09-healthy-busy/go1.22/trace.out" 4 check
fi

echo "trace_crosscheck: $nfiles traces, $nlines lines of go tool trace output, $ndiff differing" >&2
[ $ndiff -eq 0 ] || fail "$ndiff of $nfiles traces differ from go tool trace -d=parsed"
exit 0
