// The git side of a bisect: the range of commits between good and bad, their subjects and
// authors, and a worktree for each probed commit (kept under the bisect's folder, reused,
// built once).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "util/expected.h"

namespace flowbench::bisect {

// A commit's hash as printed: its first 12 characters.
std::string short_hash(const std::string& hash);

class Repository {
 public:
  explicit Repository(std::filesystem::path top) : top_(std::move(top)) {}
  const std::filesystem::path& top() const { return top_; }

  // The full hash of `rev`; the error names the option (`which`) and the fix.
  Expected<std::string> resolve(const std::string& rev, const std::string& which) const;
  // The commits from good (first) to bad (last) along the ancestry path; an error when good is
  // not an ancestor of bad.
  Expected<std::vector<std::string>> range(const std::string& good, const std::string& bad) const;
  std::pair<std::string, std::string> subject_and_author(const std::string& hash) const;
  std::string current_branch() const;  // "main" for a detached HEAD

 private:
  std::filesystem::path top_;
};

// A probed commit's worktree: built, or why not.
struct Tree {
  std::filesystem::path path;
  bool built = false;
  std::string build_error;  // set when the build failed
};

class Trees {
 public:
  Trees(const Repository& repo, std::filesystem::path root, std::string build)
      : repo_(repo), root_(std::move(root)), build_(std::move(build)) {}

  // The commit's worktree under the root (made, or reused when clean and at that commit),
  // built once (a marker file says so). An error for a worktree that is not clean.
  Expected<Tree> prepare(const std::string& hash);
  // Removes every worktree under the root (after an error before the first probe).
  void remove_all();

 private:
  const Repository& repo_;
  std::filesystem::path root_;
  std::string build_;
};

}  // namespace flowbench::bisect
