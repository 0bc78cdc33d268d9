# reports/templates/common.gp: terminal, output and house style shared by the
# plot templates (loaded by them; scripts/nb_report.py sets the variables).
#   term  "png" (pngcairo) or "svg"
#   out   output file
#   plot_title, xlabel, ylabel   text (no enhanced-text markup: names keep '_')
reset
if (term eq "svg") {
    set terminal svg size 960,620 dynamic noenhanced font "DejaVu Sans,13" background rgb "white"
} else {
    set terminal pngcairo size 960,620 noenhanced font "DejaVu Sans,11" background rgb "white"
}
set output out
set encoding utf8
set title plot_title font ",14"
set xlabel xlabel
set ylabel ylabel
set border 3 lc rgb "#444444"
set tics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1
set key below center horizontal noenhanced samplen 3 spacing 1.1 width 1
# Twelve colours that stay apart in print and for common colour blindness.
set linetype 1 lc rgb "#0072b2" lw 2 pt 7 ps 1.0
set linetype 2 lc rgb "#d55e00" lw 2 pt 5 ps 1.0
set linetype 3 lc rgb "#009e73" lw 2 pt 9 ps 1.1
set linetype 4 lc rgb "#cc79a7" lw 2 pt 11 ps 1.1
set linetype 5 lc rgb "#e69f00" lw 2 pt 13 ps 1.1
set linetype 6 lc rgb "#56b4e9" lw 2 pt 6 ps 1.0
set linetype 7 lc rgb "#000000" lw 2 pt 4 ps 1.0
set linetype 8 lc rgb "#8c564b" lw 2 pt 8 ps 1.1
set linetype 9 lc rgb "#7f7f7f" lw 2 pt 10 ps 1.1
set linetype 10 lc rgb "#bcbd22" lw 2 pt 12 ps 1.1
set linetype 11 lc rgb "#17becf" lw 2 pt 14 ps 1.1
set linetype 12 lc rgb "#9467bd" lw 2 pt 3 ps 1.1
set linetype cycle 12
