#!/usr/bin/env bash
# `flowbench export --format junit` of a real run with a failure is JUnit that an XML
# parser (as CI systems use) reads, with the counts of the run.
set -euo pipefail
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/spec.json" <<'JSON'
{"schema": "flowbench.workflow/1", "tasks": [
  {"id": "build", "command": ["synth", "--duration-s", "0"]},
  {"id": "test", "command": ["synth", "--duration-s", "0", "--exit-code", "4"], "after": ["build"]},
  {"id": "ship", "command": ["synth", "--duration-s", "0"], "after": ["test"]}]}
JSON
"$bin/flowbench" run "$work/spec.json" --out "$work/runs" --run-id r -q || [ $? -eq 1 ]
"$bin/flowbench" export "$work/runs/r" --format junit -o "$work/junit.xml"
"$bin/flowbench" export "$work/runs/r" --format gbench -o "$work/gbench.json"
python3 - "$work/junit.xml" "$work/gbench.json" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert [c.get("name") for c in cases] == ["build build", "test test", "ship ship"], [c.get("name") for c in cases]
assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("skipped") == "1", suite.attrib
assert cases[1].find("failure").get("message") == "exit code 4"
assert cases[2].find("skipped") is not None
for c in cases:
    float(c.get("time"))
bench = json.load(open(sys.argv[2]))
assert {b["name"] for b in bench["benchmarks"]} == {"BM_Task/build-build"}, bench["benchmarks"]
print("junit: 3 testcases, 1 failure, 1 skipped; gbench: 1 benchmark")
PY
