#!/usr/bin/env bash
# The build refuses an #include that crosses an edge of the module graph: the checker that
# runs before anything compiles (tests/lib/check_edges.cmake) passes on the tree as it is,
# and fails, naming FILE:LINE, on copies with one forbidden include planted each.
#   forbidden_include.sh SOURCE_DIR MODULE_GRAPH
set -euo pipefail
src=$1 graph=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

copy() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree"
	(cd "$src" && tar cf - base time store workflows notifiers engine tests/lib) |
		(cd "$tmp/tree" && tar xf -)
}
check() {
	cmake -DROOT="$tmp/tree" -DGRAPH="$graph" -P "$src/tests/lib/check_edges.cmake" \
		>"$tmp/out" 2>&1
}

copy
check || { cat "$tmp/out"; echo "FAIL: the tree as it is was refused"; exit 1; }

# plant FILE LINE-TO-ADD EXPECTED-MESSAGE-PART
plant() {
	local file=$1 line=$2 want=$3
	copy
	printf '%s\n' "$line" >>"$tmp/tree/$file"
	local n
	n=$(wc -l <"$tmp/tree/$file")
	if check; then
		echo "FAIL: $file with '$line' was accepted"
		exit 1
	fi
	grep -q "$tmp/tree/$file:$n: error: .*$want" "$tmp/out" || {
		cat "$tmp/out"
		echo "FAIL: the refusal of '$line' does not name $file:$n and '$want'"
		exit 1
	}
	echo "ok: $file:$n $line refused"
}

# a lower layer reaching up
plant store/due.c '#include "engine/core/engine.h"' 'module store may not include'
# a module's private header from another module
plant engine/rules/conduct.c '#include "engine/core/engine_int.h"' 'is private to module core'
plant engine/sched/sched.c '#include "store/store_int.h"' 'is private to module store'
# a sideways edge: notifiers know nothing of plans
plant notifiers/message.c '#include "workflows/parse/plan.h"' 'module notifiers may not include'
# guarded library headers
plant engine/sched/sched.c '#include <uv.h>' 'may be included only in engine/daemon'
plant engine/core/engine.c '#include <lmdb.h>' 'may be included only in store'
plant engine/notice/notice.c '#include <libesmtp.h>' 'may be included only in notifiers/smtp.c'
plant workflows/parse/plan_parse.c '#include <yaml.h>' 'may be included only in workflows/parse/ydoc.c'
# a path that is no module's header
plant engine/report/annex.c '#include "report.h"' 'is not a module.s header'
echo "all forbidden includes refused"
