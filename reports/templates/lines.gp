# reports/templates/lines.gp: y against x, one line per series.
# Variables (scripts/nb_report.py sets them, then loads this file):
#   term, out, plot_title, xlabel, ylabel   see common.gp
#   datafile  blocks separated by two blank lines, one per series; each block
#             starts with a header line: <x name> "<series title>"; columns
#             x, y (median of the repetitions), y min, y max
#   bars      1: draw min..max of the repetitions as error bars
#   nseries   number of blocks
#   logx, logy  1 for a log scale (base 10), 0 for linear
#   xtics     "" (gnuplot's choice) or a tic list, e.g. ("16 KiB" 16, "1 MiB" 1024)
#   ytics     "" (gnuplot's choice) or a tic list, e.g. ("1k" 1000, "2k" 2000)
#   yrange    "" (autoscale) or a range, e.g. [0:100]
#   dts       dash type per series, space-separated ("1" solid, "2" dashed, "3" dotted)
#   lts       line type (colour/point, see common.gp) per series, space-separated
load templ_dir."/common.gp"
if (logx) { set logscale x 10 }
if (logy) { set logscale y 10 }
if (strlen(xtics) > 0) { eval "set xtics ".xtics } else { set xtics }
if (strlen(ytics) > 0) { eval "set ytics ".ytics } else { set ytics }
if (strlen(yrange) > 0) { eval "set yrange ".yrange }
# The axes span the data (no empty decades on log scales); a little air around.
set autoscale xfix
set autoscale yfix
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.02
dtof(i) = int(word(dts, i + 1) + 0)
ltof(i) = int(word(lts, i + 1) + 0)
if (bars) {
    set bars small
    plot for [i=0:nseries-1] datafile index i using 1:2:3:4 title columnheader(2) \
         with yerrorlines lt ltof(i) dt dtof(i)
} else {
    plot for [i=0:nseries-1] datafile index i using 1:2 title columnheader(2) \
         with linespoints lt ltof(i) dt dtof(i)
}
set output
