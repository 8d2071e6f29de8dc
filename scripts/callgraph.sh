#!/usr/bin/env bash
# Which src/*.c file calls which, from the compiled objects: file A -> file B
# when A.o references a symbol B.o defines. Prints the edges and every mutual
# pair (A -> B and B -> A); exits 1 if there is one. The process-wide state
# is left out - the `buddy` global and init.c's lazy-initialisation entry
# (buddy_lazy_init, buddy_initialized), which every public entry point may
# reach first - as issue 18 allows ("a DAG except through the one global state").
#
#   scripts/callgraph.sh [build-dir]     (default build/callgraph, configured here)
#
# Built without LTO, so that nm reads plain objects and no cross-file inlining hides an edge.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/callgraph}
if [[ ! -d $build ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DBUDDY_BUILD_TESTS=OFF -DBUDDY_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target buddy_objects >/dev/null
objs=$(find "$build/CMakeFiles/buddy_objects.dir/src" -name '*.c.o' | sort)
defs=$(mktemp)
trap 'rm -f "$defs"' EXIT
for o in $objs; do
  f=$(basename "$o" .c.o)
  nm --defined-only --extern-only "$o" | awk -v f="$f" '{ print $3, f }'
done | sort -u >"$defs"
edges=$(for o in $objs; do
  f=$(basename "$o" .c.o)
  nm --undefined-only "$o" | awk '{ print $2 }' | grep -vxE 'buddy|buddy_lazy_init|buddy_initialized' | sort -u |
    join - "$defs" | awk -v f="$f" '$2 != f { print f, $2 }'
done | sort -u)
echo "$edges" | awk '{ printf "%s -> %s\n", $1, $2 }'
mutual=$(echo "$edges" | awk '{ e[$1 " " $2] = 1 } END { for (k in e) { split(k, p, " "); if ((p[2] " " p[1]) in e && p[1] < p[2]) print p[1] " <-> " p[2] } }' | sort)
if [[ -n $mutual ]]; then
  echo "mutual pairs:"
  echo "$mutual"
  exit 1
fi
echo "no mutual pairs"
