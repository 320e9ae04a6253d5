#!/usr/bin/env bash
# The build refuses a use that crosses an edge of the module graph, however it is written.
#   forbidden_include.sh BUILD_DIR SOURCE_DIR
#
# BUILD_DIR is the build CTest runs in, already made: every target in it was checked by
# tests/lib/check_edges.cmake as it was made (POST_BUILD), on what its compiles read and
# what its objects call. Here:
#   1. every compiled target of BUILD_DIR runs that check after it is made;
#   2. in a copy of the source folders, one bypass of each kind is planted, the one file it
#      is planted in is compiled alone with its target's own command (compile_commands.json,
#      pointed at the copy), and the same check, run on that object as its target's, refuses
#      it naming FILE:LINE and the reason, and deletes the target's output so the next build
#      checks again; each file, before anything is planted in it, passes.
# Compiling one file per case instead of making whole targets keeps this to seconds: the
# modules' archives, the libraries' symbol lists and the graph are BUILD_DIR's own.
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
graph=$build/edges/module_graph.cmake
checker=$src/tests/lib/check_edges.cmake
[ -f "$graph" ] || { echo "FAIL: $graph is missing: build $build first"; exit 1; }
tmp=$(realpath "$(mktemp -d)")
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
mkdir -p "$tree"
(cd "$src" && tar cf - base time store workflows notifiers engine tests) | (cd "$tree" && tar xf -)

# -- 1. the check is part of making every compiled target --
# A compiled target has objects under its CMakeFiles/<target>.dir; its check is a POST_BUILD
# command naming its INFO file (Makefile or Ninja generator alike).
compiled=$(find "$build" -path "$build/edges" -prune -o -name '*.o' -path '*/CMakeFiles/*.dir/*' -print |
	sed -n 's|.*/CMakeFiles/\([^/]*\)\.dir/.*|\1|p' | sort -u)
checked=$(find "$build" \( -name build.make -o -name build.ninja \) -exec \
	grep -ho -- "-DINFO=$build/edges/[^ ]*\.cmake" {} + |
	sed "s|-DINFO=$build/edges/||; s|\.cmake$||" | sort -u)
missing=$(comm -23 <(printf '%s\n' "$compiled") <(printf '%s\n' "$checked"))
[ -n "$compiled" ] || { echo "FAIL: no compiled targets found in $build"; exit 1; }
[ -z "$missing" ] || { echo "FAIL: these targets are made without the edge check: $missing"; exit 1; }
grep -q -- "-P $checker" $(find "$build" \( -name build.make -o -name build.ninja \) | head -50) ||
	{ echo "FAIL: the POST_BUILD command does not run $checker"; exit 1; }
echo "ok: all $(wc -l <<<"$compiled") compiled targets run the edge check when made"

# -- 2. the cases --
# The graph as BUILD_DIR wrote it, with the copy as the source tree.
cat >"$tmp/graph.cmake" <<EOF
include("$graph")
set(ROOT "$tree")
set(COMPILE_COMMANDS "$tmp/compile_commands.json")
EOF

