#!/usr/bin/env bash
# ctest -L history: a real git repository of 30 commits of a small workflow. Commit 12 slows
# task 2 by 25% (synth --slowdown 1.25 in its spec), commit 21 makes task 3 25% faster
# (--slowdown 0.75); every other commit touches only a note. Each commit is run 5 times and
# recorded. A branch from commit 30 that slows task 4 by 25% is gated against main's commits
# up to its merge-base and fails naming task 4. `history regressions` must name commit 12 as the first bad commit of task 2,
# commit 21 as an improvement of task 3, and nothing else (the makespan may move too); the
# gate against history fails at commit 12 and passes at commit 11; data recorded under
# another fingerprint is never compared. The same history on a PostgreSQL server
# (tools/postgres-local up), merged from the file, gives the same change points.
# The tasks' changes are large on purpose: a task's measured time includes starting its process,
# which dilutes a relative slowdown of the handler's own work. They stay small against the
# makespan, the total and the CPU time (about 3%), so those metrics show no change. The gate and
# the change points ask for the 5% default: the commit is their unit (a model with two levels),
# so a machine's drift from commit to commit widens their intervals instead of reading as a
# change. Where that drift is too large to decide, the gate says "undecided" (exit 3): the test
# accepts it, never a pass of the slowed commit nor a flag on another task.
#   history_commits_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
export PATH="$bin:$PATH"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
repo=$work/repo db=$work/history.db
mkdir -p "$repo" && cd "$repo"
git init -q -b main
git config user.email test@flowbench.invalid && git config user.name flowbench-test

write_spec() {  # write_spec SLOWDOWN_OF_TASK_2 SLOWDOWN_OF_TASK_3
  cat > workflow.json <<EOF
{
  "schema": "flowbench.workflow/1",
  "name": "history-test",
  "tasks": [
    {"id": 1, "name": "prepare", "command": ["synth", "--duration-s", "0.12", "--cpu-fraction", "0.5"]},
    {"id": 2, "name": "generate", "command": ["synth", "--duration-s", "0.06", "--cpu-fraction", "0.5", "--slowdown", "$1"], "after": [1]},
    {"id": 3, "name": "review", "command": ["synth", "--duration-s", "0.06", "--cpu-fraction", "0.5", "--slowdown", "$2"], "after": [1]},
    {"id": 4, "name": "report", "command": ["synth", "--duration-s", "0.24", "--cpu-fraction", "0.5"], "after": [2, 3]}
  ]
}
EOF
}
cat > budgets.json <<'EOF'
{
  "schema": "flowbench.budgets/1",
  "name": "history-test",
  "targets": [
    {"name": "task-*-no-regression", "variant": "sequential", "metric": "task:*",
     "regression": {"baseline": "history", "history": {"commits": 5, "branch": "main"},
                    "alpha": 0.01, "min_effect": 0.05, "min_reps": 5}}
  ]
}
EOF

declare -a hashes
for k in $(seq 1 30); do
  slow2=1 fast3=1
  ((k >= 12)) && slow2=1.25
  ((k >= 21)) && fast3=0.75
  write_spec "$slow2" "$fast3"
  echo "commit $k" >> notes.txt
  git add workflow.json budgets.json notes.txt
  GIT_COMMITTER_DATE="2026-01-01T00:00:$(printf %02d $((k % 60)))" git commit -qm "commit $k"
  hashes[$k]=$(git rev-parse HEAD)
  for r in 1 2 3 4 5; do
    flowbench run workflow.json --mode sequential --time-scale 1 --no-cache -q \
      -o "$work/data/c$k/sequential" --run-id "r$r" > /dev/null
  done
  flowbench record "$work/data/c$k" --db "$db" > /dev/null
  if ((k == 11 || k == 12)); then
    status=0
    flowbench gate --budgets budgets.json --db "$db" "$work/data/c$k" > "$work/gate-$k.txt" || status=$?
    cat "$work/gate-$k.txt"
    echo "gate at commit $k: exit $status"
    echo "$status" > "$work/gate-$k.status"
  fi
done

