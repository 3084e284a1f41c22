#!/bin/sh
# bench_dump.sh: how fast gotrex loads a big goroutine dump, next to panicparse.
#
# A benchmark, not a test (not run by make check). It:
#   1. builds samples/10-generator and makes a debug=2 dump (runtime.Stack of
#      all goroutines) of -n blocked goroutines (default 100000) in a
#      temporary directory;
#   2. runs `gotrex stats` on it with a fresh, empty cache directory each
#      time (a cold load: parse, build and write the index, group, print),
#      and once more on the warm cache;
#   3. runs panicparse's `pp` once on the same file (parse and bucket, with
#      -rebase=false -parse=false so it reads no Go sources: its fastest
#      mode; with --pp-default once more with its defaults), output to
#      /dev/null. pp needs about half an hour of CPU for 100000 goroutines,
#      so it runs once;
#   4. prints wall time, CPU time (user + system) and peak RSS (from
#      /usr/bin/time) of the best of -r gotrex runs and of pp, and the
#      ratios pp / gotrex (target: >= 8). On a shared, loaded machine the
#      CPU times are the fairer comparison.
#
# Usage:
#   tests/bench_dump.sh --gotrex /path/to/gotrex [-n GOROUTINES] [-r RUNS]
#                       [--dump FILE] [--pp /path/to/pp] [--pp-default] [--keep]
#
# Use a build without sanitizers (plain `configure`, -O2): ASan makes every
# figure meaningless. pp is installed from the Go module proxy into the
# temporary directory (GOBIN=... go install
# github.com/maruel/panicparse/v2/cmd/pp@latest) unless --pp is given.
# --dump reuses an existing dump instead of making one.

set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
gotrex=${GOTREX:-}
pp=
n=100000
runs=3
dump=
keep=0
ppdefault=0

die() {
	echo "bench_dump: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--gotrex) gotrex=$2; shift 2 ;;
	--pp) pp=$2; shift 2 ;;
	-n) n=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	--dump) dump=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--pp-default) ppdefault=1; shift ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

[ -n "$gotrex" ] || die "say which gotrex to measure: --gotrex PATH (a build without sanitizers)"
[ -x "$gotrex" ] || die "$gotrex is not an executable"
gotrex=$(cd "$(dirname "$gotrex")" && pwd)/$(basename "$gotrex")
[ -x /usr/bin/time ] || die "needs GNU time as /usr/bin/time (apt-get install time)"
command -v go >/dev/null 2>&1 || die "needs the Go toolchain ('go' not found in PATH)"
if nm "$gotrex" 2>/dev/null | grep -q __asan_init; then
	echo "bench_dump: warning: $gotrex is built with AddressSanitizer; its figures are not representative" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gotrex-bench.XXXXXX") || die "cannot make a temporary directory"
if [ "$keep" = 1 ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

if [ -z "$dump" ]; then
	echo "building samples/10-generator ..."
	(cd "$srcdir/samples" && go build -o "$tmp/generator" ./10-generator) ||
		die "cannot build samples/10-generator"
	echo "dumping $n goroutines ..."
	"$tmp/generator" -goroutines "$n" -seconds 0.2 -dump "$tmp/dump.txt" ||
		die "the generator failed"
	dump=$tmp/dump.txt
fi
[ -r "$dump" ] || die "cannot read $dump"

if [ -z "$pp" ]; then
	echo "installing panicparse (pp) from the Go module proxy ..."
	GOBIN=$tmp/bin go install github.com/maruel/panicparse/v2/cmd/pp@latest ||
		die "cannot install panicparse"
	pp=$tmp/bin/pp
fi

headers=$(grep -c '^goroutine [0-9]* .*\[' "$dump")
bytes=$(wc -c < "$dump" | tr -d ' ')
echo "input: $dump: $bytes bytes, $headers goroutine headers"

# measure NAME CMD...: run CMD (stdout to /dev/null) and append
# "NAME seconds kilobytes" to $tmp/times; fails on a non-zero exit.
measure() {
	name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/time.one" "$@" > /dev/null 2> "$tmp/err.one" || {
		cat "$tmp/err.one" >&2
		die "$name failed: $*"
	}
	echo "$name $(tail -n 1 "$tmp/time.one")" >> "$tmp/times"
}

: > "$tmp/times"
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	rm -rf "$tmp/cache"
	mkdir "$tmp/cache"
	measure gotrex-cold env XDG_CACHE_HOME="$tmp/cache" "$gotrex" stats "$dump"
	measure gotrex-warm env XDG_CACHE_HOME="$tmp/cache" "$gotrex" stats "$dump"
done
measure pp-fast "$pp" -no-color -rebase=false -parse=false "$dump"
[ "$ppdefault" = 1 ] && measure pp-default "$pp" -no-color "$dump"

# A sanity check that gotrex read every goroutine it was timed on.
total=$(XDG_CACHE_HOME="$tmp/cache" "$gotrex" stats --json "$dump" |
	sed -n 's/^  "goroutines": \([0-9]*\),*$/\1/p')
[ "$total" = "$headers" ] ||
	echo "bench_dump: WARNING: gotrex counted $total goroutines, the file has $headers headers" >&2

# best NAME: "wall-seconds kilobytes cpu-seconds" of NAME's fastest run.
best() {
	awk -v n="$1" '$1 == n { print $2, $3, $4 + $5 }' "$tmp/times" | sort -n | head -n 1
}

echo
printf '%-44s %10s %10s %12s\n' "run (gotrex: best of $runs; pp: 1 run)" "wall s" "CPU s" "peak RSS MB"
for t in gotrex-cold gotrex-warm pp-fast pp-default; do
	case $t in
	gotrex-cold) what="gotrex stats, empty cache" ;;
	gotrex-warm) what="gotrex stats, cached index" ;;
	pp-fast) what="pp -rebase=false -parse=false" ;;
	pp-default) what="pp (defaults)" ;;
	esac
	best "$t" | awk -v t="$what" '{ printf "%-44s %10.2f %10.2f %12.1f\n", t, $1, $3, $2 / 1024 }'
done
{ best gotrex-cold; best pp-fast; best pp-default; } | awk '
	NR == 1 { gw = $1 > 0 ? $1 : 0.01; gc = $3 > 0 ? $3 : 0.01 }
	NR == 2 { printf "\nspeed-up of a cold gotrex load over pp -rebase=false -parse=false: %.1fx wall, %.1fx CPU (target >= 8x)\n", $1 / gw, $3 / gc }
	NR == 3 { printf "speed-up over pp with its defaults: %.1fx wall, %.1fx CPU\n", $1 / gw, $3 / gc }
'
