#include "ab/arms.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "ab/instructions.h"
#include "exec/local_runner.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "util/text.h"
#include "util/time_format.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

std::string round_name(std::size_t round) {
  std::string digits = std::to_string(round + 1);
  return "round-" + std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0') + digits;
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::vector<std::string> numbers;
  for (int cpu : cpus) numbers.push_back(std::to_string(cpu));
  return join(numbers, ",");
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

std::string variant_of(const AbPlan& plan) {
  return plan.variant.empty() ? std::string(mode_name(plan.mode)) : plan.variant;
}

// Where one arm's round goes: its benchmark JSON, or its run folder.
fs::path round_result(const AbPlan& plan, const Arm& arm, std::size_t round) {
  if (!arm.bench.empty()) return plan.out / arm.name / (round_name(round) + ".json");
  return plan.out / arm.name / variant_of(plan) / round_name(round);
}

fs::path round_log(const AbPlan& plan, const Arm& arm, std::size_t round) {
  return plan.out / arm.name / (round_name(round) + ".log");
}

// The process of one arm in one round: the benchmark binary, or (a spec in a duet) a
// `flowbench run` of its own, so that everything the arm runs stays on its CPUs.
Launch arm_launch(const AbPlan& plan, const Arm& arm, std::size_t round, std::vector<int> cpus) {
  Launch launch;
  launch.cwd = fs::current_path();
  launch.log = round_log(plan, arm, round);
  launch.cpus = std::move(cpus);
  launch.env = merged_environment(arm.env);
  if (!arm.bench.empty()) {
    launch.executable = arm.bench;
    launch.argv = {arm.bench.string(), "--benchmark_repetitions=1",
                   "--benchmark_out=" + round_result(plan, arm, round).string(), "--benchmark_out_format=json"};
    if (!plan.filter.empty()) launch.argv.push_back("--benchmark_filter=" + plan.filter);
    return launch;
  }
  launch.executable = platform::self_executable();
  launch.argv = {launch.executable.string(), "run", arm.spec.string(), "--mode", mode_name(plan.mode),
                 "--time-scale", exact_number(plan.time_scale), "--no-cache", "-q",
                 "--out", (plan.out / arm.name / variant_of(plan)).string(), "--run-id", round_name(round)};
  if (plan.jobs > 0) launch.argv.insert(launch.argv.end(), {"-j", std::to_string(plan.jobs)});
  for (const auto& dir : arm.handler_dirs) launch.argv.insert(launch.argv.end(), {"--handlers", dir.string()});
  return launch;
}

// How one arm's round went.
struct ArmRound {
  bool ok = false;
  double seconds = 0;
  std::string why;  // when not ok
};

// Starts every launch at once and waits for all of them; `signal` is set when flowbench was
// asked to stop (everything still running is then stopped).
std::vector<ArmRound> run_together(const std::vector<Launch>& launches, int& signal) {
  std::vector<ArmRound> out(launches.size());
  LocalRunner runner({launches.size(), std::chrono::seconds(5)});
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < launches.size(); ++i) {
    Launch launch = launches[i];
    launch.task = i;
    runner.start(launch);
  }
  std::size_t done = 0;
  while (done < launches.size()) {
    auto event = runner.wait(std::chrono::steady_clock::now() + std::chrono::seconds(1));
    if (auto* stop = std::get_if<StopRequested>(&event)) {
      runner.stop_all();
      signal = stop->signal;
      return out;
    }
    auto* outcome = std::get_if<TaskOutcome>(&event);
    if (!outcome) continue;
    ++done;
    ArmRound& r = out[outcome->task];
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto* completed = std::get_if<Completed>(&outcome->ending);
    r.ok = completed && completed->exit_code == 0;
    if (const auto* failed = std::get_if<LaunchFailed>(&outcome->ending)) r.why = failed->error;
    else if (!r.ok) r.why = completed ? "exited " + std::to_string(completed->exit_code) : "was killed";
  }
  return out;
}

