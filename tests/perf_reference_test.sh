#!/usr/bin/env bash
# ctest -L perf, A/A: the reference workflow's sequential benchmark measured twice from one
# build by `flowbench ab` (rounds in turn, paired by round, until every regression target is
# decided) and gated with the shipped budgets' regression targets: every task, every Task 8
# stage and the makespan. Two passes of one build must never be flagged: exit 1 fails the
# test. A machine too noisy to decide a target within the time given says "undecided" (exit
# 3): the test passes and says so, since undecided is no pass and no alarm.
#   perf_reference_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
out=${FLOWBENCH_PERF_OUT:-$bin/../perf}
max_time=${FLOWBENCH_PERF_AA_MAX_TIME:-2m}
rm -rf "$out/ab-aa"
mkdir -p "$out"
status=0
"$bin/flowbench" ab --budgets "$src/fixtures/k1n/budgets.json" --targets 'sequential-*' --bench "$bin/flowbench_bench" \
  --filter '^BM_Workflow/sequential/' --max-time "$max_time" --look-every 3 --out "$out/ab-aa" \
  --junit "$out/perf-gate.xml" --json "$out/perf-gate.json" > "$out/perf-gate.txt" || status=$?
cat "$out/perf-gate.txt"
case $status in
  0) echo "A/A: every regression target met" ;;
  3) echo "A/A: no false alarm; some targets undecided within $max_time on this machine (no pass was earned for them)" ;;
  *) echo "FAIL: A/A ab exited $status (1 = a target flagged or failed)"; exit 1 ;;
esac
