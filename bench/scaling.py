#!/usr/bin/env python3
"""Scaling: flowbench runs of 1,000 to 100,000 no-op tasks (/bin/true), in a chain (-j1) and
a wide graph (-j2), in both run-folder layouts, against ninja on the same graphs and a plain
posix_spawn + waitpid loop (build/bin/spawn_loop, the floor).

Each size runs every command once a repetition, alternated (machine drift hits all alike);
sizes under 10,000 tasks get five times the repetitions (their runs last a second or less).
For each command: median wall time, time per task, peak RSS (GNU time's maximum resident set size), and
for flowbench the growth of peak RSS per task above the smallest size. A command that crashes
(ninja's recursion overflows its stack on a 50,000-deep chain) is reported as a crash with
its signal, not left out.

Targets (issue 15): peak RSS of the largest run at most 1 KiB per task above the smallest
run's; time per task at the largest size within 1.15x of the smallest's, chain and wide, both
layouts. The script prints each check and exits 1 when one fails.

    bench/scaling.py [--sizes 1000,10000,100000] [--reps 3] [--bin build/bin] [--workdir /dev/shm]
                     [--json FILE]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scheduler_overhead  # noqa: E402  (its graph writer)

LAYOUTS = {"per-task": [], "compact": ["--profiles", "records", "--logs", "combined"]}
GNU_TIME = "/usr/bin/time"  # Debian package `time`


def write_graphs(work, n):
    """chain.json, wide.json and the same graphs as chain.ninja, wide.ninja."""
    scheduler_overhead.write_specs(work, n)


def measure(argv, cwd):
    """Wall seconds, peak RSS in KiB, and how it ended ("ok", "failed: exit N", "crashed: signal NAME").

    Peak RSS comes from GNU time, not from this process's wait4(): a child started by a large
    Python process (vfork, then exec) inherits the parent's high-water mark, which would floor
    every figure at this script's own size (the 100,000-task graphs it writes)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        proc = subprocess.run([GNU_TIME, "-f", "%M %x", "-o", rss.name, *argv], cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        words = rss.read().split()
    # GNU time writes "Command terminated by signal N" first when the command was killed.
    if proc.returncode != 0 and "signal" in words:
        ended = f"crashed: signal {signal.Signals(int(words[words.index('signal') + 1])).name}"
        return wall, 0, ended
    peak_kib, code = int(words[-2]), int(words[-1])
    return wall, peak_kib, "ok" if code == 0 else f"failed: exit {code}"


def commands_for(work, n, bins):
    flowbench, spawn_loop, ninja = bins
    runs = os.path.join(work, "runs")
    out = {}
    for shape, mode in (("chain", ["--mode", "sequential"]), ("wide", ["--mode", "parallel", "-j", "2"])):
        for layout, flags in LAYOUTS.items():
            out[(shape, f"flowbench {layout}")] = [flowbench, "run", f"{shape}.json", *mode, "--no-cache", "-q",
                                                   "--out", runs, *flags]
        out[(shape, "ninja")] = [ninja, "-j1" if shape == "chain" else "-j2", "-f", f"{shape}.ninja"]
    out[("chain", "posix_spawn loop")] = [spawn_loop, str(n), "/bin/true"]
    return out


def run_size(n, reps, bins, workdir):
    work = tempfile.mkdtemp(prefix=f"flowbench-scaling-{n}-", dir=workdir)
    try:
        write_graphs(work, n)
        commands = commands_for(work, n, bins)
        samples = {key: [] for key in commands}
        for rep in range(reps):
            for key, argv in commands.items():
                for leftover in (".ninja_log", ".ninja_deps"):
                    if os.path.exists(os.path.join(work, leftover)):
                        os.remove(os.path.join(work, leftover))
                samples[key].append(measure(argv, work))
                shutil.rmtree(os.path.join(work, "runs"), ignore_errors=True)
            print(f"  {n} tasks: repetition {rep + 1}/{reps} done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = {}
    for key, values in samples.items():
        ended = [v[2] for v in values if v[2] != "ok"]
        rows[key] = {"median_s": statistics.median(v[0] for v in values),
                     "peak_rss_kib": statistics.median(v[1] for v in values),
                     "ended": ended[0] if ended else "ok"}
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--reps", type=int, default=3, help="repetitions a size (five times as many under 10,000 tasks)")
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "bin"))
    ap.add_argument("--workdir", default=None, help="where the run folders go (a tmpfs such as /dev/shm is fair to all)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if len(sizes) < 2:
        sys.exit("--sizes: give at least two sizes, e.g. 1000,100000")
    bins = (os.path.abspath(os.path.join(args.bin, "flowbench")), os.path.abspath(os.path.join(args.bin, "spawn_loop")),
            shutil.which("ninja"))
    if not all(bins) or not all(os.access(b, os.X_OK) for b in bins):
        sys.exit("needs build/bin/flowbench, build/bin/spawn_loop (cmake --build --preset release) and ninja")
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"needs GNU time at {GNU_TIME} for peak RSS: apt-get install time")

    # A run of under 10,000 tasks lasts a second or less: its median is steadier from more runs.
    reps = {n: args.reps * (5 if n < 10000 else 1) for n in sizes}
    table = {n: run_size(n, reps[n], bins, args.workdir) for n in sizes}
    print(f"\nalternated repetitions ({', '.join(f'{n:,} tasks: {reps[n]}' for n in sizes)}), medians, "
          f"run folders in {args.workdir or tempfile.gettempdir()}")
    print("| tasks | graph | command | wall s | ms/task | peak RSS MiB | RSS KiB/task above the smallest |")
    print("|---|---|---|---|---|---|---|")
    smallest = table[sizes[0]]
    for n in sizes:
        for (shape, name), row in sorted(table[n].items()):
            if row["ended"] != "ok":
                print(f"| {n:,} | {shape} | {name} | {row['ended']} | | | |")
                continue
            growth = (row["peak_rss_kib"] - smallest[(shape, name)]["peak_rss_kib"]) / (n - sizes[0]) if n > sizes[0] else 0
            print(f"| {n:,} | {shape} | {name} | {row['median_s']:.2f} | {row['median_s'] / n * 1e3:.3f} | "
                  f"{row['peak_rss_kib'] / 1024:.1f} | {growth:.2f} |")
    failed = False
    largest = table[sizes[-1]]
    for (shape, name), row in sorted(largest.items()):
        if not name.startswith("flowbench"):
            continue
        small = smallest[(shape, name)]
        if row["ended"] != "ok" or small["ended"] != "ok":
            print(f"FAIL {shape} {name}: {row['ended']} / {small['ended']}")
            failed = True
            continue
        growth = (row["peak_rss_kib"] - small["peak_rss_kib"]) / (sizes[-1] - sizes[0])
        time_ratio = (row["median_s"] / sizes[-1]) / (small["median_s"] / sizes[0])
        ok = growth <= 1.0 and time_ratio <= 1.15
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {shape} {name}: RSS +{growth:.2f} KiB/task (target <= 1), "
              f"time/task {time_ratio:.2f}x the {sizes[0]:,}-task run's (target <= 1.15)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"reps": args.reps, "sizes": sizes,
                       "table": {str(n): {f"{s}/{c}": r for (s, c), r in rows.items()} for n, rows in table.items()}},
                      f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
