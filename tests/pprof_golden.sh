#!/bin/sh
# pprof_golden.sh: `gotrex stats --json` on every debug=1 profile and every
# pprof protobuf among the samples (samples/*/go1.*/{debug1.txt,
# goroutine.pb.gz}, recorded with Go 1.21, 1.22 and 1.26) and in
# tests/data/pprof, checked against the source of truth, not against
# gotrex:
#   - debug=1 count profiles: "goroutines" equals the N of the header line
#     "... profile: total N" and the sum of the "N @" counts (awk), and
#     "records" equals the number of "@" lines;
#   - debug=1 mutex/block profiles: "contentions" is the sum of the second
#     numbers of the "@" lines, and each stack's delay_ns is its cycles
#     converted with the cycles/second line (awk, in floating point as the
#     runtime does);
#   - protobufs: the sum of the sample values and the number of samples
#     (and for mutex/block profiles the sum of the delays) as
#     `go tool pprof -raw` reads them (skipped without Go);
#   - the label sets of a goroutine protobuf, as gotrex prints them, are
#     the ones Go's own debug=1 text of the same run prints.
# Needs jq (skips without it).
. "$top_srcdir/tests/lib.sh"

command -v jq >/dev/null 2>&1 || skip "needs jq"
gx_tmpdir

checked=0

stats() { # FILE -> $GX_TMP/out.json
	"$GOTREX" stats --json --no-cache "$1" >"$GX_TMP/out.json" 2>"$GX_TMP/err" ||
		fail "gotrex stats $1 failed: $(cat "$GX_TMP/err")"
}

jget() { jq -r "$1" "$GX_TMP/out.json"; }

check_debug1() { # FILE
	f=$1
	head=$(sed -n '/./{p;q;}' "$f" | tr -d '\r')
	case $head in
	*" profile: total "*)
		total=${head##* }
		sum=$(awk '/^[0-9]+ @/ { s += $1 } END { print s + 0 }' "$f")
		recs=$(grep -c '^[0-9][0-9]* @' "$f")
		stats "$f"
		got=$(jget .goroutines)
		[ "$got" = "$total" ] || fail "$f: goroutines $got, header says total $total"
		[ "$got" = "$sum" ] || fail "$f: goroutines $got, the records add up to $sum"
		[ "$(jget .records)" = "$recs" ] || fail "$f: records $(jget .records), $recs '@' lines"
		;;
	"--- mutex:"|"--- contention:")
		cont=$(awk '/^[0-9]+ [0-9]+ @/ { s += $2 } END { print s + 0 }' "$f")
		stats "$f"
		[ "$(jget .contentions)" = "$cont" ] || fail "$f: contentions $(jget .contentions), want $cont"
		awk -F'[= ]' '/^cycles\/second=/ { cps = $2 }
			/^[0-9]+ [0-9]+ @/ { printf "%d %d\n", $2, int($1 / (cps / 1e9)) }' "$f" |
			sort -n -k2 -r >"$GX_TMP/want"
		jq -r '.stacks[] | "\(.contentions) \(.delay_ns)"' "$GX_TMP/out.json" |
			sort -n -k2 -r >"$GX_TMP/have"
		cmp -s "$GX_TMP/want" "$GX_TMP/have" ||
			fail "$f: contentions and delays per stack differ: $(diff "$GX_TMP/want" "$GX_TMP/have")"
		;;
	*) fail "$f: unexpected first line: $head" ;;
	esac
	checked=$((checked + 1))
}

check_proto() { # FILE
	f=$1
	go tool pprof -raw "$f" >"$GX_TMP/raw" 2>"$GX_TMP/err" ||
		fail "go tool pprof -raw $f failed: $(cat "$GX_TMP/err")"
	# Samples: lines "   N: ids" or "   N   D: ids" between "Samples:" and "Locations"
	awk '/^Samples:/ { on = 1; next } /^Locations/ { on = 0 }
		on && /^ *[0-9-]+ *[0-9-]*:/ { sub(":.*", ""); print }' "$GX_TMP/raw" >"$GX_TMP/vals"
	n=$(wc -l <"$GX_TMP/vals" | tr -d ' ')
	s1=$(awk '{ s += $1 } END { print s + 0 }' "$GX_TMP/vals")
	s2=$(awk '{ s += $2 } END { print s + 0 }' "$GX_TMP/vals")
	stats "$f"
	[ "$(jget .records)" = "$n" ] || fail "$f: records $(jget .records), go tool pprof: $n samples"
	case $(jget .profile) in
	goroutine|goroutineleak|threadcreate)
		[ "$(jget .goroutines)" = "$s1" ] ||
			fail "$f: goroutines $(jget .goroutines), go tool pprof: $s1" ;;
	mutex|block|contention)
		[ "$(jget .contentions)" = "$s1" ] ||
			fail "$f: contentions $(jget .contentions), go tool pprof: $s1"
		[ "$(jget .delay_ns)" = "$s2" ] ||
			fail "$f: delay_ns $(jget .delay_ns), go tool pprof: $s2" ;;
	*) fail "$f: profile $(jget .profile)" ;;
	esac
	checked=$((checked + 1))
}

for f in "$top_srcdir"/samples/*/go1.*/debug1.txt "$top_srcdir"/tests/data/pprof/*-debug1.txt; do
	[ -f "$f" ] || continue
	check_debug1 "$f"
done

if command -v go >/dev/null 2>&1; then
	for f in "$top_srcdir"/samples/*/go1.*/goroutine.pb.gz "$top_srcdir"/tests/data/pprof/*.pb.gz; do
		[ -f "$f" ] || continue
		check_proto "$f"
	done
	# Labels: the protobuf's label sets, as gotrex keeps them, are the
	# ones Go's debug=1 text of the same run prints (valid JSON both).
	d=$top_srcdir/tests/data/pprof
	sed -n 's/^# labels: //p' "$d/goroutine-debug1.txt" | jq -c -S . | sort >"$GX_TMP/want"
	[ -s "$GX_TMP/want" ] || fail "no labels in goroutine-debug1.txt"
	"$GOTREX" query --no-cache --json "$d/goroutine.pb.gz" 'label:/./' >"$GX_TMP/q.json" ||
		fail "gotrex query label:/./ on goroutine.pb.gz matched nothing"
	jq -c -S '.[].labels' "$GX_TMP/q.json" | sort >"$GX_TMP/have"
	cmp -s "$GX_TMP/want" "$GX_TMP/have" ||
		fail "labels of goroutine.pb.gz differ from the debug=1 text: $(diff "$GX_TMP/want" "$GX_TMP/have")"
	# stats --query narrows the mutex profile to the stacks that match
	stats_q=$("$GOTREX" stats --json --no-cache --query 'stack:/main\.contender/' "$d/mutex.pb.gz") ||
		fail "stats --query on mutex.pb.gz failed"
	want=$(awk '/^[0-9]+ [0-9]+ @/ { c = $2 } /main\.contender/ { print c; exit }' "$d/mutex-debug1.txt")
	[ "$(printf '%s' "$stats_q" | jq .contentions)" = "$want" ] ||
		fail "stats --query 'stack:/main\.contender/' mutex.pb.gz: contentions $(printf '%s' "$stats_q" | jq .contentions), want $want"
else
	echo "note: $GX_TEST: no Go toolchain; the protobufs were not checked" >&2
fi

[ "$checked" -gt 0 ] || skip "no profiles found"
echo "checked $checked profiles"
