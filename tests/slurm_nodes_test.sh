#!/usr/bin/env bash
# ctest -L slurm: a cluster of three nodes on this machine (tools/slurm-local up --nodes 3: each
# slurmd in a network and UTS namespace of its own), then back to the one-node cluster the other
# slurm tests use (RESOURCE_LOCK slurm: nothing else uses the cluster meanwhile).
#  1. The reference workflow with --executor slurm -j 6: every task ok, tasks on all 3 nodes;
#     every profile, records.jsonl line and trace event names its node; analyze shows time per
#     node (text and summary.json), the HTML report's timeline a row per node, and the history's
#     fingerprint the kinds of node.
#  2. A drained node: the tasks go to the other nodes.
#  3. A node lost while its task runs (every process of its namespace killed: slurmd, the job's
#     slurmstepd and the task): the task is recorded lost, naming the node; its dependent is
#     skipped. `run --resume` then finishes on the nodes left, and no task that ended ok runs again.
#  4. The controller restarted while tasks run on several nodes: the run completes.
#  5. A shared folder missing on one node (a tmpfs over it in fbnode3's mount namespace): a task
#     sent there fails naming the node and the path, for the run folder (Slurm cannot open the
#     job's output) and for the spec's folder (the job's own check); with the node kept out, the
#     same run is ok.
#  6. Two instances of a workflow at once (run --instances 2 --executor slurm): both complete.
# Nothing here compares times: a slow machine makes it slower, never red.
#   slurm_nodes_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(realpath "$1") src=$(realpath "$2")
export PATH="$bin:$PATH"
local_cluster=$src/tools/slurm-local
work=$(mktemp -d)
restore() {
  scontrol update nodename=fbnode3 state=resume >/dev/null 2>&1 || true
  "$local_cluster" up >"$work/restore.log" 2>&1 || { echo "could not restore the one-node cluster:"; cat "$work/restore.log"; }
  rm -rf "$work"
}
trap restore EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

# Bad input first: nothing changes.
for bad in 0 241 three; do
  set +e
  "$local_cluster" up --nodes "$bad" >out.txt 2>err.txt
  rc=$?
  set -e
  [[ $rc -eq 2 ]] || fail "up --nodes $bad exited $rc, not 2"
  grep -q "fix: --nodes" err.txt || fail "up --nodes $bad does not say the fix: $(cat err.txt)"
done

"$local_cluster" up --nodes 3
"$local_cluster" status | tee status.txt
[[ $(grep -c 'slurmd running' status.txt) -eq 3 ]] || fail "status does not list 3 running nodes"

# 1. The reference workflow on 3 nodes.
cp -r "$src/fixtures/k1n" k1n
rm -rf k1n/.flowbench k1n/out
flowbench run k1n/workflow.json --executor slurm -j 6 --time-scale 0.001 --out runs --run-id ref -q
flowbench analyze runs/ref > analyze.txt
python3 - <<'EOF'
import glob, json, sys
def fail(why):
    print("FAIL:", why); sys.exit(1)
profiles = [json.load(open(f)) for f in glob.glob("runs/ref/profiles/task-*.json")]
if len(profiles) != 22 or any(p["status"] != "ok" for p in profiles):
    fail("not 22 tasks ok: " + str([(p["task_id"], p["status"]) for p in profiles]))
nodes = {p["executor"]["node"] for p in profiles}
if nodes != {"fbnode1", "fbnode2", "fbnode3"}:
    fail(f"the tasks ran on {sorted(nodes)}, not on all 3 nodes")
lines = [json.loads(l) for l in open("runs/ref/records.jsonl")]
if len(lines) != 22 or any(not l.get("executor", {}).get("node") for l in lines):
    fail("a records.jsonl line does not name its node")
trace = json.load(open("runs/ref/trace.json"))
events = trace["traceEvents"] if isinstance(trace, dict) else trace
tasks = [e for e in events if e.get("cat") == "task"]
if len(tasks) != 22 or any(e["args"].get("node") not in nodes for e in tasks):
    fail("a trace event does not name its node")
