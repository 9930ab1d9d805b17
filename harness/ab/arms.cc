#include "ab/arms.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "exec/local_runner.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "util/time_format.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

std::string round_name(std::size_t round) {
  std::string digits = std::to_string(round + 1);
  return "round-" + std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0') + digits;
}

// flowbench's environment with the arm's KEY=VALUE settings over it.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> env = platform::environment_map();
  for (const auto& entry : extra) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return platform::environment_entries(env);
}

// One measurement of one arm: the seconds it took (for progress), or an error; a signal
// that stopped it comes back in `interrupted`.
struct Measured {
  double seconds = 0;
  int interrupted = 0;
};

Expected<Measured> run_benchmark(const AbPlan& plan, const Arm& arm, std::size_t round, std::vector<fs::path>& files) {
  const fs::path folder = plan.out / arm.name;
  const fs::path json = folder / (round_name(round) + ".json");
  const fs::path log = folder / (round_name(round) + ".log");
  Launch launch;
  launch.executable = arm.bench;
  launch.argv = {arm.bench.string(), "--benchmark_repetitions=1", "--benchmark_out=" + json.string(),
                 "--benchmark_out_format=json"};
  if (!plan.filter.empty()) launch.argv.push_back("--benchmark_filter=" + plan.filter);
  launch.env = merged_environment(arm.env);
  launch.cwd = fs::current_path();
  launch.log = log;
  LocalRunner runner({1, std::chrono::seconds(5)});
  const auto started = std::chrono::steady_clock::now();
  runner.start(launch);
  for (;;) {
    auto event = runner.wait(std::chrono::steady_clock::now() + std::chrono::seconds(1));
    if (auto* stop = std::get_if<StopRequested>(&event)) {
      runner.stop_all();
      return Measured{0, stop->signal};
    }
    auto* outcome = std::get_if<TaskOutcome>(&event);
    if (!outcome) continue;
    const auto* completed = std::get_if<Completed>(&outcome->ending);
    if (!completed || completed->exit_code != 0 || !fs::exists(json)) {
      return Error{"arm " + arm.name + ", " + round_name(round) + ": " + arm.bench.string() +
                   " did not finish cleanly; see " + log.string()};
    }
    std::error_code ec;
    if (fs::file_size(json, ec) == 0 || ec) {
      return Error{"arm " + arm.name + ", " + round_name(round) + ": " + arm.bench.string() +
                   " measured nothing (does --filter match a benchmark?); see " + log.string()};
    }
    files.push_back(json);
    return Measured{std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 0};
  }
}

Expected<Measured> run_spec(const AbPlan& plan, const Arm& arm, std::size_t round) {
  RunRequest request;
  request.spec = arm.spec;
  request.out = plan.out / arm.name / (plan.variant.empty() ? std::string(mode_name(plan.mode)) : plan.variant);
  request.run_id = round_name(round);
  request.mode = plan.mode;
  request.jobs = plan.jobs;
  request.time_scale = plan.time_scale;
  request.progress = ProgressStyle::kNone;
  request.no_cache = true;  // every round measures the work, never a restore
  request.handler_dirs = arm.handler_dirs;
  std::ostringstream quiet;
  auto report = run_workflow(request, quiet, quiet);
  if (!report) return report.error();
  if (report->end.status == RunStatus::kInterrupted) return Measured{0, report->end.signal};
  if (report->end.status != RunStatus::kComplete) {
    return Error{"arm " + arm.name + ", " + round_name(round) + ": the run of " + arm.spec.string() +
                 " failed; see " + report->paths.root.string() + " (flowbench analyze it)"};
  }
  return Measured{std::chrono::duration<double>(report->end.makespan).count(), 0};
}

std::set<std::string> task_ids(const fs::path& spec, const std::vector<fs::path>& dirs, std::string& error) {
  LoadOptions options;
  options.handler_dirs = dirs;
  auto workflow = load_workflow(spec, options);
  if (!workflow) {
    error = workflow.error().message;
    return {};
  }
  std::set<std::string> ids;
  for (const auto& task : workflow->tasks) ids.insert(task.id);
  return ids;
}

}  // namespace

