# Markdown report from machine.txt and latest.csv (bench/run calls it):
#   awk -F, -v allocs="libbuddy jemalloc ..." -v reps=N -f report.awk machine.txt latest.csv
# Every cell is "median (min-max)" over the runs. The ratio column is libbuddy's
# time over jemalloc's: for ns/op and us directly, for throughput (Mops/s,
# GB/s) the inverse of the value ratio; below 1 libbuddy is faster.
function fmt(x,   a) {
	a = x < 0 ? -x : x
	if (a >= 1000) return sprintf("%.0f", x)
	if (a >= 100) return sprintf("%.0f", x)
	if (a >= 10) return sprintf("%.1f", x)
	if (a >= 1) return sprintf("%.2f", x)
	if (a == 0) return "0"
	return sprintf("%.3g", x)
}
function timeratio(lb, je, u) {
	if (lb == "" || je == "" || lb + 0 == 0 || je + 0 == 0) return ""
	if (u == "ns/op" || u == "us") return lb / je
	if (u == "Mops/s" || u == "GB/s") return je / lb
	return ""
}
function cellratio(r) { return r == "" ? "-" : sprintf("%.2f", r) }
FNR == NR { machine = machine $0 "\n"; next }
FNR == 1 { next }
{
	row = $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
	if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row; runit[row] = $9 }
	if (!($2 in wseen)) { wseen[$2] = 1; wl[++nwl] = $2 }
	med[$1, row] = $6; lo[$1, row] = $7; hi[$1, row] = $8
	have[$1] = 1
}
END {
	na = split(allocs, A, " ")
	nshow = 0
	for (i = 1; i <= na; i++) if (A[i] in have) S[++nshow] = A[i]

	print "# libbuddy benchmark results"
	print ""
	print "Written by `bench/run` (never edited by hand). Each cell is the median over " reps \
	      " runs, with (min-max); the raw samples are in `raw.csv`, the aggregates in `latest.csv`."
	print "The ratio column is libbuddy's time divided by jemalloc's (below 1: libbuddy is faster);"
	print "for throughput rows it is the inverse of the throughput ratio."
	print ""
	print "```"
	printf "%s", machine
	print "```"
	print ""
	print "## Headline: libbuddy time / jemalloc time"
	print ""
	print "| loop | order 0 | order 3 | order 9 |"
	print "|---|---|---|---|"
	split("0 3 9", O, " ")
	hl("pair, 1 thread", "pair", 1, "alloc+free", "ns/op")
	hl("pair, 2 threads", "threads", 2, "pair-throughput", "Mops/s")
	hl("bulk (alloc+free), 1 thread", "bulk", 1, "", "ns/op")
	hl("bulk, 2 threads", "threads", 2, "bulk-throughput", "Mops/s")
	hl("touch (alloc+write+free), 1 thread", "touch", 1, "alloc+write+free", "ns/op")
	hl("touch, 2 threads", "touch", 2, "alloc+write+free", "ns/op")
	print ""

	for (w = 1; w <= nwl; w++) {
		print "## " wl[w]
		print ""
		hdr = "| order | threads | metric | unit |"; sep = "|---|---|---|---|"
		for (i = 1; i <= nshow; i++) { hdr = hdr " " S[i] " |"; sep = sep "---|" }
		print hdr " libbuddy/jemalloc time |"
		print sep "---|"
		for (r = 1; r <= nrows; r++) {
			split(rows[r], k, SUBSEP)
			if (k[1] != wl[w]) continue
			line = "| " k[2] " | " k[3] " | " k[4] " | " runit[rows[r]] " |"
			for (i = 1; i <= nshow; i++) {
				a = S[i]
				if ((a, rows[r]) in med)
					line = line " " fmt(med[a, rows[r]]) " (" fmt(lo[a, rows[r]]) "-" fmt(hi[a, rows[r]]) ") |"
				else
					line = line " - |"
			}
			lb = ("libbuddy", rows[r]) in med ? med["libbuddy", rows[r]] : ""
			je = ("jemalloc", rows[r]) in med ? med["jemalloc", rows[r]] : ""
			print line " " cellratio(timeratio(lb, je, runit[rows[r]])) " |"
		}
		print ""
	}
}
# One headline row; metric "" means bulk's alloc and free added together.
function hl(label, wk, t, metric, u,   i, line, row, lb, je, ra, rf) {
	line = "| " label " |"
	for (i = 1; i <= 3; i++) {
		if (metric == "") {
			ra = wk SUBSEP O[i] SUBSEP t SUBSEP "alloc"; rf = wk SUBSEP O[i] SUBSEP t SUBSEP "free"
			lb = (("libbuddy", ra) in med && ("libbuddy", rf) in med) ? med["libbuddy", ra] + med["libbuddy", rf] : ""
			je = (("jemalloc", ra) in med && ("jemalloc", rf) in med) ? med["jemalloc", ra] + med["jemalloc", rf] : ""
		} else {
			row = wk SUBSEP O[i] SUBSEP t SUBSEP metric
			lb = ("libbuddy", row) in med ? med["libbuddy", row] : ""
			je = ("jemalloc", row) in med ? med["jemalloc", row] : ""
		}
		line = line " " cellratio(timeratio(lb, je, u)) " |"
	}
	print line
}
