#!/bin/sh
# Control characters in a dump (ESC sequences, BEL, OSC, C1 CSI) are shown
# escaped: a goroutine dump must not be able to drive the terminal.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

cd "$GX_TMP" || fail "cd"
# goroutine 1: colour, window-title (OSC ... BEL) and clear-screen
# sequences in the function and the file; goroutine 2: blink in the wait
# reason, a C1 CSI (U+009B) in the function, a full reset (ESC c) in the
# created-by function.
printf 'goroutine 1 [chan receive, 7 minutes]:\nmain.evil\033[31mRED\033]0;pwned\007(0x1)\n\t/app/ev\033[2Jil.go:12 +0x1d\nmain.main()\n\t/app/main.go:5 +0x20\n\ngoroutine 2 [select\033[5m]:\nmain.w\302\233x()\n\t/app/w.go:3 +0x1\ncreated by main.\033cmain in goroutine 1\n\t/app/main.go:4 +0x2\n' >evil.txt

tmux_start evil.txt
tmux_wait "row 1/2"
tmux_expect escape-first
tmux_keys j
tmux_wait "row 2/2"
tmux_expect escape-second
# the window title was not changed by the OSC sequence
title=$(tm display-message -p '#{pane_title}')
case $title in
*pwned*) fail "the dump set the window title to '$title'" ;;
esac
tmux_quit
