#!/bin/sh
# Build gotrex and run the whole test suite: a sanitizer build (ASan+UBSan,
# -Werror) with `make check`, then the libFuzzer targets briefly when clang
# is there. Prints one closing line: "N passed, N failed, N skipped".
#
#   tests/run-suite.sh            # from the top of the source tree
#   FUZZ_SECONDS=60 tests/run-suite.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-check}
fuzz_seconds=${FUZZ_SECONDS:-15}
jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0 skip=0

step() { printf '\n=== %s\n' "$*"; }

cd "$top" || exit 2
[ -x configure ] || ./autogen.sh || exit 2

step "sanitizer build (ASan+UBSan, -Werror) in $build"
mkdir -p "$build" && cd "$build" || exit 2
"$top/configure" --enable-sanitizers --enable-werror >configure.out 2>&1 ||
	{ cat configure.out; exit 2; }
make -j"$jobs" >make.out 2>&1 || { cat make.out; exit 2; }

step "make check"
# leak reports from third-party libraries (ncurses keeps reachable memory)
# are not ours to fix, but ours are: leaks stay on.
make -j"$jobs" check
check_status=$?
for trs in $(find . -name '*.trs'); do
	r=$(sed -n 's/^:test-result: //p' "$trs")
	case $r in
	PASS|XFAIL) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
if [ $check_status -ne 0 ]; then
	for log in $(find . -name '*.log' ! -name test-suite.log ! -name config.log); do
		trs=${log%.log}.trs
		[ -f "$trs" ] && grep -q '^:test-result: \(FAIL\|ERROR\)' "$trs" &&
			{ printf '\n--- %s\n' "$log"; tail -n 60 "$log"; }
	done
fi

if command -v clang >/dev/null 2>&1; then
	step "fuzz targets, ${fuzz_seconds}s each"
	fbuild=$build-fuzz
	mkdir -p "$fbuild" && cd "$fbuild" || exit 2
	if CC=clang "$top/configure" --enable-fuzzing >configure.out 2>&1 &&
	   make -j"$jobs" fuzzers >make.out 2>&1; then
		for f in tests/fuzz/*_fuzzer; do
			[ -x "$f" ] || continue
			name=$(basename "$f" _fuzzer)
			corpus=$(mktemp -d)
			seeds="$top/tests/fuzz/corpus/$name"
			[ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/
			dict="$top/tests/fuzz/$name.dict"
			set -- -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048
			[ -f "$dict" ] && set -- "$@" -dict="$dict"
			if "$f" "$@" "$corpus" >"$name.fuzz.log" 2>&1; then
				echo "PASS: fuzz $name ($(grep -c . "$name.fuzz.log") log lines)"
				pass=$((pass + 1))
			else
				echo "FAIL: fuzz $name"; tail -n 40 "$name.fuzz.log"
				fail=$((fail + 1))
			fi
			rm -rf "$corpus"
		done
	else
		echo "FAIL: fuzz build"; tail -n 40 configure.out make.out
		fail=$((fail + 1))
	fi
else
	echo "SKIP: fuzz targets: clang is not installed (apt-get install clang)"
	skip=$((skip + 1))
fi

echo
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $check_status -eq 0 ]
