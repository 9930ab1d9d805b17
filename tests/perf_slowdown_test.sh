#!/usr/bin/env bash
# ctest -L perf: the gate can fail. Tasks 6 and 7 of the reference workflow are benchmarked
# alone (5 interleaved repetitions), then again with task 7 slowed by synth's own
# --slowdown 1.3 (the spec's command changed, not a number in the results). Gated against
# the first run, the gate must exit 1 naming task 7's target and only that one.
#   perf_slowdown_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$src/fixtures/k1n" "$work/normal"
rm -rf "$work/normal/out" "$work/normal/.flowbench"
cp -r "$work/normal" "$work/slowed"
python3 - "$work/slowed/workflow.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for task in spec["tasks"]:
    if task["id"] == 7:
        task["command"] += ["--slowdown", "1.3"]
json.dump(spec, open(sys.argv[1], "w"), indent=2)
PY
for variant in normal slowed; do
  FLOWBENCH_SPEC="$work/$variant/workflow.json" "$bin/flowbench_bench" \
    --benchmark_filter='^BM_Task/(6|7)-' --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
    --benchmark_out="$work/$variant.json" --benchmark_out_format=json --benchmark_display_aggregates_only=true >/dev/null
done
cat > "$work/budgets.json" <<'JSON'
{"schema": "flowbench.budgets/1", "time_scale": 0.001, "targets": [
  {"name": "task-6-no-regression", "variant": "alone", "metric": "task:6", "regression": {"min_effect": 0.1}},
  {"name": "task-7-no-regression", "variant": "alone", "metric": "task:7", "regression": {"min_effect": 0.1}}]}
JSON
status=0
"$bin/flowbench" gate --budgets "$work/budgets.json" --baseline "$work/normal.json" "$work/slowed.json" \
  > "$work/gate.txt" || status=$?
cat "$work/gate.txt"
[[ $status -eq 1 ]] || { echo "expected the gate to exit 1, got $status"; exit 1; }
grep -q '^FAILED task-7-no-regression (not met):.*regressed' "$work/gate.txt" || { echo "task 7's target not named"; exit 1; }
if grep -q '^FAILED task-6' "$work/gate.txt"; then echo "task 6 was flagged without a change"; exit 1; fi
echo "the gate failed task-7-no-regression and only it"
