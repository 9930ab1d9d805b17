#!/usr/bin/env bash
# A real failing `flowbench ab` (one synth task twice as slow in the candidate, a makespan
# target that can never be met) writes its Markdown summary, also appended to
# $GITHUB_STEP_SUMMARY as a GitHub job would read it; GitHub's own Markdown dialect (cmark-gfm
# with the table extension) renders it: the verdicts come out as a table, the failing target in
# its first row; what passed is one line. Rounds until decided (at most 9): a machine too loaded
# to decide even that (once, under the sanitizers, 3 fixed rounds of a 30% slowdown were not
# enough) gives exit 3, and the table must then open with the undecided rows.
#   markdown_summary_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
command -v cmark-gfm > /dev/null || { echo "cmark-gfm is missing: tools/setup installs it"; exit 1; }
cp "$src/fixtures/ab/workflow.json" "$work/a.json"
python3 - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for task in spec["tasks"]:
    if task["id"] == 2:
        task["command"] += ["--slowdown", "2.0"]
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
cat > "$work/budgets.json" <<'JSON'
{"schema": "flowbench.budgets/1", "name": "md",
 "targets": [
   {"name": "task-*-no-regression", "variant": "sequential", "metric": "task:*",
    "regression": {"alpha": 0.05, "min_reps": 3, "min_effect": 0.1}},
   {"name": "makespan-no-regression-of-0.01%", "variant": "sequential", "metric": "makespan",
    "regression": {"alpha": 0.05, "min_reps": 3, "min_effect": 0.0001}}]}
JSON
status=0
GITHUB_STEP_SUMMARY="$work/step-summary.md" "$bin/flowbench" ab --budgets "$work/budgets.json" "$work/a.json" "$work/b.json" \
  --reps auto --max-reps 9 --look-every 3 --max-time 3m --out "$work/ab" --junit "$work/ab.xml" --markdown "$work/summary.md" > "$work/gate.txt" || status=$?
cat "$work/summary.md"
[[ $status -eq 1 || $status -eq 3 ]] || { echo "FAIL: expected the ab to fail (exit 1, or 3 undecided), got $status"; cat "$work/gate.txt"; exit 1; }
cmp "$work/summary.md" "$work/step-summary.md" || { echo "FAIL: the job summary differs from --markdown"; exit 1; }
cmark-gfm -e table "$work/summary.md" > "$work/summary.html"
python3 - "$work/summary.html" "$status" <<'PY'
import html.parser, sys
class Rows(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.rows, self.cell, self.in_body = 0, [], None, False
    def handle_starttag(self, tag, attrs):
        if tag == "table": self.tables += 1
        if tag == "tbody": self.in_body = True
        if tag == "tr" and self.in_body: self.rows.append([])
        if tag == "td": self.cell = ""
    def handle_endtag(self, tag):
        if tag == "td" and self.rows: self.rows[-1].append(self.cell); self.cell = None
        if tag == "tbody": self.in_body = False
    def handle_data(self, data):
        if self.cell is not None: self.cell += data
page = open(sys.argv[1]).read()
parser = Rows()
parser.feed(page)
assert parser.tables == 1, f"expected one table, found {parser.tables}:\n{page}"
rows = parser.rows
assert rows and len(rows[0]) == 6, rows
if sys.argv[2] == "1":
    assert rows[0][0] == "regressed" and rows[0][1] == "task-2-no-regression", rows
    assert "+" in rows[0][3] and "%" in rows[0][3], rows[0]
else:
    print("undecided on this machine within 9 rounds: the table opens with what is undecided")
    assert rows[0][0] == "undecided", rows
assert all(r[0] != "met" for r in rows), rows
assert "Met (" in page and "task-1-no-regression" in page, page
print(f"rendered by cmark-gfm: one table, {len(rows)} rows, the failing target first: {rows[0][1]} {rows[0][3]}")
PY
