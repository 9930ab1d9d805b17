#include "cli/history_common.h"

#include <iostream>

#include "cli/cli_common.h"
#include "history/baseline.h"
#include "util/text.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

fs::path default_db_for(const Measurements& data) {
  return history::repository_of(data, fs::current_path()) / ".flowbench" / "history.db";
}

fs::path find_default_db() {
  std::error_code ec;
  for (fs::path folder = fs::current_path(ec); !folder.empty(); folder = folder.parent_path()) {
    if (fs::exists(folder / ".flowbench" / "history.db")) return folder / ".flowbench" / "history.db";
    if (folder == folder.root_path()) break;
  }
  return fs::path(".flowbench") / "history.db";
}

history::CommitOverrides CommitFlags::overrides() const {
  history::CommitOverrides o;
  o.hash = hash;
  o.branch = branch;
  // Without --parents, git gives them (when the commit is in the repository; else none).
  if (!parents.empty()) o.parents = split_commas(parents);
  if (time > 0) o.time = time;
  if (dirty) o.dirty = true;
  if (clean) o.dirty = false;
  return o;
}

void add_commit_options(CLI::App& command, CommitFlags& flags) {
  command.add_option("--commit", flags.hash, "The commit measured (default: git's HEAD in the spec's folder)");
  command.add_option("--parents", flags.parents, "HASH[,HASH]: its parents (default: from git)");
  command.add_option("--branch", flags.branch,
                     "Its branch (default: git's, else $GITHUB_HEAD_REF, $GITHUB_REF_NAME, $CI_COMMIT_REF_NAME)");
  command.add_option("--commit-time", flags.time, "Its commit time, seconds since 1970 (default: from git)");
  auto* dirty = command.add_flag("--dirty", flags.dirty, "Mark the work tree as holding uncommitted changes");
  command.add_flag("--clean", flags.clean, "Mark the work tree as clean (default: asks git)")->excludes(dirty);
}

std::optional<history::Store> open_store(const std::string& location, history::Store::Access access,
                                         const std::string& command) {
  auto store = history::Store::open(location, access);
  if (!store) {
    std::cerr << "flowbench " << command << ": " << store.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*store);
}

namespace {

// Where the window of a branch other than the candidate's ends: their merge-base.
bool merge_base_window(const fs::path& repository, const history::CommitInfo& candidate, const std::string& given,
                       history::BaselineWindow& window, const std::string& command) {
  std::string base = given;
  if (base.empty()) {
    auto found = history::merge_base(repository, candidate.hash, window.branch);
    if (!found) {
      std::cerr << "flowbench " << command << ": " << found.error().message << "; fix: fetch " << window.branch
                << " (git fetch origin " << window.branch << ":" << window.branch << ") or pass --merge-base HASH\n";
      return false;
    }
    base = *found;
  }
  history::CommitOverrides o;
  o.hash = base;
  o.branch = window.branch;
  o.dirty = false;
  o.parents = std::vector<std::string>{};
  auto info = history::commit_info(repository, o);
  window.up_to = info ? info->hash : base;
  window.up_to_time = info ? info->time : 0;
  return true;
}

}  // namespace

bool add_history_baselines(Budgets& budgets, const Measurements& data, const HistoryGateOptions& options,
                           Baselines& baselines, const std::string& command) {
  std::vector<RegressionCheck*> checks;
  for (auto& target : budgets.targets) {
    if (target.regression && target.regression->baseline == kHistoryBaseline) checks.push_back(&*target.regression);
  }
  if (checks.empty()) return true;
  const std::string db = options.db.empty() ? default_db_for(data).string() : options.db;
  auto store = open_store(db, history::Store::Access::kRead, command);
  if (!store) return false;
  auto snapshot = store->load();
  if (!snapshot) {
    std::cerr << "flowbench " << command << ": " << snapshot.error().message << "\n";
    return false;
  }
  const fs::path repository = history::repository_of(data, fs::current_path());
  auto candidate = history::commit_info(repository, options.commit.overrides());
  if (!candidate) {
    std::cerr << "flowbench " << command << ": the baseline \"history\" needs the candidate's commit: "
              << candidate.error().message << "\n";
    return false;
  }
  const history::Fingerprint fingerprint = history::fingerprint_of(data);
  for (RegressionCheck* check : checks) {
    history::BaselineWindow window{check->history_branch, check->history_commits, "", "", 0};
    if (candidate->branch == window.branch) {
      window.before = candidate->hash;
    } else if (!merge_base_window(repository, *candidate, options.merge_base, window, command)) {
      return false;
    }
    const std::string key = std::string(kHistoryBaseline) + ":" + window.branch + ":" + std::to_string(window.commits);
    check->baseline = key;
    if (!baselines.count(key)) {
      auto baseline = history::history_baseline(*snapshot, fingerprint, window, store->name());
      std::cout << "baseline \"history\" (" << window.commits << " commits of " << window.branch << "): "
                << (baseline.not_comparable.empty() ? baseline.source : "nothing comparable") << "\n";
      baselines.emplace(key, std::move(baseline));
    }
  }
  return true;
}

}  // namespace flowbench::cli
