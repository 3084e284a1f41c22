#!/bin/sh
# bench_trace.sh: how fast gotrex indexes and reopens Go 1.22+ execution
# traces, next to the Go toolchain's own parser.
#
# A benchmark, not a test (not run by make check). For a big trace made by
# samples/10-generator (about 200 MB with the defaults) and for every
# committed samples/*/go1.26/trace.out it prints, one row per file:
#   - gotrex cold index: `gotrex index --force` with a fresh, empty
#     XDG_CACHE_HOME (decode, build, write and fsync the index): wall and
#     CPU (user+sys) seconds, peak RSS, size of the index;
#   - gotrex reopen: `gotrex index` again on the fresh index (map and check
#     it), and the TUI to its first screen: `gotrex FILE` in tmux at 120x40,
#     timed from the moment gotrex is started until the status line shows
#     "row 1/" (capture-pane polled, no fixed sleeps);
#   - the Go parser: tests/bench/trace_readall.go, which reads every event
#     with golang.org/x/exp/trace (built in a temporary module from the Go
#     module proxy), and `go tool trace -d=parsed FILE >/dev/null`;
#   - `go tool trace -http=127.0.0.1:0 FILE` until it says its web server
#     is listening (loopback only; BROWSER=true so no browser is started),
#     with its peak RSS at that moment; then it is killed (on a 200 MB
#     trace it needs about 10 GiB: --no-server on a small machine);
#   - the largest generation of the trace (`gotrex events --stats --count`).
# Then, per file, the targets of the Go 1.22+ traces issue, PASS or MISS:
#   speed   cold index >= 10x faster than the Go parser (trace_readall),
#           judged on wall time and, since the machine may be shared, on
#           CPU time too;
#   memory  peak RSS of the cold index <= 64 MiB + 4 x largest generation;
#   reopen  `gotrex index` on a fresh index <= 100 ms, and the TUI's first
#           screen on it <= 100 ms.
# Last, where gotrex's index time goes: `gotrex events --count` (decode
# and order only, no index) and the time to write and fsync a file of the
# index's size in the cache directory (dd conv=fsync), and the bound they
# put on the speed target: x/exp/trace time / (decode + write).
# Times are the best of -r runs (`go tool trace`: one run).
#
# Usage:
#   tests/bench_trace.sh --gotrex /path/to/gotrex [-r RUNS] [--trace FILE]
#       [--goroutines N] [--seconds S] [--pingpong PAIRS] [--mb MB]
#       [--no-big] [--no-samples] [--no-server] [--no-go] [--keep]
#
# --trace measures FILE instead of generating one; --no-big skips the big
# trace, --no-samples the committed ones, --no-server `go tool trace`'s web
# server, --no-go every Go reference (gotrex's own figures only). The generator runs as
#   generator -goroutines N -pingpong PAIRS -pingevery 0 -seconds S -trace F
# (defaults 1000, 64, 3), and again with a longer S (up to 3 more times)
# while the trace is under 60% of --mb MB (default 200): how many bytes a
# second gives depends on how much CPU the machine lends it.
# Use a build without sanitizers: `configure CFLAGS='-O2 -g'` in a build
# directory of its own (ASan makes every figure meaningless). Needs go,
# GNU time (/usr/bin/time: apt-get install time) and tmux. Everything it
# makes (binaries, the big trace, caches) goes to a temporary directory,
# removed at the end unless --keep.

set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
gotrex=${GOTREX:-}
runs=3
big=
do_big=1
do_samples=1
do_server=1
do_go=1
keep=0
ngor=1000
secs=3
want_mb=200
pairs=64
# The golang.org/x/exp version the reference is built with (pinned, so the
# figures of two runs compare).
xexp=v0.0.0-20261113113407-e3970619a1a4
cols=120
rows=40

die() {
	echo "bench_trace: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--gotrex) gotrex=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	--trace) big=$2; shift 2 ;;
	--goroutines) ngor=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--mb) want_mb=$2; shift 2 ;;
	--pingpong) pairs=$2; shift 2 ;;
	--no-big) do_big=0; shift ;;
	--no-samples) do_samples=0; shift ;;
	--no-server) do_server=0; shift ;;
	--no-go) do_go=0; do_server=0; shift ;;
	--keep) keep=1; shift ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