# compile TU: compile the copy's TU (relative path) as its target does, to $tmp/case.o with
# its -MD list; writes $tmp/info.cmake (the check's INFO for it) and the one-entry
# compile_commands.json the check re-runs with -E to name lines.
compile() {
	local tu=$1
	/usr/bin/python3 - "$build/compile_commands.json" "$src" "$tree" "$tu" "$tmp" "$build/edges" <<'EOF'
import json, re, shlex, sys
cc, src, tree, tu, tmp, edges = sys.argv[1:]
entry = next((e for e in json.load(open(cc)) if e["file"] == f"{src}/{tu}"), None)
if entry is None:
    sys.exit(f"FAIL: {tu} is compiled by no target of the build")
args = shlex.split(entry["command"])
out = args[args.index("-o") + 1]
m = re.search(r"CMakeFiles/([^/]+)\.dir/", out)
target = m.group(1)
keep, skip = [], False
for a in args:
    if skip:
        skip = False
    elif a in ("-o", "-MT", "-MF", "-MQ"):
        skip = True
    elif a in ("-c", "-MD", "-MMD"):
        pass
    elif a.startswith("-I" + src):
        keep.append("-I" + tree + a[2 + len(src):])
    elif a == entry["file"]:
        pass
    else:
        keep.append(a)
obj = f"{tmp}/case.o"
cmd = keep + ["-MD", "-MF", obj + ".d", "-o", obj, "-c", f"{tree}/{tu}"]
with open(f"{tmp}/compile_commands.json", "w") as f:
    json.dump([{"directory": entry["directory"], "command": shlex.join(cmd),
                "file": f"{tree}/{tu}"}], f)
info = open(f"{edges}/{target}.cmake").read()
kind = re.search(r"set\(KIND (\w+)\)", info).group(1)
module = re.search(r"set\(MODULE (\w+)\)", info).group(1)
with open(f"{tmp}/info.cmake", "w") as f:
    f.write(f'set(TARGET edges_case)\nset(KIND {kind})\nset(MODULE {module})\n'
            f'set(OBJECTS "{obj}")\nset(OUTPUT "{tmp}/case.out")\n')
with open(f"{tmp}/cmd", "w") as f:
    f.write(shlex.join(cmd))
EOF
	rm -f "$tmp/case.o" "$tmp/case.o.d"
	(cd "$build" && eval "$(cat "$tmp/cmd")") >"$tmp/cc.log" 2>&1 ||
		{ cat "$tmp/cc.log"; echo "FAIL: $tu does not compile"; exit 1; }
}
# check: the edge check on $tmp/case.o as its target's; its status, output in $tmp/out
check() {
	touch "$tmp/case.out"
	cmake -DINFO="$tmp/info.cmake" -DGRAPH="$tmp/graph.cmake" -P "$checker" >"$tmp/out" 2>&1
}

declare -A clean_ok=()
# clean TU: TU as it is passes (once per TU)
clean() {
	[ -z "${clean_ok[$1]:-}" ] || return 0
	compile "$1"
	check || { cat "$tmp/out"; echo "FAIL: $1 as it is was refused"; exit 1; }
	clean_ok[$1]=1
}

touched=()
restore() {
	local f
	for f in "${touched[@]}"; do
		rm -f "$tree/$f"
		if [ -e "$src/$f" ]; then cp -p "$src/$f" "$tree/$f"; fi
	done
	touched=()
}
# append FILE TEXT / create FILE TEXT / symlink TARGET FILE: plant TEXT (printf %b)
append() { touched+=("$1"); printf '%b\n' "$2" >>"$tree/$1"; }
create() { touched+=("$1"); mkdir -p "$(dirname "$tree/$1")"; printf '%b\n' "$2" >"$tree/$1"; }
symlink() { touched+=("$2"); ln -s "$1" "$tree/$2"; }

# refused NAME TU FILE:LINE WANT: compiled and checked, TU is refused naming FILE:LINE and WANT
refused() {
	local name=$1 tu=$2 at=$3 want=$4
	compile "$tu"
	if check; then
		cat "$tmp/out"
		echo "FAIL: $name: accepted"
		exit 1
	fi
	grep -q -- "^$tree/$at: error: .*$want" "$tmp/out" || {
		cat "$tmp/out"
		echo "FAIL: $name: the refusal does not name $at and '$want'"
		exit 1
	}
	# the refused target's output is gone, so the next build makes and checks it again
	[ ! -e "$tmp/case.out" ] || { echo "FAIL: $name: the refused target was kept"; exit 1; }
	echo "ok: $name refused at $at"
	restore
}

n() { wc -l <"$tree/$1"; }   # the line number of FILE's last line
# planted NAME FILE TEXT WANT: TEXT appended to FILE (a .c file, compiled) is refused at its
# last line
planted() {
	clean "$2"
	append "$2" "$3"
	refused "$1" "$2" "$2:$(n "$2")" "$4"
}

# -- includes, however they are spelled --
planted lower-reaches-up store/due.c '#include "engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h": module core is not among'
planted private-header engine/core/clock.c '#include "store/store_int.h"' \
	'is private to module store'
planted sideways notifiers/message.c '#include "workflows/parse/plan.h"' \
	'module notifiers may not include "workflows/parse/plan.h"'
planted angle-brackets engine/core/clock.c '#include <store/store_int.h>' \
	'is private to module store'
planted dot-dot store/due.c '#include "../engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h"'
planted dot-dot-twice store/due.c '#include "../store/../engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h"'
planted comment-inside store/due.c '#/* hidden */include "engine/core/engine.h"' \
	'module store may not include'
planted comments-around store/due.c '/* one */ # /* two */ include /* three */ "engine/core/engine.h" // four' \
	'module store may not include'
