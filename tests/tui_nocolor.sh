#!/bin/sh
# NO_COLOR: no colours at all, only attributes (the selection still shows,
# in reverse video). Without it the default theme's colours are used.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

# SGR parameters that set a colour: 30-37, 38, 40-47, 48, 90-97, 100-107
colour_sgr='\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]+)*m'

tmux_env NO_COLOR=1
tmux_start debug2.txt
tmux_wait "row 1/11"
tm capture-pane -p -e >"$GX_TMP/attrs"
grep -E -q "$colour_sgr" "$GX_TMP/attrs" && fail "colours with NO_COLOR set"
# the selected row (goroutine 1) is drawn in reverse video
grep -E '   1 waiting' "$GX_TMP/attrs" | grep -E -q '\[([0-9]+;)*7(;[0-9]+)*m' ||
	fail "the selection is not in reverse video"
# runtime frames are dimmed (SGR 2) even without colours
grep -E '  time.Sleep' "$GX_TMP/attrs" | grep -E -q '\[([0-9]+;)*2(;[0-9]+)*m' ||
	fail "runtime frames are not dimmed"
tmux_expect nocolor
tmux_quit

# GOTREX_THEME=mono: attributes only, as with NO_COLOR
tm kill-server
rm -f "$GX_TMP/status"
TMUX_ENV="TERM=screen LANG=C.UTF-8 TZ=UTC GOTREX_THEME=mono"
tmux_start debug2.txt
tmux_wait "row 1/11"
tm capture-pane -p -e >"$GX_TMP/attrs"
grep -E -q "$colour_sgr" "$GX_TMP/attrs" && fail "colours with the mono theme"
tmux_expect nocolor
tmux_quit

# the same with colours: the text is the same, and there are colours
tm kill-server
rm -f "$GX_TMP/status"
TMUX_ENV="TERM=screen LANG=C.UTF-8 TZ=UTC"
tmux_start debug2.txt
tmux_wait "row 1/11"
tm capture-pane -p -e >"$GX_TMP/attrs"
grep -E -q "$colour_sgr" "$GX_TMP/attrs" || fail "no colours without NO_COLOR"
tmux_expect nocolor
tmux_quit
