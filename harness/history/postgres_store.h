// The history on a PostgreSQL server: one history that many CI jobs record into at once.
// The same schema version, migrations and answers as the SQLite file; writers take one
// advisory lock per transaction, so concurrent records queue instead of deadlocking.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "history/postgres.h"
#include "history/store.h"

namespace flowbench::history {

class PostgresStore : public StoreBackend {
 public:
  static Expected<std::unique_ptr<PostgresStore>> open(const std::string& url, Store::Access access, int busy_ms,
                                                       int up_to_version);

  Expected<std::vector<RecordOutcome>> record(const std::vector<Result>& results) override;
  Expected<Snapshot> load() override;
  Expected<PruneOutcome> prune(std::size_t keep, const std::string& branch) override;
  int schema_version() override;

 private:
  explicit PostgresStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}
  Status migrate(Store::Access access, int up_to_version);
  void begin_write();
  // Ends a transaction: COMMIT, or ROLLBACK and the error.
  Status end_write();
  RecordOutcome record_one(const Result& result, std::map<std::pair<std::string, std::string>, std::int64_t>& metrics);
  std::unique_ptr<PgConnection> db_;
};

}  // namespace flowbench::history
