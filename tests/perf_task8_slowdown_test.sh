#!/usr/bin/env bash
# ctest -L perf: a real Task 8 slowdown is caught by the shipped budgets, naming Task 8 and
# its slowed stage and nothing else. The candidate's message template includes <limits> and
# checks its sizes against std::numeric_limits (a real change to the generated code: each of
# the 42 message units costs the compiler more; Task 8 is some 10-20% slower).
# Both builds of the reference workflow run sequentially, in rounds in one job, by
# `flowbench ab` (paired by round, until decided). A pass (exit 0) fails the test; so does a
# flag on anything that did not grow. A machine too noisy to decide within the time given says
# "undecided" (exit 3): the test then passes and says so.
#   perf_task8_slowdown_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
max_time=${FLOWBENCH_PERF_MAX_TIME:-3m}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$src/fixtures/k1n" "$work/normal"
rm -rf "$work/normal/out" "$work/normal/.flowbench"
cp -r "$work/normal" "$work/slowed"
python3 "$src/tests/support/slow_message_template.py" "$work/slowed/templates/message.cc.mustache"
status=0
"$bin/flowbench" ab --budgets "$src/fixtures/k1n/budgets.json" --targets 'sequential-*' \
  --bench "$bin/flowbench_bench" --filter '^BM_Workflow/sequential/' --max-time "$max_time" --look-every 3 \
  --a-env "FLOWBENCH_SPEC=$work/normal/workflow.json" --b-env "FLOWBENCH_SPEC=$work/slowed/workflow.json" \
  --out "$work/ab" --json "$work/verdicts.json" > "$work/gate.txt" || status=$?
cat "$work/gate.txt"
[[ $status -eq 1 || $status -eq 3 ]] || { echo "FAIL: expected the gate to flag (exit 1) or stay undecided (3), got $status"; exit 1; }
python3 - "$work/verdicts.json" "$status" <<'PY'
import json, sys
verdicts = json.load(open(sys.argv[1]))
status = int(sys.argv[2])
regressed = sorted(v["target"] for v in verdicts if v.get("regression", {}).get("regressed"))
failed = sorted(v["target"] for v in verdicts if v["verdict"] not in ("met", "undecided"))
task8 = next(v for v in verdicts if v["target"] == "sequential-task-8-no-regression")
print("Task 8 change: %+.1f%% [%+.1f%%, %+.1f%%], %s" % (task8["regression"]["change"] * 100,
      task8["regression"]["change_low"] * 100, task8["regression"]["change_high"] * 100, task8["verdict"]))
grown = ("sequential-task-8-no-regression", "sequential-task8-compile-no-regression", "sequential-no-regression")
extra = [t for t in failed if t not in grown]
assert not extra, "flagged without a change: %s" % extra
if status == 1:
    assert "sequential-task-8-no-regression" in regressed, "the gate failed but not on task 8: %s" % failed
    print("the gate named task 8%s, and nothing that did not grow" %
          (" and its compile stage" if "sequential-task8-compile-no-regression" in regressed else ""))
else:
    assert task8["verdict"] == "undecided", "exit 3 but task 8 is %s" % task8["verdict"]
    print("undecided within the time given on this machine: no pass, no false alarm")
PY
