#!/usr/bin/env bash
# The build refuses a use that crosses an edge of the module graph, however it is written:
# the edge check (tests/lib/check_edges.cmake, run as each target is made, on what the
# compiler read and what the objects call) passes on a copy of the tree as it is, and
# refuses, naming FILE:LINE, each bypass planted in the copy: one case per kind. After the
# cases the copy, restored, builds again (a refused target is checked again, never kept).
#   forbidden_include.sh SOURCE_DIR
set -euo pipefail
src=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
build=$tmp/build

mkdir -p "$tree"
(cd "$src" && tar cf - --exclude=./build --exclude=./.git .) | (cd "$tree" && tar xf -)
cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Debug >"$tmp/configure.log" 2>&1 ||
	{ cat "$tmp/configure.log"; echo "FAIL: the copy does not configure"; exit 1; }

# The targets the cases plant into, built clean first: every one must pass.
targets=(dabiao_core dabiao_notifiers dabiao_report test_store_corrupt_values_are_store_errors
	test_store_due_order_limits_and_delete)
cmake --build "$build" -j2 --target "${targets[@]}" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; echo "FAIL: the tree as it is was refused"; exit 1; }
echo "ok: the tree as it is builds (${targets[*]})"

touched=()
restore() {
	local f
	for f in "${touched[@]}"; do
		rm -f "$tree/$f"
		if [ -e "$src/$f" ]; then cp "$src/$f" "$tree/$f"; fi
	done
	touched=()
}
# append FILE TEXT / prepend FILE TEXT / create FILE TEXT: plant TEXT (printf %b)
append() { touched+=("$1"); printf '%b\n' "$2" >>"$tree/$1"; }
prepend() {
	touched+=("$1")
	{ printf '%b\n' "$2"; cat "$src/$1"; } >"$tree/$1.new"
	mv "$tree/$1.new" "$tree/$1"
}
create() { touched+=("$1"); mkdir -p "$(dirname "$tree/$1")"; printf '%b\n' "$2" >"$tree/$1"; }
symlink() { touched+=("$2"); ln -s "$1" "$tree/$2"; }

# refused NAME TARGET FILE:LINE WANT: building TARGET fails, naming FILE:LINE and WANT
refused() {
	local name=$1 target=$2 at=$3 want=$4
	if cmake --build "$build" --target "$target" >"$tmp/out" 2>&1; then
		cat "$tmp/out"
		echo "FAIL: $name: accepted"
		exit 1
	fi
	grep -q -- "^$tree/$at: error: .*$want" "$tmp/out" || {
		cat "$tmp/out"
		echo "FAIL: $name: the refusal does not name $at and '$want'"
		exit 1
	}
	# the refused target is gone, so the next build checks it again (once is enough)
	if [ -z "${again_checked:-}" ]; then
		if cmake --build "$build" --target "$target" >"$tmp/out2" 2>&1; then
			echo "FAIL: $name: accepted on the second build"
			exit 1
		fi
		again_checked=1
	fi
	echo "ok: $name refused at $at"
	restore
}

n() { wc -l <"$tree/$1"; }   # the line number of FILE's last line
# planted NAME TARGET FILE TEXT WANT: TEXT appended to FILE is refused at its last line
planted() {
	append "$3" "$4"
	refused "$1" "$2" "$3:$(n "$3")" "$5"
}

# -- includes, however they are spelled --
planted lower-reaches-up dabiao_core store/due.c '#include "engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h": module core is not among'
planted private-header dabiao_core engine/core/clock.c '#include "store/store_int.h"' \
	'is private to module store'
planted sideways dabiao_notifiers notifiers/message.c '#include "workflows/parse/plan.h"' \
	'module notifiers may not include "workflows/parse/plan.h"'
planted angle-brackets dabiao_core engine/core/clock.c '#include <store/store_int.h>' \
	'is private to module store'
planted dot-dot dabiao_core store/due.c '#include "../engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h"'
planted dot-dot-twice dabiao_core store/due.c '#include "../store/../engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h"'
planted comment-inside dabiao_core store/due.c '#/* hidden */include "engine/core/engine.h"' \
	'module store may not include'
planted comments-around dabiao_core store/due.c '/* one */ # /* two */ include /* three */ "engine/core/engine.h" // four' \
	'module store may not include'
planted continued-directive dabiao_core store/due.c '#inc\\\nlude "engine/core/engine.h"' \
	'module store may not include'
planted line-after-continuations dabiao_core store/due.c '#define DUE_X \\\n\t1 \\\n\t+ 2\n#include "engine/core/engine.h"' \
	'module store may not include'
planted macro-name dabiao_core store/due.c '#define H "engine/core/engine.h"\n#include H' \
	'module store may not include'
planted macro-built dabiao_core store/due.c '#define STR(x) #x\n#define XSTR(x) STR(x)\n#define P engine/core/engine.h\n#include XSTR(P)' \
	'module store may not include'
planted digraph dabiao_core store/due.c '%:include "engine/core/engine.h"' \
	'module store may not include'
