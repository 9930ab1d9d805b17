// Google Benchmark: the history database.
//   BM_Record: one `record` of a result of 200 metrics x 5 samples, into a growing database
//              (items = samples, so items_per_second is samples recorded per second).
//   BM_HistoryRegressions/<commits>: open, load and find every change point of a history of
//              <commits> commits x 200 metrics x 5 samples (10 metrics with a 10% step).
//              bytes_per_sample: the database file's size over the samples it holds.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "history/changes.h"
#include "history/store.h"

namespace {
namespace fs = std::filesystem;
using flowbench::SampleKey;
using flowbench::history::Result;
using flowbench::history::Store;

constexpr int kMetrics = 200;
constexpr int kSamples = 5;

fs::path scratch(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("flowbench-history-bench-" + std::to_string(std::random_device{}()));
  fs::create_directories(folder);
  return folder / name;
}

std::string hash_of(int commit) {
  char buffer[41];
  std::snprintf(buffer, sizeof buffer, "%040x", commit + 1);
  return buffer;
}

// A commit's result: metric m is 1 s (+ m ms), 2% noise; metrics 0-9 step up 10% at the middle.
Result result_at(int commit, int commits, std::mt19937_64& rng) {
  Result r;
  r.commit.hash = hash_of(commit);
  if (commit > 0) r.commit.parents = {hash_of(commit - 1)};
  r.commit.branch = "main";
  r.commit.time = 1700000000 + commit * 60;
  r.fingerprint.fields = {{"cpu_model", "bench"}, {"cpus", "2"}, {"time_scale", "1"}};
  r.source = "bench";
  r.recorded_at = r.commit.time;
  std::normal_distribution<double> noise(1.0, 0.02);
  for (int m = 0; m < kMetrics; ++m) {
    const double level = (1.0 + m / 1000.0) * (m < 10 && commit >= commits / 2 ? 1.10 : 1.0);
    auto& values = r.samples[SampleKey{"sequential", "task:" + std::to_string(m)}];
    for (int s = 0; s < kSamples; ++s) values.push_back(level * noise(rng));
  }
  return r;
}

// The databases built once per size, removed when the benchmark exits.
std::map<int, fs::path>& built_histories() {
  static std::map<int, fs::path> built;
  return built;
}

void remove_histories() {
  std::error_code ec;
  for (const auto& [commits, file] : built_histories()) fs::remove_all(file.parent_path(), ec);
}

fs::path history_of(int commits) {
  auto& built = built_histories();
  if (built.count(commits)) return built[commits];
  if (built.empty()) std::atexit(remove_histories);
  const fs::path file = scratch("history.db");
  auto store = Store::open(file, Store::Access::kWrite);
  std::mt19937_64 rng(7);
  std::vector<Result> all;
  for (int c = 0; c < commits; ++c) all.push_back(result_at(c, commits, rng));
  if (store) (void)store->record(all);
  return built[commits] = file;
}

void BM_Record(benchmark::State& state) {
  const fs::path file = scratch("record.db");
  std::mt19937_64 rng(3);
  int commit = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<Result> one = {result_at(commit++, 1 << 30, rng)};
    state.ResumeTiming();
    auto store = Store::open(file, Store::Access::kWrite);
    auto recorded = store ? store->record(one) : flowbench::Expected<std::vector<flowbench::history::RecordOutcome>>(store.error());
    if (!recorded) state.SkipWithError(recorded.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * kMetrics * kSamples);
  state.counters["bytes_per_sample"] =
      static_cast<double>(fs::file_size(file)) / static_cast<double>(commit * kMetrics * kSamples);
  fs::remove_all(file.parent_path());
}
BENCHMARK(BM_Record)->Unit(benchmark::kMillisecond);

void BM_HistoryRegressions(benchmark::State& state) {
  const int commits = static_cast<int>(state.range(0));
  const fs::path file = history_of(commits);
  std::size_t changes = 0;
  for (auto _ : state) {
    auto store = Store::open(file, Store::Access::kRead);
    if (!store) {
      state.SkipWithError(store.error().message.c_str());
      break;
    }
    auto snapshot = store->load();
    if (!snapshot) {
      state.SkipWithError(snapshot.error().message.c_str());
      break;
    }
    auto found = flowbench::history::find_changes(flowbench::history::groups_of(*snapshot, false), {}, "");
    changes = found ? found->size() : 0;
  }
  state.counters["changes"] = static_cast<double>(changes);
  state.counters["bytes_per_sample"] =
      static_cast<double>(fs::file_size(file)) / (static_cast<double>(commits) * kMetrics * kSamples);
}
BENCHMARK(BM_HistoryRegressions)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
