#!/bin/sh
# Quitting (q, Ctrl-C, SIGTERM) gives the shell its terminal back exactly
# as it was: the same stty settings, the screen of before (alternate
# screen left), and the shell prompt works.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/abba-debug2.txt
cp "$dump" "$GX_TMP/debug2.txt"
cd "$GX_TMP" || fail "cd"

tmux_shell
tmux_wait '$'
# run: save stty, run gotrex (its pid in pid), compare stty, report
cat >run.sh <<EOF_RUN
trap '' INT
stty -g >before
sh -c 'echo \$\$ >pid; exec env LANG=C.UTF-8 XDG_CACHE_HOME=$(tmux_quote "$GX_TMP/cache") $(tmux_quote "$GOTREX") debug2.txt'
echo "exit=\$?"
stty -g >after
cmp -s before after && echo "tty restored \$1"
EOF_RUN
tmux_keys "cd $(tmux_quote "$GX_TMP") && clear && echo before-gotrex" Enter
tmux_wait before-gotrex

tmux_keys "sh run.sh q" Enter
tmux_wait "row 1/11"
tmux_keys q
tmux_wait "tty restored q"
tmux_capture | grep -q "before-gotrex" || fail "the screen of before was not restored"
tmux_capture | grep -q "exit=0" || fail "q did not exit 0"

tmux_keys "clear; sh run.sh int" Enter
tmux_wait "row 1/11"
tmux_keys C-c
tmux_wait "tty restored int"
tmux_capture | grep -q "exit=130" || fail "Ctrl-C: expected exit 130"

# the dump on stdin: the keys come from the terminal
cat >run-stdin.sh <<EOF_RUN
env LANG=C.UTF-8 XDG_CACHE_HOME=$(tmux_quote "$GX_TMP/cache") $(tmux_quote "$GOTREX") - <debug2.txt
echo "stdin exit=\$?"
EOF_RUN
tmux_keys "clear; sh run-stdin.sh" Enter
tmux_wait "<stdin> · dump · 11 goroutines · row 1/11"
tmux_keys j
tmux_wait "row 2/11"
tmux_keys q
tmux_wait "stdin exit=0"

tmux_keys "clear; sh run.sh term" Enter
tmux_wait "row 1/11"
kill -TERM "$(cat pid)"
tmux_wait "tty restored term"
tmux_capture | grep -q "exit=143" || fail "SIGTERM: expected exit 143"
