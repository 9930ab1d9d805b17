#!/usr/bin/env bash
# The plan's own analyze-profiles.py (fixtures/plan/, verbatim) reads a flowbench run
# folder's profiles/ as it is, and finds what the plan expects of the reference workflow.
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/k1n"
cp -r "$src/fixtures/k1n/workflow.json" "$src/fixtures/k1n/patterns" "$src/fixtures/k1n/templates" "$work/k1n/"
"$bin/flowbench" run "$work/k1n/workflow.json" --mode sequential --time-scale 0.001 --no-cache \
  --out "$work" --run-id seq -q
python3 "$src/fixtures/plan/analyze-profiles.py" "$work/seq/profiles" | tee "$work/report.txt"
grep -q "Tasks Analyzed: 22" "$work/report.txt"
grep -Eq "^1 +8 .*CRITICAL" "$work/report.txt"
python3 - "$work/seq/profiles/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["task_count"] == 22, s
assert s["slowest_task_id"] == 8, s
assert s["critical_path_tasks"] == [8], s
assert s["major_path_tasks"] == [7, 6], s
print("plan script agrees: slowest 8, critical [8], major [7, 6]")
PY
