#!/usr/bin/env bash
# The suites reach the allocator's internals only through the accessor layer
# (tests/unit/buddy_test.h, implemented in tests/unit/test_util.c), so that a
# redesign of the global state, pg_data_t or struct zone changes test_util.c
# and not every suite. This fails, naming file and line, when a unit or stress
# suite uses one of the forbidden names directly. Run by ctest
# (check_test_access) and usable by hand: scripts/check_test_access.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Perl regexes: what only test_util.c may name.
patterns=(
  '\bbuddy\.(?!h\b)[A-Za-z_]'	# the global state (buddy.nr_cpu_ids, ...); <buddy/buddy.h> is fine
  '\bNODE_DATA\s*\('
  '->\s*(free_area|per_cpu_pageset)\b'
  '->\s*(node_zones|node_zonelists|_zonerefs)\b'
  '->\s*(_watermark|lowmem_reserve|managed_pages|nr_deferred|deferred_pfn)\b'
)

# The accessor layer itself: the one place that may name them.
layer=(tests/unit/test_util.c tests/unit/buddy_test.h)

# Allowed exceptions, one "path|reason" a line. Keep it empty if you can.
exceptions=(
)

is_exempt() {
  local f=$1 e
  for e in "${layer[@]}"; do [[ $f == "$e" ]] && return 0; done
  for e in "${exceptions[@]+"${exceptions[@]}"}"; do [[ $f == "${e%%|*}" ]] && return 0; done
  return 1
}

bad=0
shopt -s nullglob
for f in tests/unit/*.c tests/unit/*.h tests/stress/*.c tests/stress/*.h; do
  is_exempt "$f" && continue
  for p in "${patterns[@]}"; do
    if hits=$(grep -nP -- "$p" "$f"); then
      while IFS= read -r line; do
        echo "$f:$line"
      done <<<"$hits"
      bad=1
    fi
  done
done

if ((bad)); then
  echo "check_test_access: suites must use the accessors of tests/unit/buddy_test.h" \
    "(add one to test_util.c if none fits), not the allocator's internals directly." >&2
  exit 1
fi
echo "check_test_access: no suite reaches into buddy., NODE_DATA() or zone fields directly"
