#!/usr/bin/env bash
# ctest -L perf: every registered benchmark of the reference workflow (5 repetitions,
# interleaved at random so drift hits every benchmark alike), then the Phase 5.1 budgets
# over the result. Fails when any target is not met or not measured.
#   perf_reference_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
out=${FLOWBENCH_PERF_OUT:-$bin/../perf}
mkdir -p "$out"
"$bin/flowbench_bench" --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out/perf.json" --benchmark_out_format=json --benchmark_display_aggregates_only=true
"$bin/flowbench" gate --budgets "$src/fixtures/k1n/budgets.json" "$out/perf.json" \
  --junit "$out/perf-gate.xml" --json "$out/perf-gate.json"
