#!/usr/bin/env bash
# The order-9 unusable free space index over trace time, one line per JSON
# file from `buddy-replay --snapshot-interval S --json FILE` (docs/replay.md).
#   tools/replay/plot_unusable.sh OUT.png "TITLE" LABEL1 FILE1.json [LABEL2 FILE2.json ...]
set -euo pipefail
out=$1 title=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plots=()
i=0
while (($#)); do
  label=$1 json=$2
  shift 2
  i=$((i + 1))
  python3 -c '
import json, sys
for s in json.load(open(sys.argv[1]))["snapshots"]:
    print(s["trace_seconds"], s["unusable_index_order9"])' "$json" > "$tmp/$i.dat"
  plots+=("\"$tmp/$i.dat\" using 1:2 with linespoints pt 7 ps 0.5 lw 2 title \"$label\"")
done
joined=$(IFS=,; echo "${plots[*]}")
gnuplot <<GP
set terminal pngcairo size 900,420 font ",10"
set output "$out"
set title "$title"
set xlabel "trace time (s)"
set ylabel "unusable free space index, order 9"
set yrange [0:1]
set grid
set key top left
plot $joined
GP
echo "plot_unusable.sh: $out"
