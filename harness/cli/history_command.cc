// `flowbench record` and `flowbench history`: the benchmark history of a repository.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/gate_common.h"
#include "cli/history_common.h"
#include "gate/verdict_text.h"
#include "report/markdown_summary.h"
#include "report/history_report.h"
#include "report/history_site.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct RecordCommand {
  std::vector<fs::path> data;
  std::string db;  // a file or a postgresql:// string
  CommitFlags commit;
  std::vector<std::string> tags;
};

// After a record: which variants the recorded histories (branch and fingerprint) now hold,
// with their commits; and a warning when several variants each hold a single commit, which
// is what recording one series per commit under changing variant names looks like.
void report_variants(const history::Snapshot& snapshot, const std::vector<history::Result>& recorded) {
  for (const auto& group : history::groups_of(snapshot, true)) {
    const bool touched = std::any_of(recorded.begin(), recorded.end(), [&](const history::Result& r) {
      return r.fingerprint.digest() == group.fingerprint.digest() && r.commit.branch == group.branch;
    });
    if (!touched) continue;
    std::map<std::string, std::set<std::string>> commits;
    std::set<std::string> all;
    for (const auto* result : group.results) {
      all.insert(result->commit.hash);
      for (const auto& [key, values] : result->samples) commits[key.variant].insert(result->commit.hash);
    }
    std::string line;
    std::size_t single = 0;
    for (const auto& [variant, hashes] : commits) {
      line += (line.empty() ? "" : ", ") + variant + " " + std::to_string(hashes.size()) +
              (hashes.size() == 1 ? " commit" : " commits");
      single += hashes.size() == 1;
    }
    std::cout << "  " << group.name() << ": " << line << "\n";
    if (single > 1 && single == commits.size() && all.size() > 1) {
      std::cerr << "flowbench record: warning: in " << group.name() << " each of " << single
                << " variants holds a single commit, so none has a history to compare; a run's variant is its mode "
                   "or `run --variant NAME` (recorded in run.json), never the name of the folder it sits in: record "
                   "one series under one variant across commits\n";
    }
  }
}

int do_record(const RecordCommand& c) {
  std::map<std::string, std::string> tags;
  for (const auto& tag : c.tags) {
    const auto eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "flowbench record: --tag " << tag << ": not KEY=VALUE; fix: write e.g. --tag runner=ci-large\n";
      return kExitBadInput;
    }
    tags[tag.substr(0, eq)] = tag.substr(eq + 1);
  }
  // Everything is read and checked before the database is touched.
  std::vector<history::Result> results;
  std::string db = c.db;
  for (const auto& path : c.data) {
    auto data = load_measurements(path);
    if (!data) {
      std::cerr << "flowbench record: " << data.error().message << "\n";
      return kExitBadInput;
    }
    auto commit = history::commit_info(history::repository_of(*data, fs::current_path()), c.commit.overrides());
    if (!commit) {
      std::cerr << "flowbench record: " << path.string() << ": " << commit.error().message << "\n";
      return kExitBadInput;
    }
    if (db.empty()) db = default_db_for(*data).string();
    results.push_back(history::result_of(*data, *commit, tags));
  }
  auto store = open_store(db, history::Store::Access::kWrite, "record");
  if (!store) return kExitBadInput;
  auto outcomes = store->record(results);
  if (!outcomes) {
    std::cerr << "flowbench record: " << outcomes.error().message << "\n";
    return kExitBadInput;
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    std::cout << ((*outcomes)[i].stored ? "recorded " : "already recorded (kept once) ") << r.source << ": "
              << r.sample_count() << " samples of " << r.samples.size() << " metrics at " << r.commit.hash.substr(0, 12)
              << " (" << r.commit.branch << (r.commit.dirty ? ", dirty" : "") << "), fingerprint "
              << r.fingerprint.digest() << "\n";
  }
  std::cout << "history: " << store->name() << "\n";
  if (auto snapshot = store->load()) report_variants(*snapshot, results);
  return 0;
}

struct HistoryCommand {
  std::string db;  // a file or a postgresql:// string
  bool include_dirty = false;
  // show
  std::string metric, variant, branch, fingerprint;
  std::size_t baseline_commits = 5;
  fs::path json;
  fs::path markdown;  // regressions: a Markdown summary
  // export
  std::string format = "csv";
  fs::path output;
  // prune
  std::size_t keep = 0;
  // regressions
  std::string since;
  history::ChangeOptions changes;
};

std::string db_of(const HistoryCommand& c) { return c.db.empty() ? find_default_db().string() : c.db; }

