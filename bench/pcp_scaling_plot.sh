#!/bin/bash
# Throughput against threads for the bulk loop (allocate N blocks, then free
# them) at orders 0, 3 and 9, with pcp_scaling: threads pinned one per CPU,
# thread i on CPU i mod the CPU count, so past the CPU count they share CPUs.
# Each point is the median of RUNS runs (each the best of its rounds).
#
#   bench/pcp_scaling_plot.sh [build-dir] [out.png] [runs]
#
# BASE=path/to/old/pcp_scaling adds the same curves for another build
# (dashed). BUDDY_CONF is passed on (e.g. pcp_reserve_fraction:0).
set -euo pipefail
BUILD=${1:-build/bench}
OUT=${2:-docs/img/pcp-scaling.png}
RUNS=${3:-5}
THREADS="1 2 4 8 16"
DAT=$(mktemp)
trap 'rm -f "$DAT" "$DAT".*' EXIT

bulk_of() { case $1 in 0) echo 1024 ;; 3) echo 1024 ;; 9) echo 256 ;; esac; }
ops_of() { case $1 in 0) echo 65536 ;; 3) echo 65536 ;; 9) echo 16384 ;; esac; }

# median "all" (alloc+free per microsecond, all threads) of RUNS runs
point() {
	local bin=$1 order=$2 threads=$3 bulk ops
	bulk=$(bulk_of "$order")
	ops=$(ops_of "$order")
	# at 8 and 16 threads, smaller batches keep the arena's 8G enough
	[ "$threads" -gt 2 ] && bulk=$((bulk * 2 / threads)) && ops=$((ops * 2 / threads))
	for _ in $(seq "$RUNS"); do
		"$bin" 9 --order "$order" --bulk "$bulk" --ops "$ops" --threads "$threads" |
			sed -n 's/^result.* all=\([0-9.]*\).*/\1/p'
	done | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for variant in new ${BASE:+base}; do
	bin=$BUILD/bench/pcp_scaling
	[ "$variant" = base ] && bin=$BASE
	for order in 0 3 9; do
		for t in $THREADS; do
			echo "$t $(point "$bin" "$order" "$t")"
		done >"$DAT.$variant.$order"
	done
done

plots=""
for order in 0 3 9; do
	plots="$plots \"$DAT.new.$order\" using 1:2 with linespoints lw 2 title \"order $order\","
	[ -n "${BASE:-}" ] &&
		plots="$plots \"$DAT.base.$order\" using 1:2 with linespoints dt 2 title \"order $order, before\","
done
mkdir -p "$(dirname "$OUT")"
gnuplot <<EOF
set terminal pngcairo size 900,480 font ",10"
set output "$OUT"
set title "bulk alloc+free throughput against threads (pinned; $(nproc) CPUs; median of $RUNS runs)"
set xlabel "threads"
set ylabel "alloc+free per microsecond, all threads"
set logscale x 2
set xtics (1, 2, 4, 8, 16)
set xrange [0.8:20]
set key outside right
set grid
plot ${plots%,}
EOF
for f in "$DAT".*; do echo "== ${f##*.tmp*.}"; cat "$f"; done
echo "wrote $OUT"
