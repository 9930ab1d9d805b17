// `flowbench bisect --good REV --bad REV`: the commit that caused a regression.
#include <iostream>
#include <memory>

#include "bisect/bisect.h"
#include "cli/cli_common.h"
#include "cli/gate_common.h"
#include "history/capture.h"
#include "history/store.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct BisectCommand {
  bisect::Request request;
  std::string mode = "sequential";
  fs::path budgets;
  std::vector<std::string> targets;
  std::string metric, variant, benchmark;
  double min_effect = 0.05;
  double alpha = 0.01;
  fs::path json;
  std::string db;  // a file or a postgresql:// string
  bool no_history = false;
};

// Without --budgets: one regression target from --metric/--variant (or --benchmark).
Expected<Budgets> target_from_flags(const BisectCommand& c) {
  if (c.metric.empty() && c.benchmark.empty()) {
    return Error{"what to follow: give --budgets FILE (with --targets GLOB), or --metric M --variant V, or --benchmark "
                 "NAME; fix: e.g. --variant sequential --metric task:8"};
  }
  Budgets b;
  b.name = "bisect";
  Target t;
  t.name = c.benchmark.empty() ? c.variant + "-" + c.metric : c.benchmark;
  t.benchmark = c.benchmark;
  t.variant = c.benchmark.empty() ? (c.variant.empty() ? "sequential" : c.variant) : "benchmark";
  t.metric = c.benchmark.empty() ? c.metric : c.benchmark;
  RegressionCheck check;
  check.alpha = c.alpha;
  check.min_effect = c.min_effect;
  t.regression = check;
  b.targets.push_back(t);
  return b;
}

int do_bisect(BisectCommand& c) {
  auto fail = [](const std::string& message) {
    std::cerr << "flowbench bisect: " << message << "\n";
    return kExitBadInput;
  };
  bisect::Request& r = c.request;
  if (c.budgets.empty()) {
    auto budgets = target_from_flags(c);
    if (!budgets) return fail(budgets.error().message);
    r.budgets = std::move(*budgets);
  } else {
    auto inputs = load_gate_inputs(c.budgets, c.targets, {}, "bisect");
    if (!inputs) return kExitBadInput;
    r.budgets = std::move(inputs->budgets);
    if (r.time_scale <= 0 && r.budgets.time_scale) r.time_scale = *r.budgets.time_scale;
  }
  std::vector<Target> followed;
  for (auto& t : r.budgets.targets) {
    if (t.regression) followed.push_back(t);
  }
  if (followed.empty()) return fail("the chosen targets hold no regression check; fix: --targets of regression targets");
  r.budgets.targets = followed;
  if (r.time_scale <= 0) r.time_scale = 1.0;
  r.mode = c.mode == "parallel" ? RunMode::kParallel : RunMode::kSequential;
  if (r.repo.empty()) r.repo = fs::current_path();
  auto top = history::run_git(r.repo, {"rev-parse", "--show-toplevel"});
  if (!top) return fail(r.repo.string() + " is not inside a git repository; fix: give --repo DIR of the repository");
  if (r.out.empty()) {
    std::string name = c.request.good + "-" + c.request.bad;
    for (char& ch : name) {
      if (ch == '~' || ch == '^' || ch == ':' || ch == '/') ch = '_';
    }
    r.out = fs::path(*top) / ".flowbench" / "bisect" / name;
  }
  r.out = fs::absolute(r.out);
  if (!c.no_history) {
    r.db = c.db.empty() ? (fs::path(*top) / ".flowbench" / "history.db").string()
           : history::is_server_location(c.db) ? c.db
                                                 : fs::absolute(c.db).string();
  }
  r.own_handlers = handler_dirs();
  auto report = bisect::run_bisect(r, std::cout);
  if (!report) return fail(report.error().message);
  if (!report->json.is_null()) {
    if (int status = write_json_file(c.json, report->json, "bisect")) return status;
  }
  return report->exit_status;
}

}  // namespace

void add_bisect_command(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<BisectCommand>();
  auto& r = c->request;
  auto* bisect = app.add_subcommand(
      "bisect", "Find the commit that caused a regression between a good and a bad commit: each probe built in a "
                "worktree and measured against good in rounds until decided; exit 0 when a culprit is named");
  bisect->add_option("--good", r.good, "A commit without the regression")->required();
  bisect->add_option("--bad", r.bad, "A later commit with it (descending from --good)")->required();
  bisect->add_option("--repo", r.repo, "The git repository (default: the one of the current folder)")
      ->check(CLI::ExistingDirectory);
  bisect->add_option("--build", r.build, "Run with bash in each probed commit's worktree (e.g. cmake --preset release "
                                         "&& cmake --build --preset release); none when the spec is all that changes");
  bisect->add_option("--spec", r.spec, "Measure this workflow spec (a path inside the repository)");
  bisect->add_option("--bench", r.bench, "Measure this Google Benchmark binary (a path the build makes)");
  bisect->add_option("--handlers", r.handlers, "A folder inside the repository searched first for the spec's "
                                               "programs (e.g. build/bin; repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  bisect->add_option("--filter", r.filter, "--benchmark_filter");
  bisect->add_option("--mode", c->mode, "Spec: sequential or parallel")->capture_default_str()->check(CLI::IsMember({"sequential", "parallel"}));
  bisect->add_option("-j,--jobs", r.jobs, "Spec: tasks at once in parallel mode");
  bisect->add_option("--time-scale", r.time_scale, "Spec: the time scale (default: the budgets' own, else 1)");
  bisect->add_option("--budgets", c->budgets, "Budgets whose regression targets are followed")->check(CLI::ExistingFile);
  add_targets_option(*bisect, c->targets);
  bisect->add_option("--variant", c->variant, "Without --budgets: the variant of --metric (default sequential)");
  bisect->add_option("--metric", c->metric, "Without --budgets: the metric to follow, e.g. task:8");
  bisect->add_option("--benchmark", c->benchmark, "Without --budgets: the benchmark to follow");
  bisect->add_option("--min-effect", c->min_effect, "Without --budgets: the smallest step worth naming")->capture_default_str();
  bisect->add_option("--max-rounds", r.max_rounds, "A probe's rounds before it counts as skipped")->capture_default_str();
  bisect->add_option("--out", r.out, "The bisect's folder: state, worktrees, rounds (default .flowbench/bisect/GOOD-BAD in the repository)");
  bisect->add_flag("--resume", r.resume, "Continue the bisect in --out (after Ctrl-C or a crash): nothing measured is measured again");
  bisect->add_option("--db", c->db, "History the probes are recorded into: a file or postgresql://... (default .flowbench/history.db in the repository)");
  bisect->add_flag("--no-history", c->no_history, "Record nothing");
  bisect->add_option("--branch", r.branch, "The branch the probes are recorded on (default: the repository's)");
  bisect->add_option("--json", c->json, "Also write the probes and the culprit(s) as JSON");
  bisect->callback([c, &exit_status] { exit_status = do_bisect(*c); });
}

}  // namespace flowbench::cli
