#!/usr/bin/env bash
# ctest -L perf: `flowbench ab` with two specs, one synth task slowed by 5% in the candidate
# (synth --slowdown 1.05: the work itself takes longer), catches exactly that task, in rounds
# paired and looked at until decided. A machine too noisy to decide says "undecided" (exit 3):
# the test then passes and says so, unless something else was flagged.
#   perf_ab_synth_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$src/fixtures/ab/workflow.json" "$work/a.json"
python3 - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for task in spec["tasks"]:
    if task["id"] == 3:
        task["command"] += ["--slowdown", "1.05"]
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
status=0
"$bin/flowbench" ab --budgets "$src/fixtures/ab/budgets.json" --targets 'task-*' "$work/a.json" "$work/b.json" \
  --max-reps 20 --max-time 3m --out "$work/ab" > "$work/gate.txt" || status=$?
cat "$work/gate.txt"
if [[ $status -eq 3 ]] && ! grep -q '^FAILED' "$work/gate.txt"; then
  echo "undecided within the time given on this machine: no pass, no false alarm"
  exit 0
fi
[[ $status -eq 1 ]] || { echo "expected the gate to exit 1, got $status"; exit 1; }
grep -q '^FAILED task-3-no-regression (not met):.*regressed' "$work/gate.txt" || { echo "task 3 not named"; exit 1; }
[[ $(grep -c '^FAILED' "$work/gate.txt") -eq 1 ]] || { echo "another task was flagged"; exit 1; }
echo "ab caught the 5% slowdown of task 3 and nothing else"
