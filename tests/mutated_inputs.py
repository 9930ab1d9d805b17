#!/usr/bin/env python3
"""Every mutated input gets a named answer (ctest -L integration, issue 14).

Takes the project's real inputs (a workflow spec, a budgets file, a noise file, a WfFormat trace,
a Conductor execution, a run folder's run.json, records.jsonl and a profile, Google Benchmark
JSON, an action-cache entry, a codegen pattern and manifest), mutates each many times with a seeded
generator (a value replaced by one of another type or an absurd one, a member deleted, an
element added, the text truncated, a byte changed, a span cut or doubled, one JSON line broken)
and hands each mutant to the flowbench command that reads it.

An answer passes when the command either accepts the input (exit 0 or 1) or refuses it with
exit 2 and a message that names the file and says what to do ("fix:"). It fails on a crash (a
signal or any other exit code), on a hang, on a bare library message ("[json.exception",
"what():", "terminate called"), or when exit 2 does not name the file or give a fix.

  mutated_inputs.py BIN_DIR SOURCE_DIR [--count N] [--seed S] [--keep DIR]
"""
import argparse
import concurrent.futures
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

# Values a mutant puts where another value was: other types, edges and absurdities.
ODD_VALUES = [0, -1, 3.5, 1e308, -1e308, 2**63, 2**64 + 5, -(2**63), "", "\u0000", "x", "1", "yes",
              True, False, None, [], {}, [1], ["a"], {"a": 1}, "../../etc/passwd", "a" * 3000]
BARE_LIBRARY = ("[json.exception", "what():", "terminate called", "std::bad_", "basic_string", "stoi", "stod")


def json_paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from json_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from json_paths(value, prefix + (index,))


def parent_of(doc, path):
    node = doc
    for step in path[:-1]:
        node = node[step]
    return node


def mutate_structure(doc, rng):
    doc = copy.deepcopy(doc)
    paths = list(json_paths(doc))
    path = rng.choice(paths)
    if not path:  # the whole document
        return rng.choice(ODD_VALUES)
    parent, last = parent_of(doc, path), path[-1]
    action = rng.random()
    if action < 0.55:
        parent[last] = rng.choice(ODD_VALUES)
    elif action < 0.8:
        del parent[last]
    elif isinstance(parent[last], list):
        parent[last].append(rng.choice(ODD_VALUES))
    elif isinstance(parent[last], dict):
        parent[last][rng.choice(["id", "name", "x", ""])] = rng.choice(ODD_VALUES)
    else:
        parent[last] = [parent[last]]
    return doc


def mutate_text(text, rng):
    if not text:
        return "{"
    action = rng.random()
    at = rng.randrange(len(text))
    if action < 0.3:
        return text[:at]
    if action < 0.6:
        return text[:at] + rng.choice('{}[],:"0-e\\\x00\n ') + text[at + 1:]
    if action < 0.8:
        return text[:at] + text[at + rng.randrange(1, 40):]
    span = text[at:at + rng.randrange(1, 60)]
    return text[:at] + span + span + text[at:]


def mutant(original, kind, rng):
    """A mutated copy of a file's text: JSON, or JSON lines (one line broken)."""
    if kind == "jsonl":
        lines = original.splitlines()
        index = rng.randrange(len(lines))
        if rng.random() < 0.6:
            lines[index] = json.dumps(mutate_structure(json.loads(lines[index]), rng))
        else:
            lines[index] = mutate_text(lines[index], rng)
        return "\n".join(lines) + "\n"
    if rng.random() < 0.6:
        return json.dumps(mutate_structure(json.loads(original), rng), indent=1)
    return mutate_text(original, rng)


def run(command, cwd, env, timeout=60):
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=timeout)
        return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return None, "", "(no answer within %d s)" % timeout


def judge(code, stderr, file_name):
    """None when the answer is acceptable, else what is wrong with it."""
    if code is None:
        return "hang"
    for bare in BARE_LIBRARY:
        if bare in stderr:
            return "bare library message"
    if code in (0, 1):
        return None
    if code != 2:
        return "crash or unexpected exit %d" % code
    if file_name not in stderr:
        return "exit 2 without naming %s" % file_name
    if "fix" not in stderr:
        return "exit 2 without a fix"
    return None


