// The history database (SQLite, WAL): a versioned schema, results recorded in one
// transaction each, read back whole for analysis.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "history/records.h"
#include "history/sqlite.h"

namespace flowbench::history {

// The schema this flowbench writes. Older databases are migrated when opened for writing;
// a newer one is refused (upgrade flowbench).
inline constexpr int kSchemaVersion = 2;

// Everything recorded, for analysis. Results come in the order they were recorded.
struct Snapshot {
  std::vector<Result> results;
};

struct RecordOutcome {
  bool stored = false;  // false: the same data was already recorded (stored once)
  std::int64_t result_id = 0;
  std::size_t samples = 0;
};

struct PruneOutcome {
  std::size_t results = 0;  // results removed
  std::size_t commits = 0;  // commits no result refers to any more
};

class Store {
 public:
  enum class Access { kRead, kWrite };
  // Opens the database. kWrite creates it (and its folder) and migrates an older schema;
  // kRead needs an existing database at the current schema or an older one.
  // A writer waits up to `busy_ms` for another's lock. `up_to_version` exists for tests of
  // migrations.
  static Expected<Store> open(const std::filesystem::path& file, Access access, int busy_ms = 15000,
                              int up_to_version = kSchemaVersion);

  // Stores the results in one transaction: all of them or, on any error, nothing.
  Expected<std::vector<RecordOutcome>> record(const std::vector<Result>& results);

  // Every result with its samples.
  Expected<Snapshot> load();

  // Removes the results of all but the newest `keep` commits of each branch and
  // fingerprint (`branch` "" = every branch), then compacts the file.
  Expected<PruneOutcome> prune(std::size_t keep, const std::string& branch);

  int schema_version();
  const std::filesystem::path& file() const { return db_->file(); }

 private:
  explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status migrate(int up_to_version);
  RecordOutcome record_one(const Result& result);
  // Inserts `keys` unless present; the row's id, found by the first `key_count` keys.
  std::int64_t id_of(const char* insert, const char* select, const std::vector<std::string>& keys,
                     std::size_t key_count);
  std::unique_ptr<Database> db_;
};

}  // namespace flowbench::history
