#include "bisect/repository.h"

#include <sstream>

#include "history/capture.h"
#include "platform/atomic_file.h"
#include "platform/posix.h"

namespace flowbench::bisect {
namespace fs = std::filesystem;

std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }

Expected<std::string> Repository::resolve(const std::string& rev, const std::string& which) const {
    auto hash = history::run_git(top_, {"rev-parse", "--verify", "--quiet", rev + "^{commit}"});
    if (!hash || hash->empty()) {
      return Error{"--" + which + " " + rev + ": no such commit in " + top_.string() +
                   "; fix: give a commit, branch or tag of this repository (git log shows them)"};
    }
    return *hash;
  }

Expected<std::vector<std::string>> Repository::range(const std::string& good, const std::string& bad) const {
    if (good == bad) return Error{"--good and --bad name the same commit " + short_hash(good) + "; fix: give two commits"};
    if (!history::run_git(top_, {"merge-base", "--is-ancestor", good, bad})) {
      return Error{"--good " + short_hash(good) + " is not an ancestor of --bad " + short_hash(bad) +
                   ": they are unrelated or in the wrong order; fix: give an older good commit that the bad one "
                   "descends from"};
    }
    auto list = history::run_git(top_, {"rev-list", "--ancestry-path", "--reverse", good + ".." + bad});
    if (!list) return list.error();
    std::vector<std::string> commits = {good};
    std::istringstream lines(*list);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) commits.push_back(line);
    }
    return commits;
  }

std::pair<std::string, std::string> Repository::subject_and_author(const std::string& hash) const {
    auto shown = history::run_git(top_, {"log", "-1", "--format=%s%x1f%an <%ae>", hash});
    if (!shown) return {"", ""};
    const auto sep = shown->find('\x1f');
    return {shown->substr(0, sep), sep == std::string::npos ? "" : shown->substr(sep + 1)};
  }

std::string Repository::current_branch() const {
    auto branch = history::run_git(top_, {"rev-parse", "--abbrev-ref", "HEAD"});
    return branch && *branch != "HEAD" ? *branch : "main";
  }

Expected<Tree> Trees::prepare(const std::string& hash) {
    Tree tree;
    tree.path = root_ / short_hash(hash);
    std::error_code ec;
    if (fs::exists(tree.path, ec)) {
      auto head = history::run_git(tree.path, {"rev-parse", "HEAD"});
      auto status = history::run_git(tree.path, {"status", "--porcelain", "--untracked-files=no"});
      if (!head || *head != hash || !status || !status->empty()) {
        return Error{tree.path.string() + ": the worktree of commit " + short_hash(hash) +
                     " is not clean (or not at that commit); fix: discard its changes or remove it (git worktree "
                     "remove --force " + tree.path.string() + ")"};
      }
    } else {
      fs::create_directories(root_, ec);
      auto added = history::run_git(repo_.top(), {"worktree", "add", "--detach", tree.path.string(), hash});
      if (!added) return Error{"cannot check out " + short_hash(hash) + ": " + added.error().message};
    }
    const fs::path marker = tree.path / ".flowbench-bisect-built";
    if (build_.empty() || fs::exists(marker, ec)) {
      tree.built = true;
      return tree;
    }
    const fs::path log = root_ / (short_hash(hash) + ".build.log");
    const auto env = platform::environment_map();
    auto status = platform::run_and_wait(
        "/bin/bash", {"bash", "-c", "cd '" + tree.path.string() + "' && CCACHE_BASEDIR='" + tree.path.string() + "' " + build_},
        log);
    if (!status || *status != 0) {
      tree.build_error = "the build failed (exit " + (status ? std::to_string(*status) : std::string("?")) + "); see " +
                         log.string();
      return tree;
    }
    (void)write_file_atomically(marker, "built by flowbench bisect\n");
    tree.built = true;
    return tree;
  }

void Trees::remove_all() {
    std::error_code ec;
    if (!fs::exists(root_, ec)) return;
    for (const auto& entry : fs::directory_iterator(root_, ec)) {
      if (entry.is_directory()) (void)history::run_git(repo_.top(), {"worktree", "remove", "--force", entry.path().string()});
    }
    (void)history::run_git(repo_.top(), {"worktree", "prune"});
  }

}  // namespace flowbench::bisect
