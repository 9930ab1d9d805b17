// What `record`, `history` and `gate` share: where the history database is, and the
// commit a CI job may state instead of git.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "gate/gate.h"
#include "history/capture.h"
#include "history/store.h"

namespace flowbench::cli {

// The history's file when --db is not given: .flowbench/history.db beside the data's spec
// (else in the current folder); for reading, the nearest such file in this folder or a
// folder above it.
std::filesystem::path default_db_for(const Measurements& data);
std::filesystem::path find_default_db();

// --commit, --parents, --branch, --commit-time, --dirty/--clean.
struct CommitFlags {
  std::string hash, parents, branch;
  std::int64_t time = 0;
  bool dirty = false, clean = false;
  history::CommitOverrides overrides() const;
};
void add_commit_options(CLI::App& command, CommitFlags& flags);

// Opens the history (a file or a postgresql:// string) or prints the error (nullopt then:
// exit 2).
std::optional<history::Store> open_store(const std::string& location, history::Store::Access access,
                                         const std::string& command);

// Resolves every regression check whose baseline is "history": the window's commits from
// the database, measured like `data` (the candidate). Prints errors; false then (exit 2).
struct HistoryGateOptions {
  std::string db;  // a file or a postgresql:// string
  CommitFlags commit;
  std::string merge_base;
};
bool add_history_baselines(Budgets& budgets, const Measurements& data, const HistoryGateOptions& options,
                           Baselines& baselines, const std::string& command);

}  // namespace flowbench::cli
