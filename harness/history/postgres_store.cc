#include "history/postgres_store.h"

#include <nlohmann/json.hpp>

#include "util/text.h"

namespace flowbench::history {
using nlohmann::json;

namespace {

// The advisory lock every writer takes for its transaction ("FBHD", as the SQLite file's
// application id).
constexpr const char* kTakeWriteLock = "SELECT pg_advisory_xact_lock(1178749000)";
constexpr const char* kApplication = "flowbench history";

// Migrations, oldest first: kMigrations[v - 1] takes a database from version v - 1 to v. The
// tables and columns are the SQLite file's, in PostgreSQL's types.
const char* const kMigrations[] = {
    // 1: results with their commit and fingerprint; samples as float64 bytes per metric.
    "CREATE TABLE flowbench_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE fingerprints(id BIGSERIAL PRIMARY KEY, digest TEXT NOT NULL UNIQUE, fields TEXT NOT NULL);"
    "CREATE TABLE commits(id BIGSERIAL PRIMARY KEY, hash TEXT NOT NULL UNIQUE, parents TEXT NOT NULL,"
    "  commit_time BIGINT NOT NULL);"
    "CREATE TABLE metrics(id BIGSERIAL PRIMARY KEY, variant TEXT NOT NULL, name TEXT NOT NULL, UNIQUE(variant, name));"
    "CREATE TABLE results(id BIGSERIAL PRIMARY KEY, digest TEXT NOT NULL UNIQUE,"
    "  commit_id BIGINT NOT NULL REFERENCES commits(id), branch TEXT NOT NULL, dirty INTEGER NOT NULL,"
    "  recorded_at BIGINT NOT NULL, fingerprint_id BIGINT NOT NULL REFERENCES fingerprints(id),"
    "  source TEXT NOT NULL, spec_sha256 TEXT NOT NULL);"
    "CREATE TABLE samples(result_id BIGINT NOT NULL REFERENCES results(id) ON DELETE CASCADE,"
    "  metric_id BIGINT NOT NULL REFERENCES metrics(id), vals BYTEA NOT NULL, PRIMARY KEY(result_id, metric_id));",
    // 2: free tags per result (--tag runner=ci-large); an index for a branch's history.
    "CREATE TABLE tags(result_id BIGINT NOT NULL REFERENCES results(id) ON DELETE CASCADE,"
    "  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(result_id, key));"
    "CREATE INDEX results_by_branch ON results(fingerprint_id, branch);",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

// Inserts a row unless its unique keys are there; its id either way. Writers hold the
// advisory lock, so no other transaction inserts the same keys meanwhile.
std::int64_t id_of(PgConnection& db, const std::string& table, const std::vector<std::string>& columns,
                   std::size_t key_count, const std::vector<PgParam>& values) {
  std::string names, placeholders, match;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::string at = std::to_string(i + 1);
    at.insert(at.begin(), '$');
    const char* comma = i ? ", " : "";
    names.append(comma).append(columns[i]);
    placeholders.append(comma).append(at);
    if (i < key_count) match.append(i ? " AND " : "").append(columns[i]).append(" = ").append(at);
  }
  auto rows = db.query("WITH added AS (INSERT INTO " + table + "(" + names + ") VALUES(" + placeholders +
                           ") ON CONFLICT DO NOTHING RETURNING id) SELECT id FROM added UNION ALL SELECT id FROM " +
                           table + " WHERE " + match,
                       values, "adding to " + table);
  return rows.size() ? rows.integer(0, 0) : 0;
}

}  // namespace

Expected<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& url, Store::Access access, int busy_ms,
                                                             int up_to_version) {
  auto connection = PgConnection::open(url);
  if (!connection) return connection.error();
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(*connection)));
  store->db_->exec("SET lock_timeout = " + std::to_string(busy_ms), "setting the lock timeout");
  if (auto migrated = store->migrate(access, up_to_version); !migrated) return migrated.error();
  return store;
}

void PostgresStore::begin_write() {
  db_->begin();
  db_->exec(kTakeWriteLock, "waiting for the history's write lock");
}

Status PostgresStore::end_write() {
  db_->commit();
  if (db_->failed()) {
    db_->rollback();
    return db_->error();
  }
  return ok_status();
}

int PostgresStore::schema_version() {
  auto rows = db_->query("SELECT value FROM flowbench_meta WHERE key = 'schema_version'", {}, "reading the schema version");
  return rows.size() ? static_cast<int>(rows.integer(0, 0)) : 0;
}

