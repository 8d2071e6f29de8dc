#!/usr/bin/env bash
# stats_dir for stock tools: while a program runs with BUDDY_CONF
# stats_dir:DIR, jc's /proc parsers read DIR/buddyinfo, pagetypeinfo,
# zoneinfo and vmstat as they read the kernel's files, and DIR/json loads
# with Python. Usage: scripts/check_stats_dir.sh BUILD_DIR (exits 77 without jc).
set -euo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
command -v jc >/dev/null || { echo "skipped: no jc (apt-get install jc)"; exit 77; }
prog=$build/examples/alloc_loop
[[ -x $prog ]] || { echo "skipped: $prog not built"; exit 77; }
dir=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir" || true
}
trap cleanup EXIT

BUDDY_CONF="arena_size:64M,dma_limit:4M,dma32_limit:20M,stats_dir:$dir,stats_interval_ms:50" \
  LD_LIBRARY_PATH=$build "$prog" 1000 3 20000 >/dev/null &
pid=$!
for _ in $(seq 100); do [[ -f $dir/vmstat ]] && break; sleep 0.1; done
sleep 0.3
kill -0 $pid || { echo "the program is not running"; exit 1; }

jc --proc-buddyinfo <"$dir/buddyinfo" | python3 -c '
import json, sys
zones = json.load(sys.stdin)
assert {z["zone"] for z in zones} == {"DMA", "DMA32", "Normal"}, zones
normal = next(z for z in zones if z["zone"] == "Normal")
assert len(normal["free_chunks"]) == 11
print("jc buddyinfo: %d zones, Normal free chunks %s" % (len(zones), normal["free_chunks"]))'
jc --proc-pagetypeinfo <"$dir/pagetypeinfo" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["page_block_order"] == 9 and d["pages_per_block"] == 512, d
assert d["free_pages"] and d["num_blocks_type"], d
print("jc pagetypeinfo: %d free rows, %d block rows" % (len(d["free_pages"]), len(d["num_blocks_type"])))'
jc --proc-zoneinfo <"$dir/zoneinfo" | python3 -c '
import json, sys
nodes = json.load(sys.stdin)
normal = nodes[0]["Normal"]["pages"]
assert normal["managed"] == 11264 and normal["min"] < normal["low"] < normal["high"], normal
print("jc zoneinfo: Normal managed %d, free %d, marks %d/%d/%d" % (normal["managed"], normal["free"], normal["min"], normal["low"], normal["high"]))'
jc --proc-vmstat <"$dir/vmstat" | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert v["pgalloc_normal"] >= 4000 and v["pgfree"] > 0, v
print("jc vmstat: %d counters, pgalloc_normal %d" % (len(v), v["pgalloc_normal"]))'
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("json view: %d zones" % len(d["zoneinfo"]))' "$dir/json"
kill -0 $pid && echo "read from the running process $pid"
echo "stats_dir: ok"