planted continued-directive store/due.c '#inc\\\nlude "engine/core/engine.h"' \
	'module store may not include'
planted line-after-continuations store/due.c '#define DUE_X \\\n\t1 \\\n\t+ 2\n#include "engine/core/engine.h"' \
	'module store may not include'
planted macro-name store/due.c '#define H "engine/core/engine.h"\n#include H' \
	'module store may not include'
planted macro-built store/due.c '#define STR(x) #x\n#define XSTR(x) STR(x)\n#define P engine/core/engine.h\n#include XSTR(P)' \
	'module store may not include'
planted digraph store/due.c '%:include "engine/core/engine.h"' \
	'module store may not include'
create store/limits.inc '#define DUE_LIMIT_X 3'
planted other-extension engine/core/clock.c '#include "store/limits.inc"' \
	'"store/limits.inc": it is private to module store'
create store/kinds.def '#define KIND_X 1'
planted another-kind-of-file engine/core/clock.c '#include "store/kinds.def"' \
	'"store/kinds.def": it is private to module store'
symlink ../../store/store_int.h engine/core/store_view.h
planted symlink engine/core/clock.c '#include "engine/core/store_view.h"' \
	'is private to module store'
create engine/shared/util.h '#define UTIL_X 1'
planted no-module-folder engine/core/clock.c '#include "engine/shared/util.h"' \
	'engine/shared/util.h" belongs to no module.s folder'
create misc.h '#define MISC_X 1'
planted top-level-file engine/core/clock.c '#include "misc.h"' \
	'misc.h" belongs to no module.s folder'
printf '#define OUTSIDE_X 1\n' >"$tmp/outside.h"
planted outside-the-tree engine/core/clock.c "#include \"$tmp/outside.h\"" \
	"\"$tmp/outside.h\" belongs to no module.s folder"
symlink "$tmp/outside.h" engine/core/outside_link.h
planted symlink-outside engine/core/clock.c '#include "engine/core/outside_link.h"' \
	"\"$tmp/outside.h\" belongs to no module.s folder"

# -- library headers: guarded, passed on through a public header, or of no declared library --
planted library-undeclared engine/core/engine.c '#include <lmdb.h>' \
	'may not include <lmdb.h>: it is library lmdb.s'
planted library-other-file workflows/parse/plan_parse.c '#include <yaml.h>' \
	'<yaml.h> (library libyaml) may be read only by workflows/parse/ydoc.c'
planted libesmtp-other-file notifiers/message.c '#include <libesmtp.h>' \
	'may be read only by notifiers/smtp.c'
planted libuv engine/report/annex.c '#include <uv.h>' \
	'may not include <uv.h>'
clean engine/core/engine.c
append store/store.h '#include <lmdb.h>'
refused through-public-header engine/core/engine.c '[a-z/_]*\.[ch]:[0-9]*' \
	"may not include <lmdb.h>.* > store/store.h:$(n store/store.h) > "
append engine/core/engine_int.h '#include <libical/ical.h>'
refused through-own-header engine/core/engine.c "engine/core/engine_int.h:$(n engine/core/engine_int.h)" \
	'may not include <libical/ical.h>: it is library libical.s'
planted openssl-undeclared time/tz.c '#include <openssl/evp.h>' \
	'module time may not include <openssl/evp.h>'
# a library nobody declared (Berkeley DB comes with libical-dev; zlib, expat are common)
other=""
for h in db.h zlib.h expat.h; do
	if [ -e "/usr/include/$h" ]; then other=$h; break; fi
done
[ -n "$other" ] || { echo "FAIL: none of db.h zlib.h expat.h is installed to plant"; exit 1; }
planted library-of-no-family store/due.c "#include <$other>" \
	"\"/usr/include/$other\" belongs to no module.s folder and to no declared library"
# the web's libraries, outside the web
planted microhttpd-elsewhere notifiers/message.c '#include <microhttpd.h>' \
	'module notifiers may not include <microhttpd.h>: it is library libmicrohttpd.s'
planted sodium-elsewhere engine/core/clock.c '#include <sodium.h>' \
	'module core may not include <sodium.h>: it is library libsodium.s'

# -- calls with no include: a prototype written by hand --
planted private-function engine/core/clock.c 'struct store_txn;\nint store_del(struct store_txn *, int, const void *, void *);\nint edges_x(void);\nint edges_x(void) { return store_del(0, 0, 0, 0); }' \
	'module core calls store_del, which is private to module store'
