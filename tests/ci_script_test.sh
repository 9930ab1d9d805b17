#!/usr/bin/env bash
# The CI action's script (tools/ci/ab-against-base.sh, which the GitHub composite action and
# the GitLab example run): a missing input is a clear message and exit 2; in a real git
# repository of a small Google Benchmark project whose last commit slows BM_Hash by 20%, it
# builds the base in a worktree and the change in place, runs `flowbench ab`, writes the
# verdicts and the Markdown summary, and leaves no worktree behind. The action and the
# examples are well-formed YAML.
#   ci_script_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
script=$src/tools/ci/ab-against-base.sh
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$src" <<'PY'
import sys, yaml, pathlib
root = pathlib.Path(sys.argv[1]) / "tools" / "ci"
action = yaml.safe_load((root / "github" / "action.yml").read_text())
assert {"budgets", "bench"} <= set(action["inputs"]) and action["runs"]["using"] == "composite", action
for f in ("github/example-workflow.yml", "gitlab/gitlab-ci.example.yml"):
    yaml.safe_load((root / f).read_text())
print("action.yml and the examples parse")
PY
cd "$work"
status=0
"$script" --bench build/x --flowbench "$bin/flowbench" > out.txt 2> err.txt || status=$?
[[ $status -eq 2 ]] && grep -q -- "--budgets (the action's input 'budgets') is missing; fix:" err.txt || { echo "FAIL: missing budgets: $status"; cat err.txt; exit 1; }
status=0
echo '{}' > b.json
"$script" --budgets b.json --flowbench "$bin/flowbench" > out.txt 2> err.txt || status=$?
[[ $status -eq 2 ]] && grep -q -- "--bench (the action's input 'bench') is missing" err.txt || { echo "FAIL: missing bench: $status"; cat err.txt; exit 1; }

mkdir repo && cd repo
git init -q -b main
git config user.email test@flowbench.invalid
git config user.name flowbench-test
cp "$src/fixtures/gbench-project/CMakeLists.txt" "$src/fixtures/gbench-project/bench.cc" .
cmake -S . -B build -G Ninja > /dev/null && cmake --build build > /dev/null
"$bin/flowbench" init --bench build/project_bench --quick -o budgets.json > /dev/null
printf 'build/\n.flowbench/\nflowbench-ab/\n' > .gitignore
git add -A && git commit -qm base
sed -i 's/set(HASH_EXTRA_PERCENT 0 CACHE/set(HASH_EXTRA_PERCENT 20 CACHE/' CMakeLists.txt
rm -rf build
git commit -qam "hash 20% more work"
status=0
"$script" --budgets budgets.json --bench build/project_bench --base HEAD~1 --flowbench "$bin/flowbench" \
  -- --max-reps 8 --max-time 40 > ab.txt 2>&1 || status=$?
tail -15 ab.txt
[[ $status -eq 1 || $status -eq 3 ]] || { echo "FAIL: expected exit 1 or 3, got $status"; exit 1; }
[[ -s flowbench-ab/summary.md && -s flowbench-ab/verdicts.json && -s flowbench-ab/verdicts.xml ]] || { echo "FAIL: verdict files"; exit 1; }
grep -q 'BM_Hash' flowbench-ab/summary.md || { echo "FAIL: summary"; exit 1; }
[[ $(git worktree list | wc -l) -eq 1 ]] || { echo "FAIL: a worktree was left behind"; git worktree list; exit 1; }
echo "PASS: the CI script built both trees and gated the change (exit $status)"