class Setup:
    """A work folder with one real input of every kind, and the command that reads each."""

    def __init__(self, bin_dir, src, work):
        self.bin, self.src, self.work = bin_dir, src, work
        self.env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
        fb = os.path.join(bin_dir, "flowbench")
        self.fb = fb
        tiny = os.path.join(work, "tiny.json")
        with open(tiny, "w") as f:
            json.dump({"schema": "flowbench.workflow/1", "name": "tiny", "tasks": [
                {"id": 1, "name": "a", "command": ["synth", "--duration-s", "0.01", "--ops", "parse=0.5,write=0.5"]},
                {"id": 2, "name": "b", "command": ["mkdir -p out && echo made > out/file"], "shell": True,
                 "after": [1], "cache": {"outputs": ["out/**"]}},
                {"id": 3, "name": "c", "command": ["synth", "--duration-s", "0.01"], "after": [1]}]}, f)
        for r in ("r1", "r2"):
            self.must([fb, "run", tiny, "--mode", "sequential", "--no-cache", "-q", "-o",
                       os.path.join(work, "series", "sequential"), "--run-id", r])
        self.run_dir = os.path.join(work, "series", "sequential", "r1")
        self.must([fb, "run", tiny, "--mode", "sequential", "-q", "--cache", os.path.join(work, "cache"),
                   "-o", os.path.join(work, "cached"), "--run-id", "c1"])
        entries = [os.path.join(d, "entry.json") for d, _, files in os.walk(os.path.join(work, "cache", "entries"))
                   if "entry.json" in files]
        assert entries, "the cached run stored no cache entry"
        self.cache_entry = entries[0]
        self.gbench = os.path.join(src, "fixtures", "gbench", "task1-repetitions.json")
        self.budgets = os.path.join(work, "budgets.json")
        with open(self.budgets, "w") as f:
            json.dump({"schema": "flowbench.budgets/1", "name": "mutants", "targets": [
                {"name": "makespan-under-a-minute", "variant": "sequential", "metric": "makespan", "max_s": 60},
                {"name": "task-1-alone", "variant": "alone", "metric": "task:1", "max_s": 60},
                {"name": "tasks-*", "variant": "sequential", "metric": "task:*", "max_s": 60},
                {"name": "auto-effect", "variant": "sequential", "metric": "makespan",
                 "regression": {"baseline": os.path.join(work, "series"), "min_effect": "auto", "min_reps": 2}}]},
                      f, indent=1)
        self.bench_budgets = os.path.join(work, "bench-budgets.json")
        with open(self.bench_budgets, "w") as f:
            json.dump({"schema": "flowbench.budgets/1", "name": "mutants", "time_scale": 0.001, "targets": [
                {"name": "task-1-alone", "variant": "alone", "metric": "task:1", "max_s": 600},
                {"name": "parse", "variant": "inprocess", "metric": "op:8/parse", "max_s": 60}]}, f, indent=1)
        self.noise = os.path.join(work, "noise.json")
        self.must([fb, "calibrate", tiny, "--reps", "2", "--trials", "10", "--out", os.path.join(work, "calibrate"),
                   "-o", self.noise])
        codegen_out = os.path.join(work, "codegen-first")
        os.makedirs(os.path.join(work, "patterns"))
        shutil.copy(os.path.join(src, "fixtures", "k1n", "patterns", "msg_account_created.json"),
                    os.path.join(work, "patterns"))
        self.must([os.path.join(bin_dir, "codegen"), "--patterns", os.path.join(work, "patterns"), "--templates",
                   os.path.join(src, "fixtures", "k1n", "templates"), "--out", codegen_out])
        self.codegen_manifest = os.path.join(codegen_out, "manifest.json")

    def must(self, command):
        code, out, err = run(command, self.work, self.env, timeout=300)
        if code != 0:
            sys.exit("setup failed: %s -> %s\n%s%s" % (" ".join(command), code, out, err))

    def targets(self):
        """(name, original file, kind, how to place a mutant and build the command that reads it)."""
        fb, src = self.fb, self.src

        def in_copy_of_run(relative):
            def place(text, scratch):
                run_copy = os.path.join(scratch, "run")
                shutil.copytree(self.run_dir, run_copy)
                if relative.startswith("profiles/"):  # read only where records.jsonl is not
                    os.remove(os.path.join(run_copy, "records.jsonl"))
                with open(os.path.join(run_copy, relative), "w") as f:
                    f.write(text)
                return os.path.join(run_copy, relative), [fb, "analyze", run_copy]
            return place

        def as_file(name, command):
            def place(text, scratch):
                path = os.path.join(scratch, name)
                with open(path, "w") as f:
                    f.write(text)
                return path, command(path, scratch)
            return place

        def cache_entry(text, scratch):
            cache = os.path.join(scratch, "cache")
            shutil.copytree(os.path.join(self.work, "cache"), cache)
            entry = os.path.join(cache, os.path.relpath(self.cache_entry, os.path.join(self.work, "cache")))
            with open(entry, "w") as f:
                f.write(text)
            return entry, [fb, "run", os.path.join(self.work, "tiny.json"), "--mode", "sequential", "-q",
                           "--cache", cache, "-o", os.path.join(scratch, "runs")]

        def as_pattern(text, scratch):
            os.makedirs(os.path.join(scratch, "patterns"))
            path = os.path.join(scratch, "patterns", "msg_account_created.json")
            with open(path, "w") as f:
                f.write(text)
            return path, [os.path.join(self.bin, "codegen"), "--patterns", os.path.join(scratch, "patterns"),
                          "--templates", os.path.join(src, "fixtures", "k1n", "templates"),
                          "--out", os.path.join(scratch, "out")]

        series = os.path.join(self.work, "series")
        return [
            ("spec", os.path.join(src, "fixtures", "k1n", "workflow.json"), "json",
             as_file("workflow.json", lambda p, s: [fb, "validate", p])),
            ("budgets", self.budgets, "json",
             as_file("budgets.json", lambda p, s: [fb, "gate", "--budgets", p, "--noise", self.noise, series])),
            ("noise", self.noise, "json",
             as_file("noise.json", lambda p, s: [fb, "gate", "--budgets", self.budgets, "--noise", p, series])),
            ("wfformat", os.path.join(src, "fixtures", "wfinstances", "helloworld-forkjoin-10-chameleon.json"), "json",
             as_file("trace.json", lambda p, s: [fb, "import", "wfformat", p, "-o", os.path.join(s, "new", "spec.json")])),
            ("conductor", os.path.join(src, "fixtures", "conductor", "release-pipeline-execution.json"), "json",
             as_file("execution.json", lambda p, s: [fb, "import", "conductor", p, "-o", os.path.join(s, "runs")])),
            ("run.json", os.path.join(self.run_dir, "run.json"), "json", in_copy_of_run("run.json")),
            ("records.jsonl", os.path.join(self.run_dir, "records.jsonl"), "jsonl", in_copy_of_run("records.jsonl")),
            ("profile", os.path.join(self.run_dir, "profiles", "task-1-profile.json"), "json",
             in_copy_of_run("profiles/task-1-profile.json")),
            ("benchmark", self.gbench, "json",
             as_file("bench.json", lambda p, s: [fb, "gate", "--budgets", self.bench_budgets, p])),
            ("cache entry", self.cache_entry, "json", cache_entry),
            ("codegen pattern", os.path.join(self.work, "patterns", "msg_account_created.json"), "json",
             as_pattern),
            ("codegen manifest", self.codegen_manifest, "json",
             as_file("manifest.json", lambda p, s: [
                 os.path.join(self.bin, "codegen"), "--patterns", os.path.join(self.work, "patterns"), "--templates",
                 os.path.join(src, "fixtures", "k1n", "templates"), "--out", os.path.join(s, "out"),
                 "--incremental", p])),
        ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("src")
    parser.add_argument("--count", type=int, default=2000, help="mutants in all (default 2000)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", help="copy every input answered badly into this folder")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="flowbench-mutants-")
    try:
        setup = Setup(os.path.abspath(args.bin_dir), os.path.abspath(args.src), work)
        targets = setup.targets()
        rng = random.Random(args.seed)
        jobs = []
        for n in range(args.count):
            name, original_path, kind, place = targets[n % len(targets)]
            with open(original_path) as f:
                original = f.read()
            jobs.append((n, name, mutant(original, kind, rng), place))

        def attempt(job):
            n, name, text, place = job
            scratch = os.path.join(work, "m%05d" % n)
            os.makedirs(scratch)
            path, command = place(text, scratch)
            code, _, stderr = run(command, scratch, setup.env)
            verdict = judge(code, stderr, os.path.basename(path))
            shutil.rmtree(scratch, ignore_errors=True)
            return n, name, text, code, stderr, verdict

        bad, answered = [], {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for n, name, text, code, stderr, verdict in pool.map(attempt, jobs):
                answered.setdefault(name, {}).setdefault("refused" if code == 2 else "accepted", 0)
                answered[name]["refused" if code == 2 else "accepted"] += 1
                if verdict:
                    bad.append((n, name, text, code, stderr, verdict))
        for name, counts in answered.items():
            print("%-17s %4d accepted, %4d refused with a named error" % (name, counts.get("accepted", 0),
                                                                        counts.get("refused", 0)))
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
        for n, name, text, code, stderr, verdict in bad:
            print("\nBAD %s mutant %d: %s (exit %s)\n  %s" % (name, n, verdict, code,
                                                              stderr.strip().replace("\n", "\n  ")[:600]))
            if args.keep:
                with open(os.path.join(args.keep, "%s-%05d" % (name.replace(" ", "-"), n)), "w") as f:
                    f.write(text)
        print("\n%d mutants, %d answered badly" % (len(jobs), len(bad)))
        return 1 if bad else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
