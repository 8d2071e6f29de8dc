# Median, min and max per (allocator, workload, order, threads, metric, unit)
# over the samples in raw.csv (one sample per process run). Output keeps the
# order in which rows first appear. mawk-compatible (no asort).
#   awk -F, -f aggregate.awk raw.csv > latest.csv
NR == 1 { next }                       # header
/^#/ || NF != 7 { next }
{
	key = $1 "," $2 "," $3 "," $4 "," $5
	if (!(key in n)) { keys[++nkeys] = key; unit[key] = $7 }
	v[key, ++n[key]] = $6 + 0
}
END {
	print "allocator,workload,order,threads,metric,median,min,max,unit"
	for (k = 1; k <= nkeys; k++) {
		key = keys[k]; m = n[key]
		for (i = 1; i <= m; i++) s[i] = v[key, i]
		for (i = 2; i <= m; i++) {     # insertion sort
			x = s[i]
			for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]
			s[j + 1] = x
		}
		med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
		printf "%s,%.6g,%.6g,%.6g,%s\n", key, med, s[1], s[m], unit[key]
	}
}
