#!/usr/bin/python3
"""Plots of flowbench run folders (matplotlib, Agg backend: no display, no network).

  plot.py gantt RUN -o gantt.png
      timeline: one row per concurrent slot, the critical path (from RUN/summary.json,
      written by `flowbench analyze`) outlined in red
  plot.py bars --before RUN... --after RUN... -o bars.png
      median duration per task, before and after
  plot.py breakdown --variant NAME=RUN... --task 8 -o breakdown.png
      one task's sub-operations as a stacked bar per variant
  plot.py distribution --variant NAME=RUN,RUN... -o distribution.png
      the makespans of repeated runs per variant (box plot with the points)
  plot.py trend HISTORY.json -o trend.png
      one metric over commits, from `flowbench history show METRIC --json HISTORY.json`:
      every sample a point, the medians a line, each change point marked with its commit,
      the window a gate against history compares with shaded

Durations are shown in model units when the runs have a time scale (measured / scale).
"""
import argparse
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def fail(message):
    sys.exit(f"plot.py: {message}")


def load_run(folder):
    run_json = os.path.join(folder, "run.json")
    try:
        with open(run_json) as f:
            run = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{run_json}: {e}; give a run folder written by flowbench run")
    profiles = []
    records = os.path.join(folder, "records.jsonl")
    if os.path.exists(records):
        with open(records) as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    try:
                        profiles.append(json.loads(line))
                    except ValueError:
                        fail(f"{records}:{number}: not JSON (cut off?)")
    else:
        pdir = os.path.join(folder, "profiles")
        for name in sorted(os.listdir(pdir)):
            if name.startswith("task-") and name.endswith(".json"):
                with open(os.path.join(pdir, name)) as f:
                    profiles.append(json.load(f))
    summary = None
    if os.path.exists(os.path.join(folder, "summary.json")):
        with open(os.path.join(folder, "summary.json")) as f:
            summary = json.load(f)
    return {"dir": folder, "run": run, "profiles": profiles, "summary": summary,
            "scale": run.get("context", {}).get("time_scale", 1.0) or 1.0}


def unit(scale):
    """(divisor from ms, label) for readable model units."""
    return (60000.0 * scale, "model minutes") if scale != 1.0 else (1000.0, "seconds")


def parse_iso(text):
    from datetime import datetime
    return datetime.fromisoformat(text).timestamp()


def gantt(args):
    r = load_run(args.run)
    div, label = unit(r["scale"])
    ran = [p for p in r["profiles"] if p.get("start_time") and p.get("slot", -1) >= 0]
    if not ran:
        fail(f"{args.run}: no task ran")
    t0 = min(parse_iso(p["start_time"]) for p in ran)
    critical = set()
    if r["summary"]:
        critical = {str(t) for t in r["summary"].get("graph_critical_path", {}).get("tasks", [])}
    slots = max(p["slot"] for p in ran) + 1
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.5 * slots))
    colors = {"ok": "#4c78a8", "cached": "#72b7b2", "failed": "#e45756", "timeout": "#e45756", "interrupted": "#f58518"}
    for p in ran:
        start = (parse_iso(p["start_time"]) - t0) * 1000 / div
        width = p["duration_ms"] / div
        on_path = str(p["task_id"]) in critical
        ax.barh(p["slot"], width, left=start, height=0.7, color=colors.get(p["status"], "#999999"),
                edgecolor="#d62728" if on_path else "white", linewidth=2 if on_path else 0.5)
        if width > 0.02 * max(1e-9, ax.get_xlim()[1]):
            ax.text(start + width / 2, p["slot"], str(p["task_id"]), ha="center", va="center", fontsize=8, color="white")
    ax.set_yticks(range(slots))
    ax.set_yticklabels([f"slot {s}" for s in range(slots)])
    ax.invert_yaxis()
    ax.set_xlabel(label)
    title = f"{r['run'].get('run_id', '')}: {r['run'].get('workflow', '')} ({r['run'].get('context', {}).get('mode', '')})"
    ax.set_title(title + ("  (red outline: critical path)" if critical else ""))
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


def medians_by_task(folders):
    samples, names, order = {}, {}, []
    for folder in folders:
        r = load_run(folder)
        for p in r["profiles"]:
            key = str(p["task_id"])
            if key not in samples:
                order.append(key)
                samples[key] = []
            names[key] = p.get("name", key)
            if p.get("status") in ("ok", "cached"):
                samples[key].append(p["duration_ms"])
    return {k: statistics.median(v) if v else 0.0 for k, v in samples.items()}, names, order, r["scale"]


def bars(args):
    before, names, order, scale = medians_by_task(args.before)
    after, names_after, order_after, _ = medians_by_task(args.after)
    names.update(names_after)
    order += [k for k in order_after if k not in order]
    div, label = unit(scale)
    fig, ax = plt.subplots(figsize=(max(8, 0.45 * len(order)), 4.5))
    xs = range(len(order))
    ax.bar([x - 0.2 for x in xs], [before.get(k, 0) / div for k in order], width=0.4, label="before", color="#9ecae9")
    ax.bar([x + 0.2 for x in xs], [after.get(k, 0) / div for k in order], width=0.4, label="after", color="#3182bd")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(order, fontsize=8)
    ax.set_xlabel("task")
    ax.set_ylabel(f"median duration ({label})")
    ax.set_title("Task durations before and after")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


