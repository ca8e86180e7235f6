#!/bin/sh
# Runs the benchmark (doc/benchmarks.md) from a configured and built tree:
#   tests/bench/run.sh [--quick] [--scenarios ...] [--parts ...]
# The same as 'make bench BENCH_ARGS="..."'. Needs root, as knotd does.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
[ -f Makefile ] || { echo "run scripts/setup.sh first (configure and build)" >&2; exit 1; }
exec make -s bench BENCH_ARGS="$*"
