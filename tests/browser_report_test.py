#!/usr/bin/env python3
"""ctest -L browser: the HTML completion report in a real headless Chromium, loaded from a file://
URL. Real runs (a six-task workflow, sequential as the baseline, parallel as the optimized
side, 3 runs each), a budgets file with one target that fails, `flowbench report --format html`.
The page must load with no console error and ask for nothing over the network; the verdict
table lists the failing target first; the per-task table has a row for every task and sorts by
a clicked column; hovering a task in the timeline shows its name, start, end, duration, CPU, peak
RSS, status and sub-operations; the screenshot is not blank. Prints the page's weight and load
time.

  browser_report_test.py BIN_DIR [--keep DIR]   (DIR receives the page and its screenshot)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser, png_is_blank  # noqa: E402

SPEC = {"schema": "flowbench.workflow/1", "name": "browser-report", "tasks": [
    {"id": 1, "name": "prepare", "command": ["synth", "--duration-s", "0.15", "--ops", "parse=0.4,plan=0.6"]},
    {"id": 2, "name": "generate", "command": ["synth", "--duration-s", "0.3", "--cpu-fraction", "0.5",
                                              "--ops", "render=0.7,write=0.3"], "after": [1]},
    {"id": 3, "name": "review <b>&amp;</b>", "command": ["synth", "--duration-s", "0.2"], "after": [1]},
    {"id": 4, "name": "tests", "command": ["synth", "--duration-s", "0.2"], "after": [1]},
    {"id": 5, "name": "package", "command": ["synth", "--duration-s", "0.1"], "after": [2, 3, 4]},
    {"id": "docs", "command": ["synth", "--duration-s", "0.05"], "after": [5]}]}
BUDGETS = {"schema": "flowbench.budgets/1", "name": "browser", "targets": [
    {"name": "makespan-under-an-hour", "variant": "optimized", "metric": "makespan", "max_s": 3600},
    {"name": "generate-impossibly-fast", "variant": "optimized", "metric": "task:2", "max_s": 0.001},
    {"name": "prepare-under-a-minute", "variant": "optimized", "metric": "task:1", "max_s": 60}]}


def check(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin_dir")
    parser.add_argument("--keep")
    args = parser.parse_args()
    fb = os.path.join(os.path.abspath(args.bin_dir), "flowbench")
    env = dict(os.environ, PATH=os.path.abspath(args.bin_dir) + os.pathsep + os.environ["PATH"])
    with tempfile.TemporaryDirectory(prefix="flowbench-browser-") as work:
        spec = os.path.join(work, "spec.json")
        json.dump(SPEC, open(spec, "w"))
        budgets = os.path.join(work, "budgets.json")
        json.dump(BUDGETS, open(budgets, "w"))
        for side, mode in (("sequential", "sequential"), ("optimized", "parallel")):
            for r in range(3):
                subprocess.run([fb, "run", spec, "--mode", mode, "--variant", side, "--no-cache", "-q", "-o",
                                os.path.join(work, "series", side), "--run-id", "r%d" % r], env=env, check=True,
                               stdout=subprocess.DEVNULL)
        page_file = os.path.join(work, "reports", "report.html")
        subprocess.run([fb, "report", "--before", os.path.join(work, "series", "sequential"), "--after",
                        os.path.join(work, "series", "optimized"), "--budgets", budgets, "--no-plots",
                        "--title", "Browser <test> report", "-o", page_file], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        weight = os.path.getsize(page_file)
        with Browser() as browser:
            page = browser.open("file://" + page_file)
            check(page.evaluate("document.title") == "Browser <test> report", "the title is not escaped back")
            errors = page.console_errors()
            check(not errors, "console errors: %s" % errors)
            requests = page.network_requests()
            outside = [u for u in requests if not (u == "file://" + page_file or u.startswith("data:"))]
            check(not outside, "the page asked for %s" % outside)

            verdicts = page.evaluate("Array.from(document.querySelectorAll('#verdicts tbody tr'))"
                                     ".map(r => [r.cells[0].textContent, r.className])")
            check(len(verdicts) == 3, "expected 3 verdict rows, got %s" % verdicts)
            check(verdicts[0] == ["generate-impossibly-fast", "fail"], "the failing target is not first: %s" % verdicts)
            check(all(c == "met" for _, c in verdicts[1:]), "other targets should be met: %s" % verdicts)

            ids = page.evaluate("Array.from(document.querySelectorAll('#tasks tbody tr')).map(r => r.dataset.task)")
            check(sorted(ids) == sorted([str(t["id"]) for t in SPEC["tasks"]] + ["total"]), "per-task rows %s" % ids)
            check(page.evaluate("document.querySelector('#tasks tbody tr[data-task=\"3\"] td:nth-child(2)')"
                                ".textContent") == "review <b>&amp;</b>", "a task name was not shown as text")

            page.click("#tasks thead th:nth-child(3)")  # Baseline, ascending
            values = page.evaluate("Array.from(document.querySelectorAll('#tasks tbody tr'))"
                                   ".map(r => parseFloat(r.cells[2].dataset.value))")
            check(values == sorted(values), "clicking Baseline did not sort ascending: %s" % values)
            page.click("#tasks thead th:nth-child(3)")
            values = page.evaluate("Array.from(document.querySelectorAll('#tasks tbody tr'))"
                                   ".map(r => parseFloat(r.cells[2].dataset.value))")
            check(values == sorted(values, reverse=True), "a second click did not sort descending: %s" % values)

            timelines = page.evaluate("Array.from(document.querySelectorAll('svg.timeline')).map(s => s.dataset.side)")
            check(timelines == ["Baseline", "Optimized"], "timelines: %s" % timelines)
            bars = page.evaluate("document.querySelectorAll('svg.timeline[data-side=\"Optimized\"] rect.task').length")
            check(bars == len(SPEC["tasks"]), "the optimized timeline has %s bars" % bars)
            check(page.evaluate("document.querySelectorAll('svg.timeline rect.critical').length") > 0,
                  "no task is marked on the critical path")
            page.hover("svg.timeline[data-side=\"Optimized\"] rect.task[data-task=\"2\"]")
            tip = page.evaluate("(function(){var t=document.getElementById('tip');"
                                "return [getComputedStyle(t).display, t.textContent];})()")
            check(tip[0] == "block", "hovering task 2 showed no details")
            for words in ("Task 2 generate", "status ok", "start +", "end +", "duration", "CPU", "peak RSS",
                          "sub-operations", "render", "write"):
                check(words in tip[1], "the hover text lacks %r: %r" % (words, tip[1]))

            dots = page.evaluate("document.querySelectorAll('#distributions circle').length")
            check(dots == 2 * 3 * (1 + len(SPEC["tasks"])), "distributions: %s dots" % dots)
            png = page.screenshot()
            check(not png_is_blank(png), "the screenshot is blank")
            print("report page: %d bytes, loaded in %.0f ms (headless chromium, file://)" %
                  (weight, page.load_seconds * 1000))
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                open(os.path.join(args.keep, "report.png"), "wb").write(png)
                open(os.path.join(args.keep, "report.html"), "wb").write(open(page_file, "rb").read())
    print("the HTML report loads offline, sorts, shows task details on hover, and lists the failing target first")


if __name__ == "__main__":
    main()