planted upward-call store/due.c 'struct engine;\nvoid engine_close(struct engine *);\nvoid edges_x(void);\nvoid edges_x(void) { engine_close(0); }' \
	'module store calls engine_close, which none of its dependencies'
# a private function a comment of the public header mentions is still private
append store/store.h '/* (store_del is the private delete under every one of these) */'
planted named-in-a-comment engine/core/clock.c 'struct store_txn;\nint store_del(struct store_txn *, int, const void *, void *);\nint edges_x(void);\nint edges_x(void) { return store_del(0, 0, 0, 0); }' \
	'module core calls store_del, which is private to module store'
# a weak definition of its own, which the program's strong one (another module's) replaces
planted weak-stand-in store/due.c 'struct engine;\nvoid engine_close(struct engine *);\nvoid edges_x(void);\nvoid edges_x(void) { engine_close(0); }\n__attribute__((weak)) void engine_close(struct engine *en) { (void)en; }' \
	'module store defines engine_close weak'
# a library the module declares, called from a file other than those the table names
planted library-call-other-file notifiers/message.c 'void *smtp_create_session(void);\nvoid *edges_x(void);\nvoid *edges_x(void) { return smtp_create_session(); }' \
	'notifiers/message.c calls smtp_create_session of library libesmtp, which only notifiers/smtp.c may use'
planted library-call engine/core/clock.c 'int mdb_env_create(void **);\nint edges_x(void);\nint edges_x(void) { void *e; return mdb_env_create(&e); }' \
	'module core calls mdb_env_create of library lmdb, which it does not declare'

# -- unit tests: their module's private parts, tests/lib, their own folder; nothing else --
planted test-reaches-up tests/store/corrupt_values_are_store_errors.c '#include "engine/core/engine.h"' \
	'module store may not include "engine/core/engine.h"'
planted test-other-folder tests/store/due_order_limits_and_delete.c '#include "engine/sched/sched_test.h"' \
	'files under tests/ serve the tests of their own folder'

# -- 3. the graph itself: declared in order, and as docs/ARCHITECTURE.md's table says --
# One configure of a copy where notice names sched (declared below it: a cycle) in DEPS, rules
# names libuv, and the table gives rules an edge CMakeLists.txt does not: each refused by name.
cfg=$tmp/cfg
mkdir -p "$cfg"
(cd "$src" && tar cf - CMakeLists.txt docs deploy base time store workflows notifiers engine tests) |
	(cd "$cfg" && tar xf -)
sed -i 's/^\(dabiao_module(notice .* DEPS core notifiers\)$/\1 sched/; s/^\(dabiao_module(rules .*\))$/\1 PRIVATE_LIBS PkgConfig::UV)/' "$cfg/CMakeLists.txt"
sed -i 's/^| rules | notice, report |/| rules | notice, report, daemon |/' "$cfg/docs/ARCHITECTURE.md"
grep -q 'DEPS core notifiers sched$' "$cfg/CMakeLists.txt" && grep -q 'rules.* PkgConfig::UV)$' "$cfg/CMakeLists.txt" &&
	grep -q '^| rules | notice, report, daemon |' "$cfg/docs/ARCHITECTURE.md" ||
	{ echo "FAIL: the graph cases were not planted (CMakeLists.txt or the table changed?)"; exit 1; }
if cmake -S "$cfg" -B "$cfg/build" >"$tmp/cfg.log" 2>&1; then
	cat "$tmp/cfg.log"; echo "FAIL: a configure with a cycle and a table that differs passed"; exit 1
fi
for want in 'module notice names sched in DEPS, but no module sched is declared above it' \
	"module notice's DEPS are \"core, notifiers, sched\" in CMakeLists.txt but \"core, notifiers\" in docs/ARCHITECTURE.md" \
	"module rules's DEPS are \"notice, report\" in CMakeLists.txt but \"daemon, notice, report\" in docs/ARCHITECTURE.md" \
	"module rules names the library families \"libuv\" in CMakeLists.txt but \"\" in docs/ARCHITECTURE.md"; do
	tr -s ' \n' ' ' <"$tmp/cfg.log" | grep -qF -- "$want" ||
		{ cat "$tmp/cfg.log"; echo "FAIL: the configure does not say: $want"; exit 1; }
done
echo "ok: a DEPS on a module declared below, and a table whose edges or libraries differ from CMakeLists.txt, stop the configure"

echo "all forbidden uses refused"
