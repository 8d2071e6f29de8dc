#!/usr/bin/env bash
# Run docs/observing.md's tracing recipes as written, on a known workload
# (examples/alloc_loop: N blocks of each order 0..3), and check what they
# count. Needs root (or perf_event_paranoid <= -1 and uprobe rights), perf
# and bpftrace; exits 77 (skipped) when the kernel does not let them attach.
# Usage: scripts/trace_recipes.sh BUILD_DIR [N]
set -uo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR [N]}" && pwd)
n=${2:-1000}
lib=$(readlink -f "$build/libbuddy.so")
prog=$build/examples/alloc_loop
export LD_LIBRARY_PATH=$build
work=$(mktemp -d)
trap 'perf probe -q -d "sdt_buddy:*" >/dev/null 2>&1; rm -rf "$work"' EXIT
skip() { echo "skipped: $*"; exit 77; }
[[ -x $prog ]] || skip "$prog not built (BUDDY_BUILD_EXAMPLES=OFF)"
command -v perf >/dev/null || skip "no perf (apt-get install linux-perf)"
status=0

echo "== perf: every site of every probe registers"
perf probe -q -d 'sdt_buddy:*' >/dev/null 2>&1
out=$(perf probe -x "$lib" -a 'sdt_buddy:*' 2>&1) || { echo "$out"; [[ $out == *"ermission"* || $out == *"not supported"* ]] && skip "perf probe: $out"; exit 1; }
sites=$(readelf -n "$lib" | grep -c 'Provider: buddy')
probes=$(perf probe -l 2>/dev/null | grep -c 'sdt_buddy:')
echo "$probes of $sites sites registered"
((probes == sites)) || status=1

echo "== perf record: order-0 allocations of the loop"
if ! perf record -q -o "$work/perf.data" -e sdt_buddy:mm_page_alloc "$prog" "$n" >/dev/null 2>"$work/perf.err"; then
  cat "$work/perf.err"; skip "perf record cannot attach here"
fi
perf script -i "$work/perf.data" -F trace 2>/dev/null | awk '{print $3}' | sort | uniq -c | tee "$work/orders"
order0=$(awk '$2 == "arg2=0" {print $1}' "$work/orders")
echo "order-0 allocations counted: ${order0:-0} (expected $n)"
[[ ${order0:-0} == "$n" ]] || status=1

if command -v bpftrace >/dev/null; then
  echo "== bpftrace: histogram of orders"
  # bpftrace 0.17 cannot attach -c's child to a library it has not loaded
  # yet, so the recipe attaches to the library for every process, then runs
  # the program.
  timeout -s INT 30 bpftrace -e "usdt:$lib:buddy:mm_page_alloc { @order[arg1] = count(); }" \
    >"$work/bt.out" 2>&1 &
  bt=$!
  for _ in $(seq 50); do grep -q Attaching "$work/bt.out" && break; sleep 0.2; done
  sleep 1
  "$prog" "$n" >/dev/null
  sleep 1
  kill -INT $bt 2>/dev/null
  wait $bt
  grep '^@order' "$work/bt.out" | sort
  got=$(awk -F': ' '/^@order\[0\]/ {print $2}' "$work/bt.out")
  echo "order-0 allocations counted: ${got:-0} (expected $n)"
  if [[ -z $got ]] && grep -qiE 'permission|not permitted|failed to attach' "$work/bt.out"; then
    cat "$work/bt.out"; echo "bpftrace cannot attach here: not counted as a failure"
  elif [[ ${got:-0} != "$n" ]]; then
    cat "$work/bt.out"; status=1
  fi
else
  echo "no bpftrace (apt-get install bpftrace): its recipe not run"
fi
exit $status
