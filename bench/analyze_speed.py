#!/usr/bin/env python3
"""Analysis speed on a 100,000-task run: `flowbench analyze` against the plan's own
analyze-profiles.py (fixtures/plan/), the two commands alternated in one run.

The run folder is built in flowbench's own format from a real run: a small workflow is
run with flowbench, and its profile is the template for every task (ids, names, times
and durations varied; durations log-normal; each task after one or two earlier tasks), so
each profile has the bytes a real one has. profiles/ holds a file per task (what the plan's
script reads), records.jsonl a line per task (what flowbench reads), run.json the graph.

Prints medians of wall time and peak RSS for both, their ratio, and checks the two
summaries agree on every key they share.
    bench/analyze_speed.py [--tasks 100000] [--reps 5] [--bin build/bin] [--workdir DIR] [--json FILE]
"""
import argparse
import copy
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLAN_SCRIPT = os.path.join(HERE, "..", "fixtures", "plan", "analyze-profiles.py")
SHARED_KEYS = ["total_duration_ms", "total_duration_min", "task_count", "slowest_task_id",
               "slowest_task_duration_min", "critical_path_tasks", "major_path_tasks"]


def template_run(work, flowbench):
    spec = {"schema": "flowbench.workflow/1", "name": "template",
            "tasks": [{"id": 1, "command": ["synth", "--duration-s", "0.01", "--ops", "parse=0.5"]}]}
    with open(os.path.join(work, "template.json"), "w") as f:
        json.dump(spec, f)
    subprocess.run([flowbench, "run", os.path.join(work, "template.json"), "-o", os.path.join(work, "t"),
                    "--run-id", "t", "-q"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(work, "t", "t", "run.json")) as f:
        run = json.load(f)
    with open(os.path.join(work, "t", "t", "profiles", "task-1-profile.json")) as f:
        return run, json.load(f)


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec="milliseconds")


def build_run(folder, n, run_template, profile_template):
    rng = random.Random(42)
    os.makedirs(os.path.join(folder, "profiles"))
    graph, clock, total = [], 1_790_000_000.0, 0.0
    with open(os.path.join(folder, "records.jsonl"), "w") as records:
        for i in range(1, n + 1):
            p = copy.deepcopy(profile_template)
            ms = round(rng.lognormvariate(4.0, 1.2), 3)
            p.update(task_id=i, name=f"task-{i}", duration_ms=ms, duration_sec=round(ms / 1000, 3),
                     start_time=iso(clock), end_time=iso(clock + ms / 1000), log_file=f"logs/task-{i}.log")
            clock += ms / 1000
            total += ms
            after = sorted({rng.randrange(1, i) for _ in range(rng.choice((1, 2)))}) if i > 1 else []
            graph.append({"id": i, "name": f"task-{i}", "after": after, "command": ["synth"]})
            text = json.dumps(p, indent=2)
            with open(os.path.join(folder, "profiles", f"task-{i}-profile.json"), "w") as f:
                f.write(text + "\n")
            records.write(json.dumps(p) + "\n")
    run = dict(run_template, run_id="r100k", task_count=n, graph=graph, workflow="synthetic-100k")
    run["totals"] = dict(run["totals"], makespan_ms=total, sum_duration_ms=total)
    with open(os.path.join(folder, "run.json"), "w") as f:
        json.dump(run, f)


def measure(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed: {err}")
    return wall, usage.ru_maxrss / 1024  # MiB


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "bin"))
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    flowbench = os.path.abspath(os.path.join(args.bin, "flowbench"))
    work = tempfile.mkdtemp(prefix="analyze-speed-", dir=args.workdir)
    try:
        run_template, profile_template = template_run(work, flowbench)
        folder = os.path.join(work, "r100k")
        print(f"building a {args.tasks}-task run folder in {folder} ...", flush=True)
        build_run(folder, args.tasks, run_template, profile_template)
        commands = {
            "plan script": [sys.executable, PLAN_SCRIPT, os.path.join(folder, "profiles")],
            "flowbench analyze": [flowbench, "analyze", folder],
        }
        samples = {name: [] for name in commands}
        for rep in range(args.reps):
            for name, argv in commands.items():
                samples[name].append(measure(argv))
            print(f"  rep {rep + 1}/{args.reps}: " + ", ".join(
                f"{name} {samples[name][-1][0]:.3f} s" for name in commands), flush=True)
        with open(os.path.join(folder, "profiles", "summary.json")) as f:
            plan = json.load(f)
        with open(os.path.join(folder, "summary.json")) as f:
            ours = json.load(f)
        differ = [k for k in SHARED_KEYS if plan[k] != ours[k] and not (
            isinstance(plan[k], float) and abs(plan[k] - ours[k]) <= 1e-9 * abs(plan[k]))]
        result = {"tasks": args.tasks, "reps": args.reps, "python": sys.version.split()[0]}
        for name in commands:
            result[name] = {"median_s": statistics.median(s[0] for s in samples[name]),
                            "median_peak_rss_mib": statistics.median(s[1] for s in samples[name])}
        ratio = result["plan script"]["median_s"] / result["flowbench analyze"]["median_s"]
        result["speedup"] = ratio
        result["summaries_agree"] = not differ
        for name in commands:
            print(f"{name:>18}: median {result[name]['median_s']:.3f} s, peak RSS {result[name]['median_peak_rss_mib']:.0f} MiB")
        print(f"flowbench analyze is {ratio:.1f}x faster; shared keys "
              + ("agree" if not differ else f"DIFFER: {differ}"))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=2)
        return 0 if not differ else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
