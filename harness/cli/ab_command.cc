// `flowbench ab`: a baseline and a candidate measured in rounds in one job, the candidate
// gated against the baseline with a budgets file, round by round; by default until every
// regression target is decided.
#include <algorithm>
#include <iostream>
#include <memory>

#include "ab/arms.h"
#include "ab/instructions.h"
#include "ab/until_decided.h"
#include "cli/cli_common.h"
#include "cli/gate_common.h"
#include "gate/sequential.h"
#include "gate/verdict_text.h"
#include "util/name_glob.h"
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
  std::string reps;  // a number, or "auto"
  std::size_t max_reps = 0;
  std::string max_time;
  std::size_t look_every = 0;
  bool duet = false, in_turn = false;
  std::string counter = "auto";
  std::string order = "random";
  std::uint64_t seed = 1;
  std::size_t confirm = 0;
  std::string mode = "sequential";
  std::size_t jobs = 0;
  double time_scale = 0;
  std::string variant;
  fs::path out;
  VerdictFiles files;
};

// How many rounds, and how they are looked at.
struct Design {
  bool sequential = true;
  std::size_t fixed_rounds = 0;   // !sequential
  StoppingRule rule;              // sequential
  double max_seconds = 0;         // sequential: 0 = no time limit
};

Expected<Design> design_from(AbCommand c, const Budgets& budgets) {
  Design d;
  // What the command line leaves open, the budgets' "ab" defaults say.
  if (c.reps.empty() || c.reps == "auto") {
    if (c.max_reps == 0) c.max_reps = budgets.ab.max_reps;
    if (c.max_time.empty()) c.max_time = budgets.ab.max_time;
  }
  if (c.look_every == 0) c.look_every = budgets.ab.look_every > 0 ? budgets.ab.look_every : 5;
  std::size_t min_reps = 2;
  for (const auto& t : budgets.targets) {
    if (t.regression) min_reps = std::max(min_reps, t.regression->min_reps);
  }
  if (!c.reps.empty() && c.reps != "auto") {
    std::size_t n = 0;
    try {
      std::size_t used = 0;
      n = std::stoul(c.reps, &used);
      if (used != c.reps.size()) n = 0;
    } catch (const std::exception&) {
      n = 0;
    }
    if (n < 1 || n > 1000) return Error{"--reps " + c.reps + ": give a number of rounds (1-1000) or auto; fix: e.g. --reps 10"};
    if (c.max_reps || !c.max_time.empty()) {
      return Error{"--max-reps and --max-time limit --reps auto; fix: drop them, or use --reps auto"};
    }
    d.sequential = false;
    d.fixed_rounds = n;
    return d;
  }
  if (c.confirm > 0) {
    return Error{"--confirm re-measures after a fixed number of rounds; --reps auto already decides each target "
                 "with its false-alarm rate held over every look; fix: drop --confirm, or give --reps N"};
  }
  if (c.reps == "auto" && c.max_reps == 0 && c.max_time.empty()) {
    return Error{"--reps auto measures until every target is decided and needs a limit; fix: add --max-reps N "
                 "and/or --max-time 10m (or an \"ab\" limit in the budgets)"};
  }
  if (!c.max_time.empty()) {
    auto seconds = parse_duration(c.max_time);
    if (!seconds || *seconds <= 0) {
      return Error{"--max-time " + c.max_time + ": not a duration; fix: e.g. --max-time 600 (seconds), 10m or 1h"};
    }
    d.max_seconds = *seconds;
  }
  d.rule.max_rounds = c.max_reps > 0 ? c.max_reps : (c.max_time.empty() ? 30 : 1000);
  d.rule.first_look = std::min(std::max<std::size_t>(min_reps, 2), d.rule.max_rounds);
  d.rule.look_every = std::max<std::size_t>(c.look_every, 1);
  return d;
}

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
  plan.order = c.order == "alternate" ? RoundOrder::kAlternate : RoundOrder::kRandom;
  plan.seed = c.seed;
  plan.mode = c.mode == "parallel" ? RunMode::kParallel : RunMode::kSequential;
  plan.jobs = c.jobs;
  plan.time_scale = c.time_scale > 0 ? c.time_scale : budgets.time_scale.value_or(1.0);
  plan.variant = c.variant;
  if (c.duet && c.in_turn) return Error{"--duet and --in-turn contradict each other; fix: give one"};
  plan.duet = c.duet || (budgets.ab.duet && !c.in_turn);
  plan.out = c.out.empty() ? fs::path(".flowbench/ab") / compact_stamp(std::chrono::system_clock::now()) : c.out;
  return plan;
}

