#!/usr/bin/env bash
# tools/plot.py draws every plot from real run folders (PNG files), and refuses a folder
# that is not a run with a message naming it.
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/spec.json" <<'JSON'
{"schema": "flowbench.workflow/1", "tasks": [
  {"id": 1, "command": ["synth", "--duration-s", "20"]},
  {"id": 2, "command": ["synth", "--duration-s", "30", "--ops", "parse=0.3,render=0.5"], "after": [1]},
  {"id": 3, "command": ["synth", "--duration-s", "10"], "after": [1]}]}
JSON
for i in 1 2; do
  "$bin/flowbench" run "$work/spec.json" --mode sequential --time-scale 0.001 --out "$work/runs" --run-id "s$i" -q
  "$bin/flowbench" run "$work/spec.json" --mode parallel --time-scale 0.001 --out "$work/runs" --run-id "p$i" -q
done
"$bin/flowbench" analyze "$work/runs/p1" > /dev/null
plot="$src/tools/plot.py"
"$plot" gantt "$work/runs/p1" -o "$work/gantt.png"
"$plot" bars --before "$work/runs/s1" "$work/runs/s2" --after "$work/runs/p1" "$work/runs/p2" -o "$work/bars.png"
"$plot" breakdown --variant "seq=$work/runs/s1" "par=$work/runs/p1,$work/runs/p2" --task 2 -o "$work/breakdown.png"
"$plot" distribution --variant "seq=$work/runs/s1,$work/runs/s2" "par=$work/runs/p1,$work/runs/p2" -o "$work/dist.png"
"$bin/flowbench" record "$work/runs" --db "$work/h.db" --commit c1 --branch main --commit-time 1700000000 --clean > /dev/null
"$bin/flowbench" history show makespan --db "$work/h.db" --json "$work/makespan.json" > /dev/null
"$plot" trend "$work/makespan.json" -o "$work/trend.png"
if "$plot" trend "$work/spec.json" -o "$work/y.png" 2> "$work/err2.txt"; then echo "a spec was drawn as a trend"; exit 1; fi
grep -q "not a metric history" "$work/err2.txt"
for png in gantt bars breakdown dist trend; do
  head -c 8 "$work/$png.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "$png.png is not a PNG"; exit 1; }
done
if "$plot" gantt "$work" -o "$work/x.png" 2> "$work/err.txt"; then echo "a non-run folder was accepted"; exit 1; fi
grep -q "give a run folder" "$work/err.txt"
[ ! -e "$work/x.png" ]
echo "5 plots drawn; a bad folder and a bad trend refused"
