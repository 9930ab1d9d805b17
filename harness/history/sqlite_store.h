// The history in a SQLite file (WAL): the embedded default.
#pragma once

#include <filesystem>
#include <memory>

#include "history/sqlite.h"
#include "history/store.h"

namespace flowbench::history {

class SqliteStore : public StoreBackend {
 public:
  // kWrite creates the file (and its folder); both accesses migrate an older schema.
  static Expected<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file, Store::Access access,
                                                     int busy_ms, int up_to_version);

  Expected<std::vector<RecordOutcome>> record(const std::vector<Result>& results) override;
  Expected<Snapshot> load() override;
  Expected<PruneOutcome> prune(std::size_t keep, const std::string& branch) override;
  int schema_version() override;

 private:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status migrate(int up_to_version);
  RecordOutcome record_one(const Result& result);
  // Inserts `keys` unless present; the row's id, found by the first `key_count` keys.
  std::int64_t id_of(const char* insert, const char* select, const std::vector<std::string>& keys,
                     std::size_t key_count);
  std::unique_ptr<Database> db_;
};

}  // namespace flowbench::history
