#!/usr/bin/env bash
# Evidence that needs repetitions: `flowbench ab` with the shipped budgets, as the README's CI job
# runs it (rounds until decided, within the budgets' "ab" limits), N times on a real Task 8
# slowdown and N times on two builds of the same code. Prints one line per run: exit status, wall
# time, rounds, the key target's change and verdict, and whatever else was not met.
#   bench/ab_repeat.sh [--runs N] [--bin build/bin] [--other-bin DIR] [--keep DIR] [--alone | --instructions]
# The README's CI job has three commands; this runs one of them:
#   (default)       budgets.json on BM_Workflow/sequential (the whole workflow; key: its Task 8);
#                   the change: the message template includes <limits> (slow_message_template.py)
#   --alone         budgets-task8.json on BM_Task/8-codegen (Task 8 alone, short rounds); the
#                   change: the state-machine template includes <limits>, about +10% of Task 8
#                   (slow_state_machine_template.py)
#   --instructions  budgets-instructions.json on task8_bench's BM_Task8Sample/*, counted; the
#                   <limits> message change; the key target is the compile sample's count
# --other-bin: a second build of this code; --keep: copy each run's verdict table and JSON there.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 bin=build/bin other= keep= mode=workflow
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --other-bin) other=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --instructions) mode=instructions; shift ;;
    --alone) mode=alone; shift ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
other=${other:-$bin}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r fixtures/k1n "$work/normal"; rm -rf "$work/normal/out" "$work/normal/.flowbench"
cp -r "$work/normal" "$work/slowed"
if [[ $mode == alone ]]; then
  python3 tests/support/slow_state_machine_template.py "$work/slowed/templates/state_machine.cc.mustache"
else
  python3 tests/support/slow_message_template.py "$work/slowed/templates/message.cc.mustache"
fi
case $mode in
  instructions)
    key=task8-compile-instructions
    arms() {  # arms KIND: sets args, the ab arguments of one run
      local k1n=$work/normal
      [[ $1 == slowdown ]] && k1n=$work/slowed
      args=(--budgets fixtures/k1n/budgets-instructions.json --a-bench "$bin/task8_bench" --b-bench "$other/task8_bench" \
        --filter '^BM_Task8Sample/' --a-env "FLOWBENCH_K1N=$work/normal" --b-env "FLOWBENCH_K1N=$k1n")
    } ;;
  *)
    if [[ $mode == alone ]]; then
      key=alone-task-8-no-regression budgets=fixtures/k1n/budgets-task8.json filter='^BM_Task/8-codegen/' targets=()
    else
      key=sequential-task-8-no-regression budgets=fixtures/k1n/budgets.json filter='^BM_Workflow/sequential/'
      targets=(--targets 'sequential-*')
    fi
    arms() {
      local spec=$work/normal/workflow.json
      [[ $1 == slowdown ]] && spec=$work/slowed/workflow.json
      args=(--budgets "$budgets" "${targets[@]}" --a-bench "$bin/flowbench_bench" --b-bench "$other/flowbench_bench" \
        --filter "$filter" --a-env "FLOWBENCH_SPEC=$work/normal/workflow.json" --b-env "FLOWBENCH_SPEC=$spec")
    } ;;
esac
summary() {  # summary KIND RUN STATUS SECONDS VERDICTS KEY
  python3 - "$@" <<'PY'
import json, sys
kind, run, status, seconds, path, key = sys.argv[1:7]
verdicts = json.load(open(path))
t = next(v for v in verdicts if v["target"] == key)
rounds = max(v.get("regression", {}).get("pairs", 0) or v.get("regression", {}).get("n_baseline", 0) for v in verdicts)
other = [v["target"] for v in verdicts if v["verdict"] != "met" and v["target"] != key]
print(f"{kind:9} run {run}: exit {status}, {float(seconds):6.0f} s, {rounds:2d} rounds; {key} "
      f"{t['regression']['change']*100:+.1f}% [{t['regression']['change_low']*100:+.1f}%, "
      f"{t['regression']['change_high']*100:+.1f}%] {t['verdict']}; other not met: {', '.join(other) or 'none'}")
PY
}
for ((i = 1; i <= runs; i++)); do
  for kind in slowdown same; do
    start=$SECONDS status=0
    arms "$kind"
    "$bin/flowbench" ab "${args[@]}" --seed "$i" --out "$work/ab-$kind-$i" \
      --json "$work/$kind-$i.json" > "$work/$kind-$i.txt" 2>&1 || status=$?
    summary "$kind" "$i" "$status" $((SECONDS - start)) "$work/$kind-$i.json" "$key"
    [[ -z $keep ]] || { mkdir -p "$keep"; cp "$work/$kind-$i.txt" "$work/$kind-$i.json" "$keep/"; }
  done
done
