#!/usr/bin/env bash
# Gates a change's benchmarks against its base branch, both built and measured in this job:
# the base revision is checked out in a git worktree beside this one, each tree runs the build
# command, then `flowbench ab` measures the two benchmark binaries in rounds until decided and
# writes the verdicts (JSON, JUnit, a Markdown summary; appended to $GITHUB_STEP_SUMMARY when
# set). Used by tools/ci/github/action.yml and the GitLab example; runs anywhere.
#   ab-against-base.sh --budgets FILE --bench PATH [--base REV] [--build CMD] [--filter RE]
#                      [--out DIR] [--flowbench BIN] [-- MORE AB ARGUMENTS]
#   --bench PATH   the benchmark binary, relative to the repository (e.g. build/bench/my_bench)
#   --build CMD    how the repository builds it (run in each tree; default: cmake configure + build)
#   --base REV     the revision to compare against (default: origin/$GITHUB_BASE_REF, else origin/main)
# Exit: flowbench ab's (0 met, 1 a target failed, 3 undecided), 2 for a missing or bad input.
set -euo pipefail
budgets= bench= base= filter= out=flowbench-ab flowbench=${FLOWBENCH:-flowbench}
build='cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build'
extra=()
usage() { sed -n '2,14p' "$0"; }
while (($#)); do
  case $1 in
    --budgets) budgets=${2:-}; shift 2 ;;
    --bench) bench=${2:-}; shift 2 ;;
    --base) base=${2:-}; shift 2 ;;
    --build) build=${2:-}; shift 2 ;;
    --filter) filter=${2:-}; shift 2 ;;
    --out) out=${2:-}; shift 2 ;;
    --flowbench) flowbench=${2:-}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "ab-against-base: unknown argument $1; fix: see --help" >&2; exit 2 ;;
  esac
done
missing() { echo "ab-against-base: $1 is missing; fix: $2" >&2; exit 2; }
[[ -n $budgets ]] || missing "--budgets (the action's input 'budgets')" "give the budgets file, e.g. from flowbench init"
[[ -n $bench ]] || missing "--bench (the action's input 'bench')" "give the benchmark binary's path relative to the repository"
[[ -f $budgets ]] || { echo "ab-against-base: budgets file $budgets does not exist; fix: commit it, or run flowbench init" >&2; exit 2; }
command -v "$flowbench" > /dev/null || missing "flowbench on PATH" "install the flowbench package (apt-get install ./flowbench_*.deb) or give --flowbench"
git rev-parse --show-toplevel > /dev/null 2>&1 || { echo "ab-against-base: not in a git repository; fix: run from the checkout" >&2; exit 2; }
if [[ -z $base ]]; then
  base=origin/${GITHUB_BASE_REF:-main}
fi
git rev-parse --verify -q "$base^{commit}" > /dev/null || {
  echo "ab-against-base: the base revision $base is not in this clone; fix: fetch it (actions/checkout with fetch-depth: 0) or give --base" >&2
  exit 2
}
top=$(git rev-parse --show-toplevel)
mkdir -p "$out"
out=$(cd "$out" && pwd)
worktree="$out/base-tree"
cleanup() { git -C "$top" worktree remove --force "$worktree" > /dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
git -C "$top" worktree add --detach "$worktree" "$base" > /dev/null
echo "== building the base ($base) in $worktree"
(cd "$worktree" && bash -c "$build") > "$out/build-base.log" 2>&1 || { tail -30 "$out/build-base.log"; echo "ab-against-base: the base does not build; see $out/build-base.log" >&2; exit 2; }
echo "== building the change in $top"
(cd "$top" && bash -c "$build") > "$out/build-change.log" 2>&1 || { tail -30 "$out/build-change.log"; echo "ab-against-base: the change does not build; see $out/build-change.log" >&2; exit 2; }
for side in "$worktree/$bench" "$top/$bench"; do
  [[ -x $side ]] || { echo "ab-against-base: $side was not built; fix: check --bench against --build" >&2; exit 2; }
done
args=(ab --budgets "$budgets" --a-bench "$worktree/$bench" --b-bench "$top/$bench" --out "$out/rounds"
      --json "$out/verdicts.json" --junit "$out/verdicts.xml" --markdown "$out/summary.md")
[[ -n $filter ]] && args+=(--filter "$filter")
status=0
"$flowbench" "${args[@]}" "${extra[@]}" || status=$?
echo "ab-against-base: verdicts in $out (summary.md, verdicts.json, verdicts.xml), exit $status"
exit $status
