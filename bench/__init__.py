"""Load and throughput benchmarks (``make bench``); results go to bench/results/ (git-ignored)."""
