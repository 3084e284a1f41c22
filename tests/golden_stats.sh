#!/bin/sh
# golden_stats.sh: `gotrex stats` and `gotrex stats --json` on every
# recorded sample dump, checked against the raw dumps and the samples' truth,
# then compared with the golden outputs.
#
# Dumps: samples/<name>/<gover>/{debug2,sigquit,fatal}.txt. Golden outputs:
# tests/expected/stats/<name>-<gover>-<file>.txt and .json (the go version is
# in the name because several are recorded).
#
# Before any comparison, each dump's JSON is checked against facts taken
# from the raw dump with grep/awk, without gotrex:
#   - "goroutines" is the number of header lines (^goroutine N ...[);
#   - "by_reason" has exactly the reasons of those headers (the first
#     element between the brackets, as the runtime printed it) with the
#     same counts, no more, no less;
#   - "by_state" and the groups' "goroutines" both add up to the total, and
#     the text output says the same total;
#   - the group sizes are those of the sets of goroutines whose headers
#     have the same reason and whose frame lines are the same once
#     arguments, +0x offsets and "in goroutine N" are taken off (awk);
#   - for every `stuck N F` line of samples/<name>/expect: the goroutines
#     whose innermost main.* frame is F and whose header reason is a
#     blocking one are found in the raw dump (N of them in debug2/sigquit),
#     and each is in a gotrex group with that exact reason and top user
#     frame F;
#   - a global-deadlock fatal.txt gives "runtime_deadlock": true.
# A synthetic dump written below (its truth known by construction) checks
# what the samples cannot: wait minutes, the longest-waiting order, that
# stacks differing only in arguments and offsets form one group, and that
# "(leaked)" stays part of the reason (the loader keeps it as a flag).
#
# Regenerate the golden files after an intended change of the output:
#     GOTREX=/path/to/build/gotrex top_srcdir=/path/to/src tests/golden_stats.sh --update
# The checks above run first; a dump that fails them gets no golden file.
# Review the result with `git diff tests/expected/stats`.
#
# Normalised: the dumps are named relative to the source tree; the source
# path, should it appear, becomes @top_srcdir@. Stats print no clock time.
# Needs jq (skips without it).

update=0
[ "${1:-}" = "--update" ] && update=1

. "$top_srcdir/tests/lib.sh"

command -v jq >/dev/null 2>&1 || skip "needs jq to read the JSON output (apt-get install jq)"
gx_tmpdir
: "${XDG_CACHE_HOME:=$GX_TMP/cache}"
export XDG_CACHE_HOME
LC_ALL=C
export LC_ALL
exp=$top_srcdir/tests/expected/stats
[ "$update" = 1 ] && { mkdir -p "$exp" || fail "cannot create $exp"; }
cd "$top_srcdir" || fail "cannot cd to $top_srcdir"

