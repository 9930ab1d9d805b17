// `flowbench calibrate`: one build measured against itself (A/A, interleaved); writes the
// noise file and says what a gate can detect with it.
#include <algorithm>
#include <iostream>
#include <memory>

#include "ab/arms.h"
#include "cli/cli_common.h"
#include "cli/gate_common.h"
#include "report/calibration_report.h"
#include "util/digest.h"
#include "util/time_format.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct CalibrateCommand {
  fs::path spec, handlers;
  fs::path bench;
  std::vector<std::string> env;
  std::string filter;
  std::size_t reps = 10;
  std::uint64_t seed = 1;
  std::string mode = "sequential";
  std::size_t jobs = 0;
  double time_scale = 0;
  std::string variant;
  fs::path out, output, from;
  fs::path budgets;
  std::vector<std::string> targets;
  std::size_t gate_reps = 10;
  std::vector<double> effects = {0.10};
  double min_effect = 0;
  int trials = 1000;
  bool duet = false;
  fs::path json;
};

Expected<NoiseFile> measure_noise(const CalibrateCommand& c, const Budgets* budgets) {
  AbPlan plan;
  plan.a.name = "a";
  if (!c.bench.empty()) {
    plan.a.bench = fs::absolute(c.bench);
    plan.a.env = c.env;
    plan.filter = c.filter;
  } else if (!c.spec.empty()) {
    plan.a.spec = fs::absolute(c.spec);
    plan.a.handler_dirs = handler_dirs();
    if (!c.handlers.empty()) plan.a.handler_dirs.insert(plan.a.handler_dirs.begin(), fs::absolute(c.handlers));
  } else {
    return Error{"nothing to measure; fix: give a SPEC, --bench BIN, or --from NOISE.json"};
  }
  plan.b = plan.a;
  plan.b.name = "b";
  plan.rounds = c.reps;
  plan.seed = c.seed;
  plan.mode = c.mode == "parallel" ? RunMode::kParallel : RunMode::kSequential;
  plan.jobs = c.jobs;
  plan.time_scale = c.time_scale > 0 ? c.time_scale : (budgets && budgets->time_scale ? *budgets->time_scale : 1.0);
  plan.variant = c.variant;
  plan.out = c.out.empty() ? fs::path(".flowbench/calibrate") / compact_stamp(std::chrono::system_clock::now()) : c.out;
  if (auto checked = check_plan(plan); !checked) return checked.error();
  if (c.duet) {
    AbPlan duet = plan;
    duet.duet = true;
    if (auto checked = check_plan(duet); !checked) return checked.error();
  }
  NoiseFile noise;
  for (const bool duet : {false, true}) {
    if (duet && !c.duet) break;
    AbPlan one = plan;
    one.duet = duet;
    one.out = plan.out / (duet ? "duet" : "turn");
    std::cerr << "flowbench calibrate: the same build twice, " << plan.rounds << " rounds "
              << (duet ? "as a duet (both at once, each on its own CPUs)" : "in turn") << ", into " << one.out.string()
              << "\n";
    auto data = measure_arms(one, 0, one.rounds, std::cerr);
    if (!data) return data.error();
    if (data->interrupted_signal) {
      return Error{"stopped by signal " + std::to_string(data->interrupted_signal) + "; nothing written (the rounds "
                   "measured are in " + plan.out.string() + ")"};
    }
    NoiseFile measured = noise_from(data->a, data->b, plan.rounds, duet ? Design::kDuet : Design::kTurn);
    if (duet) add_noise(noise, measured);
    else noise = std::move(measured);
  }
  if (!c.spec.empty()) {
    noise.spec = plan.a.spec.string();
    if (auto digest = file_digest(plan.a.spec)) noise.spec_sha256 = *digest;
  }
  noise.file = c.output;
  return noise;
}

