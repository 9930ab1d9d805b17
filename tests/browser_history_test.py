#!/usr/bin/env python3
"""ctest -L browser: the history site (`flowbench history html`) in a real headless Chromium.

A history of 30 commits of Google Benchmark JSON (three benchmarks, 5 repetitions each, seeded
noise) is recorded with `flowbench record`: BM_Parse gets 30% slower at commit 20 and stays so
(an open regression), BM_Render 25% faster at commit 12, BM_Write is flat. The result of the
fifth commit from the end names a report (`--tag report=FILE`). The index must load with no console error and no request
leaving the folder, list the open regression first with a sparkline per metric; BM_Parse's page
must draw its chart (uPlot's canvas), name commit 20 as the first bad commit, shade the baseline
window, link that report, and update the chart's legend when the mouse is over it; the
screenshots are not blank.

  browser_history_test.py BIN_DIR [--commits N] [--metrics M] [--keep DIR]
  (--commits/--metrics: a bigger history for the page-weight figure; --keep: the site and shots)
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser, png_is_blank  # noqa: E402


def check(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)


def benchmark_json(names_and_ms, rng):
    entries = []
    for name, ms in names_and_ms:
        for rep in range(5):
            entries.append({"name": name + "/real_time", "run_name": name + "/real_time", "run_type": "iteration",
                            "repetitions": 5, "repetition_index": rep, "threads": 1, "iterations": 10,
                            "real_time": ms * (1 + rng.gauss(0, 0.01)), "cpu_time": ms, "time_unit": "ms"})
    return {"context": {"date": "2026-11-29T00:00:00+00:00", "host_name": "ci", "executable": "bench",
                        "num_cpus": 2, "mhz_per_cpu": 2600, "cpu_scaling_enabled": False, "caches": [],
                        "library_build_type": "release"}, "benchmarks": entries}


def commit_of(k):
    return hashlib.sha1(b"commit %d" % k).hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin_dir")
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--metrics", type=int, default=3)
    parser.add_argument("--keep")
    args = parser.parse_args()
    fb = os.path.join(os.path.abspath(args.bin_dir), "flowbench")
    rng = random.Random(16)
    with tempfile.TemporaryDirectory(prefix="flowbench-history-site-") as work:
        db = os.path.join(work, "history.db")
        report = os.path.join(work, "reports", "commit-report.html")
        os.makedirs(os.path.dirname(report))
        open(report, "w").write("<!doctype html><title>report</title><p>the report of one commit</p>")
        extra = ["BM_Extra%02d" % i for i in range(max(0, args.metrics - 3))]
        parent = None
        for k in range(1, args.commits + 1):
            metrics = [("BM_Parse", 10.0 * (1.3 if k >= 20 else 1.0)), ("BM_Render", 8.0 * (0.75 if k >= 12 else 1.0)),
                       ("BM_Write", 5.0)] + [(name, 3.0) for name in extra]
            data = os.path.join(work, "bench-%04d.json" % k)
            json.dump(benchmark_json(metrics, rng), open(data, "w"))
            commit = commit_of(k)
            command = [fb, "record", data, "--db", db, "--commit", commit, "--branch", "main", "--commit-time",
                       str(1790000000 + 600 * k), "--clean"]
            if parent:
                command += ["--parents", parent]
            if k == args.commits - 5:
                command += ["--tag", "report=" + report]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            parent = commit
        site = os.path.join(work, "site")
        started = time.time()
        done = subprocess.run([fb, "history", "--db", db, "html", "-o", site], capture_output=True, text=True)
        check(done.returncode == 0, "history html failed: " + done.stderr)
        print("%s, written in %.2f s" % (done.stdout.strip(), time.time() - started))
        weight = sum(os.path.getsize(os.path.join(site, f)) for f in os.listdir(site))
        parse_commit_20 = commit_of(20)
        with Browser() as browser:
            index = browser.open("file://" + os.path.join(site, "index.html"))
            check(not index.console_errors(), "index: console errors %s" % index.console_errors())
            outside = [u for u in index.network_requests() if not u.startswith("file://" + site)]
            check(not outside, "index asked for %s" % outside)
            rows = index.evaluate("Array.from(document.querySelectorAll('#metrics tbody tr'))"
                                  ".map(r => [r.dataset.metric, r.className, r.querySelector('a').getAttribute('href')])")
            check(len(rows) == args.metrics, "index rows: %s" % rows)
            check(rows[0][0] == "benchmark BM_Parse" and rows[0][1] == "fail", "the open regression is not first: %s"
                  % rows[:3])
            check(index.evaluate("document.querySelectorAll('#metrics svg.spark polyline').length") == args.metrics,
                  "a metric has no sparkline")
            index_png = index.screenshot()
            check(not png_is_blank(index_png), "the index screenshot is blank")

            page = browser.open("file://" + os.path.join(site, rows[0][2]))
            check(not page.console_errors(), "metric page: console errors %s" % page.console_errors())
            outside = [u for u in page.network_requests() if not u.startswith("file://" + site)]
            check(not outside, "the metric page asked for %s" % outside)
            check(page.evaluate("document.querySelectorAll('#chart .uplot canvas').length") >= 1, "no chart was drawn")
            first_bad = page.evaluate("Array.from(document.querySelectorAll('#changes tbody tr'))"
                                      ".map(r => r.cells[2].textContent)")
            check(first_bad == [parse_commit_20[:12]], "the change of BM_Parse: %s" % first_bad)
            data = page.evaluate("JSON.parse(document.getElementById('data').textContent)")
            check(data["baseline"] == [args.commits - 5, args.commits - 1], "baseline window %s" % data["baseline"])
            link = page.evaluate("(function(){var a=document.querySelector('#commits a'); return a ? "
                                 "[a.closest('tr').dataset.commit, a.getAttribute('href')] : null;})()")
            check(link and link[0] == commit_of(args.commits - 5) and link[1] == "../reports/commit-report.html",
                  "the report link of commit N-5: %s" % link)
            # The mouse over commit 3 of the chart: the legend names that commit and its median.
            point = page.evaluate("(function(){var o=document.querySelector('#chart .u-over');o.scrollIntoView();"
                                  "var r=o.getBoundingClientRect();"
                                  "return [r.left + historyPlot.valToPos(3, 'x'), r.top + r.height / 2];})()")
            page.move_mouse(point[0], point[1])
            legend = page.evaluate("Array.from(document.querySelectorAll('.u-legend .u-series')).slice(0, 2)"
                                   ".map(s => s.querySelector('.u-value').textContent)")
            near = [commit_of(k)[:12] for k in range(2, 7)]  # a pixel may hold more than one commit
            check(legend[0] in near and legend[1].endswith(" ms"),
                  "the legend under the mouse at commit 4 shows %s" % legend)
            page_png = page.screenshot()
            check(not png_is_blank(page_png), "the metric page's screenshot is blank")
            print("history site: %d pages, %d bytes in all; index loaded in %.0f ms, a metric page (%d bytes) in "
                  "%.0f ms (headless chromium, file://)" % (args.metrics + 1, weight, index.load_seconds * 1000,
                                                              os.path.getsize(os.path.join(site, rows[0][2])),
                                                              page.load_seconds * 1000))
            if args.keep:
                if os.path.exists(args.keep):
                    shutil.rmtree(args.keep)
                shutil.copytree(site, args.keep)
                open(os.path.join(args.keep, "index.png"), "wb").write(index_png)
                open(os.path.join(args.keep, "metric.png"), "wb").write(page_png)
    print("the history site loads offline, puts the open regression first, and charts each metric")


if __name__ == "__main__":
    main()
