#!/bin/sh
# live_samples: build and run the sample programs with the installed Go,
# record fresh traces and dumps, and check what gotrex finds in them:
#   - samples/record itself checks each fresh recording against its
#     expect file with check-expect.sh (awk over the raw dump: the stuck
#     goroutines really are there and blocked);
#   - report_truth.sh then checks that `gotrex report` names exactly those
#     stuck goroutines and cycles in the fresh files, and that every file
#     of a sample, fresh or committed (other Go versions), has the same
#     fingerprint.
# Nothing is written into the source tree: the samples are copied first.
. "$top_srcdir/tests/lib.sh"
need_go
gx_tmpdir

cp -R "$top_srcdir/samples" "$GX_TMP/samples" || fail "cannot copy samples"
# Fresh recordings replace the copies of the installed Go's committed ones.
short=$(go env GOVERSION | sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/')
echo "recording the samples with $(go env GOVERSION)"
if ! timeout 600 "$GX_TMP/samples/record" >"$GX_TMP/record.log" 2>&1; then
	cat "$GX_TMP/record.log"
	fail "samples/record failed with $(go env GOVERSION)"
fi
tail -n 3 "$GX_TMP/record.log"
n=$(ls "$GX_TMP"/samples/*/"$short"/debug2.txt 2>/dev/null | wc -l)
[ "$n" -ge 9 ] || fail "expected fresh recordings of 9 samples, found $n"

SAMPLES_DIR="$GX_TMP/samples" sh "$top_srcdir/tests/report_truth.sh" ||
	fail "gotrex's report on fresh recordings disagrees with samples/*/expect (see above)"
