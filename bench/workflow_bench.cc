// flowbench_bench: every task and variant of a workflow as a Google Benchmark.
//   BM_Task/<id>-<name>     each task alone, through the harness (`run --only`), cold
//   BM_Workflow/sequential  one task at a time, no action cache
//   BM_Workflow/parallel    by dependencies (-j 4), no action cache
//   BM_Workflow/cached      by dependencies, the action cache warm (read-only)
//   BM_Workflow/optimized   the optimized spec (workflow-optimized.json beside the spec), by
//                           dependencies, the change-set (changes/ beside the spec) applied over
//                           a previous build, so Task 8 works incrementally
//   BM_Workflow/instances3  three copies of the optimized variant at once
//   BM_Task8/<stage>, BM_Task8Variant/<v>  from task8_stages.cc
// Manual time = the harness's measured wall time; counters: task_<id>_s and task_<id>_cpu_s
// (its process tree's CPU time) per task, total_s,
// quality (pass rate), success, instances_ok, op:<id>/<op> per sub-operation (BM_Workflow and
// BM_Task), cpu_s and max_rss_kb (BM_Task).
// Environment: FLOWBENCH_SPEC (default fixtures/k1n/workflow.json), FLOWBENCH_TIME_SCALE
// (default 0.001). Run repetitions interleaved:
//   flowbench_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

#include "analyze/replay.h"
#include "analyze/run_data.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "app/instances.h"
#include "app/local_run.h"

