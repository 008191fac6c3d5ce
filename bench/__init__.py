"""Load and throughput benchmarks (``make bench``); each full run is kept in bench/results/
(bench/report.py)."""
