#!/usr/bin/env bash
# ctest -L fuzz: one libFuzzer target for a bounded time. First every stored regression input
# (what earlier fuzzing found) must pass, then the target fuzzes from a seed corpus of the
# project's own files. A finding fails the test and is kept in FLOWBENCH_FUZZ_OUT (default
# build-fuzz/findings) to become a regression input.
#   run_fuzzer.sh TARGET SECONDS REGRESSION_DIR SEED_FILE...
set -euo pipefail
target=$1 seconds=$2 regressions=$3
shift 3
name=$(basename "$target")
work=$(mktemp -d)
FLOWBENCH_FUZZ_SCRATCH=$(mktemp -d /dev/shm/flowbench-fuzz.XXXXXX 2>/dev/null || mktemp -d)
export FLOWBENCH_FUZZ_SCRATCH
trap 'rm -rf "$work" "$FLOWBENCH_FUZZ_SCRATCH"' EXIT
findings=${FLOWBENCH_FUZZ_OUT:-$(dirname "$(dirname "$target")")/findings}
mkdir -p "$work/corpus" "$findings"

if [[ -d $regressions ]] && compgen -G "$regressions/*" > /dev/null; then
  "$target" -runs=0 "$regressions"/* > "$work/regressions.log" 2>&1 || {
    tail -30 "$work/regressions.log"; echo "FAIL: $name: a stored regression input fails again"; exit 1; }
  echo "$name: $(ls "$regressions" | wc -l) regression inputs pass"
fi
n=0
for seed in "$@"; do
  [[ -f $seed ]] && cp "$seed" "$work/corpus/seed-$((n++))-$(basename "$seed")"
done

status=0
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" > "$work/fuzz.log" 2>&1 || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
if ((status != 0)); then
  tail -40 "$work/fuzz.log"
  for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [[ -f $artifact ]] || continue
    cp "$artifact" "$findings/$name-$(basename "$artifact")"
    echo "finding kept: $findings/$name-$(basename "$artifact")"
  done
  echo "FAIL: $name found a problem after ${runs:-?} executions (exit $status)"
  exit 1
fi
echo "$name: ${runs:-?} executions in ${seconds} s from $n seeds, nothing found"
