#include "bisect/bisect.h"

#include <chrono>
#include <cmath>
#include <sstream>

#include "ab/arms.h"
#include "ab/until_decided.h"
#include "bisect/repository.h"
#include "bisect/state.h"
#include "gate/verdict_text.h"
#include "history/capture.h"
#include "history/store.h"
#include "platform/atomic_file.h"
#include "platform/posix.h"
#include "util/digest.h"
#include "util/json_reader.h"
#include "util/time_format.h"

namespace flowbench::bisect {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

// The bisect's driver: kept as a class so its steps share the request, the repository and
// the state.
class Driver {
 public:
  Driver(const Request& request, std::ostream& out, Repository repo)
      : r_(request), out_(out), repo_(std::move(repo)), trees_(repo_, request.out / "trees", request.build) {}

  Expected<Report> run();

 private:
  Expected<Arm> arm_for(const std::string& hash, const std::string& name, ProbeRecord* skip_into);
  // Measures `probe` against good until `decide` can tell; the followed target's level.
  struct Measured {
    Level level;
    std::vector<flowbench::Verdict> verdicts;
    std::size_t rounds = 0;
    double seconds = 0;
    int signal = 0;
    bool told = false;
  };
  Expected<Measured> measure(const Arm& good, const Arm& probe, const std::string& folder, bool reproduce,
                             std::optional<std::size_t> index);
  Expected<Measured> measure_ends(const AbPlan& plan);
  Status start(const std::filesystem::path& state_file);
  // Probes until the search is done; a Report only when a signal stopped it.
  Expected<std::optional<Report>> probe_all(const Arm& good, const std::filesystem::path& state_file);
  Status record(const Measurements& data, const std::string& hash);
  Expected<Report> reproduce(const Arm& good);
  Report finish();
  void print_probe(const ProbeRecord& p);

