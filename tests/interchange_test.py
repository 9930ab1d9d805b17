#!/usr/bin/python3
"""Real files through flowbench's interchange formats (run with Debian's python3, which has
python3-jsonschema):

  real_trace_replay       import the BLAST WfFormat trace, replay it scaled, analyze: the
                          critical path and bounds match the recorded runtimes; the replay's
                          WfFormat export validates and keeps the graph.
  conductor_export        a run of a fork/join spec exported as a Conductor WorkflowDef:
                          valid, every task once, each after its dependencies, the
                          independent set as one FORK_JOIN + JOIN.
  conductor_import        the fixture execution validates against Conductor's Workflow
                          schema, imports to a run folder that analyze reads, with the
                          critical path and makespan of its recorded times.

usage: interchange_test.py CASE BIN_DIR SOURCE_DIR
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema

CASE, BIN, SRC = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
FLOWBENCH = str(BIN / "flowbench")
SCHEMAS = SRC / "fixtures" / "schemas"


def flowbench(*args):
    result = subprocess.run([FLOWBENCH, *map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"flowbench {' '.join(map(str, args))} exited {result.returncode}:\n{result.stderr}")
    return result.stdout


def validate(document, schema_file):
    schema = json.loads((SCHEMAS / schema_file).read_text())
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    errors = sorted(validator(schema).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{schema_file}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def recorded_critical_path(instance):
    runtime = {t["id"]: t["runtimeInSeconds"] for t in instance["workflow"]["execution"]["tasks"]}
    parents = {t["id"]: t.get("parents", []) for t in instance["workflow"]["specification"]["tasks"]}
    finish = {}

    def end(task):
        if task not in finish:
            finish[task] = runtime[task] + max((end(p) for p in parents[task]), default=0.0)
        return finish[task]

    return max(end(t) for t in runtime), sum(runtime.values())


def real_trace_replay(work):
    trace = SRC / "fixtures" / "wfinstances" / "blast-chameleon-small-001.json"
    instance = json.loads(trace.read_text())
    scale, jobs = 0.005, 2
    flowbench("import", "wfformat", trace, "-o", work / "blast.json")
    flowbench("run", work / "blast.json", "--time-scale", scale, "-j", jobs, "-o", work / "runs", "--run-id", "r", "-q")
    flowbench("analyze", work / "runs" / "r")
    summary = json.loads((work / "runs" / "r" / "summary.json").read_text())

    path_s, work_s = recorded_critical_path(instance)
    expected = summary["expected"]
    model = lambda ms: ms / 1000.0 / scale
    assert abs(model(expected["critical_path"]["length_ms"]) - path_s) < 1e-6, (expected, path_s)
    assert abs(model(expected["total_ms"]) - work_s) < 1e-6, (expected, work_s)
    assert abs(model(expected["bound_at_workers_ms"]) - max(path_s, work_s / jobs)) < 1e-6
    # A replayed task never takes less than its recorded runtime, and no task starts
    # before its parents end, so the measured path and makespan cannot undercut them.
    measured_path = summary["graph_critical_path"]["length_ms"]
    assert model(measured_path) >= path_s * 0.999, (measured_path, path_s)
    assert summary["makespan_ms"] >= measured_path * 0.999
    versus = summary["makespan_vs_bound"]
    assert versus["workers"] == jobs and versus["bound_ms"] > 0, versus
    assert summary["task_count"] == len(instance["workflow"]["specification"]["tasks"])

    flowbench("export", work / "runs" / "r", "--format", "wfformat", "-o", work / "replay.wf.json")
    replay = json.loads((work / "replay.wf.json").read_text())
    validate(replay, "wfcommons-schema-1.5.json")
    original = {t["id"]: sorted(t["parents"]) for t in instance["workflow"]["specification"]["tasks"]}
    exported = {t["id"]: sorted(t["parents"]) for t in replay["workflow"]["specification"]["tasks"]}
    assert exported == original, "the exported graph differs from the trace's"
    assert len(replay["workflow"]["execution"]["tasks"]) == len(original)
    print(f"BLAST replay at x{scale}, -j{jobs}: recorded path {path_s:.2f} s, bound {max(path_s, work_s / jobs):.1f} s; "
          f"measured makespan {model(summary['makespan_ms']):.1f} s ({versus['excess'] * 100:+.1f}% over the bound of its measured durations)")


def conductor_export(work):
    spec = {"schema": "flowbench.workflow/1", "name": "fork-join", "tasks": [
        {"id": 1, "name": "prepare", "command": ["synth", "--duration-s", "0"]},
        {"id": 2, "name": "left", "command": ["synth", "--duration-s", "0"], "after": [1]},
        {"id": 3, "name": "middle", "command": ["synth", "--duration-s", "0"], "after": [1]},
        {"id": 4, "name": "right", "command": ["synth", "--duration-s", "0"], "after": [1]},
        {"id": 5, "name": "after-left", "command": ["synth", "--duration-s", "0"], "after": [2]},
        {"id": 6, "name": "merge", "command": ["synth", "--duration-s", "0"], "after": [3, 4, 5]}]}
    (work / "spec.json").write_text(json.dumps(spec))
    flowbench("run", work / "spec.json", "-o", work / "runs", "--run-id", "r", "-q")
    flowbench("export", work / "runs" / "r", "--format", "conductor", "-o", work / "def.json")
    definition = json.loads((work / "def.json").read_text())
    validate(definition, "conductor-WorkflowDef.json")

    done, order = set(), []
    deps = {str(t["id"]): {str(d) for d in t.get("after", [])} for t in spec["tasks"]}
    for step in definition["tasks"]:
        if step["type"] == "SIMPLE":
            stage = [step]
        elif step["type"] == "FORK_JOIN":
            stage = [branch[0] for branch in step["forkTasks"]]
            assert all(len(branch) == 1 for branch in step["forkTasks"])
        else:
            assert step["type"] == "JOIN"
            continue
        ids = [s["inputParameters"]["task_id"] for s in stage]
        for task_id in ids:
            assert deps[task_id] <= done, f"task {task_id} before its dependencies {deps[task_id] - done}"
        for s in stage:
            assert s["taskDefinition"]["name"] == s["name"] and s["inputParameters"]["command"][0] == "synth"
        done |= set(ids)
        order.append(sorted(ids))
    assert sorted(done) == sorted(deps), f"tasks exported: {sorted(done)}"
    assert order == [["1"], ["2", "3", "4"], ["5"], ["6"]], order
    joins = [s for s in definition["tasks"] if s["type"] == "JOIN"]
    assert joins[0]["joinOn"] == ["task_2", "task_3", "task_4"], joins
    print("conductor export: 6 tasks in 4 stages, {2,3,4} as FORK_JOIN + JOIN; schema valid")


def conductor_import(work):
    execution_file = SRC / "fixtures" / "conductor" / "release-pipeline-execution.json"
    validate(json.loads(execution_file.read_text()), "conductor-Workflow.json")
    flowbench("import", "conductor", execution_file, "-o", work / "runs", "--run-id", "c")
    flowbench("analyze", work / "runs" / "c")
    summary = json.loads((work / "runs" / "c" / "summary.json").read_text())
    assert summary["graph_critical_path"]["tasks"] == ["checkout", "unit_tests", "package"], summary
    assert summary["graph_critical_path"]["length_ms"] == 25000.0
    assert summary["makespan_ms"] == 25040.0
    assert summary["task_count"] == 6 and summary["slowest_task_id"] == "unit_tests"
    scan = json.loads((work / "runs" / "c" / "profiles" / "task-security_scan-profile.json").read_text())
    assert scan["status"] == "ok" and scan["duration_ms"] == 7000.0 and "2 attempts" in scan["reason"], scan
    run = json.loads((work / "runs" / "c" / "run.json").read_text())
    after = {node["id"]: node["after"] for node in run["graph"]}
    assert after == {"checkout": [], "unit_tests": ["checkout"], "lint": ["checkout"], "docs": ["lint"],
                     "security_scan": ["checkout"], "package": ["unit_tests", "docs", "security_scan"]}, after
    print("conductor import: 6 tasks, critical path checkout -> unit_tests -> package = 25.0 s")


with tempfile.TemporaryDirectory() as tmp:
    {"real_trace_replay": real_trace_replay, "conductor_export": conductor_export,
     "conductor_import": conductor_import}[CASE](Path(tmp))
