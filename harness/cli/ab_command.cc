// `flowbench ab`: a baseline and a candidate measured interleaved in one job, the candidate
// gated against the baseline with a budgets file.
#include <iostream>
#include <memory>

#include "ab/arms.h"
#include "cli/cli_common.h"
#include "cli/gate_common.h"
#include "util/time_format.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct AbCommand {
  std::vector<fs::path> specs;
  fs::path a_handlers, b_handlers;
  fs::path bench, a_bench, b_bench;
  std::vector<std::string> a_env, b_env;
  std::string filter;
  fs::path budgets, noise;
  std::vector<std::string> targets;
  std::size_t reps = 10;
  std::string order = "random";
  std::uint64_t seed = 1;
  std::size_t confirm = 0;
  std::string mode = "sequential";
  std::size_t jobs = 0;
  double time_scale = 0;
  std::string variant;
  fs::path out;
  fs::path junit, json;
};

// The plan from the options, or an error message.
Expected<AbPlan> plan_from(const AbCommand& c, const Budgets& budgets) {
  AbPlan plan;
  plan.a.name = "a";
  plan.b.name = "b";
  const bool benchmarks = !c.bench.empty() || !c.a_bench.empty() || !c.b_bench.empty();
  if (benchmarks) {
    if (!c.specs.empty()) return Error{"give specs or benchmark binaries, not both; fix: drop the specs or --bench"};
    plan.a.bench = c.a_bench.empty() ? c.bench : c.a_bench;
    plan.b.bench = c.b_bench.empty() ? c.bench : c.b_bench;
    if (plan.a.bench.empty() || plan.b.bench.empty()) {
      return Error{"one arm has no benchmark binary; fix: give --bench BIN, or --a-bench and --b-bench"};
    }
    plan.a.bench = fs::absolute(plan.a.bench);
    plan.b.bench = fs::absolute(plan.b.bench);
    plan.a.env = c.a_env;
    plan.b.env = c.b_env;
    plan.filter = c.filter;
  } else {
    if (c.specs.empty()) {
      return Error{"nothing to measure; fix: give SPEC_A SPEC_B, or SPEC with --a-handlers and --b-handlers, or "
                   "--a-bench and --b-bench"};
    }
    plan.a.spec = fs::absolute(c.specs.front());
    plan.b.spec = fs::absolute(c.specs.back());
    plan.a.handler_dirs = handler_dirs();
    plan.b.handler_dirs = handler_dirs();
    if (!c.a_handlers.empty()) plan.a.handler_dirs.insert(plan.a.handler_dirs.begin(), fs::absolute(c.a_handlers));
    if (!c.b_handlers.empty()) plan.b.handler_dirs.insert(plan.b.handler_dirs.begin(), fs::absolute(c.b_handlers));
  }
  plan.rounds = c.reps;
  plan.order = c.order == "alternate" ? RoundOrder::kAlternate : RoundOrder::kRandom;
  plan.seed = c.seed;
  plan.mode = c.mode == "parallel" ? RunMode::kParallel : RunMode::kSequential;
  plan.jobs = c.jobs;
  plan.time_scale = c.time_scale > 0 ? c.time_scale : budgets.time_scale.value_or(1.0);
  plan.variant = c.variant;
  plan.out = c.out.empty() ? fs::path(".flowbench/ab") / compact_stamp(std::chrono::system_clock::now()) : c.out;
  return plan;
}

// Every regression check compares against arm a.
Baselines arm_a_baseline(Budgets& budgets, const ArmData& data, const fs::path& key) {
  for (auto& target : budgets.targets) {
    if (target.regression) target.regression->baseline = key;
  }
  return {{key.string(), data.a}};
}

