// `flowbench init --bench BIN`: a budgets file for a Google Benchmark binary in one command.
// It lists the binary's benchmarks, groups them into families (the name up to its first '/':
// BM_Sort/8 and BM_Sort/64 are BM_Sort/*), measures the binary against itself for a few rounds
// (a short calibration, unless --quick) and writes one regression target per family, its min
// effect above the family's noise floor, each with a description of what it checks.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>

#include "ab/arms.h"
#include "ab/instructions.h"
#include "cli/cli_common.h"
#include "gate/noise.h"
#include "gate/power.h"
#include "gate/verdict_text.h"
#include "platform/posix.h"
#include "util/time_format.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct InitCommand {
  fs::path bench;
  std::string filter;
  fs::path output = "budgets.json";
  std::size_t reps = 6;
  bool quick = false;
  bool force = false;
  double alpha = 0.01;
  fs::path out;
};

// "BM_Sort/8" -> "BM_Sort"; a name without '/' is a family of its own.
std::string family_of(const std::string& name) { return name.substr(0, name.find('/')); }

// The smallest min effect worth a red build: the noise floor at the reps ab will reach,
// with headroom, rounded up to a whole percent; at least 2%.
double min_effect_from(double floor) {
  const double with_headroom = std::max(0.02, floor * 1.5);
  return std::ceil(with_headroom * 100 - 1e-9) / 100;
}

using Families = std::map<std::string, std::vector<std::string>>;

// The binary's benchmarks by family; an error when it is no Google Benchmark binary.
Expected<Families> families_of(const fs::path& bench, const InitCommand& c, const fs::path& out) {
  auto names = list_benchmarks(bench, c.filter, platform::environment_entries(platform::environment_map()), out);
  if (!names) return Error{names.error().message + "; fix: give a Google Benchmark binary (it must accept --benchmark_list_tests)"};
  Families families;
  for (const auto& name : *names) {
    if (name.find(' ') != std::string::npos) {
      return Error{bench.string() + " printed \"" + name + "\" for --benchmark_list_tests: not a benchmark name; fix: "
                   "give a Google Benchmark binary"};
    }
    families[family_of(benchmark_base_name(name))].push_back(benchmark_base_name(name));
  }
  if (families.empty()) {
    return Error{bench.string() + " lists no benchmark" + (c.filter.empty() ? "" : " matching --filter " + c.filter) +
                 "; fix: give a Google Benchmark binary, or a --filter that matches its benchmarks"};
  }
  return families;
}

// Each family's min effect: fixed with --quick, else from the binary measured against itself.
Expected<std::map<std::string, double>> min_effects(const fs::path& bench, const InitCommand& c, const Families& families,
                                                    const fs::path& out, std::string& how) {
  std::map<std::string, double> effects;
  if (c.quick) {
    for (const auto& [family, members] : families) effects[family] = 0.05;
    how = "--quick: a fixed 5% min effect, alpha " + format_number("%g", c.alpha) + ", no calibration run";
    return effects;
  }
  AbPlan plan;
  plan.a.name = "a";
  plan.a.bench = bench;
  plan.b = plan.a;
  plan.b.name = "b";
  plan.filter = c.filter;
  plan.rounds = c.reps;
  plan.out = out;
  std::cerr << "flowbench init: " << families.size() << " families; measuring the binary against itself, " << c.reps
            << " rounds\n";
  auto data = measure_arms(plan, 0, c.reps, std::cerr);
  if (!data) return Error{data.error().message + "; fix: make the binary run on its own first"};
  if (data->interrupted_signal) return Error{"stopped by signal " + std::to_string(data->interrupted_signal)};
  const NoiseFile noise = noise_from(data->a, data->b, c.reps, Design::kTurn);
  for (const auto& [family, members] : families) {
    double floor = 0;
    for (const auto& name : members) {
      const NoiseMetric* m = noise.find("benchmark", name);
      if (!m) continue;
      SimulatedMetric sim{name, family, m->a, m->b, m->paired, false, c.alpha, Correction::kHolm, std::nullopt};
      floor = std::max(floor, noise_floor(sim, 10, 1));
    }
    effects[family] = min_effect_from(floor);
  }
  how = "calibrated: " + std::to_string(c.reps) + " rounds of the binary against itself; each min effect is 1.5x "
        "the family's A/A noise floor at 10 paired rounds (the 99th percentile of the change), at least 2%";
  return effects;
}

