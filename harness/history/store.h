// The history: a versioned schema, results recorded in one transaction each, read back
// whole for analysis. Kept in a SQLite file (the embedded default) or on a PostgreSQL
// server (one history many CI runners share), with the same schema version, migrations
// and answers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "history/records.h"
#include "util/expected.h"

namespace flowbench::history {

// The schema this flowbench writes. Older databases are migrated when opened; a newer one
// is refused (upgrade flowbench).
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

// What keeps a history: a file or a server. Every call is one transaction.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  virtual Expected<std::vector<RecordOutcome>> record(const std::vector<Result>& results) = 0;
  virtual Expected<Snapshot> load() = 0;
  virtual Expected<PruneOutcome> prune(std::size_t keep, const std::string& branch) = 0;
  virtual int schema_version() = 0;
};

// True for a PostgreSQL connection string (postgresql://... or postgres://...).
bool is_server_location(const std::string& location);

class Store {
 public:
  enum class Access { kRead, kWrite };
  // Opens the history at `location`: a SQLite file, or a PostgreSQL connection string.
  // kWrite creates it (a file and its folder; a server's tables) and migrates an older
  // schema; kRead needs an existing history at the current schema or an older one.
  // A writer waits up to `busy_ms` for another's lock. `up_to_version` exists for tests of
  // migrations.
  static Expected<Store> open(const std::string& location, Access access, int busy_ms = 15000,
                              int up_to_version = kSchemaVersion);

  // Stores the results in one transaction: all of them or, on any error, nothing. A result
  // already present (the same digest) is kept once.
  Expected<std::vector<RecordOutcome>> record(const std::vector<Result>& results) { return backend_->record(results); }

  // Every result with its samples.
  Expected<Snapshot> load() { return backend_->load(); }

  // Removes the results of all but the newest `keep` commits of each branch and
  // fingerprint (`branch` "" = every branch). A file is compacted; a server's autovacuum
  // reclaims the space.
  Expected<PruneOutcome> prune(std::size_t keep, const std::string& branch) { return backend_->prune(keep, branch); }

  int schema_version() { return backend_->schema_version(); }
  // The file, or the server's connection string without its password: fit to print.
  const std::string& name() const { return name_; }

 private:
  Store(std::unique_ptr<StoreBackend> backend, std::string name) : backend_(std::move(backend)), name_(std::move(name)) {}
  std::unique_ptr<StoreBackend> backend_;
  std::string name_;
};

// A fingerprint's fields as a database keeps them (a JSON object of strings); nullopt when
// the text is not a JSON object.
std::optional<Fingerprint> fingerprint_from_fields(const std::string& text);

// Which results a prune removes: of each (fingerprint, branch) group, those of all but the
// newest `keep` commits (by commit time, then the commit's id). Rows are the results with
// their group and commit.
struct PruneRow {
  std::int64_t fingerprint_id = 0;
  std::string branch;
  std::int64_t commit_time = 0;
  std::int64_t commit_id = 0;
  std::int64_t result_id = 0;
};
std::vector<std::int64_t> results_to_prune(const std::vector<PruneRow>& rows, std::size_t keep, const std::string& branch);

}  // namespace flowbench::history
