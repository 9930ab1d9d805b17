#!/usr/bin/env python3
"""Scheduler overhead: 1,000 no-op tasks (/bin/true), in a chain and in a wide graph.

Compares, in one run with the commands alternated every repetition (so machine drift
hits all of them alike):
  - flowbench run (profiles, logs, records.jsonl, trace written: its real cost)
  - ninja on an equivalent build.ninja (-j1 for the chain, -j2 for the wide graph)
  - a plain posix_spawn + waitpid loop (build/bin/spawn_loop), the floor

Prints medians of wall time and the ratios, and writes them as JSON with --json.
    bench/scheduler_overhead.py [--tasks 1000] [--reps 7] [--bin build/bin] [--json FILE]
                                [--workdir DIR]

--workdir chooses the filesystem the run folders go to (default: the system temp
folder). flowbench creates two files per task (log, profile); ninja and the spawn loop
create none, so on a disk where file creation is slow, compare a tmpfs (/dev/shm) too.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def write_specs(work, n):
    chain = {"schema": "flowbench.workflow/1", "name": "chain", "tasks": []}
    wide = {"schema": "flowbench.workflow/1", "name": "wide", "tasks": []}
    for i in range(n):
        task = {"id": i, "command": ["/bin/true"]}
        wide["tasks"].append(dict(task))
        if i:
            task["after"] = [i - 1]
        chain["tasks"].append(task)
    for name, spec in (("chain", chain), ("wide", wide)):
        with open(os.path.join(work, f"{name}.json"), "w") as f:
            json.dump(spec, f)
    for name in ("chain", "wide"):
        lines = ["rule run", "  command = /bin/true", ""]
        for i in range(n):
            dep = f" t{i - 1}" if name == "chain" and i else ""
            lines.append(f"build t{i}: run{dep}")
        lines.append("default " + " ".join(f"t{i}" for i in range(n)))
        with open(os.path.join(work, f"{name}.ninja"), "w") as f:
            f.write("\n".join(lines) + "\n")


def timed(cmd, cwd, before=None):
    if before:
        before()
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr.decode()}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin"))
    parser.add_argument("--json", help="write the medians and ratios here")
    parser.add_argument("--workdir", help="folder (and so filesystem) for the run folders")
    args = parser.parse_args()
    if args.reps < 5:
        sys.exit("--reps: use at least 5 repetitions so a median means something")
    flowbench = os.path.abspath(os.path.join(args.bin, "flowbench"))
    spawn_loop = os.path.abspath(os.path.join(args.bin, "spawn_loop"))
    ninja = shutil.which("ninja")
    for path in (flowbench, spawn_loop):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} not found: build first (cmake --build --preset release)")
    if not ninja:
        sys.exit("ninja not found: apt-get install ninja-build")

    work = tempfile.mkdtemp(prefix="flowbench-overhead-", dir=args.workdir)
    try:
        write_specs(work, args.tasks)
        # Each flowbench run writes a fresh run folder; nothing is deleted between timed
        # runs (on a disk mounted with discard, deleting thousands of files slows the
        # next command's file creation, whichever command that is).
        runs = os.path.join(work, "runs")

        def clean_ninja():
            for f in (".ninja_log", ".ninja_deps"):
                if os.path.exists(os.path.join(work, f)):
                    os.remove(os.path.join(work, f))

        n = str(args.tasks)
        commands = {
            "chain/flowbench -j1": ([flowbench, "run", "chain.json", "--mode", "sequential", "-q", "--out", runs], None),
            "chain/ninja -j1": ([ninja, "-j1", "-f", "chain.ninja"], clean_ninja),
            "chain/posix_spawn loop": ([spawn_loop, n, "/bin/true"], None),
            "wide/flowbench -j2": ([flowbench, "run", "wide.json", "--mode", "parallel", "-j", "2", "-q", "--out", runs], None),
            "wide/ninja -j2": ([ninja, "-j2", "-f", "wide.ninja"], clean_ninja),
        }
        samples = {name: [] for name in commands}
        for rep in range(args.reps):
            for name, (cmd, before) in commands.items():
                samples[name].append(timed(cmd, work, before))
            print(f"repetition {rep + 1}/{args.reps} done", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {
        "chain: flowbench / ninja -j1": medians["chain/flowbench -j1"] / medians["chain/ninja -j1"],
        "chain: flowbench / posix_spawn loop": medians["chain/flowbench -j1"] / medians["chain/posix_spawn loop"],
        "wide: flowbench -j2 / ninja -j2": medians["wide/flowbench -j2"] / medians["wide/ninja -j2"],
    }
    print(f"\n{args.tasks} no-op tasks, {args.reps} alternated repetitions, in {args.workdir or tempfile.gettempdir()}, medians:")
    for name, value in medians.items():
        spread = max(samples[name]) - min(samples[name])
        print(f"  {name:26s} {value:7.3f} s   (min-max spread {spread:.3f} s; {value / args.tasks * 1e3:.3f} ms/task)")
    for name, value in ratios.items():
        print(f"  {name:38s} {value:5.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"tasks": args.tasks, "reps": args.reps, "workdir": args.workdir or tempfile.gettempdir(), "samples_s": samples,
                       "medians_s": medians, "ratios": ratios}, f, indent=2)


if __name__ == "__main__":
    main()
