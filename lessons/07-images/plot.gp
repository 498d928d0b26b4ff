# plot.gp - the lesson's speedup plot, drawn by gnuplot from the tables `make bench` measures.
#   gnuplot -e "uniform='U.tsv'; mixed='M.tsv'; out='DIR/07-images'" plot.gp
# Each table: threads, speedup with the static schedule, speedup with the dynamic schedule.

set datafile separator "\t"
set key bottom right box opaque
set grid lc rgb "#dddddd"
set xlabel "threads"
set ylabel "speedup over the sequential loop"
set xrange [1:*]
set xtics 1
set yrange [0:*]
cores = system("nproc") + 0

do for [format in "svg pngcairo"] {
    if (format eq "svg") { set terminal svg size 800,560 font "Liberation Sans,14" background "white"; ext = "svg" }
    else { set terminal pngcairo size 800,560 font "Liberation Sans,12"; ext = "png" }
    set output out."-speedup.".ext
    set title sprintf("Shrinking a folder of images on threads (%d cores)", cores)
    set arrow 1 from cores, graph 0 to cores, graph 1 nohead lc rgb "#999999" dt 3
    set label 1 "one thread per core" at cores, graph 0.95 offset 0.5, 0 tc rgb "#666666"
    plot x title "ideal: speedup = threads" with lines lc rgb "#999999" dt 2, \
         uniform using 1:3 title "200 equal images, dynamic" with linespoints pt 7 ps 1.2 lc rgb "#3d85c6", \
         uniform using 1:2 title "200 equal images, static" with linespoints pt 6 ps 1.2 lc rgb "#3d85c6" dt 2, \
         mixed using 1:3 title "a few large among small, dynamic" with linespoints pt 5 ps 1.2 lc rgb "#cc4125", \
         mixed using 1:2 title "a few large among small, static" with linespoints pt 4 ps 1.2 lc rgb "#cc4125" dt 2
}
