# SPDX-License-Identifier: GPL-2.0
#
# size/mem_stats.gp: draws what size/plot.sh sampled. make plot runs
#   gnuplot -e "dat='X.dat'; phases='X.phases'; out='X.svg'; kver='...'" size/mem_stats.gp
# Time is from memwave's first phase; sizes are in MiB; each phase begins
# at a dashed line with its name.
set terminal svg size 900,480 dynamic font 'sans,12' background '#ffffff'
set output out
set termoption noenhanced

list = system("cat " . phases)
t0 = word(list, 1) + 0
n = words(list) / 2
do for [i = 1:n] {
	t = (word(list, 2 * i - 1) - t0) / 1000.0
	set arrow i from t, graph 0 to t, graph 1 nohead dashtype 2 linecolor rgb '#888888'
	set label i word(list, 2 * i) at t, graph 0.97 offset 0.4, 0 left font 'sans,10'
}

set title sprintf("/sys/kernel/mem_stats while memwave runs (kernel %s)", kver)
set xlabel 'time since memwave started (s)'
set ylabel 'MiB'
set key right center box opaque
set grid ytics
set yrange [0:*]
set xrange [-0.05:*]

plot dat using (($1 - t0) / 1000.0):($2 / 1024.0) with steps linewidth 2 title 'virtmem (VmSize)', \
     dat using (($1 - t0) / 1000.0):($3 / 1024.0) with steps linewidth 2 title 'physmem (VmRSS)', \
     dat using (($1 - t0) / 1000.0):($5 / 1024.0) with steps linewidth 2 title 'thp (AnonHugePages)'
