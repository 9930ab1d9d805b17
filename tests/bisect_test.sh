#!/usr/bin/env bash
# ctest -L history: `flowbench bisect` on real git repositories of a small synth workflow.
#  - 64 commits; at one chosen at random (never recorded) task b's work becomes 12% slower. The
#    history holds commits 0 and 64 only: `history regressions` names that range and prints the
#    bisect command; bisect names the exact commit in at most 8 probes. Ctrl-C during a probe,
#    then --resume: the bisect ends the same, and no commit is measured twice.
#  - a commit in the range that does not build is skipped and the answer stays right;
#  - a range without a step: "could not reproduce" (exit 1);
#  - two steps of +8%: both named.
# A machine too noisy to tell a probe from either end within its rounds skips it: the answer is
# then a range that could not be split, holding the true step (accepted, said), never a wrong
# commit.
#   bisect_test.sh BIN_DIR SOURCE_DIR   (FLOWBENCH_BISECT_STEP=K places the step)
set -euo pipefail
bin=$1
export PATH="$bin:$PATH"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# make_repo DIR COMMITS "STEP[ STEP...]" [BROKEN]: commit 0 plus COMMITS commits; from each STEP
# on, task b is 8% (two steps) or 12% (one step) slower; commit BROKEN does not build.
make_repo() {
  local dir=$1 n=$2 steps=($3) broken=${4:-0} k slow per
  per=$([[ ${#steps[@]} -gt 1 ]] && echo 0.08 || echo 0.12)
  mkdir -p "$dir" && cd "$dir"
  git init -q -b main
  git config user.email test@flowbench.invalid
  git config user.name flowbench-test
  for ((k = 0; k <= n; k++)); do
    slow=1
    for s in "${steps[@]}"; do ((s > 0 && k >= s)) && slow=$(python3 -c "print(round($slow + $per, 4))"); done
    printf '%s\n' '{"schema": "flowbench.workflow/1", "name": "bisect", "tasks": [' \
      '  {"id": "a", "command": ["synth", "--duration-s", "0.05", "--cpu-fraction", "0.5"]},' \
      "  {\"id\": \"b\", \"command\": [\"synth\", \"--duration-s\", \"0.1\", \"--cpu-fraction\", \"0.5\", \"--slowdown\", \"$slow\"], \"after\": [\"a\"]}]}" \
      > workflow.json
    if ((broken > 0 && k == broken)); then touch BROKEN; else rm -f BROKEN; fi
    echo "change $k" >> notes.txt
    git add -A
    GIT_COMMITTER_DATE="2026-01-01T00:$(printf %02d $((k / 60))):$(printf %02d $((k % 60)))" git commit -qm "commit $k"
  done
  cd - > /dev/null
}
commit_of() { git -C "$1" rev-list --reverse HEAD | sed -n "$(($2 + 1))p"; }
# check_answer JSON REPO STEP...: the culprits are exactly the steps, or (a noisy machine) every
# step not named lies in a range that could not be split; no commit is named that is no step.
check_answer() {
  local json=$1 repo=$2
  shift 2
  python3 - "$json" "$(git -C "$repo" rev-list --reverse HEAD | tr '\n' ' ')" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
commits = sys.argv[2].split()
steps = [int(k) for k in sys.argv[3:]]
named = [commits.index(c["commit"]) for c in r["culprits"]]
assert all(k in steps for k in named), f"named {named}, the steps are {steps}"
unsplit = [(commits.index(u["after"]), commits.index(u["up_to"])) for u in r["unsplit"]]
missing = [k for k in steps if k not in named]
for k in missing:
    assert any(lo < k <= hi for lo, hi in unsplit), f"step {k} neither named nor in an unsplit range {unsplit}"
probes = [p["commit"] for p in r["probes"]]
assert len(probes) == len(set(probes)), f"a commit measured twice: {probes}"
print(f"named {named} of steps {steps} in {len(probes)} probes" +
      (f"; too noisy to split {unsplit} here" if missing else ""))
PY
}

step=${FLOWBENCH_BISECT_STEP:-$((RANDOM % 64 + 1))}
echo "== 64 commits, task b 12% slower from commit $step"
make_repo "$work/one" 64 "$step"
good=$(commit_of "$work/one" 0) bad=$(commit_of "$work/one" 64) culprit=$(commit_of "$work/one" "$step")
cd "$work/one"
for end in "$good" "$bad"; do
  git checkout -q "$end"
  for r in 1 2 3 4 5; do flowbench run workflow.json --mode sequential --no-cache -q -o "$work/runs/$end" --run-id "r$r" > /dev/null; done
  flowbench record "$work/runs/$end" --db "$work/history.db" --branch main > /dev/null
done
git checkout -q main
flowbench history --db "$work/history.db" regressions > "$work/regressions.txt" || true
cat "$work/regressions.txt"
grep -q "flowbench bisect --good ${good:0:12} --bad ${bad:0:12} --variant sequential --metric task:b" "$work/regressions.txt" \
  || { echo "FAIL: history regressions does not name the range with its bisect command"; exit 1; }

# Stopped by Ctrl-C during its third probe, then resumed.
flowbench bisect --good "$good" --bad "$bad" --spec workflow.json --variant sequential --metric task:b \
  --min-effect 0.05 --out "$work/b1" --db "$work/history.db" > "$work/first.txt" 2>&1 &
pid=$!
for i in $(seq 1 600); do
  [[ -f $work/b1/bisect.json ]] && [[ $(python3 -c "import json;print(len(json.load(open('$work/b1/bisect.json'))['probes']))") -ge 2 ]] && break
  sleep 0.2
done
sleep 0.5
kill -INT "$pid"
status=0; wait "$pid" || status=$?
cat "$work/first.txt"
if [[ $status -eq 130 ]]; then
  grep -q "continue with --resume" "$work/first.txt" || { echo "FAIL: no word on --resume"; exit 1; }
  before=$(python3 -c "import json;print(len(json.load(open('$work/b1/bisect.json'))['probes']))")
  status=0
  flowbench bisect --good "$good" --bad "$bad" --spec workflow.json --variant sequential --metric task:b \
    --min-effect 0.05 --out "$work/b1" --db "$work/history.db" --resume --json "$work/one.json" > "$work/second.txt" 2>&1 || status=$?
  cat "$work/second.txt"
  grep -q "resuming bisect .*: $before probes measured before" "$work/second.txt" || { echo "FAIL: not resumed"; exit 1; }
else
  # The bisect ended before the signal reached a probe: it must have named the culprit.
  echo "(the bisect ended before Ctrl-C; exit $status)"
  flowbench bisect --good "$good" --bad "$bad" --spec workflow.json --variant sequential --metric task:b \
    --min-effect 0.05 --out "$work/b1" --resume --json "$work/one.json" > /dev/null 2>&1 || status=$?
fi
[[ $status -eq 0 || $status -eq 1 ]] || { echo "FAIL: bisect exited $status"; exit 1; }
check_answer "$work/one.json" "$work/one" "$step"
((status == 1)) || python3 -c "
import json; r = json.load(open('$work/one.json')); assert len(r['probes']) <= 8, len(r['probes'])"
flowbench history --db "$work/history.db" list | grep -q "main @" || { echo "FAIL: no history"; exit 1; }
recorded=$(flowbench history --db "$work/history.db" export --format csv | grep -c 'bisect=' || true)
[[ $recorded -gt 0 ]] || { echo "FAIL: the probes were not recorded with a bisect tag"; exit 1; }

echo "== 16 commits, the step at 11, commit 8 does not build"
make_repo "$work/broken" 16 11 8
status=0
flowbench bisect --good "$(commit_of "$work/broken" 0)" --bad "$(commit_of "$work/broken" 16)" --repo "$work/broken" \
  --spec workflow.json --build 'test ! -e BROKEN' --variant sequential --metric task:b --no-history \
  --json "$work/broken.json" > "$work/broken.txt" 2>&1 || status=$?
cat "$work/broken.txt"
[[ $status -eq 0 || $status -eq 1 ]] || { echo "FAIL: exit $status"; exit 1; }
check_answer "$work/broken.json" "$work/broken" 11
python3 -c "
import json; r = json.load(open('$work/broken.json'))
assert any(p['state'] == 'skipped' and 'build failed' in p['why'] for p in r['probes']), r['probes']
print('the commit that does not build was skipped')"

echo "== 16 commits, no step"
make_repo "$work/flat" 16 0
status=0
flowbench bisect --good "$(commit_of "$work/flat" 0)" --bad "$(commit_of "$work/flat" 16)" --repo "$work/flat" \
  --spec workflow.json --variant sequential --metric task:b --no-history > "$work/flat.txt" 2>&1 || status=$?
cat "$work/flat.txt"
[[ $status -eq 1 ]] && grep -q "could not reproduce" "$work/flat.txt" || { echo "FAIL: expected could not reproduce (exit 1), got $status"; exit 1; }

echo "== 32 commits, two steps of +8% at 9 and 23"
make_repo "$work/two" 32 "9 23"
status=0
flowbench bisect --good "$(commit_of "$work/two" 0)" --bad "$(commit_of "$work/two" 32)" --repo "$work/two" \
  --spec workflow.json --variant sequential --metric task:b --min-effect 0.04 --no-history \
  --json "$work/two.json" > "$work/two.txt" 2>&1 || status=$?
cat "$work/two.txt"
[[ $status -eq 0 || $status -eq 1 ]] || { echo "FAIL: exit $status"; exit 1; }
check_answer "$work/two.json" "$work/two" 9 23
echo PASS