Status check_plan(const AbPlan& plan) {
  std::map<std::string, std::set<std::string>> ids;
  for (const Arm* arm : {&plan.a, &plan.b}) {
    for (const auto& entry : arm->env) {
      if (entry.find('=') == std::string::npos || entry.front() == '=') {
        return Error{"--" + arm->name + "-env " + entry + ": not KEY=VALUE; fix: e.g. --" + arm->name +
                     "-env FLOWBENCH_SPEC=old/workflow.json"};
      }
    }
    if (!arm->bench.empty()) {
      if (!platform::is_executable_file(arm->bench)) {
        return Error{arm->bench.string() + ": not an executable benchmark binary (arm " + arm->name +
                     "); fix: build it, or give the path of a Google Benchmark binary"};
      }
      continue;
    }
    std::string error;
    ids[arm->name] = task_ids(arm->spec, arm->handler_dirs, error);
    if (!error.empty()) return Error{error};
  }
  if (ids.size() == 2 && ids["a"] != ids["b"]) {
    std::string only_a, only_b;
    for (const auto& id : ids["a"]) {
      if (!ids["b"].count(id)) only_a += (only_a.empty() ? "" : ", ") + id;
    }
    for (const auto& id : ids["b"]) {
      if (!ids["a"].count(id)) only_b += (only_b.empty() ? "" : ", ") + id;
    }
    return Error{plan.b.spec.string() + ": /tasks: its task ids differ from " + plan.a.spec.string() +
                 " (only in a: " + (only_a.empty() ? "none" : only_a) + "; only in b: " +
                 (only_b.empty() ? "none" : only_b) + "); fix: compare two versions of one workflow"};
  }
  if (plan.rounds == 0) return Error{"--reps must be at least 1; fix: e.g. --reps 10"};
  return ok_status();
}

Expected<ArmData> measure_arms(const AbPlan& plan, std::size_t first_round, std::size_t count, std::ostream& progress) {
  ArmData data;
  std::vector<fs::path> files_a, files_b;
  std::mt19937_64 rng(plan.seed + first_round);
  for (const Arm* arm : {&plan.a, &plan.b}) {
    std::error_code ec;
    fs::create_directories(plan.out / arm->name, ec);
    if (ec) return Error{(plan.out / arm->name).string() + ": cannot create (" + ec.message() + "); fix: choose --out"};
  }
  for (std::size_t round = first_round; round < first_round + count; ++round) {
    bool a_first = plan.order == RoundOrder::kAlternate ? round % 2 == 0 : std::bernoulli_distribution(0.5)(rng);
    data.order.push_back(a_first ? "ab" : "ba");
    progress << round_name(round) << " (" << round + 1 - first_round << "/" << count << "):";
    for (int k = 0; k < 2; ++k) {
      const Arm& arm = (k == 0) == a_first ? plan.a : plan.b;
      auto measured = arm.bench.empty() ? run_spec(plan, arm, round)
                                        : run_benchmark(plan, arm, round, arm.name == "a" ? files_a : files_b);
      if (!measured) return measured.error();
      if (measured->interrupted) {
        progress << " interrupted\n";
        data.interrupted_signal = measured->interrupted;
        return data;
      }
      progress << " " << arm.name << " " << seconds_text(measured->seconds * 1000) << " s";
    }
    progress << "\n" << std::flush;
  }
  for (const Arm* arm : {&plan.a, &plan.b}) {
    Measurements& into = arm->name == "a" ? data.a : data.b;
    auto loaded = arm->bench.empty() ? measurements_from_folder(plan.out / arm->name)
                                     : load_all_measurements(arm->name == "a" ? files_a : files_b);
    if (!loaded) return loaded.error();
    into = std::move(*loaded);
  }
  return data;
}

}  // namespace flowbench