Status PostgresStore::migrate(Store::Access access, int up_to_version) {
  PgConnection& db = *db_;
  begin_write();
  auto has_meta = db.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                           "AND table_name = 'flowbench_meta'", {}, "looking for flowbench's tables");
  auto tables = db.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", {},
                         "counting the tables");
  int version = 0;
  if (!db.failed() && has_meta.integer(0, 0) > 0) {
    auto meta = db.query("SELECT key, value FROM flowbench_meta", {}, "reading flowbench_meta");
    std::string application;
    for (int i = 0; i < meta.size(); ++i) {
      if (meta.text(i, 0) == "application") application = meta.text(i, 1);
      if (meta.text(i, 0) == "schema_version") version = static_cast<int>(meta.integer(i, 1));
    }
    if (!db.failed() && application != kApplication) {
      db.fail_with(db.name() + ": the table flowbench_meta belongs to another application (\"" + application +
                   "\"); fix: give flowbench a database of its own (CREATE DATABASE flowbench_history)");
    }
  } else if (!db.failed() && tables.integer(0, 0) > 0) {
    db.fail_with(db.name() + ": not a flowbench history (the database holds " + std::to_string(tables.integer(0, 0)) +
                 " tables of another application); fix: give flowbench a database of its own (CREATE DATABASE "
                 "flowbench_history OWNER the job's role) and name it with --db");
  } else if (!db.failed() && access == Store::Access::kRead) {
    db.fail_with(db.name() + ": holds no flowbench history yet; fix: record into it first (flowbench record DATA --db "
                 "URL), or name the database that holds the history");
  }
  if (!db.failed() && version > kSchemaVersion) {
    db.fail_with(db.name() + ": the history database has schema version " + std::to_string(version) +
                 ", newer than this flowbench knows (" + std::to_string(kSchemaVersion) +
                 "); fix: use the flowbench that wrote it, or a newer one");
  }
  for (int v = version + 1; v <= up_to_version && !db.failed(); ++v) {
    db.exec(kMigrations[v - 1], "migrating the schema to version " + std::to_string(v));
    db.query("INSERT INTO flowbench_meta(key, value) VALUES('application', $1), ('schema_version', $2) "
             "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
             {kApplication, std::int64_t{v}}, "writing the schema version");
  }
  return end_write();
}

Expected<std::vector<RecordOutcome>> PostgresStore::record(const std::vector<Result>& results) {
  begin_write();
  std::map<std::pair<std::string, std::string>, std::int64_t> metrics;
  std::vector<RecordOutcome> outcomes;
  for (const auto& result : results) outcomes.push_back(record_one(result, metrics));
  if (auto ended = end_write(); !ended) return ended.error();
  return outcomes;
}

RecordOutcome PostgresStore::record_one(const Result& result,
                                        std::map<std::pair<std::string, std::string>, std::int64_t>& metrics) {
  PgConnection& db = *db_;
  RecordOutcome outcome;
  outcome.samples = result.sample_count();
  const std::string digest = result.digest();
  auto known = db.query("SELECT id FROM results WHERE digest = $1", {digest}, "looking for the result");
  if (known.size()) {
    outcome.result_id = known.integer(0, 0);
    return outcome;
  }
  const std::int64_t fingerprint = id_of(db, "fingerprints", {"digest", "fields"}, 1,
                                         {result.fingerprint.digest(), json(result.fingerprint.fields).dump()});
  const std::int64_t commit = id_of(db, "commits", {"hash", "parents", "commit_time"}, 1,
                                    {result.commit.hash, join(result.commit.parents, " "), result.commit.time});
  auto added = db.query(
      "INSERT INTO results(digest, commit_id, branch, dirty, recorded_at, fingerprint_id, source, spec_sha256) "
      "VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {digest, commit, result.commit.branch, std::int64_t{result.commit.dirty}, result.recorded_at, fingerprint,
       result.source, result.spec_sha256},
      "adding the result");
  if (!added.size()) return outcome;
  outcome.result_id = added.integer(0, 0);
  for (const auto& [key, values] : result.samples) {
    auto& metric = metrics[{key.variant, key.metric}];
    if (!metric) metric = id_of(db, "metrics", {"variant", "name"}, 2, {key.variant, key.metric});
    db.query("INSERT INTO samples(result_id, metric_id, vals) VALUES($1, $2, $3)",
             {outcome.result_id, metric, PgParam::doubles(values)}, "adding samples");
  }
  for (const auto& [key, value] : result.tags) {
    db.query("INSERT INTO tags(result_id, key, value) VALUES($1, $2, $3)", {outcome.result_id, key, value}, "adding tags");
  }
  outcome.stored = !db.failed();
  return outcome;
}

