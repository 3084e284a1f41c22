#!/bin/sh
# Marks and export: Space marks a goroutine (grouped: the whole group) and
# moves down; e asks for a file name (prefilled) and writes the marked
# goroutines (none marked: those the filter lists) atomically, in the
# format of the extension; an existing file asks "overwrite? y/n". The
# text export must load back (gotrex stats) with the same goroutine ids.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

dump=$top_srcdir/tests/data/tui/leak-debug2.txt
tmux_need_file "$dump"
cp "$dump" "$GX_TMP/leak.txt"
cd "$GX_TMP" || fail "cd"
TMUX_COLS=120

# the truth, from the raw dump: the ids of the 20 leaked senders
# (samples/07-goroutine-leak/expect: stuck 20 main.queryBackend)
awk '/^goroutine [0-9]+ \[chan send\]:$/ { id = $2 } /^main\.queryBackend\(/ && id { print id } /^$/ { id = "" }' \
	leak.txt | sort -n >want-leaked
[ "$(wc -l <want-leaked)" = 20 ] || fail "leak-debug2.txt changed: $(wc -l <want-leaked) leaked senders"

# ids of a goroutine dump, sorted
ids() {
	sed -n 's/^goroutine \([0-9][0-9]*\) \[.*\]:$/\1/p' "$1" | sort -n
}

tmux_start leak.txt
tmux_wait "row 1/27"
# flat: Space marks goroutine 1 and moves to the next row; Space again there
tmux_keys Space
tmux_wait "1 marked (e exports them)"
tmux_wait "row 2/27"
tmux_keys k Space
tmux_wait "0 marked (e exports them)"
# grouped: the 20 senders are the first group; Space marks all of them
tmux_keys =
tmux_wait "grouped: 8 stacks"
tmux_keys g Space
tmux_wait "20 marked (e exports them)"
tmux_expect marks-group
tmux_keys =
tmux_wait "ungrouped: 27 goroutines"
tmux_expect marks-flat
tmux_keys e
tmux_wait "export marked 20 goroutines to: gotrex-export.txt"
tmux_expect export-prompt
tmux_keys Enter
tmux_wait "wrote 20 goroutines to gotrex-export.txt (text)"
[ -f gotrex-export.txt ] || fail "no gotrex-export.txt"
ids gotrex-export.txt >got
diff -u want-leaked got >&2 || fail "exported ids differ from the leaked senders"
# it loads back: gotrex reads it as a dump with the same ids
"$GOTREX" stats --json gotrex-export.txt >stats.json 2>stats.err ||
	fail "gotrex stats cannot load the export: $(cat stats.err)"
grep -q '"goroutines": *20' stats.json || fail "stats of the export: $(cat stats.json)"

# an existing file: the question; n goes back to the name and keeps the file
echo old >gotrex-export.txt
tmux_keys e Enter
tmux_wait "gotrex-export.txt exists: overwrite? y/n"
tmux_expect export-overwrite
tmux_keys n
tmux_wait "export marked 20 goroutines to: gotrex-export.txt"
[ "$(cat gotrex-export.txt)" = old ] || fail "n overwrote the file"
tmux_keys Enter
tmux_wait "overwrite? y/n"
tmux_keys y
tmux_wait "wrote 20 goroutines to gotrex-export.txt (text)"
ids gotrex-export.txt >got
diff -u want-leaked got >&2 || fail "overwritten export: ids differ"

# the extension picks the format: .folded
tmux_keys e C-u l e a k . f o l d e d Enter
tmux_wait "wrote 20 goroutines to leak.folded (folded)"
printf 'main.queryBackend 20\n' >want-folded
diff -u want-folded leak.folded >&2 || fail "folded export differs"

# a directory that does not exist: the error under the prompt, nothing written
tmux_keys e C-u n o / s u c h / x . t x t Enter
tmux_wait "no/such/x.txt"
tmux_keys Escape
tmux_wait "row 1/27"

# no marks: the goroutines the filter lists (unmark the group first)
tmux_keys = g Space =
tmux_wait "ungrouped: 27 goroutines"
tmux_keys / i n : s t u c k Enter
tmux_wait "20 of 27 goroutines match"
# a filter that lists nothing: nothing to export
tmux_keys / C-u i d : 9 9 9 Enter
tmux_wait "0 of 27 goroutines match"
tmux_keys e Enter
tmux_wait "nothing to export: the filter lists no goroutine"
tmux_keys Escape / C-u i n : s t u c k Enter
tmux_wait "20 of 27 goroutines match"
tmux_keys e C-u l i s t e d . j s o n
tmux_wait "export listed 20 goroutines to: listed.json"
tmux_keys Enter
tmux_wait "wrote 20 goroutines to listed.json (json)"
sed -n 's/^ *{"id": *\([0-9]*\),.*/\1/p' listed.json | sort -nu >got
diff -u want-leaked got >&2 || fail "json export: ids differ"
tmux_quit
# no temporary file left beside the exports
left=$(ls -a | grep -e '^\.gotrex-export-' || true)
[ -z "$left" ] || fail "left-over temporary files: $left"
exit 0