[ -n "$gotrex" ] || die "say which gotrex to measure: --gotrex PATH (a build without sanitizers)"
[ -x "$gotrex" ] || die "$gotrex is not an executable"
gotrex=$(cd "$(dirname "$gotrex")" && pwd)/$(basename "$gotrex")
[ -x /usr/bin/time ] || die "needs GNU time as /usr/bin/time (apt-get install time)"
command -v go >/dev/null 2>&1 || die "needs the Go toolchain ('go' not found in PATH)"
command -v tmux >/dev/null 2>&1 || die "needs tmux"
if nm "$gotrex" 2>/dev/null | grep -q __asan_init; then
	echo "bench_trace: warning: $gotrex is built with AddressSanitizer; its figures are not representative" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gotrex-bench-trace.XXXXXX") || die "cannot make a temporary directory"
tmuxsock=$tmp/tmux.sock
# A copy: an index records which executable built it, and a rebuild of the
# measured one during the run must not make a reopen rebuild.
cp "$gotrex" "$tmp/gotrex" || die "cannot copy $gotrex"
gotrex_orig=$gotrex
gotrex=$tmp/gotrex
cleanup() {
	tmux -S "$tmuxsock" kill-server >/dev/null 2>&1
	[ -n "${srvpid:-}" ] && kill "$srvpid" 2>/dev/null
	if [ "$keep" = 1 ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# now_ns: the time in nanoseconds.
now_ns() {
	date +%s%N
}

# ---- the reference programs ------------------------------------------

if [ "$do_go" = 1 ]; then
	echo "building the Go reference reader (golang.org/x/exp/trace $xexp) ..."
	mkdir -p "$tmp/readall"
	cp "$here/bench/trace_readall.go" "$tmp/readall/main.go"
	(
		cd "$tmp/readall" &&
		go mod init gotrex-bench-readall >/dev/null 2>&1 &&
		go get "golang.org/x/exp@$xexp" >/dev/null 2>&1 &&
		go build -o "$tmp/trace_readall" .
	) || die "cannot build tests/bench/trace_readall.go"
	gotool_trace=$(go tool -n trace) || die "cannot find go tool trace"
	[ -x "$gotool_trace" ] || die "go tool -n trace gave '$gotool_trace', not an executable"
fi

# ---- the files -------------------------------------------------------

: > "$tmp/files"
if [ "$do_big" = 1 ]; then
	if [ -z "$big" ]; then
		echo "building samples/10-generator ..."
		(cd "$srcdir/samples" && go build -o "$tmp/generator" ./10-generator) ||
			die "cannot build samples/10-generator"
		# How many bytes a second of tracing gives depends on the CPU the
		# ping-pong pairs get: trace again, longer, until near the size.
		try=0
		while :; do
			try=$((try + 1))
			echo "tracing $secs s of $ngor goroutines and $pairs ping-pong pairs ..."
			"$tmp/generator" -goroutines "$ngor" -pingpong "$pairs" -pingevery 0 \
				-seconds "$secs" -trace "$tmp/big.trace" >/dev/null ||
				die "the generator failed"
			got=$(wc -c < "$tmp/big.trace" | tr -d ' ')
			[ "$got" -ge $((want_mb * 600000)) ] && break
			if [ "$try" -ge 4 ]; then
				echo "bench_trace: warning: the trace has only $got bytes" >&2
				break
			fi
			secs=$(awk -v s="$secs" -v g="$got" -v w="$want_mb" 'BEGIN {
				f = g > 0 ? w * 1e6 / g : 4; if (f > 4) f = 4; printf "%.1f", s * f }')
		done
		big=$tmp/big.trace
	fi
	[ -r "$big" ] || die "cannot read $big"
	echo "$big" >> "$tmp/files"
fi
if [ "$do_samples" = 1 ]; then
	for f in "$srcdir"/samples/*/go1.26/trace.out; do
		[ -r "$f" ] && echo "$f" >> "$tmp/files"
	done
fi
[ -s "$tmp/files" ] || die "no trace to measure"

# ---- measuring -------------------------------------------------------

may_fail=0

# timed NAME CMD...: run CMD (stdout to $tmp/out.one) under GNU time; append
# "NAME wall_s cpu_s maxrss_kb" to $tmp/times. Fails on a non-zero exit.
timed() {
	name=$1
	shift
	t0=$(now_ns)
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time.one" "$@" > "$tmp/out.one" 2> "$tmp/err.one" || {
		if [ "$may_fail" = 1 ]; then
			echo "  ($name: $(grep -v '^Command exited' "$tmp/err.one" | tail -n 1))"
		else
			cat "$tmp/err.one" >&2
			die "$name failed: $*"
		fi
	}
	t1=$(now_ns)
	# wall from the clock (GNU time gives only 10 ms), CPU and RSS from time
	tail -n 1 "$tmp/time.one" | awk -v n="$name" -v ns=$((t1 - t0)) \
		'{ printf "%s %.4f %.3f %d\n", n, ns / 1e9, $2 + $3, $4 }' >> "$tmp/times"
}

# best NAME FIELD: the smallest value of FIELD (2 wall, 3 cpu, 4 rss) of NAME.
best() {
	awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$tmp/times" | sort -g | head -n 1
}

# tui_first_screen FILE CACHE: ms from starting `gotrex FILE` in a tmux
# window to "row 1/" on its status line; also leaves the peak RSS (kB) of
# gotrex at that moment in $tmp/tui.rss.
tui_first_screen() {
	rm -f "$tmp/go.fifo"
	mkfifo "$tmp/go.fifo" || die "mkfifo"
	cat > "$tmp/tui.sh" <<EOF_TUI
read x < '$tmp/go.fifo'
exec env -i PATH="\$PATH" HOME='$tmp' XDG_CACHE_HOME='$2' TERM=screen LANG=C.UTF-8 TZ=UTC '$gotrex' '$1' 2>'$tmp/tui.err'
EOF_TUI
	tmux -S "$tmuxsock" -f /dev/null start-server \; set -g status off \; \
		new-session -d -x "$cols" -y "$rows" "sh '$tmp/tui.sh'" ||
		die "cannot start tmux"
	pid=$(tmux -S "$tmuxsock" display-message -p '#{pane_pid}')
	t0=$(now_ns)
	echo go > "$tmp/go.fifo"
	while :; do
		if tmux -S "$tmuxsock" capture-pane -p 2>/dev/null | grep -q 'row 1/'; then
			t1=$(now_ns)
			break
		fi
		if [ $(( ($(now_ns) - t0) / 1000000000 )) -ge 600 ] ||
		   ! tmux -S "$tmuxsock" has-session 2>/dev/null; then
			cat "$tmp/tui.err" >&2
			tmux -S "$tmuxsock" kill-server >/dev/null 2>&1
			die "the TUI showed no first screen for $1"
		fi
	done
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" > "$tmp/tui.rss" 2>/dev/null
	tmux -S "$tmuxsock" send-keys q
	tmux -S "$tmuxsock" kill-server >/dev/null 2>&1
	echo $(( (t1 - t0) / 1000 ))
}

# server_ready FILE: ms from starting go tool trace's web server to its
# "listening on" line; its peak RSS (kB) then goes to $tmp/srv.rss.
server_ready() {
	: > "$tmp/srv.log"
	t0=$(now_ns)
	BROWSER=true "$gotool_trace" -http=127.0.0.1:0 "$1" > "$tmp/srv.log" 2>&1 &
	srvpid=$!
	while ! grep -q 'listening on' "$tmp/srv.log"; do
		if ! kill -0 "$srvpid" 2>/dev/null; then
			cat "$tmp/srv.log" >&2
			srvpid=
			echo -1
			return
		fi
		# it takes seconds to minutes: poll gently, leave it the CPU
		sleep 0.02
	done
	t1=$(now_ns)
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$srvpid/status" > "$tmp/srv.rss" 2>/dev/null
	kill "$srvpid" 2>/dev/null
	wait "$srvpid" 2>/dev/null
	srvpid=
	echo $(( (t1 - t0) / 1000 ))
}

# Warm up: the first `go tool` run may link the tool; the page cache.
[ "$do_go" = 1 ] && "$gotool_trace" -d=parsed "$(tail -n 1 "$tmp/files")" > /dev/null 2>&1

: > "$tmp/rows"
while read -r f; do
	case $f in
	"$srcdir"/samples/*) label=$(echo "$f" | sed "s|^$srcdir/samples/||; s|/go1.26/trace.out||") ;;
	*) label=$(basename "$f") ;;
	esac
	echo "measuring $label ..."
	: > "$tmp/times"
	cat "$f" > /dev/null
	bytes=$(wc -c < "$f" | tr -d ' ')
	"$gotrex" events --stats --count "$f" > /dev/null 2> "$tmp/stats" ||
		{ cat "$tmp/stats" >&2; die "gotrex events failed on $f"; }
	gxev=$(sed -n 's/^go 1\.[0-9]* trace: \([0-9]*\) events.*/\1/p' "$tmp/stats")
	maxgen=$(sed -n 's/^largest generation: \([0-9]*\) bytes$/\1/p' "$tmp/stats")
	[ -n "$maxgen" ] || maxgen=$bytes
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		rm -rf "$tmp/cache"
		mkdir "$tmp/cache"
		timed gx-cold env XDG_CACHE_HOME="$tmp/cache" "$gotrex" index --force "$f"
		grep -q 'built in' "$tmp/out.one" || die "gotrex index did not build: $(cat "$tmp/out.one")"
		timed gx-decode "$gotrex" events --count "$f"
		timed gx-reopen env XDG_CACHE_HOME="$tmp/cache" "$gotrex" index "$f"
		grep -q 'reused$' "$tmp/out.one" || die "gotrex index did not reuse the index: $(cat "$tmp/out.one")"
		echo "tui $(tui_first_screen "$f" "$tmp/cache") $(cat "$tmp/tui.rss")" >> "$tmp/times"
		if [ "$do_go" = 1 ]; then
			timed go-readall "$tmp/trace_readall" "$f"
			goev=$(cat "$tmp/out.one")
			# slow (it prints every event): one run; it fails on a
			# truncated trace (after reading what it can)
			[ "$i" = 1 ] && may_fail=1 timed go-parsed "$gotool_trace" -d=parsed "$f"
		else
			goev=$gxev
			echo "go-readall 0 0 0" >> "$tmp/times"
			echo "go-parsed 0 0 0" >> "$tmp/times"
		fi
	done
	idx=$(find "$tmp/cache" -name '*.gxi' -exec wc -c {} + | awk '{ s += $1 } END { print s + 0 }')
	# The floor for writing the index: a file of its size written and
	# fsync'd in the same directory (what any index of it costs at least).
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		timed write-floor dd if=/dev/zero of="$tmp/cache/floor" bs=64k \
			count=$((idx / 65536 + 1)) conv=fsync status=none
		rm -f "$tmp/cache/floor"
	done
	if [ "$goev" != "$gxev" ]; then
		echo "bench_trace: WARNING: $label: gotrex decoded $gxev events, golang.org/x/exp/trace $goev" >&2
	fi
	if [ "$do_server" = 1 ]; then
		srv=$(server_ready "$f")
		srvrss=$(cat "$tmp/srv.rss" 2>/dev/null || echo 0)
	else
		srv=-1 srvrss=0
	fi
	tui=$(awk '$1 == "tui" { print $2 }' "$tmp/times" | sort -n | head -n 1)
	tuirss=$(awk '$1 == "tui" { print $3 }' "$tmp/times" | sort -n | tail -n 1)
	echo "$label $bytes $maxgen $gxev" \
		"$(best gx-cold 2) $(best gx-cold 3) $(best gx-cold 4) $idx" \
		"$(best gx-reopen 2) $tui ${tuirss:-0}" \
		"$(best go-readall 2) $(best go-readall 3) $(best go-readall 4)" \
		"$(best go-parsed 2) $srv ${srvrss:-0}" \
		"$(best gx-decode 2) $(best write-floor 2)" >> "$tmp/rows"
done < "$tmp/files"

# ---- the tables ------------------------------------------------------

echo
echo "gotrex: $gotrex_orig"
echo "go: $(go version), golang.org/x/exp $xexp"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); times are the best of $runs runs (go tool trace: 1)"
echo
awk '
BEGIN {
	printf "%-28s %8s %8s %9s | %-21s %7s %8s | %7s %7s %7s | %-21s %7s | %8s %7s %7s\n",
		"", "trace", "largest", "", "gotrex cold index", "peak", "index", "reopen", "TUI", "TUI", "x/exp/trace read-all", "peak", "go tool", "go tool", "server"
	printf "%-28s %8s %8s %9s | %10s %10s %7s %8s | %7s %7s %7s | %10s %10s %7s | %8s %7s %7s\n",
		"file", "MB", "gen MB", "events", "wall s", "cpu s", "MiB", "MB", "ms", "ms", "MiB", "wall s", "cpu s", "MiB", "-d=parsed", "ready s", "MiB"
}
{
	printf "%-28s %8.3f %8.3f %9d | %10.3f %10.2f %7.1f %8.3f | %7.1f %7.1f %7.1f | %10.3f %10.2f %7.1f | %8.2f %7s %7s\n",
		$1, $2 / 1e6, $3 / 1e6, $4, $5, $6, $7 / 1024, $8 / 1e6, $9 * 1000, $10 / 1000, $11 / 1024,
		$12, $13, $14 / 1024, $15,
		$16 < 0 ? "-" : sprintf("%.2f", $16 / 1e6), $16 < 0 ? "-" : sprintf("%.1f", $17 / 1024)
}' "$tmp/rows"

echo
echo "targets: speed = x/exp/trace time / gotrex cold index time (>= 10x), on wall and on CPU time;"
echo "         memory = gotrex cold index peak RSS <= 64 MiB + 4 x largest generation;"
echo "         reopen = gotrex index on a fresh index, and the TUI's first screen, each <= 100 ms"
echo
awk '
function verdict(ok) { return ok ? "PASS" : "MISS" }
BEGIN {
	printf "%-28s %16s %16s %24s %14s %14s\n", "file", "speed (wall)", "speed (cpu)", "memory MiB (limit)", "reopen ms", "TUI ms"
}
{
	gw = $5 > 0.001 ? $5 : 0.001
	sw = $12 / gw
	# GNU time counts CPU in 10 ms: no ratio below that
	if ($6 >= 0.02 && $13 >= 0.02)
		cpu = sprintf("%9.2fx %s", $13 / $6, verdict($13 / $6 >= 10))
	else
		cpu = sprintf("%16s", "(< 20 ms)")
	lim = 64 + 4 * $3 / 1048576; mem = $7 / 1024
	ro = $9 * 1000; tui = $10 / 1000
	speed = sprintf("%9.2fx %s", sw, verdict(sw >= 10))
	if ($12 == 0)
		speed = cpu = sprintf("%16s", "(no Go run)")
	printf "%-28s %s %s %10.1f (%6.1f) %s %8.1f %s %8.1f %s\n", $1,
		speed, cpu, mem, lim, verdict(mem <= lim),
		ro, verdict(ro <= 100), tui, verdict(tui <= 100)
}' "$tmp/rows"

echo
echo "where gotrex's time goes: decode = \`gotrex events --count\` (read, decode and order every"
echo "event, as Go does, no index); write floor = writing and fsyncing a file of the index's size;"
echo "bound = x/exp/trace time / (decode + write floor): the speed-up no complete index could beat"
echo "with this decoder on this machine"
awk '
BEGIN { printf "%-28s %10s %12s %10s %10s\n", "file", "decode s", "write floor s", "index s", "bound" }
{
	d = $18 + $19
	bound = d > 0 ? $12 / d : 0
	printf "%-28s %10.3f %12.3f %10.3f %9.2fx\n", $1, $18, $19, $5, bound
}' "$tmp/rows"