// The benchmarks an instruction target asks for, as the binary lists them; the counter.
Status plan_counts(AbPlan& plan, const AbCommand& c, const Budgets& budgets) {
  std::vector<std::string> globs;
  for (const auto& t : budgets.targets) {
    if (t.measure == Measure::kInstructions) globs.push_back(t.benchmark);
  }
  if (globs.empty()) return ok_status();
  if (plan.a.bench.empty()) {
    return Error{budgets.file.string() + ": a target measures instructions, which ab counts for benchmark binaries "
                 "only; fix: give --a-bench and --b-bench, or judge the spec's wall or CPU time"};
  }
  auto counter = platform::choose_counter(c.counter);
  if (!counter) return counter.error();
  plan.counter = *counter;
  auto names = list_benchmarks(plan.a.bench, plan.filter, {}, plan.out / "a" / "list");
  if (!names) return names.error();
  for (const auto& name : *names) {
    const std::string base = benchmark_base_name(name);
    if (std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return name_glob_match(g, base); })) {
      plan.count_benchmarks.push_back(name);
    }
  }
  if (plan.count_benchmarks.empty()) {
    return Error{"no benchmark of " + plan.a.bench.string() + " (with --filter " + plan.filter +
                 ") matches the instruction targets; fix: check the targets' benchmark globs"};
  }
  return ok_status();
}

struct Measured {
  ArmData data;
  std::vector<Verdict> verdicts;
  std::size_t rounds = 0;
  int exit = 0;  // non-zero: stop with it
};

// Fixed design: the rounds, one look spending everything, an optional confirmation.
Measured measure_fixed(const AbCommand& command, const AbPlan& plan, const Design& design, GateInputs& inputs,
                       const NoiseFile* noise) {
  Measured m;
  auto data = measure_arms(plan, 0, design.fixed_rounds, std::cerr);
  if (!data) {
    std::cerr << "flowbench ab: " << data.error().message << "\n";
    m.exit = kExitBadInput;
    return m;
  }
  m.data = std::move(*data);
  m.rounds = design.fixed_rounds;
  if (m.data.interrupted_signal) return m;
  auto verdicts = evaluate_budgets(inputs.budgets, m.data.b, arm_a_baseline(inputs.budgets, m.data, plan.out / "a"), noise);
  if (!verdicts) {
    std::cerr << "flowbench ab: " << verdicts.error().message << "\n";
    m.exit = kExitBadInput;
    return m;
  }
  m.verdicts = std::move(*verdicts);
  const bool flagged = std::any_of(m.verdicts.begin(), m.verdicts.end(), [](const Verdict& v) { return v.regressed; });
  if (command.confirm == 0 || !flagged) return m;
  std::cerr << "flowbench ab: confirming flagged targets with " << command.confirm << " more rounds\n";
  AbPlan again = plan;
  again.out = plan.out / "confirm";
  auto fresh = measure_arms(again, design.fixed_rounds, command.confirm, std::cerr);
  if (!fresh) {
    std::cerr << "flowbench ab: " << fresh.error().message << "\n";
    m.exit = kExitBadInput;
    return m;
  }
  if (fresh->interrupted_signal) {
    m.data.interrupted_signal = fresh->interrupted_signal;
    return m;
  }
  const Baselines fresh_baselines = arm_a_baseline(inputs.budgets, *fresh, again.out / "a");
  auto confirmed = confirm_regressions(m.verdicts, inputs.budgets, fresh->b, fresh_baselines, noise);
  if (!confirmed) {
    std::cerr << "flowbench ab: " << confirmed.error().message << "\n";
    m.exit = kExitBadInput;
    return m;
  }
  m.verdicts = std::move(*confirmed);
  return m;
}

// Sequential design: blocks of rounds, a look after each, until all is decided or the
// budget is spent.
Measured measure_sequential(const AbPlan& plan, const Design& design, GateInputs& inputs, const NoiseFile* noise) {
  Measured m;
  auto decided = measure_until_decided(plan, {design.rule, design.max_seconds}, inputs.budgets, noise, std::cerr);
  if (!decided) {
    std::cerr << "flowbench ab: " << decided.error().message << "\n";
    m.exit = kExitBadInput;
    return m;
  }
  m.data = std::move(decided->data);
  m.verdicts = std::move(decided->verdicts);
  m.rounds = decided->rounds;
  return m;
}