// A spec arm in turn: run in this process, as `flowbench run` would.
ArmRound run_spec_here(const AbPlan& plan, const Arm& arm, std::size_t round, int& signal) {
  RunRequest request;
  request.spec = arm.spec;
  request.out = plan.out / arm.name / variant_of(plan);
  request.run_id = round_name(round);
  request.mode = plan.mode;
  request.jobs = plan.jobs;
  request.time_scale = plan.time_scale;
  request.progress = ProgressStyle::kNone;
  request.no_cache = true;  // every round measures the work, never a restore
  request.handler_dirs = arm.handler_dirs;
  std::ostringstream quiet;
  auto report = run_workflow(request, quiet, quiet);
  if (!report) return {false, 0, report.error().message};
  if (report->end.status == RunStatus::kInterrupted) {
    signal = report->end.signal;
    return {};
  }
  const double seconds = std::chrono::duration<double>(report->end.makespan).count();
  if (report->end.status != RunStatus::kComplete) return {false, seconds, "the run failed"};
  return {true, seconds, ""};
}

// One arm's samples of one round, tagged with the round.
Expected<Measurements> load_round(const AbPlan& plan, const Arm& arm, std::size_t round) {
  const fs::path result = round_result(plan, arm, round);
  Expected<Measurements> loaded = Error{""};
  if (!arm.bench.empty()) {
    std::error_code ec;
    if (!fs::exists(result) || fs::file_size(result, ec) == 0 || ec) {
      return Error{arm.bench.string() + " measured nothing (does --filter match a benchmark?)"};
    }
    loaded = load_measurements(result);
  } else {
    loaded = measurements_from_run(result, variant_of(plan));
  }
  if (!loaded) return loaded.error();
  tag_round(*loaded, round);
  return loaded;
}

// The arm's instructions per iteration for this round, tagged with the round.
Expected<Measurements> count_round(const AbPlan& plan, const Arm& arm, std::size_t round) {
  Measurements m;
  auto counts = count_benchmark_instructions(arm.bench, plan.count_benchmarks, merged_environment(arm.env), plan.counter,
                                             plan.out / arm.name / (round_name(round) + "-instructions"));
  if (!counts) return counts.error();
  for (const auto& [name, value] : *counts) {
    m.benchmark_instructions[name].push_back(value);
    m.instruction_rounds[name].push_back(round);
  }
  m.instruction_counter = platform::counter_name(plan.counter);
  m.source = (plan.out / arm.name).string();
  return m;
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

Status check_duet(const AbPlan& plan) {
  const std::vector<int> cpus = plan.cpus.empty() ? platform::available_cpus() : plan.cpus;
  const std::size_t per_arm = plan.a.bench.empty() && plan.mode == RunMode::kParallel ? std::max<std::size_t>(plan.jobs, 1) : 1;
  if (cpus.size() < 2 * per_arm) {
    return Error{"--duet runs both arms at once, each on its own CPUs, and needs " + std::to_string(2 * per_arm) +
                 " (" + std::to_string(per_arm) + " an arm" +
                 (per_arm > 1 ? ", one per job of -j " + std::to_string(plan.jobs) : std::string()) +
                 "); flowbench may use " + std::to_string(cpus.size()) + " (" + cpu_list(cpus) +
                 "); fix: drop --duet (the rounds then take turns and are still paired)" +
                 (per_arm > 1 ? ", or lower -j" : std::string())};
  }
  return ok_status();
}

// An arm's first round must work; after it, one failed round is left out, and more are
// while they are at most a fifth of its rounds.
Status note_outcome(ArmData& data, const std::string& arm, bool ok, const std::string& what) {
  auto& [runs, failures] = data.outcomes[arm];
  ++runs;
  if (ok) return ok_status();
  ++failures;
  if (runs == 1) return Error{what + "; fix: make the arm run on its own first (its first round failed)"};
  if (failures > 1 && failures * 5 > runs) {
    return Error{what + "; arm " + arm + " failed in " + std::to_string(failures) + " of " + std::to_string(runs) +
                 " rounds: fix what makes it fail"};
  }
  return ok_status();
}

}  // namespace

std::pair<std::vector<int>, std::vector<int>> duet_cpus(const AbPlan& plan, std::size_t round) {
  const std::vector<int> cpus = plan.cpus.empty() ? platform::available_cpus() : plan.cpus;
  const std::size_t half = cpus.size() / 2;
  std::vector<int> first(cpus.begin(), cpus.begin() + static_cast<std::ptrdiff_t>(half));
  std::vector<int> second(cpus.begin() + static_cast<std::ptrdiff_t>(half),
                          cpus.begin() + static_cast<std::ptrdiff_t>(2 * half));
  if (round % 2 == 1) std::swap(first, second);
  return {first, second};
}

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
  if (plan.duet) return check_duet(plan);
  return ok_status();
}

