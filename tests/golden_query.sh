#!/bin/sh
# golden_query: `gotrex query` and `gotrex export` on every recorded sample
# dump (samples/*/go1.26/debug2.txt), checked against the raw dump itself:
#
#  - the ids each alias selects equal the ids grep finds in the headers;
#  - every goroutine's id and status (--json) equal its header in the dump;
#  - export --format text reproduces the dump byte for byte (blocks in id
#    order instead of the runtime's order);
#  - round trip: the exported text, loaded again, gives the same goroutines,
#    states, reasons and stacks (export --format json of both is identical);
#  - export --format folded equals folded stacks computed from the dump
#    with awk;
#  - tests/expected/query/*.out (query 'blocked' per sample) match, and
#    every line of them agrees with the dump's headers;
#  - -o is atomic and refuses to overwrite without --force; query errors
#    show a caret; exit statuses are 0/1/2.
#
# `tests/golden_query.sh --update` rewrites tests/expected/query/ (then
# review the diff: the checks above still run on the new files).
. "$top_srcdir/tests/lib.sh"
gx_tmpdir

update=no
[ "${1:-}" = --update ] && update=yes
exp=$top_srcdir/tests/expected/query
GQ() { "$GOTREX" "$@"; }

# Ids of the goroutines whose header status matches an ERE, sorted.
raw_ids() {
	grep -E "^goroutine [0-9]+ \[($2)([],]| labels:\{)" "$1" | sed 's/^goroutine \([0-9]*\) .*/\1/' | sort -n
}

# "id status" of every header, Go 1.26's " labels:{...}" cut off.
raw_status() {
	sed -n 's/ labels:{.*}\]:$/]:/; s/^goroutine \([0-9]*\) \[\([^],]*\).*/\1 \2/p' "$1"
}

# Ids gotrex selects, sorted.
gx_ids() {
	GQ query --no-cache "$1" "$2" | awk '{print $1}' | sort -n
}

# Blocks of a dump, one per line (newlines as \001), sorted.
blocks() {
	awk 'BEGIN { RS = ""; ORS = "\n" } { gsub(/\n/, "\001"); print }' "$1" | LC_ALL=C sort
}

# Folded stacks straight from a dump: function lines of each block
# (neither the header, nor a file line, nor "created by"), arguments cut
# at the final "(...)", outermost first, counted.
raw_folded() {
	awk '
	function flush() {
		if (n > 0) {
			s = f[n]
			for (i = n - 1; i >= 1; i--) s = s ";" f[i]
			count[s]++
		}
		n = 0
	}
	/^goroutine [0-9]+ / { flush(); next }
	/^\t/ || /^created by / || /^$/ { next }
	{ line = $0; sub(/\([^()]*\)$/, "", line); gsub(/;/, ":", line); f[++n] = line }
	END { flush(); for (s in count) print s " " count[s] }
	' "$1" | LC_ALL=C sort
}

