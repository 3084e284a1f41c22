#!/bin/sh
# trace1_crosscheck: on Go 1.21-and-older ("v1") traces, `gotrex events
# FILE` must print exactly what `go tool trace -d=parsed FILE` prints (the
# installed Go converts v1 traces to its v2 events; it is the source of
# truth), for
#   - every recorded v1 sample trace, samples/*/go*/trace.out;
#   - v1 traces recorded now with the Go 1.21 toolchain (GOTOOLCHAIN, from
#     the module proxy; skipped with a note when it cannot be fetched);
#     GX_TRACE1_TOOLCHAINS="go1.21.13 go1.20.14" picks others.
# And on damaged copies (cut at several offsets, one byte overwritten
# with "A", which is a Batch header among events and printable in a
# string: gotrex escapes bytes that Go would print raw):
# where Go still prints events (it read the trace, or failed only while
# converting it) the text must be the same; where Go gives up on the whole
# trace (it prints nothing), gotrex must not crash, must keep what it
# could (at least the Sync events) and must name the byte offset of the
# damage in a warning.
. "$top_srcdir/tests/lib.sh"
need_go
gx_tmpdir
. "$top_srcdir/tests/crosscheck_lib.sh"

# damaged F WHOLE: F is a damaged copy of the trace WHOLE.
damaged() {
	dmg=$1
	whole=$2
	TZ=UTC go tool trace -d=parsed "$dmg" >"$GX_TMP/go.txt" 2>"$GX_TMP/go.err"
	if [ -s "$GX_TMP/go.txt" ]; then
		check "$dmg"
		return
	fi
	TZ=UTC "$GOTREX" events "$dmg" >"$GX_TMP/gx.txt" 2>"$GX_TMP/gx.err"
	rc=$?
	[ $rc -le 1 ] || { cat "$GX_TMP/gx.err" >&2; fail "gotrex events on a damaged $whole exited with status $rc"; }
	grep -q 'byte [0-9]' "$GX_TMP/gx.err" || {
		cat "$GX_TMP/gx.err" >&2
		fail "no byte offset in the warnings for a damaged copy of $whole"
	}
	grep -q ' Sync ' "$GX_TMP/gx.txt" || fail "nothing kept from a damaged copy of $whole"
	nfiles=$((nfiles + 1))
}

is_v1() {
	minor=$(trace_minor "$1")
	[ -n "$minor" ] && [ "$minor" -lt 22 ]
}

nv1=0
for f in "$top_srcdir"/samples/*/go*/trace.out; do
	[ -f "$f" ] || continue
	if is_v1 "$f"; then
		nv1=$((nv1 + 1))
		check "$f"
	fi
done

# Fresh recordings with older toolchains.
cp -r "$top_srcdir/tests/data/traceprog" "$GX_TMP/prog" || fail "cannot copy tests/data/traceprog"
# The program needs nothing newer than Go 1.19; its go.mod says 1.22.
sed 's/^go 1\.[0-9.]*$/go 1.19/' "$GX_TMP/prog/go.mod" >"$GX_TMP/go.mod" && mv "$GX_TMP/go.mod" "$GX_TMP/prog/go.mod"
nrec=0
for tc in ${GX_TRACE1_TOOLCHAINS:-go1.21.13}; do
	out="$GX_TMP/fresh-$tc.out"
	# Files, not ".": go1.19 cannot load the package with coro_go123.go in
	# it; no GOFLAGS: go1.11 knows no -mod=mod (the program has no deps).
	if ! (cd "$GX_TMP/prog" && env GOTOOLCHAIN="$tc" GOFLAGS= go run main.go coro_old.go "$out") \
		>"$GX_TMP/rec.log" 2>&1; then
		echo "trace1_crosscheck: could not record with $tc (no toolchain download?):" >&2
		tail -3 "$GX_TMP/rec.log" >&2
		continue
	fi
	nrec=$((nrec + 1))
	check "$out"
	cuts "$out" 4 damaged
done

# flips FILE N: FILE with one byte overwritten, at N offsets.
flips() {
	src=$1
	n=$2
	size=$(wc -c <"$src")
	i=1
	while [ $i -le "$n" ]; do
		at=$(( 16 + ((size - 16) * i) / (n + 1) + i * 3 ))
		cp "$src" "$GX_TMP/flip.out"
		printf 'A' | dd of="$GX_TMP/flip.out" bs=1 seek="$at" conv=notrunc 2>/dev/null
		damaged "$GX_TMP/flip.out" "$src"
		i=$((i + 1))
	done
}

s09="$top_srcdir/samples/09-healthy-busy/go1.21/trace.out"
if [ -f "$s09" ]; then
	cuts "$s09" 4 damaged
	flips "$s09" 6
fi

echo "trace1_crosscheck: $nfiles v1 traces ($nv1 samples, $nrec fresh), $nlines lines of go tool trace output, $ndiff differing" >&2
[ $nfiles -gt 0 ] || skip "no v1 traces found and none could be recorded"
[ $ndiff -eq 0 ] || fail "$ndiff of $nfiles v1 traces differ from go tool trace -d=parsed"
exit 0
