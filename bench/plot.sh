#!/usr/bin/env bash
# PNG plots from latest.csv with gnuplot: one clustered bar chart per
# workload metric, one bar per allocator, x = order (and thread count).
#   bash bench/plot.sh latest.csv OUTDIR "libbuddy jemalloc ... memset"
set -euo pipefail
csv=$1 out=$2 allocs=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# plot NAME WORKLOAD METRIC "TITLE" "YLABEL" LOG(0/1)
plot() {
  local name=$1 wk=$2 metric=$3 title=$4 ylabel=$5 log=$6 dat=$tmp/$1.dat
  awk -F, -v wk="$wk" -v metric="$metric" -v allocs="$allocs" '
    NR > 1 && $2 == wk && $5 == metric {
      lbl = ($3 == "-" ? "trace" : "o" $3) ($4 != "1" && $4 != "-" ? " " $4 "T" : "")
      if (!(lbl in seen)) { seen[lbl] = 1; L[++nl] = lbl }
      v[$1, lbl] = $6; have[$1] = 1
    }
    END {
      na = split(allocs, A, " "); hdr = "x"
      for (i = 1; i <= na; i++) if (A[i] in have) { S[++ns] = A[i]; hdr = hdr " " A[i] }
      if (!nl) exit 1
      print hdr
      for (l = 1; l <= nl; l++) {
        line = "\"" L[l] "\""
        for (i = 1; i <= ns; i++) line = line " " ((S[i], L[l]) in v ? v[S[i], L[l]] : "-")
        print line
      }
    }' "$csv" > "$dat" || { echo "plot.sh: no data for $wk/$metric" >&2; return 0; }
  local ncol bars line=""
  ncol=$(head -1 "$dat" | wc -w)
  bars=$ncol
  # A memset column is the physical limit: drawn as a line over the bars.
  if [[ $(head -1 "$dat" | awk '{ print $NF }') == memset ]]; then
    bars=$((ncol - 1))
    line=", \"$dat\" using (\$0-1):$ncol with linespoints lw 2 pt 7 lc rgb \"black\" title \"memset (limit)\""
  fi
  gnuplot <<GP
set terminal pngcairo size 900,480 font ",10"
set output "$out/$name.png"
set title "$title"
set ylabel "$ylabel"
set datafile missing "-"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key below horizontal
set grid ytics
$( ((log)) && echo 'set logscale y' )
set yrange [$( ((log)) && echo '*' || echo '0'):*]
plot for [i=2:$bars] "$dat" using i:xtic(1) title columnheader(i)$line
GP
  echo "plot.sh: $out/$name.png"
}

plot pair pair alloc+free "pair: allocate and free one block (lower is better)" "ns per alloc+free" 1
plot bulk-alloc bulk alloc "bulk: allocate N blocks (lower is better)" "ns per allocation" 1
plot bulk-free bulk free "bulk: free N blocks (lower is better)" "ns per free" 1
plot repeat-half repeat-half alloc+free "repeat-half: pairs with half the memory held (lower is better)" "ns per alloc+free" 1
plot rand-free rand remote-free "rand: free blocks another thread allocated (lower is better)" "ns per free" 1
plot threads-pair threads pair-throughput "threads: alloc+free pairs, all threads (higher is better)" "million pairs/s" 1
plot threads-bulk threads bulk-throughput "threads: bulk of 1024 blocks, all threads (higher is better)" "million blocks/s" 1
plot touch touch bandwidth "touch: allocate, write every byte, free (higher is better)" "GB/s written" 1
plot zeroed zeroed bandwidth "zeroed allocation vs memset (higher is better)" "GB/s zeroed" 1
plot footprint footprint overhead-per-page "footprint: resident bytes beyond the data, per 4 KiB page (lower is better)" "bytes per page" 0
plot frag-rss frag rss-cost-of-order9 "frag: RSS added by the 2 MiB blocks after churn (lower is better)" "MiB" 0
plot replay replay ns-per-event "replay: a kernel build trace (6.18, 250,000 events), ns per event (lower is better)" "ns per event" 0
plot frag-success frag order9-success "frag: 2 MiB blocks obtained after churn (higher is better)" "% of requests" 0
