#!/bin/sh
# The timeline without UTF-8 (LANG=C): cells, the cursor and the axis
# marker in plain ASCII (# running, - waiting, | cursor, v on the axis),
# and the step message's arrow as "->". G23 of 02-abba-mutex: running from
# +138240 ns to +141696 ns (gotrex events: Runnable->Running at
# 1294016646208, Running->Waiting at 1294016649664, first event at
# 1294016507968), drawn 2^11 times zoomed in from the fit.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

trace=$top_srcdir/tests/data/tui/timeline-abba.trace
tmux_need_file "$trace"
cp "$trace" "$GX_TMP/abba.trace"
cd "$GX_TMP" || fail "cd"
TMUX_COLS=160
TMUX_ENV="TERM=screen LANG=C TZ=UTC"

tmux_start abba.trace
tmux_wait "cursor 0.202477 s"
tmux_keys j j j j j j j j j j
tmux_wait "row 11/17"
tmux_keys Tab Tab
tmux_wait "> Timeline"
tmux_keys Home n n n n n
tmux_wait "G23 runnable -> running at 0.000138 s, woken by G22 at 0.000137 s"
tmux_keys z z z z z z z z z z z
tmux_wait "timeline: 633ns/col"
tmux_expect timeline-ascii
tm capture-pane -p | LC_ALL=C grep -q '[^ -~]' && fail "non-ASCII bytes on the screen"
tmux_quit