int do_calibrate(const CalibrateCommand& c) {
  std::optional<GateInputs> inputs;
  if (!c.budgets.empty()) {
    inputs = load_gate_inputs(c.budgets, c.targets, {}, "calibrate");
    if (!inputs) return kExitBadInput;
  }
  const Budgets* budgets = inputs ? &inputs->budgets : nullptr;
  NoiseFile noise;
  if (!c.from.empty()) {
    auto loaded = load_noise(c.from);
    if (!loaded) {
      std::cerr << "flowbench calibrate: " << loaded.error().message << "\n";
      return kExitBadInput;
    }
    noise = std::move(*loaded);
  } else {
    if (c.output.empty()) {
      std::cerr << "flowbench calibrate: where should the noise file go? fix: -o noise.json\n";
      return kExitBadInput;
    }
    auto measured = measure_noise(c, budgets);
    if (!measured) {
      std::cerr << "flowbench calibrate: " << measured.error().message << "\n";
      return kExitBadInput;
    }
    noise = std::move(*measured);
    if (int status = write_json_file(c.output, noise_json(noise), "calibrate")) return status;
    std::cout << "noise file: " << c.output.string() << " (" << noise.metrics.size() << " metrics, "
              << noise.repetitions << " repetitions a side, " << noise.machine.text() << ")\n\n";
  }
  CalibrationOptions options;
  options.repetitions = c.gate_reps;
  options.effects = c.effects;
  if (c.min_effect > 0) options.min_effect = c.min_effect;
  options.trials = c.trials;
  if (budgets) options.sequential = ab_stopping_rule(*budgets, options.sequential);
  const Calibration calibration = calibrate(noise, budgets, options);
  print_calibration(std::cout, calibration);
  return write_json_file(c.json, calibration_json(calibration), "calibrate");
}

}  // namespace

void add_calibrate_command(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<CalibrateCommand>();
  auto* cal = app.add_subcommand("calibrate",
                                 "Measure one build against itself (A/A, interleaved), write a noise file, and say "
                                 "what a gate detects with it");
  cal->add_option("spec", c->spec, "A workflow spec to run (or use --bench)")->check(CLI::ExistingFile);
  cal->add_option("--handlers", c->handlers, "Handler folder searched first")->check(CLI::ExistingDirectory);
  cal->add_option("--bench", c->bench, "A Google Benchmark binary to measure instead of a spec");
  cal->add_option("--filter", c->filter, "--benchmark_filter for the binary");
  cal->add_option("--env", c->env, "KEY=VALUE for the binary (repeatable)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cal->add_option("--reps", c->reps, "Rounds (each side measured once per round)")->capture_default_str()->check(CLI::Range(2, 1000));
  cal->add_option("--seed", c->seed, "Seed of the random order")->capture_default_str();
  cal->add_flag("--duet", c->duet, "Also measure as many rounds as a duet (both sides at once, each on its own "
                                   "CPUs), and report their noise and power beside the rounds in turn");
  cal->add_option("--mode", c->mode, "Spec: sequential or parallel")->capture_default_str()->check(CLI::IsMember({"sequential", "parallel"}));
  cal->add_option("-j,--jobs", c->jobs, "Spec: tasks at once in parallel mode");
  cal->add_option("--time-scale", c->time_scale, "Spec: the time scale (default: the budgets' own, else 1)");
  cal->add_option("--variant", c->variant, "Spec: the variant name of the runs (default: the mode)");
  cal->add_option("--out", c->out, "Where the measured runs go (default .flowbench/calibrate/<time>)");
  cal->add_option("-o,--output", c->output, "The noise file to write");
  cal->add_option("--from", c->from, "Analyse this noise file again instead of measuring")->check(CLI::ExistingFile);
  cal->add_option("--budgets", c->budgets, "Simulate these budgets' regression targets (false alarms, power)")
      ->check(CLI::ExistingFile);
  add_targets_option(*cal, c->targets);
  cal->add_option("--gate-reps", c->gate_reps, "Repetitions a side the gate will see (false alarms, power, auto)")
      ->capture_default_str()
      ->check(CLI::Range(2, 200));
  cal->add_option("--effect", c->effects, "Slowdowns whose power is reported (0.1 = +10%; comma-separated)")
      ->delimiter(',')
      ->expected(1)
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->capture_default_str();
  cal->add_option("--min-effect", c->min_effect, "Report the repetitions a side that detect this slowdown")
      ->check(CLI::Range(0.0, 10.0));
  cal->add_option("--trials", c->trials, "Simulated A/A gates")->capture_default_str()->check(CLI::Range(10, 100000));
  cal->add_option("--json", c->json, "Also write the figures as JSON");
  cal->callback([c, &exit_status] { exit_status = do_calibrate(*c); });
}

}  // namespace flowbench::cli