int do_ab(const AbCommand& command) {
  auto inputs = load_gate_inputs(command.budgets, command.targets, command.noise, "ab");
  if (!inputs) return kExitBadInput;
  auto plan = plan_from(command, inputs->budgets);
  if (!plan) {
    std::cerr << "flowbench ab: " << plan.error().message << "\n";
    return kExitBadInput;
  }
  if (auto checked = check_plan(*plan); !checked) {
    std::cerr << "flowbench ab: " << checked.error().message << "\n";
    return kExitBadInput;
  }
  std::cerr << "flowbench ab: " << plan->rounds << " rounds, " << (plan->order == RoundOrder::kRandom ? "random" : "alternating")
            << " order, into " << plan->out.string() << "\n";
  auto data = measure_arms(*plan, 0, plan->rounds, std::cerr);
  if (!data) {
    std::cerr << "flowbench ab: " << data.error().message << "\n";
    return kExitBadInput;
  }
  if (data->interrupted_signal) {
    std::cerr << "flowbench ab: stopped by signal " << data->interrupted_signal << "; what was measured is in "
              << plan->out.string() << "\n";
    return 128 + data->interrupted_signal;
  }
  if (!noise_fits(*inputs, data->b, "ab")) return kExitBadInput;
  const NoiseFile* noise = inputs->noise ? &*inputs->noise : nullptr;
  const Baselines baselines = arm_a_baseline(inputs->budgets, *data, plan->out / "a");
  auto verdicts = evaluate_budgets(inputs->budgets, data->b, baselines, noise);
  if (!verdicts) {
    std::cerr << "flowbench ab: " << verdicts.error().message << "\n";
    return kExitBadInput;
  }
  const bool flagged = std::any_of(verdicts->begin(), verdicts->end(), [](const Verdict& v) { return v.regressed; });
  if (command.confirm > 0 && flagged) {
    std::cerr << "flowbench ab: confirming flagged targets with " << command.confirm << " more rounds\n";
    AbPlan again = *plan;
    again.out = plan->out / "confirm";
    auto fresh = measure_arms(again, plan->rounds, command.confirm, std::cerr);
    if (!fresh) {
      std::cerr << "flowbench ab: " << fresh.error().message << "\n";
      return kExitBadInput;
    }
    if (fresh->interrupted_signal) return 128 + fresh->interrupted_signal;
    const Baselines fresh_baselines = arm_a_baseline(inputs->budgets, *fresh, again.out / "a");
    auto confirmed = confirm_regressions(*verdicts, inputs->budgets, fresh->b, fresh_baselines, noise);
    if (!confirmed) {
      std::cerr << "flowbench ab: " << confirmed.error().message << "\n";
      return kExitBadInput;
    }
    verdicts = std::move(confirmed);
  }
  return report_verdicts(*inputs, "ab " + inputs->budgets.name + ": b (candidate) against a (baseline), " +
                                      std::to_string(plan->rounds) + " interleaved rounds",
                         *verdicts, command.junit, command.json, "ab");
}

}  // namespace

void add_ab_command(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<AbCommand>();
  auto* ab = app.add_subcommand(
      "ab", "Measure a baseline (a) and a candidate (b) interleaved in one job, then gate b against a; exit 1 when a "
            "target fails");
  ab->add_option("specs", c->specs, "SPEC_A SPEC_B (two versions of one workflow), or one SPEC with --a-handlers "
                                    "and --b-handlers")
      ->expected(0, 2)
      ->check(CLI::ExistingFile);
  ab->add_option("--budgets", c->budgets, "Budgets file (schema flowbench.budgets/1)")->required()->check(CLI::ExistingFile);
  ab->add_option("--a-handlers", c->a_handlers, "Arm a's handler folder (searched first), e.g. build-main/bin")
      ->check(CLI::ExistingDirectory);
  ab->add_option("--b-handlers", c->b_handlers, "Arm b's handler folder (searched first), e.g. build/bin")
      ->check(CLI::ExistingDirectory);
  ab->add_option("--bench", c->bench, "A Google Benchmark binary measured as both arms (A/A, or with --a-env/--b-env)");
  ab->add_option("--a-bench", c->a_bench, "Arm a's Google Benchmark binary (the baseline build)");
  ab->add_option("--b-bench", c->b_bench, "Arm b's Google Benchmark binary (the candidate build)");
  ab->add_option("--filter", c->filter, "--benchmark_filter for both binaries");
  ab->add_option("--a-env", c->a_env, "KEY=VALUE for arm a's binary (repeatable)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  ab->add_option("--b-env", c->b_env, "KEY=VALUE for arm b's binary (repeatable)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  ab->add_option("--reps", c->reps, "Rounds: each arm measured once per round")->capture_default_str()->check(CLI::Range(1, 1000));
  ab->add_option("--order", c->order, "Order within a round: random (seeded) or alternate")
      ->capture_default_str()
      ->check(CLI::IsMember({"random", "alternate"}));
  ab->add_option("--seed", c->seed, "Seed of the random order")->capture_default_str();
  ab->add_option("--confirm", c->confirm, "Re-measure N more rounds when a target regressed; it fails only if the "
                                          "fresh samples confirm it")
      ->capture_default_str();
  ab->add_option("--noise", c->noise, "Noise file from `flowbench calibrate` for min_effect \"auto\"");
  add_targets_option(*ab, c->targets);
  ab->add_option("--mode", c->mode, "Spec arms: sequential or parallel")
      ->capture_default_str()
      ->check(CLI::IsMember({"sequential", "parallel"}));
  ab->add_option("-j,--jobs", c->jobs, "Spec arms: tasks at once in parallel mode (default: cores)");
  ab->add_option("--time-scale", c->time_scale, "Spec arms: the time scale (default: the budgets' own, else 1)");
  ab->add_option("--variant", c->variant, "Spec arms: the variant name the budgets use (default: the mode)");
  ab->add_option("--out", c->out, "Where both arms' runs and benchmark JSON go (default .flowbench/ab/<time>)");
  ab->add_option("--junit", c->junit, "Also write the verdicts as JUnit XML");
  ab->add_option("--json", c->json, "Also write the verdicts as JSON");
  ab->callback([c, &exit_status] { exit_status = do_ab(*c); });
}

}  // namespace flowbench::cli