Expected<Snapshot> PostgresStore::load() {
  PgConnection& db = *db_;
  // One snapshot of the database, whatever other jobs record meanwhile.
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "beginning a read");
  std::map<std::int64_t, Fingerprint> fingerprints;
  auto f = db.query("SELECT id, fields FROM fingerprints", {}, "reading fingerprints");
  for (int i = 0; i < f.size() && !db.failed(); ++i) {
    auto fields = fingerprint_from_fields(f.text(i, 1));
    if (!fields) {
      db.fail_with(db.name() + ": fingerprint " + f.text(i, 0) + " is not a JSON object (a corrupt history); fix: "
                   "restore the database from a backup, or delete that fingerprint's results");
    } else {
      fingerprints[f.integer(i, 0)] = std::move(*fields);
    }
  }
  std::map<std::int64_t, std::pair<std::string, std::string>> metrics;
  auto m = db.query("SELECT id, variant, name FROM metrics", {}, "reading metrics");
  for (int i = 0; i < m.size(); ++i) metrics[m.integer(i, 0)] = {m.text(i, 1), m.text(i, 2)};
  Snapshot snapshot;
  std::map<std::int64_t, std::size_t> index;
  auto r = db.query(
      "SELECT r.id, c.hash, c.parents, c.commit_time, r.branch, r.dirty, r.recorded_at, r.fingerprint_id, r.source, "
      "r.spec_sha256 FROM results r JOIN commits c ON c.id = r.commit_id ORDER BY r.id",
      {}, "reading results");
  for (int i = 0; i < r.size(); ++i) {
    Result result;
    result.id = r.integer(i, 0);
    result.commit = {r.text(i, 1), split_words(r.text(i, 2)), r.text(i, 4), r.integer(i, 3), r.integer(i, 5) != 0};
    result.recorded_at = r.integer(i, 6);
    result.fingerprint = fingerprints[r.integer(i, 7)];
    result.source = r.text(i, 8);
    result.spec_sha256 = r.text(i, 9);
    index[result.id] = snapshot.results.size();
    snapshot.results.push_back(std::move(result));
  }
  auto s = db.query_binary("SELECT result_id, metric_id, vals FROM samples", "reading samples");
  for (int i = 0; i < s.size(); ++i) {
    auto at = index.find(s.binary_integer(i, 0));
    auto metric = metrics.find(s.binary_integer(i, 1));
    if (at == index.end() || metric == metrics.end()) continue;
    snapshot.results[at->second].samples[{metric->second.first, metric->second.second}] = s.doubles(i, 2);
  }
  auto t = db.query("SELECT result_id, key, value FROM tags", {}, "reading tags");
  for (int i = 0; i < t.size(); ++i) {
    auto at = index.find(t.integer(i, 0));
    if (at != index.end()) snapshot.results[at->second].tags[t.text(i, 1)] = t.text(i, 2);
  }
  if (auto ended = end_write(); !ended) return ended.error();
  return snapshot;
}

Expected<PruneOutcome> PostgresStore::prune(std::size_t keep, const std::string& branch) {
  PgConnection& db = *db_;
  begin_write();
  std::vector<PruneRow> rows;
  auto r = db.query("SELECT r.fingerprint_id, r.branch, c.commit_time, c.id, r.id FROM results r "
                    "JOIN commits c ON c.id = r.commit_id", {}, "reading the results to prune");
  for (int i = 0; i < r.size(); ++i) {
    rows.push_back({r.integer(i, 0), r.text(i, 1), r.integer(i, 2), r.integer(i, 3), r.integer(i, 4)});
  }
  const std::vector<std::int64_t> doomed = results_to_prune(rows, keep, branch);
  std::string ids = "{";
  for (std::size_t i = 0; i < doomed.size(); ++i) ids.append(i ? "," : "").append(std::to_string(doomed[i]));
  ids += "}";
  db.query("DELETE FROM results WHERE id = ANY($1::bigint[])", {ids}, "removing results");
  auto commits = db.query("WITH gone AS (DELETE FROM commits WHERE id NOT IN (SELECT commit_id FROM results) "
                          "RETURNING 1) SELECT count(*) FROM gone", {}, "removing commits");
  db.exec("DELETE FROM fingerprints WHERE id NOT IN (SELECT fingerprint_id FROM results)", "removing fingerprints");
  PruneOutcome outcome;
  outcome.results = doomed.size();
  outcome.commits = commits.size() ? static_cast<std::size_t>(commits.integer(0, 0)) : 0;
  if (auto ended = end_write(); !ended) return ended.error();
  return outcome;
}

}  // namespace flowbench::history