nlohmann::ordered_json budgets_json(const fs::path& bench, const InitCommand& c, const Families& families,
                                    const std::map<std::string, double>& effects, const std::string& how) {
  nlohmann::ordered_json budgets;
  budgets["schema"] = "flowbench.budgets/1";
  budgets["name"] = bench.filename().string();
  budgets["description"] = "Regression targets for " + bench.filename().string() + ", written by `flowbench init` (" +
                           how + "). Check with: flowbench ab --budgets " + c.output.filename().string() +
                           " --a-bench BASE --b-bench CANDIDATE.";
  budgets["ab"] = {{"max_reps", 30}, {"max_time", "10m"}, {"look_every", 5}};
  budgets["targets"] = nlohmann::ordered_json::array();
  for (const auto& [family, members] : families) {
    // A family of several (or of arguments, BM_Hash/1024) is a glob: benchmarks added later join it.
    const bool glob = members.size() > 1 || members.front() != family;
    const double effect = effects.at(family);
    nlohmann::ordered_json t;
    t["name"] = glob ? family + "-*-no-regression" : family + "-no-regression";
    t["benchmark"] = glob ? family + "/*" : family;
    t["regression"] = {{"alpha", c.alpha}, {"min_reps", 5}, {"min_effect", effect}, {"correction", "holm"}};
    t["description"] = (members.size() > 1 ? "each of the " + std::to_string(members.size()) + " " + family + " benchmarks"
                                           : members.front()) +
                       ": no slowdown larger than " + format_number("%g%%", effect * 100) +
                       " of its time per iteration, significant at alpha " + format_number("%g", c.alpha) +
                       (members.size() > 1 ? " (Holm-corrected over the family)" : "");
    budgets["targets"].push_back(std::move(t));
  }
  return budgets;
}

int do_init(const InitCommand& c) {
  auto fail = [](const std::string& message) {
    std::cerr << "flowbench init: " << message << "\n";
    return kExitBadInput;
  };
  const fs::path bench = fs::absolute(c.bench);
  if (!platform::is_executable_file(bench)) {
    return fail(c.bench.string() + ": not an executable file; fix: build your benchmark binary and give its path");
  }
  if (fs::exists(c.output) && !c.force) return fail(c.output.string() + " exists; fix: choose another -o, or --force to replace it");
  if (!c.output.parent_path().empty() && !fs::is_directory(c.output.parent_path())) {
    return fail("-o " + c.output.string() + ": the folder " + c.output.parent_path().string() +
                " does not exist; fix: create it or write the file somewhere that exists");
  }
  const fs::path out = c.out.empty() ? fs::path(".flowbench/init") / compact_stamp(std::chrono::system_clock::now()) : c.out;
  auto families = families_of(bench, c, out);
  if (!families) return fail(families.error().message);
  std::string how;
  auto effects = min_effects(bench, c, *families, out, how);
  if (!effects) return fail(effects.error().message);
  if (int status = write_json_file(c.output, budgets_json(bench, c, *families, *effects, how), "init")) return status;
  std::cout << "wrote " << c.output.string() << ": " << families->size() << " targets (" << how << ")\n";
  for (const auto& [family, members] : *families) {
    std::cout << "  " << family << (members.size() > 1 ? "/* (" + std::to_string(members.size()) + ")" : "")
              << ": min effect " << format_number("%g%%", effects->at(family) * 100) << "\n";
  }
  std::cout << "next: flowbench ab --budgets " << c.output.string() << " --a-bench BASE_BUILD/" << bench.filename().string()
            << " --b-bench " << c.bench.string() << "\n";
  return 0;
}

}  // namespace

void add_init_command(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<InitCommand>();
  auto* init = app.add_subcommand("init", "Write a budgets file for a Google Benchmark binary: a regression target "
                                          "per benchmark family, min effects from a short calibration");
  init->add_option("--bench", c->bench, "The Google Benchmark binary")->required();
  init->add_option("--filter", c->filter, "--benchmark_filter: only these benchmarks");
  init->add_option("-o,--output", c->output, "The budgets file to write")->capture_default_str();
  init->add_option("--reps", c->reps, "Calibration rounds (the binary against itself)")
      ->capture_default_str()
      ->check(CLI::Range(3, 100));
  init->add_flag("--quick", c->quick, "No calibration: a fixed 5% min effect (said in the file)");
  init->add_option("--alpha", c->alpha, "Each family's alpha")->capture_default_str()->check(CLI::Range(1e-6, 0.5));
  init->add_flag("--force", c->force, "Replace the output file if it exists");
  init->add_option("--out", c->out, "Where the calibration rounds go (default .flowbench/init/<time>)");
  init->callback([c, &exit_status] { exit_status = do_init(*c); });
}

}  // namespace flowbench::cli