create store/limits.inc '#define DUE_LIMIT_X 3'
planted other-extension dabiao_core engine/core/clock.c '#include "store/limits.inc"' \
	'"store/limits.inc": it is private to module store'
create store/kinds.def '#define KIND_X 1'
planted another-kind-of-file dabiao_core engine/core/clock.c '#include "store/kinds.def"' \
	'"store/kinds.def": it is private to module store'
symlink ../../store/store_int.h engine/core/store_view.h
planted symlink dabiao_core engine/core/clock.c '#include "engine/core/store_view.h"' \
	'is private to module store'
create engine/shared/util.h '#define UTIL_X 1'
planted no-module-folder dabiao_core engine/core/clock.c '#include "engine/shared/util.h"' \
	'engine/shared/util.h" belongs to no module.s folder'
create misc.h '#define MISC_X 1'
planted top-level-file dabiao_core engine/core/clock.c '#include "misc.h"' \
	'misc.h" belongs to no module.s folder'
printf '#define OUTSIDE_X 1\n' >"$tmp/outside.h"
planted outside-the-tree dabiao_core engine/core/clock.c "#include \"$tmp/outside.h\"" \
	"\"$tmp/outside.h\" belongs to no module.s folder"
symlink "$tmp/outside.h" engine/core/outside_link.h
planted symlink-outside dabiao_core engine/core/clock.c '#include "engine/core/outside_link.h"' \
	"\"$tmp/outside.h\" belongs to no module.s folder"

# -- library headers: guarded, passed on through a public header, or of no declared library --
planted library-undeclared dabiao_core engine/core/engine.c '#include <lmdb.h>' \
	'may not include <lmdb.h>: it is library lmdb.s'
planted library-other-file dabiao_core workflows/parse/plan_parse.c '#include <yaml.h>' \
	'<yaml.h> (library libyaml) may be read only by workflows/parse/ydoc.c'
planted libesmtp-other-file dabiao_notifiers notifiers/message.c '#include <libesmtp.h>' \
	'may be read only by notifiers/smtp.c'
planted libuv dabiao_report engine/report/annex.c '#include <uv.h>' \
	'may not include <uv.h>'
append store/store.h '#include <lmdb.h>'
line=$(n store/store.h)
refused through-public-header dabiao_core '[a-z/_]*\.[ch]:[0-9]*' "may not include <lmdb.h>.* > store/store.h:$line > "
planted through-own-header dabiao_core engine/core/engine_int.h '#include <libical/ical.h>' \
	'may not include <libical/ical.h>: it is library libical.s'
planted openssl-undeclared dabiao_core base/buf.c '#include <openssl/evp.h>' \
	'module base may not include <openssl/evp.h>'
# a library nobody declared (Berkeley DB comes with libical-dev; zlib, expat are common)
other=""
for h in db.h zlib.h expat.h; do
	if [ -e "/usr/include/$h" ]; then other=$h; break; fi
done
[ -n "$other" ] || { echo "FAIL: none of db.h zlib.h expat.h is installed to plant"; exit 1; }
planted library-of-no-family dabiao_core store/due.c "#include <$other>" \
	"\"/usr/include/$other\" belongs to no module.s folder and to no declared library"
# the web's libraries, outside the web
planted microhttpd-elsewhere dabiao_notifiers notifiers/message.c '#include <microhttpd.h>' \
	'module notifiers may not include <microhttpd.h>: it is library libmicrohttpd.s'
planted sodium-elsewhere dabiao_core engine/core/clock.c '#include <sodium.h>' \
	'module core may not include <sodium.h>: it is library libsodium.s'

# -- calls with no include: a prototype written by hand --
planted private-function dabiao_core engine/core/clock.c 'struct store_txn;\nint store_del(struct store_txn *, int, const void *, void *);\nint edges_x(void);\nint edges_x(void) { return store_del(0, 0, 0, 0); }' \
	'module core calls store_del, which is private to module store'
planted upward-call dabiao_core store/due.c 'struct engine;\nvoid engine_close(struct engine *);\nvoid edges_x(void);\nvoid edges_x(void) { engine_close(0); }' \
	'module store calls engine_close, which none of its dependencies'
planted library-call dabiao_core engine/core/clock.c 'int mdb_env_create(void **);\nint edges_x(void);\nint edges_x(void) { void *e; return mdb_env_create(&e); }' \
	'module core calls mdb_env_create of library lmdb, which it does not declare'

# -- unit tests: their module's private parts, tests/lib, their own folder; nothing else --
planted test-reaches-up test_store_corrupt_values_are_store_errors tests/store/corrupt_values_are_store_errors.c '#include "engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h"'
planted test-other-folder test_store_due_order_limits_and_delete tests/store/due_order_limits_and_delete.c '#include "engine/sched/sched_test.h"' \
	'files under tests/ serve the tests of their own folder'

# Restored, the copy builds again: nothing refused was kept.
cmake --build "$build" -j2 --target "${targets[@]}" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; echo "FAIL: the restored tree was refused"; exit 1; }
echo "all forbidden uses refused; the restored tree builds"
