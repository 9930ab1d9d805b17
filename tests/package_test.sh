#!/usr/bin/env bash
# ctest -L package: the Debian package. CPack builds it from this build; `apt-get install
# ./flowbench_*.deb` installs it (its dependencies resolved by apt); then, with no build tree on
# PATH: flowbench --version and ab --help, the man page and the bash completion, a workflow
# whose handler is found by name in libexec/flowbench, flowbench-plot, and `flowbench init` and
# `flowbench ab` of two builds of a small Google Benchmark project. The package is removed
# afterwards unless it was installed before. Needs root (apt-get): skipped (exit 77) otherwise.
#   package_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
build=$(cd "$bin/.." && pwd)
if [[ $(id -u) -ne 0 ]]; then
  echo "package test skipped: apt-get install needs root"
  exit 77
fi
work=$(mktemp -d)
installed_before=0
dpkg-query -W -f='${Status}' flowbench 2>/dev/null | grep -q "install ok installed" && installed_before=1
cleanup() {
  ((installed_before)) || apt-get remove -y -qq flowbench > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" > "$work/cpack.log" || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/flowbench_*.deb)
echo "built $(basename "$deb")"
dpkg-deb -f "$deb" Depends Recommends
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
case ":$PATH:" in *":$bin:"*) echo "FAIL: the build tree is on PATH"; exit 1 ;; esac
[[ $(command -v flowbench) == /usr/bin/flowbench ]] || { echo "FAIL: flowbench is $(command -v flowbench)"; exit 1; }
flowbench --version
flowbench ab --help | grep -q -- '--max-reps' || { echo "FAIL: ab --help"; exit 1; }
[[ -x /usr/libexec/flowbench/synth && -x /usr/libexec/flowbench/codegen ]] || { echo "FAIL: handlers not in libexec"; exit 1; }
[[ ! -e /usr/bin/synth ]] || { echo "FAIL: a handler landed on PATH"; exit 1; }
grep -q '^.SS "flowbench ab"' /usr/share/man/man1/flowbench.1 || { echo "FAIL: man page"; exit 1; }
bash -c 'source /usr/share/bash-completion/completions/flowbench; COMP_WORDS=(flowbench ab --max); COMP_CWORD=2;
         _flowbench; [[ " ${COMPREPLY[*]} " == *" --max-reps "* ]]' || { echo "FAIL: bash completion"; exit 1; }
[[ -f /usr/share/doc/flowbench/uPlot-LICENSE ]] || { echo "FAIL: uPlot's license"; exit 1; }
flowbench-plot --help > /dev/null || { echo "FAIL: flowbench-plot"; exit 1; }

cd "$work"
printf '%s\n' '{"schema": "flowbench.workflow/1", "name": "installed", "tasks": [' \
  '{"id": "a", "command": ["synth", "--duration-s", "0.05"]}, {"id": "b", "command": ["synth", "--duration-s", "0.05"], "after": ["a"]}]}' \
  > spec.json
flowbench run spec.json -q -o runs --run-id r > /dev/null
flowbench analyze runs/r > /dev/null

for build_of in base:0 slowed:20; do
  name=${build_of%%:*} extra=${build_of##*:}
  cmake -S "$src/fixtures/gbench-project" -B "$name" -G Ninja -DHASH_EXTRA_PERCENT="$extra" > "$name.log"
  cmake --build "$name" >> "$name.log"
done
flowbench init --bench base/project_bench --quick -o budgets.json
status=0
flowbench ab --budgets budgets.json --a-bench base/project_bench --b-bench slowed/project_bench --max-reps 10 \
  --max-time 40 --out ab --markdown summary.md > gate.txt || status=$?
cat gate.txt
[[ $status -eq 1 || $status -eq 3 ]] || { echo "FAIL: ab from the installed package exited $status"; exit 1; }
grep -q 'BM_Hash' summary.md || { echo "FAIL: no summary"; exit 1; }
echo "PASS: the installed package ran ab of two builds (exit $status)"