def variant_args(items):
    variants = []
    for item in items:
        if "=" not in item:
            fail(f"--variant {item}: write NAME=RUN[,RUN...]")
        name, runs = item.split("=", 1)
        variants.append((name, [r for r in runs.split(",") if r]))
    return variants


def breakdown(args):
    variants = variant_args(args.variant)
    ops_by_variant, all_ops = [], []
    for name, folders in variants:
        per_op = {}
        for folder in folders:
            for p in load_run(folder)["profiles"]:
                if str(p["task_id"]) == args.task:
                    for op in p.get("ops", []):
                        per_op.setdefault(op["name"], []).append(op["duration_ms"])
                        if op["name"] not in all_ops:
                            all_ops.append(op["name"])
        ops_by_variant.append((name, {k: statistics.median(v) for k, v in per_op.items()}))
    if not all_ops:
        fail(f"task {args.task} reported no sub-operations in these runs")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bottoms = [0.0] * len(ops_by_variant)
    cmap = plt.get_cmap("tab10")
    for i, op in enumerate(all_ops):
        values = [ops.get(op, 0.0) for _, ops in ops_by_variant]
        ax.bar([n for n, _ in ops_by_variant], values, bottom=bottoms, label=op, color=cmap(i % 10))
        bottoms = [b + v for b, v in zip(bottoms, values)]
    ax.set_ylabel("milliseconds (measured, median)")
    ax.set_title(f"Task {args.task}: sub-operations per variant")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


def distribution(args):
    variants = variant_args(args.variant)
    data, names, scale = [], [], 1.0
    for name, folders in variants:
        values = []
        for folder in folders:
            r = load_run(folder)
            scale = r["scale"]
            values.append(r["run"].get("totals", {}).get("makespan_ms", 0.0))
        data.append(values)
        names.append(f"{name}\n(n={len(values)})")
    div, label = unit(scale)
    fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(data)), 4.5))
    scaled = [[v / div for v in values] for values in data]
    ax.boxplot(scaled, labels=names, showmeans=False)
    for i, values in enumerate(scaled, 1):
        ax.plot([i] * len(values), values, "o", alpha=0.5, color="#3182bd")
    ax.set_ylabel(f"makespan ({label})")
    ax.set_title("Makespan of repeated runs")
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


def load_trend(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        fail(f"{path}: cannot read it ({e}); fix: write it with `flowbench history show METRIC --json FILE`")
    if isinstance(doc, list):
        if not doc:
            fail(f"{path}: holds no metric; fix: name a metric `flowbench history export` lists")
        doc = doc[0]  # the first history (branch and fingerprint) of several
    if not isinstance(doc, dict) or doc.get("schema") != "flowbench.history-metric/1" or not doc.get("commits"):
        fail(f"{path}: not a metric history (schema flowbench.history-metric/1); fix: write it with "
             "`flowbench history show METRIC --json FILE`")
    return doc


def trend(args):
    doc = load_trend(args.history)
    commits = doc["commits"]
    time = doc.get("unit") == "s"
    scale, label = (1.0, "s")
    if time:
        top = max(max(c["samples"]) for c in commits)
        scale, label = (1e-3, "ms") if top < 1 else (1.0, "s")
    ys = lambda values: [v / scale for v in values]  # noqa: E731
    fig, ax = plt.subplots(figsize=(max(7, 0.25 * len(commits)), 4.5))
    window = int(doc.get("baseline_commits", 0))
    if window:
        first = max(0, len(commits) - window)
        ax.axvspan(first - 0.5, len(commits) - 0.5, color="#c6dbef", alpha=0.5, label="baseline window")
    for i, c in enumerate(commits):
        ax.plot([i] * len(c["samples"]), ys(c["samples"]), "o", color="#3182bd", alpha=0.35, markersize=3)
    ax.plot(range(len(commits)), ys([c["median"] for c in commits]), "-", color="#08519c", label="median")
    for change in doc.get("changes", []):
        i = change["index"]
        color = "#d62728" if change["kind"] == "regression" else "#2ca02c"
        ax.axvline(i - 0.5, color=color, linestyle="--")
        ax.annotate(f'{change["first_bad"][:8]} {change["change"] * 100:+.1f}%', (i - 0.5, ax.get_ylim()[1]),
                    rotation=90, va="top", ha="right", fontsize=8, color=color)
    step = max(1, len(commits) // 20)
    ax.set_xticks(range(0, len(commits), step))
    ax.set_xticklabels([c["commit"][:7] for c in commits][::step], rotation=60, fontsize=7)
    ax.set_xlabel("commit")
    ax.set_ylabel(f'{doc["label"]} ({label})' if time else doc["label"])
    ax.set_title(f'{doc["label"]} on {doc["group"]}')
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="plot", required=True)
    p = sub.add_parser("gantt")
    p.add_argument("run")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=gantt)
    p = sub.add_parser("bars")
    p.add_argument("--before", nargs="+", required=True)
    p.add_argument("--after", nargs="+", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=bars)
    p = sub.add_parser("breakdown")
    p.add_argument("--variant", nargs="+", required=True)
    p.add_argument("--task", default="8")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=breakdown)
    p = sub.add_parser("distribution")
    p.add_argument("--variant", nargs="+", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=distribution)
    p = sub.add_parser("trend")
    p.add_argument("history")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=trend)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
