#!/usr/bin/env bash
# ctest -L perf: a real Task 8 slowdown is caught by the shipped budgets, naming Task 8 and
# its slowed stage and nothing else. The candidate's message template includes <limits> and
# checks its sizes against std::numeric_limits (a real change to the generated code: each
# message unit costs the compiler a few more milliseconds, about 1.3x of Task 8 in all).
# Both builds of the reference workflow run sequentially, interleaved in one job by
# `flowbench ab`.
#   perf_task8_slowdown_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
reps=${FLOWBENCH_PERF_REPS:-8}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$src/fixtures/k1n" "$work/normal"
rm -rf "$work/normal/out" "$work/normal/.flowbench"
cp -r "$work/normal" "$work/slowed"
python3 - "$work/slowed/templates/message.cc.mustache" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace('#include "message/{{snake}}.h"\n', '#include "message/{{snake}}.h"\n\n#include <limits>\n', 1)
old = "  if (at < 0 || at + size > capacity) return -1;"
assert old in text, "the template changed: update this test"
text = text.replace(old, "  if (at < 0 || size > std::numeric_limits<int>::max() - at || at + size > capacity) return -1;")
open(path, "w").write(text)
PY
status=0
"$bin/flowbench" ab --budgets "$src/fixtures/k1n/budgets.json" --targets 'sequential-*' \
  --bench "$bin/flowbench_bench" --filter '^BM_Workflow/sequential/' \
  --a-env "FLOWBENCH_SPEC=$work/normal/workflow.json" --b-env "FLOWBENCH_SPEC=$work/slowed/workflow.json" \
  --reps "$reps" --out "$work/ab" --json "$work/verdicts.json" > "$work/gate.txt" || status=$?
cat "$work/gate.txt"
[[ $status -eq 1 ]] || { echo "expected the gate to exit 1, got $status"; exit 1; }
python3 - "$work/verdicts.json" <<'PY'
import json, sys
verdicts = json.load(open(sys.argv[1]))
failed = sorted(v["target"] for v in verdicts if v["verdict"] != "met")
task8 = next(v for v in verdicts if v["target"] == "sequential-task-8-no-regression")
print("Task 8 change: %+.1f%%" % (task8["regression"]["change"] * 100))
assert "sequential-task-8-no-regression" in failed, "task 8 not named"
assert "sequential-task8-compile-no-regression" in failed, "the compile stage not named"
extra = [t for t in failed if t not in ("sequential-task-8-no-regression", "sequential-task8-compile-no-regression",
                                        "sequential-no-regression")]
assert not extra, "flagged without a change: %s" % extra
print("the gate named task 8 and its compile stage, and nothing else but the makespan it lengthened" if
      "sequential-no-regression" in failed else "the gate named task 8 and its compile stage and nothing else")
PY
