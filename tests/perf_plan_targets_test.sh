#!/usr/bin/env bash
# ctest -L perf: the plan's targets on the reference workflow (Task 8 under 10 model minutes
# and at most 0.67 of the cold Task 8, the optimized total under 90, quality at least 95%, 3
# concurrent workflows stable), from two interleaved repetitions of the registered
# benchmarks, gated with the shipped budgets' absolute targets.
#   perf_plan_targets_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$bin/flowbench_bench" --benchmark_filter='^BM_Workflow/(sequential|optimized|instances3)/' \
  --benchmark_repetitions=2 --benchmark_enable_random_interleaving=true \
  --benchmark_out="$work/bench.json" --benchmark_out_format=json > "$work/bench.txt"
"$bin/flowbench" gate --budgets "$src/fixtures/k1n/budgets.json" --targets '!*-no-regression' "$work/bench.json"