summary = json.load(open("runs/ref/summary.json"))
per_node = {n["node"]: n for n in summary.get("nodes", [])}
if set(per_node) != nodes or sum(n["tasks"] for n in per_node.values()) != 22:
    fail("summary.json's nodes: " + json.dumps(summary.get("nodes")))
for p in profiles:
    n = per_node[p["executor"]["node"]]
    if n["slowest_ms"] < p["duration_ms"] - 1e-6:
        fail(f"node {n['node']}'s longest task is shorter than task {p['task_id']} that ran there")
text = open("analyze.txt").read()
if "TIME PER NODE (3 node(s))" not in text or not all(n in text for n in nodes):
    fail("analyze does not show time per node:\n" + text)
print("1: 22 tasks ok on", sorted(nodes), {n: per_node[n]["tasks"] for n in sorted(nodes)})
EOF
# The HTML report's timeline has a row per node; the history's fingerprint holds the node kinds.
flowbench report --before runs/ref --after runs/ref -o report.html >/dev/null
for n in fbnode1 fbnode2 fbnode3; do
  grep -q "class=\"lane\"[^>]*>$n<" report.html || fail "the report's timeline has no row for $n"
done
flowbench record runs/ref --db history.db --commit c1 --branch main --parents '' --commit-time 1 --clean >/dev/null
flowbench history list --db history.db > list.txt
grep -q 'node_kinds' list.txt || fail "the history's fingerprint does not hold the node kinds: $(cat list.txt)"
echo "1: report rows per node; history fingerprint: $(grep -o 'node_kinds[^,;]*' list.txt | head -1)"

# 2. A drained node gets no task.
scontrol update nodename=fbnode3 state=drain reason=flowbench-test
cat > wide.json <<'EOF'
{"schema": "flowbench.workflow/1", "name": "wide", "tasks": [
  {"id": "w1", "command": ["sleep", "1"]}, {"id": "w2", "command": ["sleep", "1"]},
  {"id": "w3", "command": ["sleep", "1"]}, {"id": "w4", "command": ["sleep", "1"]}]}
EOF
flowbench run wide.json --executor slurm -j 4 --out runs --run-id drained -q
python3 - <<'EOF'
import glob, json, sys
profiles = [json.load(open(f)) for f in glob.glob("runs/drained/profiles/task-*.json")]
nodes = sorted({p["executor"]["node"] for p in profiles})
if len(profiles) != 4 or any(p["status"] != "ok" for p in profiles) or "fbnode3" in nodes:
    print("FAIL: with fbnode3 drained:", [(p["task_id"], p["status"], p["executor"]["node"]) for p in profiles]); sys.exit(1)
print("2: fbnode3 drained, the 4 tasks ran on", nodes)
EOF
scontrol update nodename=fbnode3 state=resume

# 3. A node lost while its task runs, then --resume on the nodes left.
cat > lose.json <<EOF
{"schema": "flowbench.workflow/1", "name": "lose", "tasks": [
  {"id": "p1", "command": ["/bin/sh", "-c", "echo ran >> $work/ran-p1; sleep 6"]},
  {"id": "p2", "command": ["/bin/sh", "-c", "echo ran >> $work/ran-p2; sleep 6"]},
  {"id": "p3", "command": ["/bin/sh", "-c", "echo ran >> $work/ran-p3; sleep 6"]},
  {"id": "z", "command": ["/bin/sh", "-c", "echo ran >> $work/ran-z"], "after": ["p1", "p2", "p3"]}]}
EOF
set +e
flowbench run lose.json --executor slurm -j 3 --out runs --run-id lose -q >lose.out 2>lose.err &
run_pid=$!
set -e
for ((i = 0; i < 600; i++)); do
  [[ -f runs/lose/jobs/task-p1.started && -f runs/lose/jobs/task-p2.started && -f runs/lose/jobs/task-p3.started ]] && break
  sleep 0.1
