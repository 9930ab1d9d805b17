#!/usr/bin/env bash
# The plan's own analyze-profiles.py (fixtures/plan/, verbatim) reads a flowbench run
# folder's profiles/ as it is, and `flowbench analyze` agrees with it on every key the two
# summaries share.
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/k1n"
cp -r "$src/fixtures/k1n/workflow.json" "$src/fixtures/k1n/patterns" "$src/fixtures/k1n/templates" "$work/k1n/"
"$bin/flowbench" run "$work/k1n/workflow.json" --mode sequential --time-scale 0.001 --no-cache \
  --out "$work" --run-id seq -q
python3 "$src/fixtures/plan/analyze-profiles.py" "$work/seq/profiles" | tee "$work/report.txt"
grep -q "Tasks Analyzed: 22" "$work/report.txt"
"$bin/flowbench" analyze "$work/seq" > "$work/flowbench.txt"
python3 - "$work/seq/profiles/summary.json" "$work/seq/summary.json" <<'PY'
import json, math, sys
plan, ours = (json.load(open(p)) for p in sys.argv[1:3])
shared = [k for k in plan if k in ours]
assert set(shared) == set(plan), f"keys the plan has and flowbench lacks: {set(plan) - set(shared)}"
for key in shared:
    a, b = plan[key], ours[key]
    same = math.isclose(a, b, rel_tol=1e-9) if isinstance(a, float) else a == b
    assert same, f"{key}: plan script {a!r}, flowbench {b!r}"
print("flowbench analyze agrees with analyze-profiles.py on:", ", ".join(shared))
PY
