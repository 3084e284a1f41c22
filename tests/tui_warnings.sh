#!/bin/sh
# Warnings are counted on the status line and w lists them; a theme file
# given by path (--theme PATH) applies, and its bad lines are warnings.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"
printf '# my theme\ncolor selection white blue bold\ncolor sparkle red red\ncolor dead red 300\n' >my.theme

tmux_start --theme ./my.theme debug2.txt
tmux_wait "2 warnings (w)"
tmux_keys w
tmux_wait "Warnings: 2"
tmux_expect warnings
tmux_keys q
tmux_wait "row 1/11"
# the selection is white on blue, as the theme says (SGR 37 and 44)
tm capture-pane -p -e | grep -E '   1 waiting' | grep -E -q '(\[|;)37(;|m)' ||
	fail "the theme's selection colour is not used"
tm capture-pane -p -e | grep -E '   1 waiting' | grep -E -q '(\[|;)44(;|m)' ||
	fail "the theme's selection background is not used"
tmux_quit
