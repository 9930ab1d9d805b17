#!/usr/bin/env python3
"""Bisects that need repetitions: a real git repository of 64 commits, one of them (chosen at
random, never recorded) making a piece of work 12% slower, bisected by `flowbench bisect` with the
history recorded at commits 0 and 64 only.

  synth: a two-task workflow, task b's handler work 12% slower (synth --slowdown 1.12); no build.
  cpp:   the small Google Benchmark project of fixtures/gbench-project, BM_Hash doing 12% more work
         from the chosen commit; every probe is a CMake build of its worktree (ccache shared).

For each placement: the commit found, the probes, the builds, the change named against the one
injected, and the time.

  bench/bisect_check.py [--bin build/bin] [--kind synth|cpp] [--placements 5] [--seed 1]
"""
import argparse
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent.parent


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def make_repo(repo, step, kind):
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@flowbench.invalid")
    git(repo, "config", "user.name", "flowbench-bench")
    if kind == "cpp":
        shutil.copy(HERE / "fixtures" / "gbench-project" / "bench.cc", repo / "bench.cc")
        cmake = (HERE / "fixtures" / "gbench-project" / "CMakeLists.txt").read_text()
        (repo / ".gitignore").write_text("build/\n.flowbench/\n")
    hashes = []
    for k in range(65):
        if kind == "synth":
            slow = 1.12 if k >= step else 1
            spec = {"schema": "flowbench.workflow/1", "name": "bisect", "tasks": [
                {"id": "a", "command": ["synth", "--duration-s", "0.05", "--cpu-fraction", "0.5"]},
                {"id": "b", "command": ["synth", "--duration-s", "0.1", "--cpu-fraction", "0.5", "--slowdown", str(slow)],
                 "after": ["a"]}]}
            (repo / "workflow.json").write_text(json.dumps(spec, indent=1))
        else:
            (repo / "CMakeLists.txt").write_text(cmake.replace('set(HASH_EXTRA_PERCENT 0 CACHE',
                                                               f'set(HASH_EXTRA_PERCENT {12 if k >= step else 0} CACHE'))
        with open(repo / "notes.txt", "a") as notes:
            notes.write(f"change {k}\n")
        git(repo, "add", "-A")
        env = dict(os.environ, GIT_COMMITTER_DATE=f"2026-01-01T00:{k // 60:02d}:{k % 60:02d}")
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", f"commit {k}"], check=True, env=env)
        hashes.append(git(repo, "rev-parse", "HEAD"))
    return hashes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", type=pathlib.Path, default=HERE / "build" / "bin")
    parser.add_argument("--kind", choices=["synth", "cpp"], default="synth")
    parser.add_argument("--placements", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    flowbench = str(args.bin.resolve() / "flowbench")
    env = dict(os.environ, PATH=f"{args.bin.resolve()}:{os.environ['PATH']}")
    rng = random.Random(args.seed)
    rows = []
    for placement in range(args.placements):
        step = rng.randint(1, 64)
        with tempfile.TemporaryDirectory() as tmp:
            repo = pathlib.Path(tmp) / "repo"
            hashes = make_repo(repo, step, args.kind)
            what = (["--spec", "workflow.json", "--variant", "sequential", "--metric", "task:b"] if args.kind == "synth" else
                    ["--bench", "build/project_bench", "--benchmark", "BM_Hash/1024", "--filter", "^BM_Hash/",
                     "--build", "cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null && cmake --build build > /dev/null"])
            start = time.monotonic()
            result = subprocess.run([flowbench, "bisect", "--good", hashes[0], "--bad", hashes[64], "--repo", str(repo),
                                     "--min-effect", "0.05", "--no-history", "--json", str(pathlib.Path(tmp) / "b.json"),
                                     *what], env=env, capture_output=True, text=True)
            seconds = time.monotonic() - start
            report = json.loads((pathlib.Path(tmp) / "b.json").read_text()) if result.returncode in (0, 1) and \
                (pathlib.Path(tmp) / "b.json").exists() else {}
            culprits = [c["commit"] for c in report.get("culprits", [])]
            found = hashes.index(culprits[0]) if culprits else None
            change = report.get("culprits", [{}])[0].get("level", {}).get("change") if culprits else None
            builds = len(list((repo / ".flowbench" / "bisect").glob("*/trees/*.build.log"))) if args.kind == "cpp" else 0
            probes = len(report.get("probes", []))
            row = {"step": step, "found": found, "exact": found == step, "probes": probes, "builds": builds,
                   "change": change, "seconds": seconds, "exit": result.returncode}
            rows.append(row)
            print(f"{args.kind} placement {placement + 1}: step at {step:2d}, found {found}, {probes} probes, "
                  f"{builds} builds, change {change * 100 if change is not None else float('nan'):+.1f}% "
                  f"(injected +12%), {seconds:.0f} s, exit {result.returncode}", flush=True)
            if result.returncode not in (0, 1):
                print(result.stdout[-2000:], result.stderr[-2000:])
    exact = sum(r["exact"] for r in rows)
    print(f"{exact} of {len(rows)} exact; most probes {max(r['probes'] for r in rows)}; "
          f"median time {sorted(r['seconds'] for r in rows)[len(rows) // 2]:.0f} s")
    return 0 if exact == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
