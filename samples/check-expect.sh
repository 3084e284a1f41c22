#!/usr/bin/env bash
# check-expect.sh DIR — sanity-check a recording against its scenario's expect file.
#
# DIR is a recording directory such as samples/02-abba-mutex/go1.26; the
# expect file is DIR/../expect (format: samples/README.md). For each text
# dump in DIR (debug2.txt, and sigquit.txt / fatal.txt when present) it checks:
#   stuck N F  exactly N goroutines whose innermost main.* frame is F are in
#              a blocked state (channel, select, sync.*, semacquire);
#   spin N F   exactly N goroutines whose innermost main.* frame is F exist
#              (livelock participants: alive, whatever their state);
#   cycle F…   every F is also named by a stuck line;
#   deadlock   "yes" iff there is at least one stuck line;
#   global yes fatal.txt says "all goroutines are asleep", and its goroutines
#              are exactly the stuck ones; global no: no such fatal.txt.
# Prints one line per check and the goroutine ids it matched; exits 1 if any
# check failed. Needs only bash and awk.
set -u

dir=${1:?usage: check-expect.sh RECORDING-DIR}
dir=${dir%/}
expect="$dir/../expect"
[ -f "$expect" ] || { echo "check-expect: no $expect" >&2; exit 2; }
[ -f "$dir/debug2.txt" ] || { echo "check-expect: no $dir/debug2.txt" >&2; exit 2; }

failures=0
ok() { printf 'ok    %s\n' "$*"; }
bad() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }

# goroutines FILE: one line per goroutine: "ID<TAB>STATE<TAB>FUNC", where
# STATE is the header's status/wait reason without modifiers and FUNC the
# innermost frame whose function starts with "main." ("-" if none).
goroutines() {
	awk '
	function flush() {
		if (id != "") print id "\t" state "\t" (fn == "" ? "-" : fn)
		id = ""; state = ""; fn = ""
	}
	/^goroutine [0-9]+ / {
		flush()
		id = $2
		s = $0
		sub(/^[^[]*\[/, "", s)       # drop "goroutine N [gp=… m=…] ["
		if ((i = index(s, " labels:{")) > 0)
			s = substr(s, 1, i - 1) # Go 1.26 tracebacklabels: "[state labels:{…}]"
		else
			sub(/\].*$/, "", s)  # up to the first "]"
		sub(/, .*$/, "", s)          # drop ", N minutes", ", locked to thread", …
		sub(/ \((scan|leaked|durable)\)$/, "", s)
		state = s
		next
	}
	id == "" { next }
	/^\t/ || /^created by / || /^$/ { next }
	{
		name = $0
		sub(/\([^()]*\)$/, "", name) # the argument list is the last (…)
		if (fn == "" && name ~ /^main\./) fn = name
	}
	END { flush() }
	' "$1"
}

blocked_state() {
	case "$1" in
	"chan send" | "chan receive" | "select" | "select (no cases)" | \
		"chan send (nil chan)" | "chan receive (nil chan)" | \
		sync.* | "semacquire") return 0 ;;
	esac
	return 1
}

dumps="debug2.txt"
[ -f "$dir/sigquit.txt" ] && dumps="$dumps sigquit.txt"
[ -f "$dir/fatal.txt" ] && dumps="$dumps fatal.txt"

deadlock="" global="" stuck_total=0 stuck_funcs=" " nstuck=0
while read -r key rest; do
	case "$key" in
	"" | \#*) continue ;;
	esac
	rest=${rest%%#*}
	set -- $rest
	case "$key" in
	deadlock) deadlock=$1 ;;
	global) global=$1 ;;
	livelock) ;;
	stuck | spin)
		want=$1 fn=$2
		if [ "$key" = stuck ]; then
			stuck_total=$((stuck_total + want))
			stuck_funcs="$stuck_funcs$fn "
			nstuck=$((nstuck + 1))
		fi
		for d in $dumps; do
			ids="" n=0
			while IFS=$'\t' read -r gid state gfn; do
				[ "$gfn" = "$fn" ] || continue
				if [ "$key" = stuck ] && ! blocked_state "$state"; then
					continue
				fi
				ids="$ids $gid[$state]"
				n=$((n + 1))
			done < <(goroutines "$dir/$d")
			if [ "$n" -eq "$want" ]; then
				ok "$key $want $fn in $d:$ids"
			else
				bad "$key $want $fn in $d: found $n:$ids"
			fi
		done
		;;
	cycle)
		for fn in "$@"; do
			case "$stuck_funcs" in
			*" $fn "*) ;;
			*) bad "cycle member $fn has no stuck line (put cycle lines after the stuck lines)" ;;
			esac
		done
		ok "cycle $*: members are stuck"
		;;
	*) ok "(unknown key '$key' ignored)" ;;
	esac
done <"$expect"

case "$deadlock" in
yes) [ "$nstuck" -gt 0 ] && ok "deadlock yes: $nstuck stuck lines" || bad "deadlock yes but no stuck line" ;;
no) [ "$nstuck" -eq 0 ] && ok "deadlock no: no stuck line" || bad "deadlock no but $nstuck stuck lines" ;;
*) bad "expect has no 'deadlock yes|no' line" ;;
esac

case "$global" in
yes)
	if [ ! -f "$dir/fatal.txt" ]; then
		bad "global yes but no fatal.txt in $dir"
	elif ! grep -q '^fatal error: all goroutines are asleep - deadlock!' "$dir/fatal.txt"; then
		bad "global yes but fatal.txt has no deadlock message"
	else
		total=$(goroutines "$dir/fatal.txt" | wc -l)
		[ "$total" -eq "$stuck_total" ] &&
			ok "global yes: fatal.txt has exactly the $total stuck goroutines" ||
			bad "global yes: fatal.txt has $total goroutines, stuck lines add up to $stuck_total"
	fi
	;;
no)
	if [ -f "$dir/fatal.txt" ]; then bad "global no but $dir/fatal.txt exists"; else ok "global no"; fi
	;;
*) bad "expect has no 'global yes|no' line" ;;
esac

if [ "$failures" -gt 0 ]; then
	echo "check-expect: $dir: $failures check(s) failed"
	exit 1
fi
echo "check-expect: $dir: all checks passed"
