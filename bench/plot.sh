#!/usr/bin/env bash
# PNG plots from latest.csv with gnuplot: one clustered bar chart per
# workload metric, one bar per allocator (the median), with an error bar
# from the CSV's min to its max; x = the block order (and the thread count
# where the workload varies it), y in the metric's unit. The y axis is
# logarithmic when the values drawn span 10x or more (a value of 0 then has
# no bar; percentages stay linear). The legend puts each colour's box before its allocator's name.
#   bash bench/plot.sh latest.csv OUTDIR "libbuddy jemalloc ... memset"
set -euo pipefail
csv=$1 out=$2 allocs=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# plot NAME WORKLOAD METRIC "TITLE" "YLABEL" [linear]
# ("linear": keep a linear y axis whatever the span, for a percentage's 0-100)
# The .dat file: per x label one line "label a1 a1min a1max a2 a2min a2max ..."
# ("-" where an allocator has no row); the .names file: the allocators, in order.
plot() {
  local name=$1 wk=$2 metric=$3 title=$4 ylabel=$5 scale=${6:-auto} dat=$tmp/$1.dat names=$tmp/$1.names
  awk -F, -v wk="$wk" -v metric="$metric" -v allocs="$allocs" '
    NR > 1 && $2 == wk && $5 == metric {
      lbl = ($3 == "-" ? "build-6.18 trace" : $3) ($4 != "1" && $4 != "-" ? ", " $4 " threads" : "")
      if (!(lbl in seen)) { seen[lbl] = 1; L[++nl] = lbl }
      v[$1, lbl] = $6; lo[$1, lbl] = $7; hi[$1, lbl] = $8; have[$1] = 1
    }
    END {
      na = split(allocs, A, " "); hdr = ""
      for (i = 1; i <= na; i++) if (A[i] in have) { S[++ns] = A[i]; hdr = hdr " " A[i] }
      if (!nl) exit 1
      print hdr > names
      for (l = 1; l <= nl; l++) {
        line = "\"" L[l] "\""
        for (i = 1; i <= ns; i++)
          line = line ((S[i], L[l]) in v ? " " v[S[i], L[l]] " " lo[S[i], L[l]] " " hi[S[i], L[l]] : " - - -")
        print line
      }
    }' names="$names" "$csv" > "$dat" || { echo "plot.sh: no data for $wk/$metric" >&2; return 0; }
  local nalloc bars line="" log xlabel
  nalloc=$(wc -w < "$names")
  bars=$nalloc
  # A memset column is the physical limit: drawn as a line over the bars.
  if [[ $(awk '{ print $NF }' "$names") == memset ]]; then
    bars=$((nalloc - 1))
    line=", \"$dat\" using (\$0):$((3 * nalloc - 1)) with linespoints lw 2 pt 7 lc rgb \"black\" title \"memset (limit)\""
  fi
  # Log scale when the positive values drawn (medians, mins, maxes) span 10x or more.
  log=$(awk '{ for (i = 2; i <= NF; i++) if ($i != "-" && $i + 0 > 0) {
               if (!n++ || $i + 0 < mn) mn = $i + 0; if ($i + 0 > mx) mx = $i + 0 } }
             END { print (n && mx >= 10 * mn) ? 1 : 0 }' "$dat")
  [[ $scale == linear ]] && log=0
  xlabel="order"
  grep -q 'threads' "$dat" && xlabel="order, threads"
  grep -q ' trace"' "$dat" && xlabel=""   # one trace (tools/testdata), no axis to name
  gnuplot <<GP
set terminal pngcairo size 960,520 font ",10"
set output "$out/$name.png"
set title "$title$( ((log)) && echo '\n(log scale)' )"
set xlabel "$xlabel"
set ylabel "$ylabel"
set datafile missing "-"
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set errorbars small
# the box first, then its name, with room between entries
set key below horizontal reverse Left samplen 2 spacing 1.2 width 3
set grid ytics
$( ((log)) && echo 'set logscale y' )
set yrange [$( ((log)) && echo '*' || echo '0'):*]
plot for [i=1:$bars] "$dat" using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) title word("$(cat "$names")", i)$line
GP
  echo "plot.sh: $out/$name.png"
}

plot pair pair alloc+free "pair: allocate and free one block (median, bars min-max; lower is better)" "ns per alloc+free"
plot bulk-alloc bulk alloc "bulk: allocate N blocks (median, bars min-max; lower is better)" "ns per allocation"
plot bulk-free bulk free "bulk: free N blocks (median, bars min-max; lower is better)" "ns per free"
plot repeat-half repeat-half alloc+free "repeat-half: pairs with half the memory held (lower is better)" "ns per alloc+free"
plot rand-free rand remote-free "rand: free blocks another thread allocated (lower is better)" "ns per free"
plot threads-pair threads pair-throughput "threads: alloc+free pairs, all threads (higher is better)" "million pairs per second"
plot threads-bulk threads bulk-throughput "threads: bulk of 1024 blocks, all threads (higher is better)" "million blocks per second"
plot touch touch bandwidth "touch: allocate, write every byte, free (higher is better)" "GB/s written"
plot zeroed zeroed bandwidth "zeroed allocation vs memset (higher is better)" "GB/s zeroed"
plot footprint footprint overhead-per-page "footprint: resident bytes beyond the data, per 4 KiB page (lower is better)" "bytes per 4 KiB page"
plot frag-rss frag rss-cost-of-order9 "frag: RSS added by the 2 MiB blocks after churn (lower is better)" "MiB"
plot replay replay ns-per-event "replay: a kernel build trace (6.18, 250,000 events; lower is better)" "ns per event"
plot frag-success frag order9-success "frag: 2 MiB blocks obtained after churn (higher is better)" "% of requests" linear
