#!/usr/bin/env bash
# ctest -L perf: five minutes to a gate of your own benchmarks. A small C++ project with Google
# Benchmark (fixtures/gbench-project) is built twice, the second with BM_Hash doing 20% more
# work; `flowbench init` writes a budgets file from a short calibration of the first build;
# `flowbench ab` of the two builds names BM_Hash and flags nothing else. What ab cannot decide
# within the time given (a benchmark moved by the other build's code layout, a noisy machine)
# is "undecided": accepted, never a pass of BM_Hash nor a flag on another benchmark.
#   gbench_project_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
flowbench=${FLOWBENCH:-$bin/flowbench}
# Google Benchmark reads its flags from the environment too: 0.1 s per benchmark instead of the
# default 0.5 s makes each run of the project's binary 0.7 s instead of 3.6 s. The change of
# BM_Hash (+20%) stays far above that noise.
export BENCHMARK_MIN_TIME=${BENCHMARK_MIN_TIME:-0.1}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for build in base:0 slowed:20; do
  name=${build%%:*} extra=${build##*:}
  cmake -S "$src/fixtures/gbench-project" -B "$work/$name" -G Ninja -DHASH_EXTRA_PERCENT="$extra" > "$work/$name.log"
  cmake --build "$work/$name" >> "$work/$name.log"
done
cd "$work"
"$flowbench" init --bench base/project_bench --reps 4 -o budgets.json --out init
status=0
"$flowbench" ab --budgets budgets.json --a-bench base/project_bench --b-bench slowed/project_bench \
  --max-time 40 --out ab --json verdicts.json > gate.txt || status=$?
cat gate.txt
[[ $status -eq 1 || $status -eq 3 ]] || { echo "FAIL: expected exit 1 (BM_Hash flagged) or 3, got $status"; exit 1; }
python3 - verdicts.json "$status" <<'PY'
import json, sys
verdicts = {v["target"]: v for v in json.load(open(sys.argv[1]))}
status = int(sys.argv[2])
hash_ = verdicts["BM_Hash-1024-no-regression"]
flagged = sorted(t for t, v in verdicts.items() if v["verdict"] not in ("met", "undecided"))
if status == 1:
    assert flagged == ["BM_Hash-1024-no-regression"], f"flagged: {flagged}"
    change = hash_["regression"]["change"]
    assert 0.10 < change < 0.30, f"BM_Hash changed by {change:+.1%}"
    print(f"BM_Hash named ({change:+.1%}); the rest: " +
          ", ".join(f"{t} {v['verdict']}" for t, v in verdicts.items() if t != "BM_Hash-1024-no-regression"))
else:
    assert not flagged and hash_["verdict"] == "undecided", verdicts
    print("undecided within the time given on this machine: no pass, no false alarm")
PY