  const Request& r_;
  std::ostream& out_;
  Repository repo_;
  Trees trees_;
  State s_;
  std::optional<Search> search_;
  Clock::time_point started_ = Clock::now();
};

Expected<Arm> Driver::arm_for(const std::string& hash, const std::string& name, ProbeRecord* skip_into) {
  auto tree = trees_.prepare(hash);
  if (!tree) return tree.error();
  Arm arm;
  arm.name = name;
  if (!tree->built) {
    if (skip_into) skip_into->why = tree->build_error;
    return Error{tree->build_error};
  }
  if (!r_.bench.empty()) {
    arm.bench = tree->path / r_.bench;
    if (!platform::is_executable_file(arm.bench)) {
      const std::string why = "no benchmark binary " + r_.bench.string() + " in commit " + short_hash(hash) +
                              " after its build";
      if (skip_into) skip_into->why = why;
      return Error{why + "; fix: check --bench against --build"};
    }
  } else {
    arm.spec = tree->path / r_.spec;
    std::error_code ec;
    if (!fs::is_regular_file(arm.spec, ec)) {
      const std::string why = "no spec " + r_.spec.string() + " in commit " + short_hash(hash);
      if (skip_into) skip_into->why = why;
      return Error{why + "; fix: give --spec relative to the repository, as every commit of the range has it"};
    }
    for (const auto& h : r_.handlers) arm.handler_dirs.push_back(tree->path / h);
    for (const auto& h : r_.own_handlers) arm.handler_dirs.push_back(h);
  }
  return arm;
}


Expected<Driver::Measured> Driver::measure(const Arm& good, const Arm& probe, const std::string& folder, bool reproduce,
                                           std::optional<std::size_t> index) {
  AbPlan plan;
  plan.a = good;
  plan.b = probe;
  plan.a.name = "a";
  plan.b.name = "b";
  plan.filter = r_.filter;
  plan.mode = r_.mode;
  plan.jobs = r_.jobs;
  plan.time_scale = r_.time_scale;
  plan.rounds = r_.max_rounds;
  plan.seed = 1;
  plan.out = r_.out / "rounds" / folder;
  std::error_code ec;
  fs::remove_all(plan.out, ec);  // an interrupted probe starts again
  if (auto checked = check_plan(plan); !checked) return checked.error();
  if (reproduce) return measure_ends(plan);
  Budgets budgets = r_.budgets;
  std::ostringstream quiet;
  Measured m;
  // A probe: blocks of rounds until its level can be told from the interval's ends.
  ArmData data;
  double spent = 0;
  std::size_t rounds = 0;
  while (rounds < r_.max_rounds) {
    const std::size_t block = std::min(rounds == 0 ? r_.first_look : r_.look_every, r_.max_rounds - rounds);
    auto more = measure_arms(plan, rounds, block, quiet, rounds == 0 ? nullptr : &data);
    if (!more) return more.error();
    if (rounds == 0) data = std::move(*more);
    else if (auto appended = append_rounds(data, *more); !appended) return appended.error();
    const std::size_t before = rounds;
    rounds += block;
    m.rounds = rounds;
    m.seconds = data.seconds;
    if (data.interrupted_signal) {
      m.signal = data.interrupted_signal;
      return m;
    }
    const Look look = look_spending(before, rounds, r_.max_rounds, rounds >= r_.max_rounds, spent);
    spent += look.alpha_share;
    auto verdicts = evaluate_budgets(budgets, data.b, arm_a_baseline(budgets, data, plan.out / "a"), nullptr, look);
    if (!verdicts) return verdicts.error();
    auto followed = std::find_if(verdicts->begin(), verdicts->end(), [&](const flowbench::Verdict& v) { return v.target == s_.metric; });
    if (followed == verdicts->end() || !followed->regression) {
      return Error{"commit " + short_hash(s_.commits[*index]) + " measured nothing of " + s_.metric +
                   "; fix: check the spec or benchmark exists there"};
    }
    const Comparison& c = *followed->regression;
    m.level = {c.worse, c.worse_floor, c.worse_bound};
    m.verdicts = *verdicts;
    if (search_->classify(*index, m.level) != Placement::kCannotTell) {
      m.told = true;
      break;
    }
  }
  if (auto recorded = record(data.b, s_.commits[*index]); !recorded) out_ << "  history: " << recorded.error().message << "\n";
  return m;
}

// The two ends, good against bad, with the budgets' own rule (rounds until decided); both
// recorded into the history.
Expected<Driver::Measured> Driver::measure_ends(const AbPlan& plan) {
  Budgets budgets = r_.budgets;
  std::ostringstream quiet;
  Measured m;
  UntilDecided how;
  how.rule = {r_.first_look, r_.look_every, r_.max_rounds};
  auto decided = measure_until_decided(plan, how, budgets, nullptr, quiet);
  if (!decided) return decided.error();
  m.signal = decided->data.interrupted_signal;
  m.verdicts = decided->verdicts;
  m.rounds = decided->rounds;
  m.seconds = decided->data.seconds;
  if (!m.signal) {
    if (auto recorded = record(decided->data.a, s_.commits.front()); !recorded) {
      out_ << "  history: " << recorded.error().message << "\n";
    }
    if (auto recorded = record(decided->data.b, s_.commits.back()); !recorded) {
      out_ << "  history: " << recorded.error().message << "\n";
    }
  }
  return m;
}

Status Driver::record(const Measurements& data, const std::string& hash) {
  if (r_.db.empty()) return ok_status();
  const fs::path tree = r_.out / "trees" / short_hash(hash);
  history::CommitOverrides overrides;
  overrides.branch = r_.branch.empty() ? repo_.current_branch() : r_.branch;
  overrides.dirty = false;
  auto commit = history::commit_info(fs::exists(tree) ? tree : repo_.top(), overrides);
  if (!commit) return commit.error();
  commit->hash = hash;
  auto store = history::Store::open(r_.db, history::Store::Access::kWrite);
  if (!store) return store.error();
  auto stored = store->record({history::result_of(data, *commit, {{"bisect", s_.id}})});
  if (!stored) return stored.error();
  return ok_status();
}

void Driver::print_probe(const ProbeRecord& p) {
  char line[400];
  if (p.state == "skipped") {
    std::snprintf(line, sizeof line, "  %-12s %-40.40s skipped: %s", short_hash(p.commit).c_str(), p.subject.c_str(),
                  p.why.c_str());
  } else {
    std::snprintf(line, sizeof line, "  %-12s %-40.40s %+6.1f%% [%+.1f%%, %+.1f%%]  %-15s %2zu rounds %6.1f s",
                  short_hash(p.commit).c_str(), p.subject.c_str(), p.level.change * 100, p.level.low * 100,
                  p.level.high * 100, p.verdict.c_str(), p.rounds, p.seconds);
  }
  out_ << line << "\n" << std::flush;
}

Expected<Report> Driver::reproduce(const Arm& good) {
  ProbeRecord why;
  auto bad = arm_for(s_.commits.back(), "b", &why);
  if (!bad) return Error{"the bad end " + short_hash(s_.commits.back()) + " cannot be measured: " + bad.error().message};
  out_ << "reproducing: " << short_hash(s_.commits.front()) << " (good) against " << short_hash(s_.commits.back())
       << " (bad), rounds until decided\n" << std::flush;
  auto m = measure(good, *bad, "reproduce", true, std::nullopt);
  if (!m) return m.error();
  Report report;
  if (m->signal) {
    report.exit_status = 128 + m->signal;
    return report;
  }
  const flowbench::Verdict* worst = nullptr;
  for (const auto& v : m->verdicts) {
    if (v.regressed && (!worst || v.regression->worse > worst->regression->worse)) worst = &v;
  }
  if (!worst) {
    out_ << "could not reproduce: no target regressed between the ends after " << m->rounds << " rounds\n";
    for (const auto& v : m->verdicts) {
      if (v.regression) out_ << "  " << v.target << ": " << change_text(*v.regression) << ", " << verdict_name(v.state) << "\n";
    }
    s_.reproduced = false;
    report.exit_status = 1;
    return report;
  }
  const Comparison& c = *worst->regression;
  s_.reproduced = true;
  s_.metric = worst->target;
  s_.bad = {c.worse, c.worse_low, c.worse_high};
  s_.min_effect = worst->min_effect;
  out_ << "reproduced: " << worst->target << " " << change_text(c) << " after " << m->rounds << " rounds ("
       << format_number("%.1f s", m->seconds) << ")\n";
  return report;
}

// A new bisect (the range from git, a fresh id) or the one in the state file.
Status Driver::start(const fs::path& state_file) {
  std::error_code ec;
  if (r_.resume) {
    auto loaded = load_state(state_file);
    if (!loaded) return loaded.error();
    s_ = std::move(*loaded);
    out_ << "resuming bisect " << s_.id << ": " << s_.probes.size() << " probes measured before\n";
    return ok_status();
  }
  if (fs::exists(state_file, ec)) {
    return Error{state_file.string() + ": a bisect is already here; fix: --resume it, or give another --out"};
  }
  auto good = repo_.resolve(r_.good, "good");
  if (!good) return good.error();
  auto bad = repo_.resolve(r_.bad, "bad");
  if (!bad) return bad.error();
  auto commits = repo_.range(*good, *bad);
  if (!commits) return commits.error();
  s_.commits = std::move(*commits);
  s_.id = text_digest(s_.commits.front() + s_.commits.back() + iso8601(std::chrono::system_clock::now())).substr(0, 12);
  return ok_status();
}

Expected<std::optional<Report>> Driver::probe_all(const Arm& good, const fs::path& state_file) {
  while (auto index = search_->next()) {
    ProbeRecord p;
    p.index = *index;
    p.commit = s_.commits[*index];
    std::tie(p.subject, p.author) = repo_.subject_and_author(p.commit);
    const auto probe_started = Clock::now();
    auto arm = arm_for(p.commit, "b", &p);
    if (!arm) {
      p.state = "skipped";
      if (p.why.empty()) p.why = arm.error().message;
      search_->skipped(*index);
    } else {
      auto m = measure(good, *arm, short_hash(p.commit), false, index);
      if (!m) return m.error();
      if (m->signal) {
        s_.seconds += since(started_);
        (void)save_state(state_file, s_);
        out_ << "stopped by signal " << m->signal << " while measuring " << short_hash(p.commit)
             << "; continue with --resume (nothing measured is measured again)\n";
        Report report;
        report.exit_status = 128 + m->signal;
        return std::optional<Report>(std::move(report));
      }
      p.level = m->level;
      p.rounds = m->rounds;
      p.state = m->told ? "measured" : "skipped";
      if (m->told) {
        p.verdict = placement_name(search_->classify(*index, m->level));
        search_->measured(*index, m->level);
      } else {
        p.why = "cannot tell its level from either end after " + std::to_string(m->rounds) + " rounds (" +
                format_number("%+.1f%%", m->level.change * 100) + ")";
        search_->skipped(*index);
      }
    }
    p.seconds = since(probe_started);
    s_.probes.push_back(p);
    print_probe(p);
    s_.seconds += since(started_);
    started_ = Clock::now();
    if (auto saved = save_state(state_file, s_); !saved) return saved.error();
  }
  return std::optional<Report>();
}

Expected<Report> Driver::run() {
  const fs::path state_file = r_.out / "bisect.json";
  std::error_code ec;
  fs::create_directories(r_.out, ec);
  if (ec) return Error{r_.out.string() + ": cannot create (" + ec.message() + "); fix: choose --out"};
  if (auto started = start(state_file); !started) return started.error();
  out_ << "bisect " << s_.id << ": " << s_.commits.size() - 1 << " commits after " << short_hash(s_.commits.front())
       << " up to " << short_hash(s_.commits.back()) << "\n";
  ProbeRecord good_why;
  auto good = arm_for(s_.commits.front(), "a", &good_why);
  if (!good) {
    ProbeRecord bad_why;
    auto bad = arm_for(s_.commits.back(), "b", &bad_why);
    if (!r_.resume) trees_.remove_all();
    return Error{"the good end " + short_hash(s_.commits.front()) + " cannot be measured: " + good.error().message +
                 (bad ? std::string() : "; the bad end neither: " + bad.error().message) +
                 "; fix: check --build (and --spec or --bench) on both ends"};
  }
  if (!s_.reproduced) {
    auto reproduced = reproduce(*good);
    if (!reproduced) {
      if (!r_.resume) trees_.remove_all();
      return reproduced.error();
    }
    s_.seconds += since(started_);
    started_ = Clock::now();
    if (auto saved = save_state(state_file, s_); !saved) return saved.error();
    if (!s_.reproduced) {
      reproduced->seconds = s_.seconds;
      return reproduced;
    }
  }
  search_.emplace(s_.commits.size() - 1, s_.bad, s_.min_effect);
  for (const auto& p : s_.probes) {  // replay what was measured before
    print_probe(p);
    if (p.state == "measured") search_->measured(p.index, p.level);
    else search_->skipped(p.index);
  }
  auto stopped = probe_all(*good, state_file);
  if (!stopped) return stopped.error();
  if (*stopped) return std::move(**stopped);
  return finish();
}

Report Driver::finish() {
  Report report;
  report.id = s_.id;
  report.commits = s_.commits;
  report.reproduced = s_.reproduced;
  report.metric = s_.metric;
  report.bad = s_.bad;
  report.probes = s_.probes;
  report.outcome = search_->outcome();
  report.seconds = s_.seconds + since(started_);
  const Outcome& o = report.outcome;
  ordered_json json = {{"id", s_.id}, {"good", s_.commits.front()}, {"bad", s_.commits.back()},
                       {"metric", s_.metric}, {"bad_change", level_json(s_.bad)}, {"seconds", report.seconds}};
  json["probes"] = ordered_json::array();
  for (const auto& p : s_.probes) json["probes"].push_back(probe_json(p));
  ordered_json culprits = ordered_json::array();
  for (const auto& step : o.steps) {
    const std::string& hash = s_.commits[step.first_bad];
    auto [subject, author] = repo_.subject_and_author(hash);
    const Level& after = step.after;
    out_ << "\nculprit: " << hash << "\n  " << subject << "\n  author " << author << "\n  "
         << format_number("%+.1f%%", step.change() * 100) << " against " << short_hash(s_.commits[step.last_good])
         << " (at it: " << format_number("%+.1f%%", after.change * 100) << format_number(" [%+.1f%%, ", after.low * 100)
         << format_number("%+.1f%%] against good)", after.high * 100) << "\n";
    culprits.push_back({{"commit", hash}, {"subject", subject}, {"author", author}, {"last_good", s_.commits[step.last_good]},
                        {"change", step.change()}, {"level", level_json(after)}});
  }
  for (const auto& [low, high] : o.unsplit) {
    out_ << "\ncould not split: the change lies after " << short_hash(s_.commits[low]) << " and up to "
         << short_hash(s_.commits[high]) << ", and every commit between was skipped\n";
  }
  json["unsplit"] = ordered_json::array();
  for (const auto& [low, high] : o.unsplit) json["unsplit"].push_back({{"after", s_.commits[low]}, {"up_to", s_.commits[high]}});
  if (o.drift) {
    out_ << "\nno single commit: the change builds up across the range (levels between the ends at";
    for (std::size_t i : o.between) out_ << " " << short_hash(s_.commits[i]);
    out_ << "), a drift rather than a step\n";
  }
  json["drift"] = o.drift;
  if (culprits.size() == 1) json["culprit"] = culprits.front()["commit"];
  json["culprits"] = culprits;
  out_ << "\n" << s_.probes.size() << " probes, " << format_number("%.0f s", report.seconds) << "\n";
  report.exit_status = !o.steps.empty() && o.unsplit.empty() ? 0 : 1;
  report.json = std::move(json);
  return report;
}

Expected<Report> run_bisect(const Request& request, std::ostream& out) {
  auto top = history::run_git(request.repo, {"rev-parse", "--show-toplevel"});
  if (!top) {
    return Error{request.repo.string() + " is not inside a git repository; fix: give --repo DIR of the repository"};
  }
  if (request.spec.empty() == request.bench.empty()) {
    return Error{"give what to measure: --spec PATH (a workflow in the repository) or --bench PATH (a benchmark "
                 "binary the build makes)"};
  }
  Driver driver(request, out, Repository(*top));
  return driver.run();
}

}  // namespace flowbench::bisect
