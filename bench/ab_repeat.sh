#!/usr/bin/env bash
# Evidence that needs repetitions: `flowbench ab` with the shipped budgets, as the README's CI job
# runs it (rounds until decided, the budgets' "ab" limits: 30 rounds or 9 minutes), N times on a
# real Task 8 slowdown (the message template includes <limits>: tests/support/slow_message_template.py)
# and N times on two builds of the same code. Prints one line per run: exit status, wall time,
# rounds, Task 8's change and verdict, and whatever else failed.
#   bench/ab_repeat.sh [--runs N] [--bin build/bin] [--other-bin DIR]   (DIR: a second build of this code)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 bin=build/bin other=
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --other-bin) other=$2; shift 2 ;;
    *) sed -n '2,9p' "$0"; exit 2 ;;
  esac
done
other=${other:-$bin}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r fixtures/k1n "$work/normal"; rm -rf "$work/normal/out" "$work/normal/.flowbench"
cp -r "$work/normal" "$work/slowed"
python3 tests/support/slow_message_template.py "$work/slowed/templates/message.cc.mustache"
summary() {  # summary KIND RUN STATUS SECONDS VERDICTS
  python3 - "$@" <<'PY'
import json, sys
kind, run, status, seconds, path = sys.argv[1:6]
verdicts = json.load(open(path))
t8 = next(v for v in verdicts if v["target"] == "sequential-task-8-no-regression")
rounds = max(v.get("regression", {}).get("pairs", 0) for v in verdicts)
other = [v["target"] for v in verdicts if v["verdict"] != "met" and v["target"] != t8["target"]]
print(f"{kind:9} run {run}: exit {status}, {float(seconds):6.0f} s, {rounds:2d} rounds; task 8 "
      f"{t8['regression']['change']*100:+.1f}% [{t8['regression']['change_low']*100:+.1f}%, "
      f"{t8['regression']['change_high']*100:+.1f}%] {t8['verdict']}; other not met: {', '.join(other) or 'none'}")
PY
}
for ((i = 1; i <= runs; i++)); do
  for kind in slowdown same; do
    start=$SECONDS status=0
    if [[ $kind == slowdown ]]; then
      "$bin/flowbench" ab --budgets fixtures/k1n/budgets.json --targets 'sequential-*' --bench "$bin/flowbench_bench" \
        --filter '^BM_Workflow/sequential/' --a-env "FLOWBENCH_SPEC=$work/normal/workflow.json" \
        --b-env "FLOWBENCH_SPEC=$work/slowed/workflow.json" --seed "$i" --out "$work/ab-$kind-$i" \
        --json "$work/$kind-$i.json" > "$work/$kind-$i.txt" 2>&1 || status=$?
    else
      "$bin/flowbench" ab --budgets fixtures/k1n/budgets.json --targets 'sequential-*' --a-bench "$bin/flowbench_bench" \
        --b-bench "$other/flowbench_bench" --filter '^BM_Workflow/sequential/' --seed "$i" --out "$work/ab-$kind-$i" \
        --json "$work/$kind-$i.json" > "$work/$kind-$i.txt" 2>&1 || status=$?
    fi
    summary "$kind" "$i" "$status" $((SECONDS - start)) "$work/$kind-$i.json"
  done
done