# The gate against history: never fails at the commit before the slowdown, never passes at it;
# when it fails there, it names task 2 alone.
gate11=$(cat "$work/gate-11.status") gate12=$(cat "$work/gate-12.status")
[[ $gate11 -eq 0 || $gate11 -eq 3 ]] || { echo "FAIL: the gate at commit 11 failed ($gate11)"; exit 1; }
if ! grep -q '^FAILED' "$work/gate-11.txt"; then :; else echo "FAIL: a target failed at commit 11"; exit 1; fi
[[ $gate12 -eq 1 || $gate12 -eq 3 ]] || { echo "FAIL: the gate at commit 12 passed ($gate12)"; exit 1; }
if [[ $gate12 -eq 1 ]]; then
  grep -q '^FAILED task-2-no-regression (not met):.*regressed' "$work/gate-12.txt" || { echo "FAIL: task 2 not named"; exit 1; }
  [[ $(grep -c '^FAILED' "$work/gate-12.txt") -eq 1 ]] || { echo "FAIL: another task was flagged at commit 12"; exit 1; }
else
  grep -q '^UNDECIDED task-2-no-regression' "$work/gate-12.txt" || { echo "FAIL: exit 3 but task 2 is not undecided"; exit 1; }
  echo "the gate at commit 12 is undecided on this machine (the drift between commits is too large to decide)"
fi

status=0
flowbench history --db "$db" regressions --json "$work/changes.json" > "$work/regressions.txt" || status=$?
cat "$work/regressions.txt"
[[ $status -eq 1 ]] || { echo "FAIL: history regressions should exit 1 (task 2's regression is open), got $status"; exit 1; }
python3 - "$work/changes.json" "${hashes[12]}" "${hashes[21]}" <<'PY'
import json, sys
changes = json.load(open(sys.argv[1]))["changes"]
slow, fast = sys.argv[2], sys.argv[3]
def named(c): return f'{c["variant"]} {c["metric"]} {c["kind"]} at {c["first_bad"][:12]}'
task2 = [c for c in changes if c["metric"] == "task:2"]
task3 = [c for c in changes if c["metric"] == "task:3"]
assert len(task2) == 1 and task2[0]["kind"] == "regression" and task2[0]["first_bad"] == slow and task2[0]["open"], \
    f"task 2: {[named(c) for c in task2]}"
assert 0.10 < task2[0]["change"] < 0.35, task2[0]
assert len(task3) == 1 and task3[0]["kind"] == "improvement" and task3[0]["first_bad"] == fast, \
    f"task 3: {[named(c) for c in task3]}"
assert -0.35 < task3[0]["change"] < -0.10, task3[0]
# The CPU time of the changed tasks changes with them (synth's slowdown is CPU work too).
others = [c for c in changes if c["metric"] not in ("task:2", "task:3", "task_cpu:2", "task_cpu:3", "makespan")]
assert not others, f"change points on other metrics: {[named(c) for c in others]}"
for c in changes:
    if c["metric"] in ("makespan", "task_cpu:2", "task_cpu:3"):
        assert c["first_bad"] in (slow, fast), f"{c['metric']} changed at another commit: {named(c)}"
print("history regressions named commit 12 for task 2 and commit 21 for task 3, and nothing else")
PY

# The trend of task 2, drawn: samples, medians, the change point at commit 12.
flowbench history --db "$db" show task:2 --variant sequential --json "$work/task2.json" | tail -4
"$src/tools/plot.py" trend "$work/task2.json" -o "$work/task2-trend.png"
[[ -n ${FLOWBENCH_TEST_OUT:-} ]] && cp "$work/task2-trend.png" "$work/task2.json" "$FLOWBENCH_TEST_OUT/"

# A branch off commit 30 slows task 4 by 25%: gated (not recorded) against main's last 5
# commits up to the merge-base, it fails naming task 4 alone.
git checkout -q -b feature
sed -i 's/"--duration-s", "0.24", "--cpu-fraction", "0.5"/"--duration-s", "0.24", "--cpu-fraction", "0.5", "--slowdown", "1.25"/' workflow.json
grep -q '"1.25"' workflow.json || { echo "FAIL: the branch's spec was not changed"; exit 1; }
git commit -qam "slow task 4"
for r in 1 2 3 4 5; do
  flowbench run workflow.json --mode sequential --time-scale 1 --no-cache -q -o "$work/data/feature/sequential" --run-id "r$r" > /dev/null
