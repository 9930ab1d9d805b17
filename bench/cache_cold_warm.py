#!/usr/bin/env python3
"""Cold vs warm: one cacheable task, run for real (--no-cache) and restored from a warm
action cache, alternated in one run. The task does calibrated CPU work (synth) and writes
OUTPUT_MB of output, so the restore has real bytes to verify and copy.

Reports the medians of the task's recorded duration_ms (run time vs restore time) and of
the whole `flowbench run` command, and the ratios.
    bench/cache_cold_warm.py [--reps 7] [--task-s 1.0] [--output-mb 16] [--bin build/bin]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--task-s", type=float, default=1.0, help="the task's run time in seconds")
    parser.add_argument("--output-mb", type=int, default=16)
    parser.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin"))
    args = parser.parse_args()
    if args.reps < 5:
        sys.exit("--reps: use at least 5")
    flowbench = os.path.abspath(os.path.join(args.bin, "flowbench"))
    work = tempfile.mkdtemp(prefix="flowbench-cache-cw-")
    try:
        os.makedirs(f"{work}/in")
        with open(f"{work}/in/params.txt", "w") as f:
            f.write("seed=42\n")
        script = (f"synth --duration-s {args.task_s} --cpu-fraction 1 --time-scale 1 && mkdir -p out && "
                  f"head -c {args.output_mb}M /dev/urandom > out/result.bin")
        spec = {"schema": "flowbench.workflow/1", "tasks": [
            {"id": 1, "name": "build", "command": script, "shell": True,
             "cache": {"inputs": ["in/**"], "outputs": ["out/**"]}}]}
        with open(f"{work}/spec.json", "w") as f:
            json.dump(spec, f)

        def run(tag, extra):
            run_id = f"{tag}-{time.perf_counter_ns()}"
            start = time.perf_counter()
            subprocess.run([flowbench, "run", "spec.json", "-q", "--out", "runs", "--run-id", run_id,
                            "--cache", "cache"] + extra, cwd=work, check=True, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            with open(f"{work}/runs/{run_id}/profiles/task-1-profile.json") as f:
                profile = json.load(f)
            return wall, profile

        _, first = run("prime", [])  # fills the cache
        assert first["cache"] == "miss", first
        cold_task, warm_task, cold_wall, warm_wall = [], [], [], []
        for rep in range(args.reps):
            wall, p = run("cold", ["--no-cache"])
            cold_wall.append(wall)
            cold_task.append(p["duration_ms"])
            shutil.rmtree(f"{work}/out")
            wall, p = run("warm", [])
            assert p["cache"] == "hit", p
            warm_wall.append(wall)
            warm_task.append(p["duration_ms"])
            print(f"repetition {rep + 1}/{args.reps} done", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    print(f"\none cacheable task ({args.task_s} s of CPU work, {args.output_mb} MiB of output), "
          f"{args.reps} alternated repetitions, medians:")
    print(f"  task run time (cold)      {med(cold_task):9.1f} ms")
    print(f"  restore time (warm hit)   {med(warm_task):9.1f} ms   ratio {med(cold_task) / med(warm_task):.1f}x")
    print(f"  whole command, cold       {med(cold_wall) * 1000:9.1f} ms")
    print(f"  whole command, warm       {med(warm_wall) * 1000:9.1f} ms   ratio {med(cold_wall) / med(warm_wall):.1f}x")


if __name__ == "__main__":
    main()
