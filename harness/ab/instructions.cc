#include "ab/instructions.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gate/measurements.h"
#include "platform/atomic_file.h"
#include "platform/posix.h"
#include "util/json_reader.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

// The name as a regular expression matching only itself.
std::string exact_filter(const std::string& name) {
  std::string out = "^";
  for (char c : name) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out + "$";
}

// Iterations the JSON at `path` reports for `name`'s iteration entries.
Expected<double> iterations_in(const fs::path& path, const std::string& name) {
  auto text = read_file(path);
  if (!text) return text.error();
  const auto doc = nlohmann::json::parse(null_non_finite_numbers(*text), nullptr, false);
  if (doc.is_discarded() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    return Error{path.string() + ": not Google Benchmark JSON"};
  }
  double iterations = 0;
  for (const auto& b : doc["benchmarks"]) {
    if (!b.is_object() || !b.contains("iterations") || !b["iterations"].is_number()) continue;
    if (b.contains("run_type") && b["run_type"] != "iteration") continue;
    const auto& run_name = b.contains("run_name") ? b["run_name"] : b["name"];
    if (run_name.is_string() && benchmark_base_name(run_name.get<std::string>()) == benchmark_base_name(name)) {
      iterations += b["iterations"].get<double>();
    }
  }
  if (iterations <= 0) return Error{path.string() + ": " + name + " ran no iterations"};
  return iterations;
}

struct OneRun {
  double instructions = 0, iterations = 0;
};

Expected<OneRun> count_once(const fs::path& bench, const std::string& name, int repetitions,
                            const std::vector<std::string>& env, platform::InstructionCounter counter,
                            const fs::path& folder) {
  const std::string stem = "count-" + std::to_string(repetitions);
  const fs::path json = folder / (stem + ".json");
  platform::CountRequest request;
  request.executable = bench;
  request.argv = {bench.string(), "--benchmark_filter=" + exact_filter(name), "--benchmark_min_time=0.000000001",
                  "--benchmark_repetitions=" + std::to_string(repetitions), "--benchmark_out=" + json.string(),
                  "--benchmark_out_format=json"};
  request.env = env;
  request.cwd = fs::current_path();
  request.log = folder / (stem + ".log");
  request.scratch = folder / (stem + "-counts");
  auto counted = platform::count_instructions(counter, request);
  if (!counted) return Error{name + ": " + counted.error().message + "; see " + request.log.string()};
  if (counted->exit_code != 0) {
    return Error{name + ": the benchmark exited " + std::to_string(counted->exit_code) + " under " +
                 platform::counter_name(counter) + "; see " + request.log.string()};
  }
  auto iterations = iterations_in(json, name);
  if (!iterations) return Error{iterations.error().message + "; see " + request.log.string()};
  return OneRun{counted->instructions, *iterations};
}

}  // namespace

Expected<std::vector<std::string>> list_benchmarks(const fs::path& bench, const std::string& filter,
                                                   const std::vector<std::string>& env, const fs::path& scratch) {
  std::error_code ec;
  fs::create_directories(scratch, ec);
  const fs::path log = scratch / "list.txt";
  fs::remove(log, ec);
  std::vector<std::string> argv = {bench.string(), "--benchmark_list_tests=true"};
  if (!filter.empty()) argv.push_back("--benchmark_filter=" + filter);
  auto pid = platform::spawn_in_own_group({bench, argv, env, fs::current_path(), log, {}});
  if (!pid) return pid.error();
  const int status = platform::wait_for(*pid);
  std::ifstream in(log);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) names.push_back(line);
  }
  if (status != 0) return Error{bench.string() + " --benchmark_list_tests failed (exit " + std::to_string(status) + "); see " + log.string()};
  return names;
}

Expected<std::map<std::string, double>> count_benchmark_instructions(const fs::path& bench,
                                                                      const std::vector<std::string>& names,
                                                                      const std::vector<std::string>& env,
                                                                      platform::InstructionCounter counter,
                                                                      const fs::path& folder) {
  std::map<std::string, double> out;
  for (const auto& name : names) {
    std::string safe = benchmark_base_name(name);
    for (char& c : safe) {
      if (c == '/' || c == ':' || c == ' ') c = '-';
    }
    const fs::path dir = folder / safe;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{dir.string() + ": cannot create (" + ec.message() + ")"};
    auto once = count_once(bench, name, 1, env, counter, dir);
    if (!once) return once.error();
    auto twice = count_once(bench, name, 2, env, counter, dir);
    if (!twice) return twice.error();
    const double iterations = twice->iterations - once->iterations;
    if (iterations <= 0) return Error{name + ": two repetitions ran no more iterations than one; see " + dir.string()};
    out[benchmark_base_name(name)] = (twice->instructions - once->instructions) / iterations;
  }
  return out;
}

}  // namespace flowbench
