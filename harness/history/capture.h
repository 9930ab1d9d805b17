// Turning measured data into a history result: the commit it measured (from git, or given
// by a CI job) and the fingerprint of where it was measured.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "history/records.h"

namespace flowbench::history {

// What a CI job may say instead of git. Unset fields come from git of `repository`.
struct CommitOverrides {
  std::string hash;
  std::optional<std::vector<std::string>> parents;
  std::string branch;
  std::optional<std::int64_t> time;
  std::optional<bool> dirty;
};

// git's output in `repository` (stdout and stderr, trailing white space trimmed), or why git
// could not give it (its own words).
Expected<std::string> run_git(const std::filesystem::path& repository, const std::vector<std::string>& args);

// The commit checked out in `repository` (a folder inside a git work tree), with the
// overrides applied. A detached HEAD takes its branch from the CI's environment
// (GITHUB_HEAD_REF, GITHUB_REF_NAME, CI_COMMIT_REF_NAME, BRANCH_NAME). Errors say which
// flag gives what git could not.
Expected<CommitInfo> commit_info(const std::filesystem::path& repository, const CommitOverrides& overrides);

// The folder whose git history a data set belongs to: its spec's folder, else `fallback`.
std::filesystem::path repository_of(const Measurements& data, const std::filesystem::path& fallback);

// The fingerprint of a data set: what its facts say, the rest from this machine and this
// flowbench (memory rounded to GiB); its time scale and workflow.
Fingerprint fingerprint_of(const Measurements& data);

// A result of `data` at `commit`: every sample, benchmarks under "benchmark"; the spec's
// digest when the spec is readable.
Result result_of(const Measurements& data, const CommitInfo& commit, const std::map<std::string, std::string>& tags);

// The first commit both `a` and `b` descend from (`git merge-base`), as a full hash.
Expected<std::string> merge_base(const std::filesystem::path& repository, const std::string& a, const std::string& b);

}  // namespace flowbench::history
