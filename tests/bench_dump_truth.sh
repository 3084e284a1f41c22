#!/bin/sh
# bench_dump_truth.sh: how often `gotrex report` gets a dump of a busy
# program right, at instants nobody picked.
#
# A benchmark, not a test (not run by make check: the programs run for
# about a minute each, and the wrong dumps are figures to improve, not a
# pass/fail line). Each program under tests/data/waitgraph/ that writes its
# own dumps is built with the installed Go and run once:
#   http_hammer    07's leak (20 main.queryBackend) + a client polling   2000 dumps
#   http_hammer2   the same leak in a busier server (8 clients, workers)  2000 dumps
#   abba_busy      an ABBA pair + 10 leaked closures + 6 HTTP clients      1000 dumps
# and every dump is reported; a dump is right when the stuck goroutines are
# exactly the program's truth (by innermost user function). The script
# prints, per program, the dumps and the wrong ones for each gotrex given,
# and the commonest wrong stuck sets of the first.
#
# Usage:
#   tests/bench_dump_truth.sh --gotrex /path/to/gotrex [--gotrex /other/gotrex ...]
#                             [--only NAME] [--keep]
# Use builds without sanitizers (they only make it slower).

set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
bins=
only=
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--gotrex) bins="$bins $2"; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) echo "usage: $0 --gotrex PATH [--gotrex PATH ...] [--only NAME] [--keep]" >&2; exit 2 ;;
	esac
done
[ -n "$bins" ] || { echo "$0: give at least one --gotrex" >&2; exit 2; }
command -v go >/dev/null 2>&1 || { echo "$0: needs the Go toolchain" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gotrex-truth.XXXXXX") || exit 1
[ $keep -eq 1 ] && echo "keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
# stuck_of comes from the tests' truth helpers.
GX_TMP=$tmp
. "$srcdir/tests/truth.sh"

# truth NAME: "count function" lines, sorted as stuck_of prints them.
truth() {
	case $1 in
	http_hammer | http_hammer2) echo "20 main.queryBackend" ;;
	abba_busy) printf '%s\n' "1 main.audit" "1 main.transfer" "10 main.fetchAll.func1" | sort ;;
	esac
}

i=0
for b in $bins; do
	i=$((i + 1))
	echo "#$i = $b"
done
printf '%-14s %6s' program dumps
i=0
for b in $bins; do
	i=$((i + 1))
	printf ' %9s' "wrong #$i"
done
echo
for name in http_hammer http_hammer2 abba_busy; do
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	dir="$tmp/$name"
	cp -R "$srcdir/tests/data/waitgraph/$name" "$dir" || exit 1
	printf 'module %s\ngo 1.22\n' "$name" >"$dir/go.mod"
	mkdir "$dir/d"
	(cd "$dir" && GOMAXPROCS=2 GOFLAGS=-mod=mod timeout 600 go run .) >"$dir/run.log" 2>&1 || {
		echo "$name: the program failed:" >&2
		tail -5 "$dir/run.log" >&2
		continue
	}
	truth "$name" >"$dir/want"
	n=$(ls "$dir/d" | wc -l)
	printf '%-14s %6s' "$name" "$n"
	first=1
	: >"$dir/wrong.first"
	for b in $bins; do
		wrong=0
		for f in "$dir"/d/*.txt; do
			"$b" report --no-cache --json "$f" >"$dir/out.json" 2>/dev/null
			stuck_of "$dir/out.json" >"$dir/got"
			cmp -s "$dir/got" "$dir/want" && continue
			wrong=$((wrong + 1))
			[ $first -eq 1 ] && { tr '\n' ';' <"$dir/got"; echo; } >>"$dir/wrong.first"
		done
		printf ' %9s' "$wrong"
		first=0
	done
	echo
	sort "$dir/wrong.first" | uniq -c | sort -rn | head -5 | sed 's/^/    #1 got: /'
done
