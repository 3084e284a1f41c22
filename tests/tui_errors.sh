#!/bin/sh
# Failures before the UI starts: clear messages, exit 2, the terminal never
# touched (no escape sequences written).
. "$top_srcdir/tests/lib.sh"
gx_tmpdir
cd "$GX_TMP" || fail "cd"

# stdout is not a terminal
printf 'goroutine 1 [running]:\nmain.main()\n\t/a/m.go:1 +0x1\n' >ok.txt
TERM=xterm "$GOTREX" ok.txt >out 2>err
[ $? = 2 ] || fail "not a terminal: expected exit 2"
[ -s out ] && fail "not a terminal: wrote to stdout"
grep -q "needs a terminal" err || fail "not a terminal: message: $(cat err)"

# a file that does not load: its diagnostics, exit 2
"$GOTREX" missing.txt >out 2>err
[ $? = 2 ] || fail "missing file: expected exit 2"
grep -q "missing.txt" err || fail "missing file: message does not name it: $(cat err)"
[ -s out ] && fail "missing file: wrote to stdout"

printf 'this is not a goroutine dump\n' >junk.txt
"$GOTREX" junk.txt >out 2>err
[ $? = 2 ] || fail "junk: expected exit 2"
grep -q "junk.txt" err || fail "junk: message does not name it: $(cat err)"

# no file: usage
"$GOTREX" --ascii >out 2>err
[ $? = 2 ] || fail "no file: expected exit 2"
grep -q "^usage: gotrex" err || fail "no file: no usage: $(cat err)"

# an unknown theme is an error before the UI
if command -v script >/dev/null 2>&1; then
	TERM=xterm script -qec "$GOTREX --theme nosuch ok.txt" /dev/null >out 2>&1
	grep -q "theme 'nosuch' not found" out || fail "unknown theme: $(cat out)"
fi
exit 0