Expected<ArmData> measure_arms(const AbPlan& plan, std::size_t first_round, std::size_t count, std::ostream& progress,
                               const ArmData* before) {
  ArmData data;
  if (before) data.outcomes = before->outcomes;
  std::mt19937_64 rng(plan.seed + first_round);
  for (const Arm* arm : {&plan.a, &plan.b}) {
    std::error_code ec;
    fs::create_directories(plan.out / arm->name, ec);
    if (ec) return Error{(plan.out / arm->name).string() + ": cannot create (" + ec.message() + "); fix: choose --out"};
  }
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t round = first_round; round < first_round + count; ++round) {
    progress << round_name(round) << " (" << round + 1 - first_round << "/" << count << "):";
    std::map<std::string, ArmRound> results;
    int signal = 0;
    if (plan.duet) {
      auto [cpus_a, cpus_b] = duet_cpus(plan, round);
      data.order.push_back("duet a:" + cpu_list(cpus_a) + " b:" + cpu_list(cpus_b));
      progress << " together (a on CPU " << cpu_list(cpus_a) << ", b on CPU " << cpu_list(cpus_b) << ")";
      auto together = run_together({arm_launch(plan, plan.a, round, cpus_a), arm_launch(plan, plan.b, round, cpus_b)},
                                   signal);
      results["a"] = together[0];
      results["b"] = together[1];
    } else {
      const bool a_first = plan.order == RoundOrder::kAlternate ? round % 2 == 0 : std::bernoulli_distribution(0.5)(rng);
      data.order.push_back(a_first ? "ab" : "ba");
      for (int k = 0; k < 2 && signal == 0; ++k) {
        const Arm& arm = (k == 0) == a_first ? plan.a : plan.b;
        results[arm.name] = arm.bench.empty() ? run_spec_here(plan, arm, round, signal)
                                              : run_together({arm_launch(plan, arm, round, {})}, signal)[0];
      }
    }
    if (signal != 0) {
      progress << " interrupted\n";
      data.interrupted_signal = signal;
      break;
    }
    for (const Arm* arm : {&plan.a, &plan.b}) {
      ArmRound& r = results[arm->name];
      Expected<Measurements> loaded = Error{r.why};
      if (r.ok) loaded = load_round(plan, *arm, round);
      if (loaded && !plan.count_benchmarks.empty() && !arm->bench.empty()) {
        auto counted = count_round(plan, *arm, round);
        if (counted) (void)merge_measurements(*loaded, *counted);
        else loaded = counted.error();
      }
      const std::string what = "arm " + arm->name + ", " + round_name(round) + ": " +
                               (loaded ? std::string() : loaded.error().message) + "; see " +
                               round_log(plan, *arm, round).string();
      if (auto noted = note_outcome(data, arm->name, static_cast<bool>(loaded), what); !noted) return noted.error();
      if (!loaded) {
        data.left_out.push_back(what);
        progress << " " << arm->name << " failed (left out of this round's pair)";
        continue;
      }
      progress << " " << arm->name << " " << seconds_text(r.seconds * 1000) << " s";
      if (auto merged = merge_measurements(arm->name == "a" ? data.a : data.b, *loaded); !merged) return merged.error();
    }
    progress << "\n" << std::flush;
  }
  data.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  data.a.duet = data.b.duet = plan.duet;
  return data;
}

Status append_rounds(ArmData& into, const ArmData& more) {
  if (auto merged = merge_measurements(into.a, more.a); !merged) return merged;
  if (auto merged = merge_measurements(into.b, more.b); !merged) return merged;
  into.order.insert(into.order.end(), more.order.begin(), more.order.end());
  into.left_out.insert(into.left_out.end(), more.left_out.begin(), more.left_out.end());
  into.interrupted_signal = more.interrupted_signal;
  into.outcomes = more.outcomes;
  into.seconds += more.seconds;
  return ok_status();
}

}  // namespace flowbench
