# tmux.sh: helpers for the TUI screen tests, after tmux's regress tests.
# Source it after lib.sh:
#     . "$top_srcdir/tests/lib.sh"
#     . "$top_srcdir/tests/tmux.sh"
#
# Each test gets a private tmux server (-L gotrex-test-PID, -f /dev/null,
# no status line) with one window of a fixed size, runs gotrex in it with a
# pinned environment, sends keys, waits for a marker on the screen (polling
# capture-pane until the marker is there and the screen has stopped
# changing, with a timeout: no fixed sleeps), and compares the captured
# text with tests/expected/tui/NAME.screen.
#
# Set GOTREX_UPDATE_SCREENS=1 to write the captures over the expected files
# (then check every one by eye against its input before committing).

command -v tmux >/dev/null 2>&1 || skip "needs tmux (apt-get install tmux)"

gx_tmpdir
TMUX_SOCKET=gotrex-test-$$
# the server's socket lives in the test's directory and goes with it
TMUX_TMPDIR=$GX_TMP
export TMUX_TMPDIR
# Under ASan everything is slower: a generous timeout, in polls of 50 ms.
TMUX_TIMEOUT=${TMUX_TIMEOUT:-30}
TMUX_COLS=100
TMUX_ROWS=30
# The environment of gotrex in the pane (add with tmux_env NAME=VALUE).
TMUX_ENV="TERM=screen LANG=C.UTF-8 TZ=UTC"

tm() {
	tmux -L "$TMUX_SOCKET" -f /dev/null "$@"
}

tmux_cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$GX_TMP"
}
trap tmux_cleanup EXIT

# quote WORD: WORD as a single-quoted shell word.
tmux_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# tmux_env NAME=VALUE...: more environment for gotrex.
tmux_env() {
	for a in "$@"; do
		TMUX_ENV="$TMUX_ENV $(tmux_quote "$a")"
	done
}

# tmux_start ARGS...: run "$GOTREX ARGS" in a new window. Its stderr goes
# to $GX_TMP/stderr, its exit status to $GX_TMP/status when it ends.
tmux_start() {
	args=""
	for a in "$@"; do
		args="$args $(tmux_quote "$a")"
	done
	# keep the sanitizers' settings, drop everything else
	san=""
	[ -n "${ASAN_OPTIONS:-}" ] && san="$san ASAN_OPTIONS=$(tmux_quote "$ASAN_OPTIONS")"
	[ -n "${UBSAN_OPTIONS:-}" ] && san="$san UBSAN_OPTIONS=$(tmux_quote "$UBSAN_OPTIONS")"
	mkdir -p "$GX_TMP/home" "$GX_TMP/cache"
	cat >"$GX_TMP/run.sh" <<EOF_RUN
cd $(tmux_quote "$PWD") || exit 1
env -i PATH=$(tmux_quote "$PATH") HOME=$(tmux_quote "$GX_TMP/home") \
	XDG_CACHE_HOME=$(tmux_quote "$GX_TMP/cache") $san $TMUX_ENV \
	$(tmux_quote "$GOTREX")$args 2>$(tmux_quote "$GX_TMP/stderr")
echo \$? >$(tmux_quote "$GX_TMP/status.tmp")
mv $(tmux_quote "$GX_TMP/status.tmp") $(tmux_quote "$GX_TMP/status")
EOF_RUN
	tm start-server \; set -g status off \; set -g remain-on-exit on \; \
		new-session -d -x "$TMUX_COLS" -y "$TMUX_ROWS" "sh $(tmux_quote "$GX_TMP/run.sh")" ||
		fail "cannot start tmux"
}

# tmux_shell: a plain sh in the window instead (for the restore test).
tmux_shell() {
	tm start-server \; set -g status off \; \
		new-session -d -x "$TMUX_COLS" -y "$TMUX_ROWS" "env -i PATH='$PATH' PS1='$ ' TERM=screen sh" ||
		fail "cannot start tmux"
}

tmux_capture() {
	tm capture-pane -p
}

# tmux_wait TEXT: wait until TEXT (a fixed string) is on the screen and the
# screen is the same in two captures in a row. Fails after the timeout.
tmux_wait() {
	tries=$((TMUX_TIMEOUT * 20))
	prev=""
	while [ "$tries" -gt 0 ]; do
		cur=$(tmux_capture 2>/dev/null)
		if printf '%s\n' "$cur" | grep -F -q -- "$1" && [ "$cur" = "$prev" ]; then
			return 0
		fi
		prev=$cur
		tries=$((tries - 1))
		sleep 0.05
	done
	printf '%s\n' "$cur" >&2
	[ -s "$GX_TMP/stderr" ] && cat "$GX_TMP/stderr" >&2
	fail "timed out waiting for '$1' on the screen (shown above)"
}

# tmux_keys KEY...: send keys (tmux key names: Tab, PageDown, Escape, C-f).
tmux_keys() {
	tm send-keys "$@" || fail "send-keys $*"
}

# tmux_expect NAME: the screen must be tests/expected/tui/NAME.screen.
tmux_expect() {
	want="$top_srcdir/tests/expected/tui/$1.screen"
	tmux_capture >"$GX_TMP/$1.screen"
	if [ "${GOTREX_UPDATE_SCREENS:-}" = 1 ]; then
		cp "$GX_TMP/$1.screen" "$want"
		return 0
	fi
	[ -f "$want" ] || fail "no expected screen $want"
	if ! diff -u "$want" "$GX_TMP/$1.screen" >&2; then
		fail "screen $1 differs from $want (diff above: - expected, + got)"
	fi
}

# tmux_wait_exit: wait for gotrex to end; sets TMUX_STATUS.
tmux_wait_exit() {
	tries=$((TMUX_TIMEOUT * 20))
	while [ ! -f "$GX_TMP/status" ] && [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		sleep 0.05
	done
	[ -f "$GX_TMP/status" ] || fail "gotrex did not exit"
	TMUX_STATUS=$(cat "$GX_TMP/status")
}

# tmux_quit: press q; gotrex must exit 0 with nothing on stderr (the
# sanitizers report there).
tmux_quit() {
	tmux_keys q
	tmux_wait_exit
	if [ -s "$GX_TMP/stderr" ]; then
		cat "$GX_TMP/stderr" >&2
		fail "gotrex wrote to stderr (above)"
	fi
	[ "$TMUX_STATUS" = 0 ] || fail "gotrex exited $TMUX_STATUS"
}

# tmux_need_file PATH: skip when a sample is not there.
tmux_need_file() {
	[ -f "$1" ] || skip "sample $1 is missing"
}
