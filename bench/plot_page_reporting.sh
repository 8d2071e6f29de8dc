#!/usr/bin/env bash
# The RSS-over-time plot of docs/page-reporting.md: bench_page_reporting
# allocates 512 MiB, writes it, frees it and drains the per-CPU lists, then
# samples the arena's RSS (/proc/self/smaps) every 100 ms for 6 s, once with
# page_reporting:on and once with it off; gnuplot draws both.
#
#   bench/plot_page_reporting.sh [out.png]   (default docs/img/page-reporting-rss.png)
#
# Builds bench_page_reporting in build/bench (Release, as bench/run does) and
# prints the __GFP_ZERO gain (bench_page_reporting zero) as well.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
png=${1:-$ROOT/docs/img/page-reporting-rss.png}
BUILD=$ROOT/build/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUDDY_BUILD_BENCH=ON -DBUDDY_BUILD_TESTS=OFF \
  -DBUDDY_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target bench_page_reporting >/dev/null
bin=$BUILD/bench/bench_page_reporting
"$bin" rss on > "$tmp/on.csv"
"$bin" rss off > "$tmp/off.csv"
# Time from each run's own free (its "freed" row), so both runs line up at 0.
for run in on off; do
  awk -F, 'NR == 1 { next } $3 == "freed" { f = $1 } { t[NR] = $1; r[NR] = $2 }
           END { for (i = 2; i <= NR; i++) printf "%.2f,%s\n", t[i] - f, r[i] }' "$tmp/$run.csv" > "$tmp/$run.rel"
done
fell=$(awk -F, '$1 > 0 && $2 < 32 { printf "%.1f", $1; exit }' "$tmp/on.rel")
echo "plot_page_reporting: with reporting on, the arena's RSS fell under 32 MiB ${fell:-?} s after the free"

gnuplot <<GP
set terminal pngcairo size 900,480 font ",10"
set termoption noenhanced
set output "$png"
set title "Arena RSS: allocate and write 512 MiB, free it all at t = 0, wait (page_reporting_delay_ms 2000, MADV_DONTNEED)"
set xlabel "time since the free and drain (s)"
set ylabel "arena RSS (MiB, /proc/self/smaps)"
set datafile separator ","
set key center right reverse Left box width 2
set grid
set yrange [0:600]
set arrow from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb "gray40"
set arrow from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb "gray60"
set label "free + drain" at 0, 570 offset 0.5,0
set label "delay (2 s)" at 2, 570 offset 0.5,0
plot "$tmp/on.rel" using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb "#1b9e77" title "page_reporting:on", \
     "$tmp/off.rel" using 1:2 with linespoints lw 2 pt 5 ps 0.6 lc rgb "#d95f02" title "page_reporting:off (the default)"
GP
echo "plot_page_reporting: $png"
"$bin" zero 9