// The groups of the database, or nullopt after printing the error.
// The snapshot comes with the history's name, fit to print (no password).
std::optional<std::pair<history::Snapshot, std::string>> load_history(const HistoryCommand& c, const std::string& verb) {
  auto store = open_store(db_of(c), history::Store::Access::kRead, "history " + verb);
  if (!store) return std::nullopt;
  auto snapshot = store->load();
  if (!snapshot) {
    std::cerr << "flowbench history " << verb << ": " << snapshot.error().message << "\n";
    return std::nullopt;
  }
  return std::make_pair(std::move(*snapshot), store->name());
}

int do_list(const HistoryCommand& c) {
  auto loaded = load_history(c, "list");
  if (!loaded) return kExitBadInput;
  std::cout << loaded->second << ": " << loaded->first.results.size() << " results\n";
  print_history_groups(std::cout, history::groups_of(loaded->first, true));
  return 0;
}

bool shown_group(const HistoryCommand& c, const history::Group& g) {
  return (c.branch.empty() || g.branch == c.branch) &&
         (c.fingerprint.empty() || g.fingerprint.digest().rfind(c.fingerprint, 0) == 0);
}

int do_show(const HistoryCommand& c) {
  auto loaded = load_history(c, "show");
  if (!loaded) return kExitBadInput;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const auto& group : history::groups_of(loaded->first, c.include_dirty)) {
    if (!shown_group(c, group)) continue;
    const auto timeline = history::timeline_of(group);
    for (const auto& key : history::metrics_of(timeline)) {
      if (key.metric != c.metric || (!c.variant.empty() && key.variant != c.variant)) continue;
      MetricHistory h{group.name(), history::metric_timeline(timeline, key), {}, {}, c.baseline_commits, "1"};
      if (auto scale = group.fingerprint.fields.find("time_scale"); scale != group.fingerprint.fields.end()) {
        h.time_scale = scale->second;
      }
      for (const auto& commit : timeline) {
        if (commit.samples.count(key) && !commit.samples.at(key).empty()) h.times.push_back(commit.time);
      }
      h.changes = history::changes_of(h.metric, group.name(), c.changes);
      if (!all.empty()) std::cout << "\n";
      print_metric_history(std::cout, h);
      all.push_back(metric_history_json(h));
    }
  }
  if (all.empty()) {
    std::cerr << "flowbench history show: " << loaded->second << " holds no metric " << c.metric
              << (c.variant.empty() ? "" : " of variant " + c.variant)
              << (c.include_dirty ? "" : " measured on a clean work tree")
              << "; fix: name one `flowbench history export --format csv` lists (e.g. makespan, task:8, op:8/compile)"
              << (c.include_dirty ? "" : ", or add --include-dirty") << "\n";
    return kExitBadInput;
  }
  return write_json_file(c.json, all.size() == 1 ? all[0] : all, "history show");
}

int do_export(const HistoryCommand& c) {
  auto loaded = load_history(c, "export");
  if (!loaded) return kExitBadInput;
  std::ostringstream out;
  if (c.format == "json") out << history_json(loaded->first).dump(1) << "\n";
  else write_history_csv(out, loaded->first);
  return write_output(c.output, out.str(), "history export");
}

