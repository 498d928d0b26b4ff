# plot.gp - the lesson's plots, drawn by gnuplot from the measured tables.
#   gnuplot -e "measured='M.tsv'; synthetic='S.tsv'; curves='C.tsv'; out='DIR/09-amdahl'" plot.gp
# measured: the primes (speedup --data), synthetic: the job with a set serial fraction,
# curves: Amdahl's predictions to 1024 workers (amdahl --curves).

set datafile separator "\t"
set key top left box opaque
set grid lc rgb "#dddddd"
set xlabel "workers"
set ylabel "speedup over one worker"

do for [format in "svg pngcairo"] {
    if (format eq "svg") { set terminal svg size 800,560 font "Liberation Sans,14" background "white"; ext = "svg" }
    else { set terminal pngcairo size 800,560 font "Liberation Sans,12"; ext = "png" }

    # 1. Measured against predicted, on this machine.
    set output out."-speedup.".ext
    set title "Speedup measured on this machine, and what Amdahl's law predicts"
    set xrange [1:*]
    set xtics 1
    set yrange [0:*]
    plot x title "ideal: speedup = workers" with lines lc rgb "#999999" dt 2, \
         measured using 1:3 title "primes from 10^{13}, measured" with linespoints pt 7 ps 1.2 lc rgb "#3d85c6", \
         measured using 1:4 title "Amdahl, serial fraction fitted to those times" with lines lw 2 lc rgb "#3d85c6" dt 3, \
         synthetic using 1:3 title "job with serial fraction 0.2, measured" with linespoints pt 5 ps 1.2 lc rgb "#cc4125", \
         synthetic using 1:4 title "Amdahl for serial fraction 0.2" with lines lw 2 lc rgb "#cc4125" dt 3

    # 2. Beyond this machine: predictions to 1024 workers, measured points where we have them.
    set output out."-beyond.".ext
    set title "Amdahl's law to 1024 workers: the serial fraction sets the ceiling"
    set logscale x 2
    set xrange [1:1024]
    set xtics autofreq
    set yrange [0:100]
    set key top left
    plot for [col=2:6] curves using 1:col \
             title "parallel fraction ".word("0.50 0.75 0.90 0.95 0.99", col - 1) with lines lw 2 \
             lc rgb word("#674ea7 #38761d #3d85c6 #e69138 #cc0000", col - 1), \
         measured using 1:3 title "primes, measured here" with points pt 7 ps 1.2 lc rgb "black"
    unset logscale x
}