namespace {
namespace fs = std::filesystem;
using namespace flowbench;

struct Setup {
  fs::path spec;            // the original spec
  fs::path optimized_spec;  // empty when the spec has no optimized sibling
  fs::path root;            // private copies live here
  double time_scale = 0.001;
  std::vector<fs::path> handler_dirs;
};

Setup& setup() {
  static Setup s;
  return s;
}

// Copies a folder; `fresh` leaves out .flowbench/ (caches and runs of the source tree).
void copy_tree(const fs::path& from, const fs::path& to, bool fresh = true) {
  if (auto copied = copy_workspace(from, to, {}, !fresh); !copied) {
    std::cerr << "flowbench_bench: " << copied.error().message << "\n";
    std::exit(2);
  }
}

// A workspace: a copy of the spec's folder.
fs::path workspace(const std::string& name) {
  const fs::path dir = setup().root / name;
  if (!fs::exists(dir)) copy_tree(setup().spec.parent_path(), dir);
  return dir;
}

RunRequest request_for(const fs::path& spec, const std::string& mode) {
  RunRequest r;
  r.spec = spec;
  r.mode = mode == "parallel" ? RunMode::kParallel : RunMode::kSequential;
  r.jobs = mode == "parallel" ? 4 : 1;
  r.time_scale = setup().time_scale;
  r.progress = ProgressStyle::kNone;
  r.out = setup().root / "runs";
  r.handler_dirs = setup().handler_dirs;
  return r;
}

// Runs, then reports the run's wall time as the iteration time and its tasks as counters.
bool run_and_report(benchmark::State& state, const RunRequest& request) {
  std::ostringstream quiet;
  auto report = run_workflow(request, quiet, quiet);
  if (!report) {
    state.SkipWithError(report.error().message.c_str());
    return false;
  }
  auto run = load_run(report->paths.root);
  if (!run) {
    state.SkipWithError(run.error().message.c_str());
    return false;
  }
  state.SetIterationTime(std::chrono::duration<double>(report->end.makespan).count());
  double total = 0;
  int passed = 0, failed = 0;
  for (const auto& task : run->tasks) {
    if (!task.profile) continue;
    total += task.profile->duration_ms / 1000;
    state.counters["task_" + task.id + "_s"] = task.profile->duration_ms / 1000;
    state.counters["task_" + task.id + "_cpu_s"] = (task.profile->cpu_user_ms + task.profile->cpu_sys_ms) / 1000;
    for (const auto& op : task.profile->ops) state.counters["op:" + task.id + "/" + op.name] = op.duration_ms / 1000;
    passed += task.profile->quality_passed.value_or(0);
    failed += task.profile->quality_failed.value_or(0);
  }
  // Each task's slack in this run's schedule replayed at its workers (0 in a sequential run).
  std::vector<double> durations;
  for (const auto& task : run->tasks) durations.push_back(task.profile ? task.profile->duration_ms / 1000 : 0.0);
  const auto slack =
      schedule_slack(run->deps, durations, replay_schedule(run->deps, durations, request.mode == RunMode::kSequential ? 1 : request.jobs));
  for (std::size_t i = 0; i < run->tasks.size(); ++i) {
    if (run->tasks[i].profile) state.counters["task_" + run->tasks[i].id + "_slack_s"] = slack[i];
  }
  state.counters["total_s"] = total;
  state.counters["success"] = report->end.status == RunStatus::kComplete ? 1 : 0;
  if (passed + failed > 0) state.counters["quality"] = static_cast<double>(passed) / (passed + failed);
  fs::remove_all(report->paths.root);
  if (report->end.status != RunStatus::kComplete) {
    state.SkipWithError(("the run did not complete: " + report->paths.root.string()).c_str());
    return false;
  }
  return true;
}

void BM_Task(benchmark::State& state, std::string id) {
  RunRequest request = request_for(workspace("tasks") / setup().spec.filename(), "sequential");
  request.no_cache = true;
  request.only = {id};
  for (auto _ : state) {
    std::ostringstream quiet;
    auto report = run_workflow(request, quiet, quiet);
    if (!report) return state.SkipWithError(report.error().message.c_str());
    auto run = load_run(report->paths.root);
    if (!run || run->tasks.size() != 1 || !run->tasks[0].profile) return state.SkipWithError("no profile written");
    const Profile& p = *run->tasks[0].profile;
    if (p.status != TaskStatus::kOk) return state.SkipWithError(("task " + id + " " + status_name(p.status)).c_str());
    state.SetIterationTime(p.duration_ms / 1000);
    state.counters["cpu_s"] = (p.cpu_user_ms + p.cpu_sys_ms) / 1000;
    for (const auto& op : p.ops) state.counters["op:" + id + "/" + op.name] = op.duration_ms / 1000;
    state.counters["max_rss_kb"] = static_cast<double>(p.max_rss_kb);
    fs::remove_all(report->paths.root);
  }
}

void BM_Sequential(benchmark::State& state) {
  RunRequest request = request_for(workspace("sequential") / setup().spec.filename(), "sequential");
  request.no_cache = true;
  for (auto _ : state) run_and_report(state, request);
}

void BM_Parallel(benchmark::State& state) {
  RunRequest request = request_for(workspace("parallel") / setup().spec.filename(), "parallel");
  request.no_cache = true;
  for (auto _ : state) run_and_report(state, request);
}

void BM_Cached(benchmark::State& state) {
  RunRequest request = request_for(workspace("cached") / setup().spec.filename(), "parallel");
  request.cache_dir = setup().root / "cache-cached";
  if (!fs::exists(request.cache_dir)) {
    std::ostringstream quiet;
    auto warm = run_workflow(request, quiet, quiet);  // fills the cache
    if (!warm || warm->end.status != RunStatus::kComplete) return state.SkipWithError("warming the cache failed");
  }
  request.cache_read_only = true;
  for (auto _ : state) run_and_report(state, request);
}

// The optimized workspace before the change: a full optimized build of the original
// library (Task 8's manifest and template cache in place), kept as a snapshot.
fs::path optimized_snapshot() {
  const fs::path snapshot = setup().root / "optimized-snapshot";
  if (fs::exists(snapshot)) return snapshot;
  const fs::path ws = workspace("optimized-build");
  RunRequest request = request_for(ws / setup().optimized_spec.filename(), "parallel");
  request.no_cache = true;
  std::ostringstream quiet;
  auto built = run_workflow(request, quiet, quiet);
  if (!built || built->end.status != RunStatus::kComplete) return {};
  copy_tree(ws, snapshot, false);  // with Task 8's template cache
  return snapshot;
}

// A fresh copy of the snapshot with the change-set (changes/ beside the spec) applied.
fs::path changed_workspace(const std::string& name) {
  const fs::path snapshot = optimized_snapshot();
  if (snapshot.empty()) return {};
  const fs::path ws = setup().root / name;
  fs::remove_all(ws);
  copy_tree(snapshot, ws, false);
  const fs::path changes = setup().spec.parent_path() / "changes";
  if (fs::exists(changes)) copy_tree(changes, ws);
  return ws;
}

void BM_Optimized(benchmark::State& state) {
  for (auto _ : state) {
    const fs::path ws = changed_workspace("optimized");
    if (ws.empty()) return state.SkipWithError("the optimized build before the change failed");
    RunRequest request = request_for(ws / setup().optimized_spec.filename(), "parallel");
    // Read-only: a hit stored by an earlier repetition would replace the incremental build.
    request.cache_dir = setup().root / "cache-optimized";
    request.cache_read_only = true;
    run_and_report(state, request);
  }
}

void BM_Instances(benchmark::State& state, std::size_t count) {
  for (auto _ : state) {
    const fs::path ws = changed_workspace("instances");
    if (ws.empty()) return state.SkipWithError("the optimized build before the change failed");
    RunRequest request = request_for(ws / setup().optimized_spec.filename(), "parallel");
    request.out = setup().root / "instance-runs";
    request.cache_dir = setup().root / "cache-instances";
    request.cache_read_only = true;
    std::ostringstream quiet;
    auto report = run_instances(request, count, quiet);
    if (!report) return state.SkipWithError(report.error().message.c_str());
    double slowest = 0, ok = 0;
    for (const auto& instance : report->instances) {
      if (!instance.report) continue;
      slowest = std::max(slowest, std::chrono::duration<double>(instance.report->end.makespan).count());
      ok += instance.report->end.status == RunStatus::kComplete;
    }
    state.SetIterationTime(slowest);
    state.counters["instances_ok"] = ok;
    fs::remove_all(report->root);
  }
}

void configure(benchmark::internal::Benchmark* b) {
  b->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
}

int register_workflow_benchmarks() {
  Setup& s = setup();
  const char* spec = std::getenv("FLOWBENCH_SPEC");
  s.spec = fs::absolute(spec ? fs::path(spec) : fs::path(FLOWBENCH_SOURCE_DIR) / "fixtures/k1n/workflow.json");
  if (const char* scale = std::getenv("FLOWBENCH_TIME_SCALE")) s.time_scale = std::atof(scale);
  const fs::path optimized = s.spec.parent_path() / "workflow-optimized.json";
  if (fs::exists(optimized)) s.optimized_spec = optimized;
  s.handler_dirs = {platform::self_executable().parent_path()};
  std::string name("flowbench-bench-");
  name += std::to_string(std::random_device{}());
  s.root = fs::temp_directory_path() / name;

  LoadOptions options;
  options.handler_dirs = s.handler_dirs;
  auto workflow = load_workflow(s.spec, options);
  if (!workflow) {
    std::cerr << "flowbench_bench: " << workflow.error().message << "\n";
    std::exit(2);
  }
  for (const auto& task : workflow->tasks) {
    std::string bench_name = "BM_Task/" + task.id;
    bench_name += "-" + task.name;
    benchmark::RegisterBenchmark(bench_name.c_str(), BM_Task, task.id)->Apply(configure);
  }
  benchmark::RegisterBenchmark("BM_Workflow/sequential", BM_Sequential)->Apply(configure);
  benchmark::RegisterBenchmark("BM_Workflow/parallel", BM_Parallel)->Apply(configure);
  benchmark::RegisterBenchmark("BM_Workflow/cached", BM_Cached)->Apply(configure);
  if (!s.optimized_spec.empty()) {
    benchmark::RegisterBenchmark("BM_Workflow/optimized", BM_Optimized)->Apply(configure);
    benchmark::RegisterBenchmark("BM_Workflow/instances3", BM_Instances, std::size_t{3})->Apply(configure);
  }
  benchmark::AddCustomContext("flowbench_spec", s.spec.string());
  benchmark::AddCustomContext("flowbench_time_scale", std::to_string(s.time_scale));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  register_workflow_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(setup().root, ec);
  return 0;
}
