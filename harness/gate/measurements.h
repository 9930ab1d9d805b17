// What a gate judges: samples per (variant, metric), read from run folders, series, or
// Google Benchmark JSON.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/expected.h"

namespace flowbench {

// Metric names:
//   makespan          a run's wall time (seconds)
//   total             the sum of its task durations (seconds)
//   task:<id>         one task's wall time (seconds), from runs where it succeeded
//   task_cpu:<id>     the CPU time (user + system) of its process tree (seconds), same runs
//   op:<id>/<op>      one sub-operation of a task (seconds)
//   quality           pass rate of the quality checks over the run's tasks (0..1)
//   success           1 when the run completed, else 0
//   instances_ok      instances of a `run --instances` that completed (a count)
//   cpu               the CPU time (user + system) of a completed run's tasks (seconds)
//   peak_rss_mib      the largest peak resident set of a completed run's tasks (MiB)
struct SampleKey {
  std::string variant;
  std::string metric;
  auto operator<=>(const SampleKey&) const = default;
};

struct Measurements {
  std::map<SampleKey, std::vector<double>> samples;
  // Every Google Benchmark entry by its name (without /iterations:N, /manual_time,
  // /real_time): real time per iteration in seconds, one sample per repetition.
  std::map<std::string, std::vector<double>> benchmarks;
  // The same entries' CPU time per iteration (cpu_time, seconds), and their instructions per
  // iteration where flowbench counted them (`instruction_counter` says how).
  std::map<std::string, std::vector<double>> benchmark_cpu;
  std::map<std::string, std::vector<double>> benchmark_instructions;
  std::string instruction_counter;
  // Where the data was measured in rounds (flowbench ab, calibrate): the round of each
  // sample, index for index with `samples`, `benchmarks` (and `benchmark_cpu`, read from the
  // same entries) and `benchmark_instructions`. A key whose samples are not all tagged has no
  // entry. The gate pairs the two sides of a comparison by round.
  std::map<SampleKey, std::vector<std::size_t>> sample_rounds;
  std::map<std::string, std::vector<std::size_t>> benchmark_rounds;
  std::map<std::string, std::vector<std::size_t>> instruction_rounds;
  bool duet = false;  // the rounds were measured as a duet (both arms at once)
  // Each task's slack (seconds) in its run's schedule replayed at the run's workers: how much
  // it could grow before the makespan did, keyed like its "task:<id>" samples.
  std::map<SampleKey, std::vector<double>> slack;
  // A baseline drawn from history: the commit (an index in its window) of each sample, index
  // for index with `samples` and `benchmarks`. The gate then takes the commit, not the run,
  // as the unit of the baseline.
  std::map<SampleKey, std::vector<std::size_t>> sample_commits;
  std::map<std::string, std::vector<std::size_t>> benchmark_commits;
  std::filesystem::path spec;  // the workflow spec the data was measured on ("" = unknown)
  double time_scale = 1.0;  // the scale the data was measured at
  bool time_scale_known = false;  // false: counts only (e.g. old instances records), any scale fits
  std::string source;       // what was read, for messages
  // What the data says about where it was measured (run.json's context, Google Benchmark's
  // context): cpu_model, cpus, memory_mib, kernel, compiler, build_type, flowbench_version,
  // executor, workflow. Only what the data holds; the first source wins when merged.
  std::map<std::string, std::string> facts;
  // Set on a baseline drawn from history that holds nothing comparable: what differs. Its
  // regression checks are then "not comparable" (a failure), never passed.
  std::string not_comparable;
};

// True for the metrics where a smaller value is better (times, CPU, memory, benchmark
// times); false for quality, success and instances_ok.
bool lower_is_better(const std::string& metric);

// True for the metrics measured in seconds (all but quality, success, instances_ok and
// peak_rss_mib; a benchmark's time too).
bool is_time_metric(const std::string& metric);

// Reads a run folder, a series folder (runs inside it) or a folder of series; a folder
// holding instances.json files contributes `instances_ok`. Each run's variant is the one it
// recorded (run --variant, else its mode; instances<K> for run --instances K), never the name
// of the folder it sits in. Errors name the file and the fix.
Expected<Measurements> measurements_from_folder(const std::filesystem::path& folder);

// The variant a run recorded: run.json's context "variant", else its "mode", else "run".
struct RunRecord;
std::string run_variant(const RunRecord& run);

// One run folder's measurements as variant `variant`.
Expected<Measurements> measurements_from_run(const std::filesystem::path& run_dir, const std::string& variant);

// Reads Google Benchmark JSON written by flowbench_bench (or `flowbench export --format
// gbench`), or by any other Google Benchmark binary: every entry is kept by its name;
// flowbench's own are also read as metrics: BM_Workflow/<variant> is the makespan of that
// variant with its task_<id>_s, op:<id>/<op>, quality and instances_ok counters;
// BM_Task/<id>-<name> is task:<id> (and its op:<id>/<op> counters) of variant "alone";
// BM_Task8/<stage> is op:8/<stage> of variant "inprocess". Only iteration entries count
// (aggregates are recomputed). `source` names the file in errors.
Expected<Measurements> measurements_from_gbench(const nlohmann::json& document, const std::string& source);

// A benchmark's name as the gate keys it: without /manual_time, /real_time, /iterations:N.
std::string benchmark_base_name(std::string name);

// Either of the above, by what the path is.
Expected<Measurements> load_measurements(const std::filesystem::path& path);

// Every path read with load_measurements and merged into one set.
Expected<Measurements> load_all_measurements(const std::vector<std::filesystem::path>& paths);

// Adds `more` to `into` (same variant and metric: samples appended). Errors when the two
// were measured at different time scales. Rounds carry over where both sides have them.
Status merge_measurements(Measurements& into, const Measurements& more);

// Tags every sample of `m` as measured in `round` (data of one round of an A/B run).
void tag_round(Measurements& m, std::size_t round);

}  // namespace flowbench