failures=0
bad() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# raw_goroutines FILE: "ID<TAB>REASON<TAB>FUNC" per goroutine: REASON is the
# first element between the header's brackets, verbatim; FUNC the innermost
# frame whose function starts with "main." ("-" if none). This is the
# regex ^goroutine [0-9]+ .*\[([^],]*) with the labels cut off first.
raw_goroutines() {
	awk '
	function flush() {
		if (id != "") print id "\t" reason "\t" (fn == "" ? "-" : fn)
		id = ""; reason = ""; fn = ""
	}
	/^goroutine [0-9]+ .*\[/ {
		flush()
		id = $2
		s = $0
		sub(/^[^[]*\[/, "", s)
		# Go 1.26 writes pprof labels inside the brackets:
		# "[chan send labels:{"k": "v, w"}]"; they are not the reason.
		sub(/ labels:\{.*$/, "", s)
		sub(/[],].*$/, "", s)
		reason = s
		next
	}
	id == "" { next }
	/^\t/ || /^created by / || /^$/ { next }
	{
		name = $0
		sub(/\([^()]*\)$/, "", name)
		if (fn == "" && name ~ /^main\./) fn = name
	}
	END { flush() }
	' "$1"
}

# raw_group_sizes FILE: the sizes of the sets of goroutines with the same
# header reason and the same frame lines, without arguments, offsets,
# "fp= sp= pc=" (GOTRACEBACK=system and up) and "in goroutine N"; one per
# line, ascending.
raw_group_sizes() {
	awk '
	function flush() { if (key != "") n[key]++; key = "" }
	/^goroutine [0-9]+ .*\[/ {
		flush()
		s = $0
		sub(/^[^[]*\[/, "", s)
		sub(/ labels:\{.*$/, "", s)
		sub(/[],].*$/, "", s)
		key = s "|"
		next
	}
	/^$/ { flush(); next }
	key == "" { next }
	{
		l = $0
		sub(/ fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+$/, "", l)
		sub(/ \+0x[0-9a-f]+$/, "", l)
		if (l !~ /^\t/) {
			sub(/\([^()]*\)$/, "", l)
			sub(/ in goroutine [0-9]+$/, "", l)
		}
		key = key l "|"
	}
	END { flush(); for (k in n) print n[k] }
	' "$1" | sort -n
}

# A reason a stuck goroutine can have (as samples/check-expect.sh counts them).
blocking() {
	case "$1" in
	"chan send" | "chan receive" | "select" | "select (no cases)" | \
	"chan send (nil chan)" | "chan receive (nil chan)" | sync.* | semacquire) return 0 ;;
	esac
	return 1
}

# check_dump NAME DUMP JSON TEXT: the checks against the raw dump and expect.
check_dump() {
	name=$1 dump=$2 json=$3 text=$4
	nbad=$failures

	raw_goroutines "$dump" > "$GX_TMP/raw"
	want=$(wc -l < "$GX_TMP/raw" | tr -d ' ')
	heads=$(grep -cE '^goroutine [0-9]+ .*\[' "$dump")
	[ "$want" = "$heads" ] || bad "$dump: awk saw $want goroutines, grep $heads"
	got=$(jq -r .goroutines "$json")
	[ "$got" = "$want" ] || bad "$dump: goroutines is $got, the dump has $want headers"
	grep -qx "goroutines: $want" "$text" || bad "$dump: the text output does not say 'goroutines: $want'"

	cut -f2 "$GX_TMP/raw" | sort | uniq -c |
		awk '{ n = $1; sub(/^ *[0-9]+ /, ""); print $0 "\t" n }' | sort > "$GX_TMP/raw.reasons"
	jq -r '.by_reason | to_entries[] | "\(.key)\t\(.value)"' "$json" | sort > "$GX_TMP/gx.reasons"
	diff "$GX_TMP/raw.reasons" "$GX_TMP/gx.reasons" > "$GX_TMP/reasons.diff" ||
		bad "$dump: by_reason differs from the headers (< raw, > gotrex):
$(cat "$GX_TMP/reasons.diff")"

	[ "$(jq '[.by_state[]] | add // 0' "$json")" = "$want" ] ||
		bad "$dump: by_state does not add up to $want"
	[ "$(jq '[.groups[].goroutines] | add // 0' "$json")" = "$want" ] ||
		bad "$dump: the groups do not add up to $want goroutines"
	# Groups: goroutines with the same reason and the same frame lines once
	# arguments, +0x offsets and "in goroutine N" are taken off.
	raw_group_sizes "$dump" > "$GX_TMP/raw.groups"
	jq -r '.groups[].goroutines' "$json" | sort -n > "$GX_TMP/gx.groups"
	cmp -s "$GX_TMP/raw.groups" "$GX_TMP/gx.groups" ||
		bad "$dump: group sizes differ from the raw dump's identical stacks (raw: $(tr '\n' ' ' < "$GX_TMP/raw.groups"); gotrex: $(tr '\n' ' ' < "$GX_TMP/gx.groups"))"
	[ "$(jq '[.groups[] | select(.ids_truncated)] | length' "$json")" = 0 ] ||
		bad "$dump: a group's id list is truncated; the stuck check cannot run"

	if grep -q '^fatal error: all goroutines are asleep - deadlock!' "$dump"; then
		[ "$(jq .runtime_deadlock "$json")" = true ] ||
			bad "$dump: the runtime reported a global deadlock, runtime_deadlock is not true"
	fi

	expect=samples/$name/expect
	[ -f "$expect" ] || return 0
	grep '^stuck ' "$expect" | while read -r _ n fn _; do
		found=0
		while IFS='	' read -r id reason gfn; do
			[ "$gfn" = "$fn" ] || continue
			blocking "$reason" || continue
			found=$((found + 1))
			jq -e --argjson id "$id" --arg r "$reason" --arg f "$fn" \
				'[.groups[] | select(.ids | index($id)) |
				  select(.reason == $r and .top_frame.func == $f)] | length == 1' \
				"$json" > /dev/null ||
				echo "$dump: stuck goroutine $id [$reason] in $fn is not in a group with that reason and top frame $fn" >&2
		done < "$GX_TMP/raw"
		case $dump in
		*/fatal.txt) ;; # the runtime prints only the goroutines it counts
		*) [ "$found" = "$n" ] ||
			echo "$dump: expect says $n stuck in $fn, the raw dump has $found" >&2 ;;
		esac
	done 2> "$GX_TMP/stuck.err"
	if [ -s "$GX_TMP/stuck.err" ]; then
		bad "$(cat "$GX_TMP/stuck.err")"
	fi
	[ "$failures" = "$nbad" ]
}

normalise() {
	sed "s|$top_srcdir|@top_srcdir@|g"
}

ndumps=0
: > "$GX_TMP/seen"
for dump in samples/*/go*/debug2.txt samples/*/go*/sigquit.txt samples/*/go*/fatal.txt; do
	[ -f "$dump" ] || continue
	ndumps=$((ndumps + 1))
	gover=${dump%/*}
	name=${gover%/*}
	gover=${gover##*/}
	name=${name##*/}
	file=${dump##*/}
	base=$name-$gover-${file%.txt}
	echo "$base.txt" >> "$GX_TMP/seen"
	echo "$base.json" >> "$GX_TMP/seen"

	"$GOTREX" stats --json "$dump" > "$GX_TMP/out.json" 2> "$GX_TMP/err" ||
		{ bad "$dump: gotrex stats --json failed: $(cat "$GX_TMP/err")"; continue; }
	"$GOTREX" stats "$dump" > "$GX_TMP/out.txt" 2> "$GX_TMP/err" ||
		{ bad "$dump: gotrex stats failed: $(cat "$GX_TMP/err")"; continue; }
	jq -e . "$GX_TMP/out.json" > /dev/null || { bad "$dump: the output is not JSON"; continue; }
	check_dump "$name" "$dump" "$GX_TMP/out.json" "$GX_TMP/out.txt" || continue

	for ext in txt json; do
		normalise < "$GX_TMP/out.$ext" > "$GX_TMP/norm.$ext"
		if [ "$update" = 1 ]; then
			cmp -s "$GX_TMP/norm.$ext" "$exp/$base.$ext" ||
				{ cp "$GX_TMP/norm.$ext" "$exp/$base.$ext" && echo "updated $exp/$base.$ext"; }
		elif [ ! -f "$exp/$base.$ext" ]; then
			bad "$dump: no golden file $exp/$base.$ext (tests/golden_stats.sh --update makes it)"
		elif ! diff -u "$exp/$base.$ext" "$GX_TMP/norm.$ext" > "$GX_TMP/diff"; then
			bad "$dump: stats output differs from $exp/$base.$ext:
$(head -n 40 "$GX_TMP/diff")"
		fi
	done
done
[ "$ndumps" -gt 0 ] || skip "no recorded sample dumps (samples/*/go*/*.txt)"

# Golden files of dumps that are no longer there.
for f in "$exp"/*.txt "$exp"/*.json; do
	[ -f "$f" ] || continue
	grep -qxF "${f##*/}" "$GX_TMP/seen" && continue
	if [ "$update" = 1 ]; then
		rm -f "$f" && echo "removed $f"
	else
		bad "$f: golden file of a dump that does not exist (--update removes it)"
	fi
done

# ---------------------------------------------------------------------
# A synthetic dump whose truth is known by construction.
tab=$(printf '\t')
cat > "$GX_TMP/synthetic.txt" <<EOF
goroutine 1 [running]:
main.main()
${tab}/app/main.go:10 +0x1d

goroutine 19 [chan receive, 5 minutes]:
main.worker(0xc000010000, 0x1)
${tab}/app/main.go:42 +0x2c
created by main.main in goroutine 1
${tab}/app/main.go:20 +0x3d

goroutine 20 [chan receive, 83 minutes]:
main.worker(0xc000010040, 0x2)
${tab}/app/main.go:42 +0x30
created by main.main in goroutine 1
${tab}/app/main.go:20 +0x3d

goroutine 21 [chan receive]:
main.worker(...)
${tab}/app/main.go:42
created by main.main in goroutine 1
${tab}/app/main.go:20 +0x3d

goroutine 22 [chan receive, 5 minutes]:
main.worker(0xc000010080, 0x4)
${tab}/app/main.go:43 +0x2c
created by main.main in goroutine 1
${tab}/app/main.go:20 +0x3d

goroutine 17 gp=0xc000102380 m=nil [syscall, 2 minutes, locked to thread]:
syscall.Syscall(0x0, 0x3, 0xc000120000, 0x1000)
${tab}/usr/local/go/src/syscall/syscall_linux.go:73 +0x25
main.reader()
${tab}/app/main.go:60 +0x45
created by main.main in goroutine 1
${tab}/app/main.go:21 +0x5d

goroutine 34 [sync.Mutex.Lock, 83 minutes]:
internal/sync.runtime_SemacquireMutex(0xc0000a0004, 0x0, 0x1)
${tab}/usr/local/go/src/runtime/sema.go:95 +0x25
internal/sync.(*Mutex).lockSlow(0xc0000a0000)
${tab}/usr/local/go/src/internal/sync/mutex.go:149 +0x15d
sync.(*Mutex).Lock(...)
${tab}/usr/local/go/src/sync/mutex.go:46
main.update(0xc0000a0000)
${tab}/app/main.go:80 +0x4a
created by main.main in goroutine 1
${tab}/app/main.go:22 +0x7d

goroutine 40 [chan receive (leaked)]:
main.worker(0xc0000100c0, 0x5)
${tab}/app/main.go:42 +0x2c
created by main.main in goroutine 1
${tab}/app/main.go:20 +0x3d
EOF
sj=$GX_TMP/synthetic.json
if "$GOTREX" stats --json "$GX_TMP/synthetic.txt" > "$sj" 2> "$GX_TMP/err"; then
	m=60000000000
	[ "$(jq .goroutines "$sj")" = 8 ] || bad "synthetic: goroutines is not 8"
	[ "$(jq -S -c .by_reason "$sj")" = '{"chan receive":4,"chan receive (leaked)":1,"running":1,"sync.Mutex.Lock":1,"syscall":1}' ] ||
		bad "synthetic: by_reason is $(jq -S -c .by_reason "$sj")"
	# Longest wait first, ties by id; the running goroutine is not waiting.
	got=$(jq -r '[.longest_waiting[] | "\(.id):\(.wait_ns)"] | join(" ")' "$sj")
	want="20:$((83 * m)) 34:$((83 * m)) 19:$((5 * m)) 22:$((5 * m)) 17:$((2 * m)) 21:0 40:0"
	[ "$got" = "$want" ] || bad "synthetic: longest_waiting is '$got', want '$want'"
	# 19, 20, 21 differ only in arguments and offsets: one group; 22 is
	# another line, 40 another reason ("(leaked)"), so other groups.
	got=$(jq -c '[.groups[] | .ids]' "$sj")
	[ "$got" = '[[19,20,21],[1],[17],[22],[34],[40]]' ] || bad "synthetic: groups are $got"
	got=$(jq -r '[.groups[] | "\(.top_frame.func):\(.max_wait_ns)"] | join(" ")' "$sj")
	want="main.worker:$((83 * m)) main.main:0 syscall.Syscall:$((2 * m)) main.worker:$((5 * m)) main.update:$((83 * m)) main.worker:0"
	[ "$got" = "$want" ] || bad "synthetic: top frames and waits are '$got', want '$want'"
	"$GOTREX" stats "$GX_TMP/synthetic.txt" > "$GX_TMP/synthetic.out" 2>&1 ||
		bad "synthetic: the text output failed"
	grep -q '^  goroutine 20 *83m0s+ *\[chan receive\] main.worker /app/main.go:42$' "$GX_TMP/synthetic.out" ||
		bad "synthetic: the text output has no line for goroutine 20's 83 minutes:
$(cat "$GX_TMP/synthetic.out")"
else
	bad "synthetic: gotrex stats --json failed: $(cat "$GX_TMP/err")"
fi

# A testing/synctest bubble deadlock (the panic names no bubble; the dump
# has one): said in the summary.
sync=$top_srcdir/tests/data/dump/synctest-deadlock.txt
grep -q '^panic: deadlock: all goroutines in bubble are blocked' "$sync" ||
	bad "synctest-deadlock.txt changed: no bubble deadlock panic"
"$GOTREX" stats "$sync" >"$GX_TMP/sync.out" 2>"$GX_TMP/err" ||
	bad "stats on synctest-deadlock.txt failed: $(cat "$GX_TMP/err")"
grep -q '^the runtime reported a synctest bubble deadlocked$' "$GX_TMP/sync.out" ||
	bad "stats does not say the synctest bubble deadlocked: $(cat "$GX_TMP/sync.out")"

# Errors: exit 2 and a message naming the file.
"$GOTREX" stats "$GX_TMP/does-not-exist" > /dev/null 2> "$GX_TMP/err"
rc=$?
[ "$rc" = 2 ] || bad "stats on a missing file exits $rc, not 2"
grep -q "does-not-exist" "$GX_TMP/err" || bad "stats on a missing file does not name it: $(cat "$GX_TMP/err")"
"$GOTREX" stats --bogus x > /dev/null 2>&1
[ $? = 2 ] || bad "stats with an unknown option does not exit 2"
"$GOTREX" stats > /dev/null 2>&1
[ $? = 2 ] || bad "stats without FILE does not exit 2"

[ "$failures" = 0 ] || fail "$failures check(s) failed"
echo "golden_stats: $ndumps dumps checked"