int do_prune(const HistoryCommand& c) {
  auto store = open_store(db_of(c), history::Store::Access::kWrite, "history prune");
  if (!store) return kExitBadInput;
  auto pruned = store->prune(c.keep, c.branch);
  if (!pruned) {
    std::cerr << "flowbench history prune: " << pruned.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << store->name() << ": removed " << pruned->results << " results of " << pruned->commits
            << " commits; kept the newest " << c.keep << " commits of each "
            << (c.branch.empty() ? "branch" : "history of " + c.branch) << " and fingerprint\n";
  return 0;
}

// A change whose last good and first bad commits are not parent and child leaves commits
// never recorded between them: the command that finds the one that did it.
void print_bisect_commands(std::ostream& out, const history::Snapshot& snapshot, const std::vector<history::Change>& changes) {
  std::map<std::string, std::vector<std::string>> parents;
  for (const auto& r : snapshot.results) parents[r.commit.hash] = r.commit.parents;
  bool header = false;
  for (const auto& change : changes) {
    if (!change.regression) continue;
    const auto& p = parents[change.first_bad];
    if (std::find(p.begin(), p.end(), change.last_good) != p.end()) continue;
    if (!header) {
      out << "\nUnrecorded commits lie between these ends; find the one that did it:\n";
      header = true;
    }
    const bool benchmark = change.key.variant == history::kBenchmarkVariant;
    out << "  flowbench bisect --good " << change.last_good.substr(0, 12) << " --bad " << change.first_bad.substr(0, 12)
        << (benchmark ? " --benchmark " + change.key.metric + " --bench BENCH_BINARY --build 'BUILD COMMAND'"
                      : " --variant " + change.key.variant + " --metric " + change.key.metric + " --spec SPEC")
        << format_number(" --min-effect %.3g", std::max(0.02, std::abs(change.effect.worse) / 2)) << "\n";
  }
}

int do_regressions(const HistoryCommand& c) {
  auto loaded = load_history(c, "regressions");
  if (!loaded) return kExitBadInput;
  std::vector<history::Group> groups;
  for (auto& g : history::groups_of(loaded->first, c.include_dirty)) {
    if (shown_group(c, g)) groups.push_back(std::move(g));
  }
  auto changes = history::find_changes(groups, c.changes, c.since);
  if (!changes) {
    std::cerr << "flowbench history regressions: " << changes.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "history " << loaded->second << ": " << groups.size() << " histories (branch @ fingerprint)\n\n";
  print_changes(std::cout, *changes, c.changes);
  print_bisect_commands(std::cout, loaded->first, *changes);
  if (int status = write_json_file(c.json, changes_json(*changes, c.changes), "history regressions")) return status;
  if (!c.markdown.empty() || std::getenv("GITHUB_STEP_SUMMARY")) {
    std::ostringstream markdown;
    const std::string shown = history::is_server_location(loaded->second) ? loaded->second
                                                                           : fs::path(loaded->second).filename().string();
    SummaryContext context{"history regressions: " + shown, "", {}};
    if (!c.json.empty()) context.links.push_back({"JSON", c.json.generic_string()});
    write_changes_markdown(markdown, context, *changes);
    if (int status = write_markdown_summary(markdown.str(), c.markdown, "history regressions")) return status;
  }
  const bool open = std::any_of(changes->begin(), changes->end(), [](const auto& x) { return x.regression && x.open; });
  return open ? kExitTasksFailed : 0;
}

int do_html(const HistoryCommand& c) {
  auto loaded = load_history(c, "html");
  if (!loaded) return kExitBadInput;
  HistorySiteOptions options{loaded->second, c.include_dirty, c.baseline_commits, c.changes};
  auto site = write_history_site(loaded->first, c.output, options);
  if (!site) {
    std::cerr << "flowbench history html: " << site.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "history site: " << (c.output / "index.html").string() << " (" << site->metric_pages
            << " metric pages, " << site->bytes / 1024 << " KiB; open regressions in " << site->open_regressions
            << " of them)\n";
  return 0;
}

struct MergeCommand {
  std::vector<std::string> sources;  // files or postgresql:// strings
  std::string into;
};

// Every result of the sources into one history, in one transaction: results already there
// (the same digest: the same data at the same commit and fingerprint) are skipped.
int do_merge(const MergeCommand& m) {
  std::vector<history::Result> results;
  std::vector<std::pair<std::string, std::size_t>> counts;  // each source's name and result count
  for (const auto& source : m.sources) {
    auto store = open_store(source, history::Store::Access::kRead, "history merge");
    if (!store) return kExitBadInput;
    auto snapshot = store->load();
    if (!snapshot) {
      std::cerr << "flowbench history merge: " << snapshot.error().message << "\n";
      return kExitBadInput;
    }
    counts.emplace_back(store->name(), snapshot->results.size());
    for (auto& r : snapshot->results) results.push_back(std::move(r));
  }
  auto into = open_store(m.into, history::Store::Access::kWrite, "history merge");
  if (!into) return kExitBadInput;
  auto outcomes = into->record(results);
  if (!outcomes) {
    std::cerr << "flowbench history merge: " << outcomes.error().message << "\n";
    return kExitBadInput;
  }
  std::size_t at = 0, added_in_all = 0;
  for (const auto& [name, count] : counts) {
    std::size_t added = 0, samples = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      added += (*outcomes)[i].stored;
      if ((*outcomes)[i].stored) samples += (*outcomes)[i].samples;
    }
    std::cout << name << ": added " << added << " of " << count << " results (" << samples
              << " samples); already there: " << count - added << "\n";
    at += count;
    added_in_all += added;
  }
  std::cout << into->name() << ": " << added_in_all << " results added from " << counts.size() << " histories\n";
  return 0;
}

void add_selection_options(CLI::App& command, HistoryCommand& c) {
  command.add_option("--branch", c.branch, "Only this branch's history");
  command.add_option("--fingerprint", c.fingerprint, "Only the history of this fingerprint (a prefix of its digest)");
  command.add_flag("--include-dirty", c.include_dirty, "Also use results of work trees with uncommitted changes");
}

void add_change_options(CLI::App& command, HistoryCommand& c) {
  auto& o = c.changes;
  command.add_option("--alpha", o.e_divisive.alpha, "Permutation p-value a change point needs")
      ->check(CLI::Range(1e-6, 0.5))->capture_default_str();
  command.add_option("--permutations", o.e_divisive.permutations, "Permutations per test")
      ->check(CLI::Range(19, 100000))->capture_default_str();
  command.add_option("--seed", o.e_divisive.seed, "Seed of the permutations")->capture_default_str();
  command.add_option("--min-change", o.min_change, "Smallest relative change reported (0.05 = 5%)")
      ->check(CLI::Range(0.0, 10.0))->capture_default_str();
  command.add_option("--window", o.window, "Commits either side a change is measured on")
      ->check(CLI::Range(1, 1000))->capture_default_str();
}

}  // namespace

void add_history_commands(CLI::App& app, int& exit_status) {
  auto rc = std::make_shared<RecordCommand>();
  auto* record = app.add_subcommand("record", "Record measured data into the history database (every sample, "
                                              "with its commit and where it was measured)");
  record->add_option("data", rc->data, "Run folders, series folders and benchmark JSON files")->required();
  record->add_option("--db", rc->db, "The history: a SQLite file, or a server as postgresql://USER@HOST:PORT/DATABASE (password in PGPASSWORD or "
                     "~/.pgpass) (default: .flowbench/history.db beside the spec)");
  add_commit_options(*record, rc->commit);
  record->add_option("--tag", rc->tags, "KEY=VALUE kept with the result (repeatable), e.g. runner=ci-large");
  record->callback([rc, &exit_status] { exit_status = do_record(*rc); });

  auto c = std::make_shared<HistoryCommand>();
  auto* history = app.add_subcommand("history", "Read the history database: list, show, export, prune, regressions, html, merge");
  history->add_option("--db", c->db, "The history: a SQLite file, or a server as postgresql://USER@HOST:PORT/DATABASE (password in PGPASSWORD or "
                     "~/.pgpass) (default: the nearest .flowbench/history.db)");
  history->require_subcommand(1);
  history->fallthrough();  // --db after the verb works too
  auto* list = history->add_subcommand("list", "The histories (branch and fingerprint) with their commits");
  list->callback([c, &exit_status] { exit_status = do_list(*c); });
  auto* show = history->add_subcommand("show", "One metric over the commits, with its change points");
  show->add_option("metric", c->metric, "makespan, total, task:<id>, op:<id>/<op>, ..., or a benchmark's name")->required();
  show->add_option("--variant", c->variant, "Only this variant (e.g. sequential, benchmark)");
  show->add_option("--baseline-commits", c->baseline_commits, "Commits a gate against history uses")->capture_default_str();
  show->add_option("--json", c->json, "Also write it as JSON (what tools/plot.py trend draws)");
  add_selection_options(*show, *c);
  add_change_options(*show, *c);
  show->callback([c, &exit_status] { exit_status = do_show(*c); });
  auto* exported = history->add_subcommand("export", "Every sample as CSV or JSON");
  exported->add_option("--format", c->format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
  exported->add_option("-o,--output", c->output, "The file to write (default: standard output)");
  exported->callback([c, &exit_status] { exit_status = do_export(*c); });
  auto* prune = history->add_subcommand("prune", "Drop all but the newest commits of each history");
  prune->add_option("--keep", c->keep, "Commits to keep per branch and fingerprint")->required()->check(CLI::Range(1, 1000000));
  prune->add_option("--branch", c->branch, "Only prune this branch");
  prune->callback([c, &exit_status] { exit_status = do_prune(*c); });
  auto* regressions = history->add_subcommand("regressions", "Change points of every metric; exit 1 while a regression is open");
  regressions->add_option("--since", c->since, "Only changes after this commit (a prefix of its hash)");
  regressions->add_option("--json", c->json, "Also write the changes as JSON");
  regressions->add_option("--markdown", c->markdown,
                          "Also write the changes as a Markdown summary (appended to $GITHUB_STEP_SUMMARY too when set)");
  add_selection_options(*regressions, *c);
  add_change_options(*regressions, *c);
  regressions->callback([c, &exit_status] { exit_status = do_regressions(*c); });
  auto* html = history->add_subcommand("html", "A static site for a browser: every metric's trend, change points and "
                                               "baseline window, open regressions first (works offline)");
  html->add_option("-o,--output", c->output, "The folder to write (index.html and a page per metric)")->required();
  html->add_option("--baseline-commits", c->baseline_commits, "Commits a gate against history uses (shaded)")
      ->capture_default_str();
  add_selection_options(*html, *c);
  add_change_options(*html, *c);
  html->callback([c, &exit_status] { exit_status = do_html(*c); });
  auto m = std::make_shared<MergeCommand>();
  auto* merge = history->add_subcommand(
      "merge", "Add the results of other histories (e.g. each CI job's own file) to one, skipping those already there");
  merge->add_option("sources", m->sources, "The histories to read: SQLite files or postgresql:// strings")->required();
  merge->add_option("--into", m->into, "The history to add them to (made when missing): a file or a postgresql:// string")
      ->required();
  merge->callback([m, &exit_status] { exit_status = do_merge(*m); });
}

}  // namespace flowbench::cli