done
status=0
flowbench gate --budgets budgets.json --db "$db" "$work/data/feature" > "$work/gate-feature.txt" || status=$?
cat "$work/gate-feature.txt"
[[ $status -eq 1 || $status -eq 3 ]] || { echo "FAIL: the branch's gate should not pass, got $status"; exit 1; }
if [[ $status -eq 1 ]]; then
  grep -q '^FAILED task-4-no-regression (not met):.*regressed' "$work/gate-feature.txt" || { echo "FAIL: task 4 not named on the branch"; exit 1; }
  [[ $(grep -c '^FAILED' "$work/gate-feature.txt") -eq 1 ]] || { echo "FAIL: another task was flagged on the branch"; exit 1; }
fi
git checkout -q main

# Since commit 21: the slowdown is older, so it is left out.
flowbench history --db "$db" regressions --since "${hashes[21]:0:10}" --json "$work/since.json" > /dev/null || true
python3 -c "
import json,sys
c=json.load(open('$work/since.json'))['changes']
assert all(x['metric']!='task:2' for x in c), c
assert any(x['metric']=='task:3' for x in c) is False, c  # commit 21 itself is not after 21
"

# Another fingerprint: the same commit's runs as if measured on a 64-core machine. Recorded,
# it forms a history of its own; gated, it finds nothing comparable and fails saying why.
cp -r "$work/data/c30" "$work/other"
for f in "$work"/other/sequential/*/run.json; do
  python3 - "$f" <<'PY'
import json, sys
run = json.load(open(sys.argv[1])); run["context"]["cpus"] = 64
json.dump(run, open(sys.argv[1], "w"))
PY
done
flowbench record "$work/other" --db "$db" --tag machine=other | tee "$work/record-other.txt"
flowbench history --db "$db" list | tee "$work/list.txt"
[[ $(grep -c '^main @ ' "$work/list.txt") -eq 2 ]] || { echo "FAIL: expected two histories of main"; exit 1; }
status=0
flowbench gate --budgets budgets.json --db "$db" "$work/other" > "$work/gate-other.txt" || status=$?
cat "$work/gate-other.txt"
[[ $status -eq 1 ]] || { echo "FAIL: a gate across fingerprints must fail, got $status"; exit 1; }
grep -q 'not comparable' "$work/gate-other.txt" || { echo "FAIL: no 'not comparable' verdict"; exit 1; }
grep -q 'cpus "64" vs "' "$work/gate-other.txt" || { echo "FAIL: the verdict does not say what differs"; exit 1; }
# The other fingerprint's single commit is not part of main's change points.
flowbench history --db "$db" regressions --json "$work/changes2.json" > /dev/null || true
cmp <(python3 -c "import json;print(json.load(open('$work/changes.json'))['changes'])") \
    <(python3 -c "import json;print(json.load(open('$work/changes2.json'))['changes'])") \
  || { echo "FAIL: data of another fingerprint changed main's change points"; exit 1; }

# The same data on a PostgreSQL server: the same change points.
url=$("$src/tools/postgres-local" url) \
  || { echo "FAIL: no PostgreSQL server for this test; start one with tools/postgres-local up"; exit 1; }
name=fbhistory_$$
psql -X -q "$url" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
trap 'psql -X -q "$url" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; rm -rf "$work"' EXIT
server=${url%/*}/$name
flowbench history merge "$db" --into "$server" | tail -1
status=0
flowbench history --db "$server" regressions --json "$work/changes-server.json" > "$work/regressions-server.txt" || status=$?
[[ $status -eq 1 ]] || { echo "FAIL: history regressions on the server should exit 1 as on the file, got $status"; exit 1; }
cmp <(python3 -c "import json;print(json.load(open('$work/changes2.json'))['changes'])") \
    <(python3 -c "import json;print(json.load(open('$work/changes-server.json'))['changes'])") \
  || { echo "FAIL: the server's history gives other change points than the file's"; exit 1; }
if grep -qF "${url#*//}" "$work/regressions-server.txt"; then echo "FAIL: the password shows"; exit 1; fi
echo "the PostgreSQL history gives the same change points"
echo "PASS"
