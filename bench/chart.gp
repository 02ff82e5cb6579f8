# bench/run: chart.dat (case, req/s per concurrency, CPU us/req per concurrency) -> chart.png
# Called with -e "datafile='...'; outfile='...'; nconn=N; subtitle='...'".
set terminal pngcairo size 1400,560 font "sans,10" noenhanced
set output outfile
set multiplot layout 1,2 title "Cuttle vs nginx vs YARP (63-byte JSON, wrk -t1); ".subtitle
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right autotitle columnheader
set grid ytics
set xtics rotate by -30 nomirror
set yrange [0:*]
set title "requests/s (median; higher is better)"
plot for [i=2:1+nconn] datafile using i:xtic(1)
set title "server CPU per request, us (lower is better)"
plot for [i=2+nconn:1+2*nconn] datafile using i:xtic(1)
unset multiplot
