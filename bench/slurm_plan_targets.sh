#!/usr/bin/env bash
# The plan's targets on a Slurm cluster of several nodes: the reference workflow's optimized
# variant (the change-set applied to a built workspace, as tools/demo does) and three instances
# of it at once, each with --executor slurm -j J on `tools/slurm-local up --nodes N`, and a cold
# sequential run on this machine (Slurm runs the graph as it allows, never one task at a time)
# for Task 8's ratio. Then `flowbench gate` with the shipped budgets' absolute targets (the plan's
# bounds in model minutes), their time scale set to the one measured, and the time per node.
#   bench/slurm_plan_targets.sh [--nodes N] [--jobs J] [--time-scale S] [--bin build/bin] [--keep DIR]
# Time scale: every Slurm job costs about a second to submit and start, whatever the model time;
# at 0.001 (a model minute in 60 ms) that second is 17 model minutes per job on the critical path,
# so the default is 0.01, where a model minute takes 0.6 s. Leaves the cluster at N nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=3 jobs=6 scale=0.01 bin=build/bin keep=
while (($#)); do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --time-scale) scale=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) sed -n '2,11p' "$0"; exit 2 ;;
  esac
done
flowbench=$(realpath "$bin/flowbench")
src=$PWD
work=${keep:-$(mktemp -d)}
[[ -n $keep ]] && mkdir -p "$work" || trap 'rm -rf "$work"' EXIT
work=$(realpath "$work")
tools/slurm-local up --nodes "$nodes"
series=$work/series
rm -rf "$series" "$work/ws"
mkdir -p "$series" "$work/ws"
workspace() { rm -rf "$1"; cp -r fixtures/k1n "$1"; rm -rf "$1/out" "$1/.flowbench"; }
changed() { rm -rf "$1"; cp -r "$work/ws/before-change" "$1"; cp -r fixtures/k1n/changes/. "$1/"; }
timed() {  # timed LABEL COMMAND...: runs it, prints its wall time
  local started=$(date +%s.%N) label=$1
  shift
  "$@"
  printf '%-44s %7.1f s\n' "$label" "$(echo "$(date +%s.%N) - $started" | bc)"
}
slurm=(--executor slurm -j "$jobs" --time-scale "$scale" -q)

echo "== the optimized workspace before the change: one full optimized build on the cluster"
workspace "$work/ws/before-change"
timed "setup (full optimized build, slurm)" \
  "$flowbench" run "$work/ws/before-change/workflow-optimized.json" "${slurm[@]}" --out "$work/ws/runs" \
  --run-id before-change --variant setup
echo "== cold sequential baseline on this machine"
workspace "$work/ws/baseline"
timed "sequential (local, no cache)" \
  "$flowbench" run "$work/ws/baseline/workflow.json" --mode sequential --time-scale "$scale" --no-cache -q \
  --out "$series/sequential" --run-id r1
echo "== optimized, on $nodes nodes"
changed "$work/ws/optimized"
timed "optimized (slurm -j $jobs)" \
  "$flowbench" run "$work/ws/optimized/workflow-optimized.json" "${slurm[@]}" --variant optimized \
  --out "$series/optimized" --run-id r1
echo "== three instances at once, on $nodes nodes"
changed "$work/ws/instances"
timed "instances3 (slurm -j $jobs each)" \
  "$flowbench" run "$work/ws/instances/workflow-optimized.json" "${slurm[@]}" --instances 3 \
  --out "$series/instances3" --run-id r1

echo "== where the optimized run's tasks ran"
"$flowbench" analyze "$series/optimized/r1" | sed -n '/TIME PER NODE/,/^$/p'
python3 - "$series" <<'EOF'
import glob, json, sys, collections
series = sys.argv[1]
for variant in ("optimized", "instances3"):
    nodes = collections.Counter()
    for f in glob.glob(f"{series}/{variant}/r1/**/profiles/task-*-profile.json", recursive=True):
        nodes[json.load(open(f)).get("executor", {}).get("node", "?")] += 1
    print(f"{variant}: tasks per node {dict(sorted(nodes.items()))}")
EOF

echo "== gate: the plan's targets (fixtures/k1n/budgets.json's absolute targets at time scale $scale)"
python3 - "$src/fixtures/k1n/budgets.json" "$scale" "$work/budgets.json" <<'EOF'
import json, sys
budgets = json.load(open(sys.argv[1]))
budgets["time_scale"] = float(sys.argv[2])
json.dump(budgets, open(sys.argv[3], "w"), indent=2)
EOF
status=0
"$flowbench" gate --budgets "$work/budgets.json" --targets '!*-no-regression' "$series" || status=$?
echo "gate exit $status; runs in $series"
exit $status
