#!/bin/sh
# gotrex index: builds the cached index once, reuses it while the file is
# unchanged, rebuilds it when the file changes; gzip'd and stdin inputs;
# exit status 2 and a clear message for unreadable or unknown inputs.
. "$top_srcdir/tests/lib.sh"
gx_tmpdir
XDG_CACHE_HOME=$GX_TMP/cache
export XDG_CACHE_HOME

# A fatal deadlock as the Go runtime prints it: 3 goroutines.
cat >"$GX_TMP/dump.txt" <<'DUMP'
fatal error: all goroutines are asleep - deadlock!

goroutine 1 [chan send]:
main.main()
	/app/main.go:12 +0x45

goroutine 6 [chan receive]:
main.worker(0xc000010000)
	/app/main.go:20 +0x2c
created by main.main in goroutine 1
	/app/main.go:10 +0x30

goroutine 7 [select]:
main.loop()
	/app/main.go:30 +0x60
created by main.main in goroutine 1
	/app/main.go:11 +0x3c
DUMP
want=$(grep -c '^goroutine [0-9]* \[' "$GX_TMP/dump.txt")

out=$("$GOTREX" index "$GX_TMP/dump.txt" 2>"$GX_TMP/err") || { cat "$GX_TMP/err"; fail "index exited $?"; }
echo "$out"
case $out in
*": dump, index $XDG_CACHE_HOME/gotrex/"*".gxi, $want goroutines, "*", built in "*" ms") ;;
*) fail "first run: unexpected output: $out" ;;
esac
[ "$(stat -c %a "$XDG_CACHE_HOME/gotrex")" = 700 ] || fail "cache directory is not 0700"

out=$("$GOTREX" index "$GX_TMP/dump.txt") || fail "second run failed"
case $out in
*", reused") ;;
*) fail "second run did not reuse the index: $out" ;;
esac

# Changed file: rebuilt.
printf 'goroutine 9 [sleep]:\ntime.Sleep(0x3b9aca00)\n\t/usr/local/go/src/runtime/time.go:300 +0x11\n\n' >>"$GX_TMP/dump.txt"
out=$("$GOTREX" index "$GX_TMP/dump.txt") || fail "third run failed"
case $out in
*", $((want + 1)) goroutines, "*", built in "*) ;;
*) fail "changed file not rebuilt: $out" ;;
esac

# --force rebuilds; gzip is transparent; stdin is never cached.
"$GOTREX" index --force "$GX_TMP/dump.txt" | grep -q ", built in " || fail "--force did not rebuild"
gzip -c "$GX_TMP/dump.txt" >"$GX_TMP/dump.txt.gz"
"$GOTREX" index "$GX_TMP/dump.txt.gz" | grep -q ": dump, .*, $((want + 1)) goroutines, " ||
	fail "gzip'd dump not indexed"
n=$(ls "$XDG_CACHE_HOME/gotrex" | wc -l)
out=$("$GOTREX" index - <"$GX_TMP/dump.txt.gz") || fail "stdin failed"
case $out in
"<stdin>: dump, index (private, not kept), $((want + 1)) goroutines, "*) ;;
*) fail "stdin: unexpected output: $out" ;;
esac
[ "$(ls "$XDG_CACHE_HOME/gotrex" | wc -l)" = "$n" ] || fail "stdin left a file in the cache"

# Unknown and missing inputs: exit 2 and a message naming the file.
printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0' >"$GX_TMP/prog"
"$GOTREX" index "$GX_TMP/prog" >/dev/null 2>"$GX_TMP/err"
[ $? -eq 2 ] || fail "unknown input: exit status is not 2"
grep -q "^$GX_TMP/prog: error: not a Go execution trace or goroutine dump (expected a 'go 1.NN trace' header, goroutine dump text, or a pprof profile)\$" "$GX_TMP/err" ||
	fail "unknown input: message: $(cat "$GX_TMP/err")"
"$GOTREX" index "$GX_TMP/missing" "$GX_TMP/dump.txt" >"$GX_TMP/out" 2>"$GX_TMP/err"
[ $? -eq 2 ] || fail "missing input: exit status is not 2"
grep -q "missing: error: cannot open: No such file or directory" "$GX_TMP/err" || fail "missing input: message"
grep -q ", reused$" "$GX_TMP/out" || fail "the other file was not processed"
"$GOTREX" index >/dev/null 2>&1
[ $? -eq 2 ] || fail "no arguments: exit status is not 2"
exit 0
