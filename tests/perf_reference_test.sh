#!/usr/bin/env bash
# ctest -L perf, A/A: the reference workflow's benchmarks (sequential, optimized, three
# instances) measured twice from one build, interleaved in one job by `flowbench ab`, and
# gated with the shipped budgets: every absolute target (the plan's) and every regression
# target (each task, each Task 8 stage, both makespans) must be met. Two passes of one
# build must never cry wolf.
#   perf_reference_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
out=${FLOWBENCH_PERF_OUT:-$bin/../perf}
reps=${FLOWBENCH_PERF_REPS:-8}
rm -rf "$out/ab-aa"
mkdir -p "$out"
"$bin/flowbench" ab --budgets "$src/fixtures/k1n/budgets.json" --bench "$bin/flowbench_bench" \
  --filter '^BM_Workflow/(sequential|optimized|instances3)/' --reps "$reps" --out "$out/ab-aa" \
  --junit "$out/perf-gate.xml" --json "$out/perf-gate.json" | tee "$out/perf-gate.txt"
