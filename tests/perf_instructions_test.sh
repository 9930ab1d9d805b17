#!/usr/bin/env bash
# ctest -L perf: Task 8's stages judged by the instructions they execute (valgrind here, the
# hardware counter where there is one), with the shipped instruction budgets. Counts do not
# move with the machine's noise: two builds of the same code give every stage the same count
# to within 0.5%, and a real change that adds 2% of work to the template stage (a comment per
# field in the message header template) is flagged on that stage alone. Only the stages that
# run in process (parse, template) are counted here: the compile sample costs minutes under
# valgrind (bench/instruction_counts.sh counts every stage).
#   perf_instructions_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$src/fixtures/k1n" "$work/normal"
rm -rf "$work/normal/out" "$work/normal/.flowbench"
cp -r "$work/normal" "$work/grown"
python3 "$src/tests/support/grow_message_header.py" "$work/grown/templates/message.h.mustache"
run_ab() {  # run_ab NAME B_LIBRARY
  local status=0
  "$bin/flowbench" ab --budgets "$src/fixtures/k1n/budgets-instructions.json" --bench "$bin/task8_bench" \
    --filter '^BM_Task8Sample/(parse|template)/' --a-env "FLOWBENCH_K1N=$work/normal" --b-env "FLOWBENCH_K1N=$2" \
    --max-reps 4 --out "$work/$1" --json "$work/$1.json" > "$work/$1.txt" || status=$?
  cat "$work/$1.txt"
  echo "$status" > "$work/$1.status"
}
run_ab same "$work/normal"
run_ab grown "$work/grown"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
same = {v["target"]: v for v in json.load(open(f"{work}/same.json"))}
grown = {v["target"]: v for v in json.load(open(f"{work}/grown.json"))}
assert open(f"{work}/same.status").read().strip() == "0", "A/A: expected every target met"
for name, v in same.items():
    change = v["regression"]["change"]
    assert v["measure"] == "instructions", v
    assert abs(change) < 0.005, f"A/A {name}: counts differ by {change:+.3%}"
    print(f"A/A {name}: {change:+.3%}")
assert open(f"{work}/grown.status").read().strip() == "1", "the 2% change: expected exit 1"
flagged = sorted(n for n, v in grown.items() if v["verdict"] != "met")
assert flagged == ["task8-template-instructions"], f"flagged: {flagged}"
change = grown["task8-template-instructions"]["regression"]["change"]
assert 0.015 < change < 0.03, f"the template stage changed by {change:+.2%}"
print(f"the template stage's 2% change was caught: {change:+.2%}; parse: "
      f"{grown['task8-parse-instructions']['regression']['change']:+.2%} (met)")
PY
