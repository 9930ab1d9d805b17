#!/usr/bin/env python3
"""Per-task overhead of `--executor slurm` against the local executor, on the same specs,
runs alternated (local, slurm, local, ...) so that drift on the machine hits both alike.

Measured from the profiles the runs write (the jobs' own clocks, not Slurm's seconds):
  submit-to-start   tasks with nothing to wait for: handed to the executor -> started
                    (Slurm: the job's queue_wait_ms; local: 0 by construction, the
                    profile's start is taken when the process is spawned)
  end-to-dependent  a task's start minus the latest end of its dependencies
  makespan          first start to last end of the tasks
  run wall          flowbench's own wall time of the run (submission and queue wait included)
Timestamps in profiles have millisecond resolution: a local 0.0 ms means under 1 ms.

Specs: a chain of short tasks (every edge is pure executor latency: nothing else competes
for the CPUs) and the reference workflow fixtures/k1n/workflow.json at --time-scale 0.001.
Needs a cluster: tools/slurm-local up (or up --nodes 3: then "crossing" is the end-to-dependent
latency of the edges whose two tasks ran on different nodes, and "nodes" the nodes used).

  bench/slurm_overhead.py [--reps 5] [--chain 10] [--jobs 2] [--bin build/bin] [--workdir DIR] [--json OUT]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path


def when(text):
    return datetime.fromisoformat(text).timestamp()


def run(flowbench, spec, executor, out, run_id, scale, jobs):
    cmd = [str(flowbench), "run", str(spec), "--executor", executor, "--no-cache", "-j", str(jobs),
           "--time-scale", str(scale), "--out", str(out), "--run-id", run_id, "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"slurm_overhead: {' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return out / run_id


def measure(folder):
    run = json.loads((folder / "run.json").read_text())
    profiles = {}
    for path in (folder / "profiles").glob("*.json"):
        p = json.loads(path.read_text())
        profiles[str(p["task_id"])] = p
    roots, edges, crossing = [], [], []
    where = lambda p: (p.get("executor") or {}).get("node")
    for node in run["graph"]:
        p = profiles[str(node["id"])]
        deps = [str(d) for d in node.get("after", [])]
        if deps:
            last = max(deps, key=lambda d: when(profiles[d]["end_time"]))
            edges.append(when(p["start_time"]) - when(profiles[last]["end_time"]))
            if where(p) and where(profiles[last]) and where(p) != where(profiles[last]):
                crossing.append(edges[-1])
        else:
            roots.append((p.get("queue_wait_ms") or 0.0) / 1000.0)
    starts = [when(p["start_time"]) for p in profiles.values()]
    ends = [when(p["end_time"]) for p in profiles.values()]
    return {"roots": roots, "edges": edges, "crossing": crossing, "span": max(ends) - min(starts),
            "nodes": sorted({where(p) for p in profiles.values() if where(p)}),
            "wall": run["totals"]["makespan_ms"] / 1000.0}


def chain_spec(path, length):
    tasks = [{"id": 1, "command": ["sleep", "0.05"]}]
    for i in range(2, length + 1):
        tasks.append({"id": i, "command": ["sleep", "0.05"], "after": [i - 1]})
    path.write_text(json.dumps({"schema": "flowbench.workflow/1", "name": "chain", "tasks": tasks}))


def med(values):
    return statistics.median(values) if values else float("nan")


def main():
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--chain", type=int, default=10, help="tasks in the chain spec")
    parser.add_argument("--bin", type=Path, default=here / "build" / "bin")
    parser.add_argument("--jobs", type=int, default=2, help="-j of every run")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    flowbench = args.bin / "flowbench"
    work = Path(tempfile.mkdtemp(prefix="slurm-overhead-", dir=args.workdir))
    chain = work / "chain.json"
    chain_spec(chain, args.chain)
    specs = {"chain": (chain, 1.0), "reference": (here / "fixtures" / "k1n" / "workflow.json", 0.001)}
    figures = {}
    for name, (spec, scale) in specs.items():
        samples = {"local": [], "slurm": []}
        for rep in range(args.reps):
            for executor in ("local", "slurm"):
                folder = run(flowbench, spec, executor, work / "runs", f"{name}-{executor}-{rep}", scale, args.jobs)
                samples[executor].append(measure(folder))
                print(f"  {name} {executor} rep {rep + 1}/{args.reps}: span {samples[executor][-1]['span']:.3f} s",
                      file=sys.stderr)
        figures[name] = {}
        for executor, runs in samples.items():
            figures[name][executor] = {
                "submit_to_start_ms": 1000 * med([x for r in runs for x in r["roots"]]),
                "end_to_dependent_start_ms": 1000 * med([x for r in runs for x in r["edges"]]),
                "end_to_dependent_start_max_ms": 1000 * max(x for r in runs for x in r["edges"]),
                "makespan_s": med([r["span"] for r in runs]),
                "run_wall_s": med([r["wall"] for r in runs]),
                "makespan_runs_s": [round(r["span"], 3) for r in runs],
                "edges": sum(len(r["edges"]) for r in runs),
                "crossing_edges": sum(len(r["crossing"]) for r in runs),
                "crossing_end_to_dependent_start_ms":
                    1000 * med([x for r in runs for x in r["crossing"]]) if any(r["crossing"] for r in runs) else None,
                "nodes": sorted({n for r in runs for n in r["nodes"]}),
            }
    print(f"{'spec':10} {'executor':8} {'submit->start':>14} {'end->dependent':>15} {'(max)':>9} {'makespan':>10}"
          f" {'run wall':>10}")
    for name, by in figures.items():
        for executor, f in by.items():
            print(f"{name:10} {executor:8} {f['submit_to_start_ms']:11.1f} ms {f['end_to_dependent_start_ms']:12.1f} ms "
                  f"{f['end_to_dependent_start_max_ms']:6.0f} ms {f['makespan_s']:8.3f} s {f['run_wall_s']:8.3f} s")
        s = by["slurm"]
        if s["crossing_end_to_dependent_start_ms"] is not None:
            print(f"{name:10} slurm on nodes {', '.join(s['nodes'])}: {s['crossing_edges']} edges crossed nodes, "
                  f"end->dependent {s['crossing_end_to_dependent_start_ms']:.1f} ms (median)")
        ratio = by["slurm"]["makespan_s"] / by["local"]["makespan_s"]
        print(f"{name:10} slurm/local makespan: {ratio:.3f}  (medians of {args.reps} runs each; "
              f"{by['slurm']['edges']} dependency edges per executor)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"runs kept in {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