done
[[ -f runs/lose/jobs/task-p2.started ]] || fail "task p2 did not start within 60 s"
victim=$(python3 -c 'import json; print(json.load(open("runs/lose/jobs/task-p2.started"))["node"])')
echo "3: killing node $victim (every process in its namespace) while p2 runs there"
kill -KILL $(ip netns pids "$victim")
set +e
wait "$run_pid"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "the run with a lost node exited $rc, not 1: $(cat lose.err)"
python3 - "$victim" <<'EOF'
import glob, json, sys
victim = sys.argv[1]
p = {json.load(open(f))["task_id"]: json.load(open(f)) for f in glob.glob("runs/lose/profiles/task-*.json")}
lost = p["p2"]
if lost["status"] != "failed" or not lost["reason"].startswith("lost:") or victim not in lost["reason"]:
    print("FAIL: p2 is not recorded lost naming", victim, ":", lost["status"], lost["reason"]); sys.exit(1)
if lost.get("executor", {}).get("node") != victim:
    print("FAIL: p2's profile does not name its node"); sys.exit(1)
if p["z"]["status"] != "skipped":
    print("FAIL: z is", p["z"]["status"], "not skipped"); sys.exit(1)
others = [t for t in ("p1", "p3") if p[t]["executor"]["node"] != victim]
for t in others:
    if p[t]["status"] != "ok":
        print("FAIL:", t, "on a node left is", p[t]["status"]); sys.exit(1)
print("3: p2 lost:", lost["reason"][:120])
EOF
flowbench run --resume runs/lose --executor slurm -j 3 --out runs --run-id resumed -q
python3 - "$victim" "$work" <<'EOF'
import glob, json, sys, os
victim, work = sys.argv[1], sys.argv[2]
before = {json.load(open(f))["task_id"]: json.load(open(f)) for f in glob.glob("runs/lose/profiles/task-*.json")}
after = {json.load(open(f))["task_id"]: json.load(open(f)) for f in glob.glob("runs/resumed/profiles/task-*.json")}
if any(after[t]["status"] != "ok" for t in after) or len(after) != 4:
    print("FAIL: resumed run:", {t: after[t]["status"] for t in after}); sys.exit(1)
for t, prof in before.items():
    runs = len(open(os.path.join(work, "ran-" + t)).read().split()) if os.path.exists(os.path.join(work, "ran-" + t)) else 0
    want = 1 if prof["status"] == "ok" else (2 if t == "p2" else 1)
    if runs != want:
        print(f"FAIL: {t} ({prof['status']} before the resume) ran {runs} time(s), not {want}"); sys.exit(1)
for t in ("p2", "z"):
    if after[t]["executor"]["node"] == victim:
        print(f"FAIL: {t} ran again on the lost node {victim}"); sys.exit(1)
print("3: resumed on the nodes left:", {t: after[t]["executor"]["node"] for t in ("p2", "z")}, "; nothing that ended ok ran again")
EOF
# 4. The controller restarted mid-run, with tasks running on several nodes: the run completes.
"$local_cluster" up --nodes 3 >/dev/null   # fbnode2 back
cat > restart.json <<'EOF'
{"schema": "flowbench.workflow/1", "name": "restart", "tasks": [
  {"id": "r1", "command": ["sleep", "3"]}, {"id": "r2", "command": ["sleep", "3"]},
  {"id": "r3", "command": ["sleep", "3"]}, {"id": "r4", "command": ["true"], "after": ["r1", "r2", "r3"]}]}
EOF
flowbench run restart.json --executor slurm -j 3 --out runs --run-id restart -q >restart.out 2>restart.err &
run_pid=$!
for ((i = 0; i < 600; i++)); do
  [[ -f runs/restart/jobs/task-r1.started && -f runs/restart/jobs/task-r2.started && -f runs/restart/jobs/task-r3.started ]] && break
  sleep 0.1
done
ctl=$(cat "${FLOWBENCH_SLURM_DIR:-/var/tmp/flowbench-slurm}/slurmctld.pid")
kill "$ctl"
while kill -0 "$ctl" 2>/dev/null; do sleep 0.1; done
sleep 2
/usr/sbin/slurmctld -i </dev/null >/dev/null 2>&1
set +e
wait "$run_pid"
rc=$?
set -e
[[ $rc -eq 0 ]] || fail "the run across a controller restart exited $rc: $(cat restart.err)"
python3 - <<'EOF'
import glob, json, sys
p = {json.load(open(f))["task_id"]: json.load(open(f)) for f in glob.glob("runs/restart/profiles/task-*.json")}
if len(p) != 4 or any(v["status"] != "ok" for v in p.values()):
    print("FAIL: across a controller restart:", {t: v["status"] for t, v in p.items()}); sys.exit(1)
