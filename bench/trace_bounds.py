#!/usr/bin/env python3
"""Real workflow traces replayed through flowbench, against the two makespan lower bounds.

Each WfFormat trace is imported (`flowbench import wfformat`: a synth task per task, its
recorded runtime as its work), run at -j P with a time scale that makes the whole replay take
about --seconds, and analysed; the table gives each run's makespan against
max(critical path, work / P) (the simple bound) and against the tight bound (heads and tails
counted too, analyze/bounds.h), both computed from the run's own measured durations.

  bench/trace_bounds.py [--bin build/bin] [--jobs 4] [--seconds 10] TRACE.json ...
  (default: the traces in fixtures/wfinstances)
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("traces", nargs="*", type=pathlib.Path)
    parser.add_argument("--bin", type=pathlib.Path, default=HERE / "build" / "bin")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="about how long each replay takes")
    parser.add_argument("--json", type=pathlib.Path, help="also write the rows here")
    args = parser.parse_args()
    traces = args.traces or sorted((HERE / "fixtures" / "wfinstances").glob("*.json"))
    flowbench = str(args.bin / "flowbench")
    rows = []
    print(f"{'trace':52} {'tasks':>6} {'makespan/simple':>16} {'makespan/tight':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for trace in traces:
            tasks = json.loads(trace.read_text())["workflow"]["execution"]["tasks"]
            total = sum(t.get("runtimeInSeconds", 0) for t in tasks)
            scale = args.seconds * args.jobs / total if total > 0 else 1
            spec = work / (trace.stem + ".flowbench.json")
            run = lambda *a: subprocess.run([flowbench, *map(str, a)], check=True, capture_output=True, text=True)
            run("import", "wfformat", trace, "-o", spec)
            run("run", spec, "--time-scale", scale, "-j", args.jobs, "-o", work / "runs", "--run-id", trace.stem, "-q")
            run("analyze", work / "runs" / trace.stem, "--workers", args.jobs)
            summary = json.loads((work / "runs" / trace.stem / "summary.json").read_text())
            simple = summary["makespan_vs_bound"]["excess"] + 1
            tight = summary["makespan_vs_tight_bound"]["excess"] + 1
            rows.append({"trace": trace.name, "tasks": len(tasks), "jobs": args.jobs, "time_scale": scale,
                         "makespan_ms": summary["makespan_ms"], "simple_ratio": simple, "tight_ratio": tight})
            print(f"{trace.name:52} {len(tasks):>6} {simple:>15.3f}x {tight:>14.3f}x", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