int do_ab(const AbCommand& command) {
  auto inputs = load_gate_inputs(command.budgets, command.targets, command.noise, "ab");
  if (!inputs) return kExitBadInput;
  auto fail = [](const std::string& message) {
    std::cerr << "flowbench ab: " << message << "\n";
    return kExitBadInput;
  };
  if (!outputs_writable(command.files, "ab")) return kExitBadInput;
  auto design = design_from(command, inputs->budgets);
  if (!design) return fail(design.error().message);
  auto plan = plan_from(command, inputs->budgets);
  if (!plan) return fail(plan.error().message);
  plan->rounds = design->sequential ? design->rule.max_rounds : design->fixed_rounds;
  if (auto checked = check_plan(*plan); !checked) return fail(checked.error().message);
  if (auto counts = plan_counts(*plan, command, inputs->budgets); !counts) return fail(counts.error().message);
  std::cerr << "flowbench ab: "
            << (design->sequential ? "rounds until decided (looks after " + std::to_string(design->rule.first_look) +
                                         ", then every " + std::to_string(design->rule.look_every) + ", at most " +
                                         std::to_string(design->rule.max_rounds) +
                                         (design->max_seconds > 0 ? " or " + duration_text(design->max_seconds) : "") + ")"
                                   : std::to_string(design->fixed_rounds) + " rounds")
            << ", " << (plan->duet ? "duet (both arms at once, CPUs swapped each round)" : "arms in turn, " +
                                         std::string(plan->order == RoundOrder::kRandom ? "random" : "alternating") + " order")
            << (plan->count_benchmarks.empty() ? "" : ", instructions counted by " + std::string(platform::counter_name(plan->counter)))
            << ", into " << plan->out.string() << "\n";
  const NoiseFile* noise = inputs->noise ? &*inputs->noise : nullptr;
  Measured m = design->sequential ? measure_sequential(*plan, *design, *inputs, noise)
                                  : measure_fixed(command, *plan, *design, *inputs, noise);
  if (m.exit) return m.exit;
  if (m.data.interrupted_signal) {
    std::cerr << "flowbench ab: stopped by signal " << m.data.interrupted_signal << "; what was measured is in "
              << plan->out.string() << "\n";
    return 128 + m.data.interrupted_signal;
  }
  if (!noise_fits(*inputs, m.data.b, "ab")) return kExitBadInput;
  for (const auto& note : m.data.left_out) std::cerr << "flowbench ab: left out: " << note << "\n";
  return report_verdicts(*inputs, "ab " + inputs->budgets.name + ": b (candidate) against a (baseline), " +
                                      std::to_string(m.rounds) + (plan->duet ? " duet rounds" : " rounds in turn") +
                                      ", paired by round",
                         m.verdicts, command.files, "ab");
}

}  // namespace

void add_ab_command(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<AbCommand>();
  auto* ab = app.add_subcommand(
      "ab", "Measure a baseline (a) and a candidate (b) in rounds in one job, then gate b against a round by round; "
            "exit 1 when a target fails, 3 when one is undecided");
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
  ab->add_option("--reps", c->reps,
                 "Rounds (each arm measured once a round): a number for a fixed design, or auto: look after each block "
                 "and stop when every regression target is decided (default: auto, limited by the budgets' \"ab\" "
                 "settings, else --max-reps 30)");
  ab->add_option("--max-reps", c->max_reps, "With --reps auto: at most this many rounds")->check(CLI::Range(2, 1000));
  ab->add_option("--max-time", c->max_time, "With --reps auto: stop looking for more rounds past this time (600, 10m, 1h)");
  ab->add_option("--look-every", c->look_every, "With --reps auto: rounds between looks (default 5; the first look "
                                                "comes after the budgets' largest min_reps)")
      ->check(CLI::Range(1, 100));
  ab->add_flag("--duet", c->duet, "Run both arms at the same time, each pinned to its own half of the CPUs (swapped "
                                  "each round): both see the same interference");
  ab->add_flag("--in-turn", c->in_turn, "Run the arms one after the other in each round (the default, unless the "
                                        "budgets' \"ab\" says duet)");
  ab->add_option("--counter", c->counter, "Instruction counter for targets that measure instructions: auto (hardware "
                                          "counter where there is one, else valgrind), perf or valgrind")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "perf", "valgrind"}));
  ab->add_option("--order", c->order, "Order within a round, arms in turn: random (seeded) or alternate")
      ->capture_default_str()
      ->check(CLI::IsMember({"random", "alternate"}));
  ab->add_option("--seed", c->seed, "Seed of the random order")->capture_default_str();
  ab->add_option("--confirm", c->confirm, "With --reps N: re-measure N more rounds when a target regressed; it stays "
                                          "flagged unless the fresh rounds rule the regression out")
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
  add_verdict_file_options(*ab, c->files);
  ab->callback([c, &exit_status] { exit_status = do_ab(*c); });
}

}  // namespace flowbench::cli