print("4: controller restarted mid-run; every task ok on", sorted({v["executor"]["node"] for v in p.values()}))
EOF

# 5. A shared folder missing on one node.
mkdir -p shared/runs
cat > shared/one.json <<'EOF'
{"schema": "flowbench.workflow/1", "name": "one", "tasks": [{"id": "s", "command": ["true"]}]}
EOF
slurmd3=$(cat "${FLOWBENCH_SLURM_DIR:-/var/tmp/flowbench-slurm}/slurmd-fbnode3.pid")
nsenter --target "$slurmd3" --mount mount -t tmpfs flowbench-test "$work/shared"
[[ -f shared/one.json ]] || fail "hiding the folder on fbnode3 hid it on this machine too"
missing_on_fbnode3() {  # RUN_FOLDER MISSING_PATH: its one task failed, naming fbnode3 and the path
  python3 - "$1" "$2" <<'EOF'
import json, sys
run, path = sys.argv[1], sys.argv[2]
p = json.load(open(f"{run}/profiles/task-s-profile.json"))
if p["status"] != "failed" or "fbnode3" not in p["reason"] or path not in p["reason"]:
    print("FAIL: the task on fbnode3 without", path, "is", p["status"], ":", p["reason"]); sys.exit(1)
if p.get("executor", {}).get("node") != "fbnode3":
    print("FAIL: its profile does not name fbnode3"); sys.exit(1)
print("5:", p["reason"][:400])
EOF
}
set +e
flowbench run shared/one.json --executor slurm --sbatch-arg=--nodelist=fbnode3 --out shared/runs --run-id hidden -q 2>hidden.err
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "the run whose folder fbnode3 lacks exited $rc, not 1: $(cat hidden.err)"
missing_on_fbnode3 shared/runs/hidden "$work/shared/runs/hidden"
set +e
flowbench run shared/one.json --executor slurm --sbatch-arg=--nodelist=fbnode3 --out runs --run-id nospec -q 2>nospec.err
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "the run whose spec fbnode3 lacks exited $rc, not 1: $(cat nospec.err)"
missing_on_fbnode3 runs/nospec "$work/shared/one.json"
flowbench run shared/one.json --executor slurm --sbatch-arg=--exclude=fbnode3 --out shared/runs --run-id kept-out -q
python3 -c '
import json, sys
p = json.load(open("shared/runs/kept-out/profiles/task-s-profile.json"))
if p["status"] != "ok" or p["executor"]["node"] == "fbnode3":
    print("FAIL: with fbnode3 kept out:", p["status"], p["executor"]["node"]); sys.exit(1)
print("5: with fbnode3 kept out the task ran on", p["executor"]["node"])'

# 6. Two instances of a workflow at once on the cluster (the plan's concurrent workflows): each
#    complete, and no action cache handed to a Slurm run.
mkdir inst && cp wide.json inst/  # an instance copies its spec's folder
flowbench run inst/wide.json --executor slurm -j 4 --instances 2 --out runs --run-id twice 2>twice.err ||
  fail "run --instances 2 --executor slurm: $(cat twice.err)"
python3 - <<'EOF'
import glob, json, sys
record = json.load(open("runs/twice/instances.json"))
profiles = [json.load(open(f)) for f in glob.glob("runs/twice/i*/profiles/task-*.json")]
if not record["all_complete"] or record["cache"] != "off" or len(profiles) != 8 \
        or any(p["status"] != "ok" for p in profiles):
    print("FAIL: two instances on slurm:", json.dumps(record)[:400], len(profiles)); sys.exit(1)
print("6: two instances complete on", sorted({p["executor"]["node"] for p in profiles}))
EOF
echo "PASS"
