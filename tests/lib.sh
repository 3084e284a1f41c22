# lib.sh: helpers for the shell tests. Source it first thing:
#     . "$top_srcdir/tests/lib.sh"
# A test exits 0 (pass), 1 (fail), or 77 (skip, with a reason on stderr).
# The harness exports GOTREX, top_srcdir, top_builddir, XDG_CACHE_HOME, TZ.

set -u

: "${GOTREX:?GOTREX is not set: run the tests with make check}"
: "${top_srcdir:?top_srcdir is not set: run the tests with make check}"

# The test's name, for messages.
GX_TEST=${0##*/}

# skip REASON: mark the test skipped (exit 77), saying why.
skip() {
	echo "SKIP: $GX_TEST: $*" >&2
	exit 77
}

# fail MESSAGE: fail the test with a message.
fail() {
	echo "FAIL: $GX_TEST: $*" >&2
	exit 1
}

# need_go: skip the test when the Go toolchain is not installed.
need_go() {
	command -v go >/dev/null 2>&1 || skip "needs the Go toolchain ('go' not found in PATH)"
}

# gx_tmpdir: a private scratch directory, removed when the test exits.
# Sets GX_TMP.
gx_tmpdir() {
	GX_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gotrex-test.XXXXXX") || fail "cannot create a temporary directory"
	trap 'rm -rf "$GX_TMP"' EXIT
}
