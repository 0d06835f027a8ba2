#!/usr/bin/env bash
# Fitting every fold of a repeat from per-fold sums (centroid, naive-bayes) against one ordinary
# fit: CPU time of the K fold-by-fold fits and of the K fits from one streaming pass, on the same
# rows and folds (Tests/LearnersTests/FoldSumsBenchmark.swift). Run from the repository's root:
#   docs/benchmarks/fold-sums.sh [ROWS]     # default 1,000,000 rows × 128 features × 10 concepts, 5 folds
# It builds the tests in release mode first (several minutes the first time). Run it on a quiet
# machine: the figure is the process's CPU time.
set -euo pipefail
rows=${1:-1000000}
CROSSFOLD_BENCHMARK_ROWS=$rows swift test -c release -Xswiftc -enable-testing --filter FoldSumsBenchmark 2>&1 |
    grep -E '^fold-sums|error|failed'
