#!/bin/sh
# Without a UTF-8 locale (LANG=C) everything drawn is plain ASCII: glyphs,
# durations, and non-ASCII text from the input (escaped as \u{...}).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

cd "$GX_TMP" || fail "cd"
printf 'goroutine 1 [chan receive, 7 minutes]:\nmain.caf\303\251(0x1)\n\t/app/caf\303\251.go:12 +0x1d\n\ngoroutine 2 [running]:\nmain.w()\n\t/app/w.go:3 +0x1\ncreated by main.main in goroutine 1\n\t/app/main.go:4 +0x2\n' >ascii.txt

TMUX_ENV="TERM=screen LANG=C TZ=UTC"
tmux_start ascii.txt
tmux_wait "row 1/2"
tmux_expect ascii
tmux_keys Tab
tmux_wait "> Stack of goroutine 1"
tm capture-pane -p | LC_ALL=C grep -q '[^ -~]' && fail "non-ASCII bytes on the screen"
tmux_quit
