#!/usr/bin/env bash
# ctest -L history: a history recorded the obvious way. 16 commits of a small workflow, task b
# 25% slower from commit 9; each commit's 5 runs in runs/<commit>/r1..r5, then `flowbench
# record runs/<commit>`. A run's variant comes from the run itself (its mode here), never from
# the folder it sits in, so all 16 commits form one history and `history regressions` names
# commit 9. Recording each commit under a variant of its own instead (`run --variant <commit>`)
# is warned about.
#   history_layout_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
export PATH="$bin:$PATH"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config user.email test@flowbench.invalid
git config user.name flowbench-test
declare -a hashes
write_spec() {  # write_spec SLOWDOWN_OF_B
  printf '%s\n' '{"schema": "flowbench.workflow/1", "name": "layout", "tasks": [' \
    '  {"id": "a", "command": ["synth", "--duration-s", "0.1", "--cpu-fraction", "0.5"]},' \
    "  {\"id\": \"b\", \"command\": [\"synth\", \"--duration-s\", \"0.15\", \"--cpu-fraction\", \"0.5\", \"--slowdown\", \"$1\"], \"after\": [\"a\"]}]}" \
    > workflow.json
}
for k in $(seq 1 16); do
  slow=1
  ((k >= 9)) && slow=1.25
  write_spec "$slow"
  echo "commit $k" >> notes.txt
  git add workflow.json notes.txt
  GIT_COMMITTER_DATE="2026-01-01T00:00:$(printf %02d "$k")" git commit -qm "commit $k"
  hashes[$k]=$(git rev-parse HEAD)
  for r in 1 2 3 4 5; do
    flowbench run workflow.json --mode sequential --no-cache -q -o "runs/${hashes[$k]}" --run-id "r$r" > /dev/null
  done
  flowbench record "runs/${hashes[$k]}" --db "$work/history.db" > "$work/record-$k.txt" 2> "$work/record-$k.err"
done
cat "$work/record-16.txt"
grep -q 'sequential 16 commits' "$work/record-16.txt" || { echo "FAIL: the history does not hold 16 commits of one variant"; exit 1; }
[[ ! -s "$work/record-16.err" ]] || { echo "FAIL: unexpected warning"; cat "$work/record-16.err"; exit 1; }
flowbench history --db "$work/history.db" regressions --json "$work/changes.json" > "$work/regressions.txt" || true
cat "$work/regressions.txt"
python3 - "$work/changes.json" "${hashes[9]}" <<'PY'
import json, sys
changes = json.load(open(sys.argv[1]))["changes"]
b = [c for c in changes if c["metric"] == "task:b" and c["kind"] == "regression"]
assert len(b) == 1 and b[0]["first_bad"] == sys.argv[2], f"task b: {b}"
print(f"task b's step found at commit 9: {b[0]['change']:+.1%}")
PY
# Each commit recorded as a variant of its own: warned about, from the second commit on.
for k in 1 2; do
  git checkout -q "${hashes[$k]}"
  flowbench run workflow.json --mode sequential --no-cache -q -o "$work/own/$k" --run-id r1 --variant "c$k" > /dev/null
  flowbench record "$work/own/$k" --db "$work/own.db" --commit "${hashes[$k]}" --branch main > /dev/null 2> "$work/own-$k.err" || true
done
grep -q 'each of 2 variants holds a single commit' "$work/own-2.err" || { echo "FAIL: no warning"; cat "$work/own-2.err"; exit 1; }
[[ ! -s "$work/own-1.err" ]] || { echo "FAIL: a warning at the first commit"; cat "$work/own-1.err"; exit 1; }
echo PASS