n=0
for raw in "$top_srcdir"/samples/*/go1.26/debug2.txt; do
	[ -f "$raw" ] || continue
	n=$((n + 1))
	name=$(basename "$(dirname "$(dirname "$raw")")")
	t=$GX_TMP/$name
	mkdir -p "$t"

	# 1. Aliases against grep.
	while IFS='@' read -r q ere; do
		raw_ids "$raw" "$ere" >"$t/want"
		gx_ids "$raw" "$q" >"$t/got"
		cmp -s "$t/want" "$t/got" ||
			fail "$name: query '$q' selects $(tr '\n' ' ' <"$t/got"), the dump has $(tr '\n' ' ' <"$t/want")"
	done <<-'EOF'
	chan@chan send|chan receive|chan send \(nil chan\)|chan receive \(nil chan\)
	select@select|select \(no cases\)
	mutex@sync\.Mutex\.Lock|sync\.RWMutex\.RLock|sync\.RWMutex\.Lock
	wg@sync\.WaitGroup\.Wait
	cond@sync\.Cond\.Wait
	io@IO wait
	sleep@sleep
	running@running
	runnable@runnable
	syscall@syscall
	not waiting@running|runnable|syscall
	chan or select@chan send|chan receive|select|select \(no cases\)
	reason:"chan receive"@chan receive
	reason~rwmutex@sync\.RWMutex\.R?Lock
	reason:/^sync\./ and not reason~wait@sync\.(RW)?Mutex\.R?Lock
	EOF

	# 2. Every id and status against the headers.
	raw_status "$raw" | sort -n >"$t/want"
	GQ query --no-cache --json "$raw" '' |
		sed -n 's/^{"id": \([0-9]*\), "state": "[a-z]*", "reason": "\([^"]*\)".*/\1 \2/p' |
		sort -n >"$t/got"
	[ -s "$t/want" ] || fail "$name: no goroutine header in $raw"
	cmp -s "$t/want" "$t/got" || { diff "$t/want" "$t/got" | head >&2; fail "$name: ids/status differ from the dump"; }
	for key in '"wait_ns": ' '"top_frame": ' '"created_by": '; do
		grep -q "$key" "$t/got" 2>/dev/null || GQ query --no-cache --json "$raw" '' | grep -q "$key" ||
			fail "$name: query --json lacks $key"
	done

	# 3. The text export is the dump, block for block.
	GQ export --no-cache "$raw" --format text -o "$t/export.txt" || fail "$name: export failed"
	blocks "$raw" >"$t/want"
	blocks "$t/export.txt" >"$t/got"
	cmp -s "$t/want" "$t/got" || { diff "$t/want" "$t/got" | tr '\001' '\n' | head -20 >&2; fail "$name: text export differs from the dump"; }
	tail -c 1 "$t/export.txt" | od -c | grep -q '\\n' || fail "$name: export does not end with a newline"

	# 4. Round trip through gotrex.
	GQ export --no-cache "$raw" --format json >"$t/a.json" || fail "$name: json export failed"
	GQ export --no-cache "$t/export.txt" --format json >"$t/b.json" || fail "$name: cannot reload the export"
	cmp -s "$t/a.json" "$t/b.json" || { diff "$t/a.json" "$t/b.json" | head >&2; fail "$name: round trip changed the goroutines"; }

	# 5. Folded stacks against awk.
	raw_folded "$raw" >"$t/want"
	GQ export --no-cache "$raw" --format folded >"$t/got" || fail "$name: folded export failed"
	cmp -s "$t/want" "$t/got" || { diff "$t/want" "$t/got" | head >&2; fail "$name: folded stacks differ from the dump"; }

	# 6a. in:stuck / in:cycle (the deadlock analysis as the query's hook)
	# against samples/*/expect: every stuck goroutine found is one the
	# expect file lists ("stuck N func"), and one is found when it says
	# "deadlock yes"; the cycle members are stuck.
	e=$(dirname "$(dirname "$raw")")/expect
	if [ -f "$e" ]; then
		grep '^stuck ' "$e" | awk '{ for (i = 0; i < $2; i++) print $3 }' | LC_ALL=C sort >"$t/want"
		GQ query --no-cache "$raw" 'in:stuck' | awk '{ print $(NF - 1) }' | LC_ALL=C sort >"$t/got"
		[ -z "$(LC_ALL=C comm -13 "$t/want" "$t/got")" ] ||
			fail "$name: in:stuck finds $(LC_ALL=C comm -13 "$t/want" "$t/got" | tr '\n' ' ')which $e does not list"
		if grep -q '^deadlock yes' "$e"; then
			[ -s "$t/got" ] || fail "$name: in:stuck finds nothing, $e says deadlock yes"
		fi
		GQ query --no-cache "$raw" 'in:cycle and not in:stuck' >"$t/got"
		[ $? -eq 1 ] || fail "$name: a cycle member is not stuck: $(cat "$t/got")"
	fi

	# 6. Golden listing, each line checked against the headers.
	GQ query --no-cache "$raw" 'blocked' >"$t/blocked.out"
	rc=$?
	[ $rc -le 1 ] || fail "$name: query blocked exited $rc"
	sum=$(sha256sum <"$raw" | cut -c1-64)
	if [ $update = yes ]; then
		mkdir -p "$exp"
		cp "$t/blocked.out" "$exp/$name.blocked.out"
		echo "$sum" >"$exp/$name.sha256"
	fi
	[ -f "$exp/$name.blocked.out" ] || fail "$name: no $exp/$name.blocked.out (run with --update)"
	if [ "$(cat "$exp/$name.sha256" 2>/dev/null)" != "$sum" ]; then
		# The sample was recorded again: its ids changed. Everything
		# above was checked against the new recording; the listing is
		# compared again once the expected files are updated.
		echo "NOTE: $name: debug2.txt is not the recording tests/expected/query was made from; run tests/golden_query.sh --update" >&2
	else
		diff -u "$exp/$name.blocked.out" "$t/blocked.out" >&2 || fail "$name: query blocked differs from tests/expected"
	fi
	while read -r id rest; do
		status=$(raw_status "$raw" | sed -n "s/^$id //p")
		case $rest in
		"$status "*) ;;
		*) fail "$name: expected line for $id says '$rest', the dump says '$status'" ;;
		esac
		func=${rest#"$status"}
		func=$(echo "$func" | awk '{print $2}')
		awk -v id="$id" -v fn="$func" '
			$0 ~ "^goroutine " id " " { on = 1; next }
			/^goroutine / { on = 0 }
			on && index($0, fn "(") == 1 { found = 1 }
			END { exit !found }' "$raw" || fail "$name: $func is not a frame of goroutine $id"
	done <"$exp/$name.blocked.out"
done
[ $n -gt 0 ] || skip "no recorded sample dumps (samples/*/go1.26/debug2.txt)"

# 7. -o is atomic and never overwrites without --force.
raw=$(ls "$top_srcdir"/samples/*/go1.26/debug2.txt | head -1)
out=$GX_TMP/o/stacks.txt
mkdir -p "$GX_TMP/o"
echo keep >"$out"
GQ export --no-cache "$raw" -o "$out" 2>"$GX_TMP/err"
[ $? -eq 2 ] || fail "export over an existing file did not exit 2"
grep -q "stacks.txt.*file exists (use --force to replace it)" "$GX_TMP/err" || fail "no error naming the file: $(cat "$GX_TMP/err")"
[ "$(cat "$out")" = keep ] || fail "export overwrote a file without --force"
GQ export --no-cache "$raw" -o "$out" --force || fail "export --force failed"
blocks "$raw" >"$GX_TMP/want"
blocks "$out" >"$GX_TMP/got"
cmp -s "$GX_TMP/want" "$GX_TMP/got" || fail "export --force wrote something else"
[ "$(ls -A "$GX_TMP/o")" = stacks.txt ] || fail "temporary files left: $(ls -A "$GX_TMP/o")"
GQ export --no-cache "$raw" -o "$GX_TMP/nodir/x.txt" 2>"$GX_TMP/err"
[ $? -eq 2 ] || fail "export into a missing directory did not exit 2"
grep -q "nodir/x.txt" "$GX_TMP/err" || fail "no error naming the file: $(cat "$GX_TMP/err")"

# 8. Header modifiers the samples lack (composed from goroutineheader in
# Go 1.26's runtime/traceback.go): minutes, locked, leaked, labels, inlined
# frames. The text export is the input again; the round trip keeps
# everything; --no-labels leaves the labels out.
m=$GX_TMP/modifiers.txt
cat >"$m" <<'EOF'
goroutine 1 [running]:
main.main()
	/app/main.go:10 +0x1d

goroutine 8 [running labels:{"job": "ingest", "tenant": "a b"}]:
main.work(...)
	/app/work.go:5
main.loop()
	/app/work.go:9 +0x11
created by main.main in goroutine 1
	/app/main.go:14 +0x3d

goroutine 9 [chan send (leaked)]:
main.leak()
	/app/leak.go:3 +0x1
created by main.main in goroutine 1
	/app/main.go:15 +0x3e

goroutine 17 [syscall, 2 minutes, locked to thread]:
syscall.Syscall(0x1, 0x2, 0x3)
	/go/src/syscall/syscall_linux.go:69 +0x25
created by main.main in goroutine 1
	/app/main.go:13 +0x3c

goroutine 19 [chan receive, 5 minutes]:
main.consume(0xc000012345)
	/app/main.go:20 +0x2a
created by main.main in goroutine 1
	/app/main.go:12 +0x3b
EOF
GQ export --no-cache "$m" -o "$GX_TMP/m.txt" || fail "modifiers: export failed"
cmp -s "$m" "$GX_TMP/m.txt" || { diff "$m" "$GX_TMP/m.txt" >&2; fail "modifiers: the export is not the input"; }
GQ export --no-cache "$m" --format json >"$GX_TMP/a.json"
GQ export --no-cache "$GX_TMP/m.txt" --format json >"$GX_TMP/b.json"
cmp -s "$GX_TMP/a.json" "$GX_TMP/b.json" || fail "modifiers: round trip changed the goroutines"
grep -q '"labels": {"job": "ingest", "tenant": "a b"}' "$GX_TMP/a.json" || fail "modifiers: labels not in JSON"
GQ export --no-cache "$m" --no-labels | grep '^goroutine 8 ' >"$GX_TMP/h"
[ "$(cat "$GX_TMP/h")" = "goroutine 8 [running]:" ] || fail "modifiers: --no-labels: $(cat "$GX_TMP/h")"
while IFS='@' read -r q want; do
	got=$(GQ query --no-cache "$m" "$q" | awk '{print $1}' | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "modifiers: query '$q' gives '$got', want '$want'"
done <<-'EOF'
	label:tenant="a b"@8 
	label:job@8 
	wait>=2m@17 19 
	wait>2m@19 
	locked@17 
	leaked@9 
	created:main.go:12@19 
	stack:work.go:5@8 
	EOF

# 9. Errors and exit statuses.
GQ query --no-cache "$raw" 'wait>1x' >/dev/null 2>"$GX_TMP/err"
[ $? -eq 2 ] || fail "a bad query did not exit 2"
printf '%s\n' "gotrex query: error in the query:" "  wait>1x" \
	"        ^ expected a duration unit (ns, us, ms, s, m, h)" >"$GX_TMP/want"
cmp -s "$GX_TMP/want" "$GX_TMP/err" || { diff "$GX_TMP/want" "$GX_TMP/err" >&2; fail "query error layout"; }
GQ query --no-cache "$raw" 'mutex last 10ms' >/dev/null 2>"$GX_TMP/err"
[ $? -eq 2 ] || fail "a window on a dump did not exit 2"
grep -q "the input has no timeline (goroutine dump)" "$GX_TMP/err" || fail "window error: $(cat "$GX_TMP/err")"
GQ query --no-cache "$raw" 'id:999999999' >"$GX_TMP/out"
[ $? -eq 1 ] || fail "no match did not exit 1"
[ -s "$GX_TMP/out" ] && fail "no match printed something"
GQ query --no-cache "$raw" 'running' >/dev/null || fail "a match did not exit 0"
GQ export --no-cache "$raw" --query 'id:999999999' >"$GX_TMP/out" 2>/dev/null
[ $? -eq 1 ] || fail "export with no match did not exit 1"
GQ export --no-cache "$raw" --format yaml >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown format did not exit 2"
GQ query --no-cache "$GX_TMP/does-not-exist" '' >/dev/null 2>&1
[ $? -eq 2 ] || fail "a missing file did not exit 2"
exit 0
