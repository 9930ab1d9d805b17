#include "history/sqlite_store.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "util/text.h"

namespace flowbench::history {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// "FBHD": marks a SQLite file as a flowbench history database.
constexpr int kApplicationId = 0x46424844;

// Migrations, oldest first: kMigrations[v - 1] takes a database from version v - 1 to v.
const char* const kMigrations[] = {
    // 1: results with their commit and fingerprint; samples as float64 blobs per metric.
    "CREATE TABLE fingerprints(id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, fields TEXT NOT NULL);"
    "CREATE TABLE commits(id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, parents TEXT NOT NULL,"
    "  commit_time INTEGER NOT NULL);"
    "CREATE TABLE metrics(id INTEGER PRIMARY KEY, variant TEXT NOT NULL, name TEXT NOT NULL, UNIQUE(variant, name));"
    "CREATE TABLE results(id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE,"
    "  commit_id INTEGER NOT NULL REFERENCES commits(id), branch TEXT NOT NULL, dirty INTEGER NOT NULL,"
    "  recorded_at INTEGER NOT NULL, fingerprint_id INTEGER NOT NULL REFERENCES fingerprints(id),"
    "  source TEXT NOT NULL, spec_sha256 TEXT NOT NULL);"
    "CREATE TABLE samples(result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,"
    "  metric_id INTEGER NOT NULL REFERENCES metrics(id), vals BLOB NOT NULL,"
    "  PRIMARY KEY(result_id, metric_id)) WITHOUT ROWID;",
    // 2: free tags per result (--tag runner=ci-large); an index for a branch's history.
    "CREATE TABLE tags(result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,"
    "  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(result_id, key)) WITHOUT ROWID;"
    "CREATE INDEX results_by_branch ON results(fingerprint_id, branch);",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

std::int64_t pragma(Database& db, const char* name) {
  auto statement = db.prepare(std::string("PRAGMA ") + name);
  return statement.step() ? statement.integer(0) : 0;
}

}  // namespace

Expected<std::unique_ptr<SqliteStore>> SqliteStore::open(const fs::path& file, Store::Access access, int busy_ms,
                                                          int up_to_version) {
  if (access == Store::Access::kWrite && file.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) return Error{file.parent_path().string() + ": cannot make the folder (" + ec.message() + "); fix: name a writable place with --db"};
  }
  auto db = Database::open(file, access == Store::Access::kWrite, busy_ms);
  if (!db) return db.error();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  if (auto migrated = store->migrate(up_to_version); !migrated) return migrated.error();
  return store;
}

int SqliteStore::schema_version() { return static_cast<int>(pragma(*db_, "user_version")); }

Status SqliteStore::migrate(int up_to_version) {
  Database& db = *db_;
  db.begin_write();
  const std::int64_t app = pragma(db, "application_id");
  const std::int64_t version = pragma(db, "user_version");
  auto tables = db.prepare("SELECT count(*) FROM sqlite_master");
  const std::int64_t objects = tables.step() ? tables.integer(0) : 0;
  if (!db.failed() && (app != kApplicationId && (app != 0 || objects != 0))) {
    db.fail_with(db.file().string() + ": not a flowbench history database (another SQLite database); fix: name the "
                 "history's file with --db, or move this one aside");
  }
  if (!db.failed() && version > kSchemaVersion) {
    db.fail_with(db.file().string() + ": the history database has schema version " + std::to_string(version) +
                 ", newer than this flowbench knows (" + std::to_string(kSchemaVersion) +
                 "); fix: use the flowbench that wrote it, or a newer one");
  }
  for (int v = static_cast<int>(version) + 1; v <= up_to_version && !db.failed(); ++v) {
    db.exec(kMigrations[v - 1]);
    db.exec("PRAGMA user_version = " + std::to_string(v));
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  }
  if (db.failed()) {
    db.rollback();
    return db.error();
  }
  db.commit();
  if (db.failed()) return db.error();
  return ok_status();
}

std::int64_t SqliteStore::id_of(const char* insert, const char* select, const std::vector<std::string>& keys,
                          std::size_t key_count) {
  auto add = db_->prepare(insert);
  for (std::size_t i = 0; i < keys.size(); ++i) add.bind(static_cast<int>(i), keys[i]);
  add.run();
  auto find = db_->prepare(select);
  for (std::size_t i = 0; i < key_count; ++i) find.bind(static_cast<int>(i), keys[i]);
  return find.step() ? find.integer(0) : 0;
}

Expected<std::vector<RecordOutcome>> SqliteStore::record(const std::vector<Result>& results) {
  Database& db = *db_;
  db.begin_write();
  std::vector<RecordOutcome> outcomes;
  for (const auto& result : results) outcomes.push_back(record_one(result));
  db.commit();
  if (db.failed()) {
    db.rollback();
    return db.error();
  }
  return outcomes;
}

RecordOutcome SqliteStore::record_one(const Result& result) {
  Database& db = *db_;
  RecordOutcome outcome;
  outcome.samples = result.sample_count();
  const std::string digest = result.digest();
  auto known = db.prepare("SELECT id FROM results WHERE digest = ?");
  known.bind(0, digest);
  if (known.step()) {
    outcome.result_id = known.integer(0);
    return outcome;
  }
  json fields(result.fingerprint.fields);
  const std::int64_t fingerprint = id_of("INSERT OR IGNORE INTO fingerprints(digest, fields) VALUES(?, ?)",
                                         "SELECT id FROM fingerprints WHERE digest = ?",
                                         {result.fingerprint.digest(), fields.dump()}, 1);
  const std::int64_t commit = id_of("INSERT OR IGNORE INTO commits(hash, parents, commit_time) VALUES(?, ?, ?)",
                                    "SELECT id FROM commits WHERE hash = ?",
                                    {result.commit.hash, join(result.commit.parents, " "),
                                     std::to_string(result.commit.time)},
                                    1);
  auto add_result = db.prepare(
      "INSERT INTO results(digest, commit_id, branch, dirty, recorded_at, fingerprint_id, source, spec_sha256) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  add_result.bind(0, digest).bind(1, commit).bind(2, result.commit.branch);
  add_result.bind(3, std::int64_t{result.commit.dirty}).bind(4, result.recorded_at).bind(5, fingerprint);
  add_result.bind(6, result.source).bind(7, result.spec_sha256).run();
  outcome.result_id = db.last_insert_id();
  auto add_samples = db.prepare("INSERT INTO samples(result_id, metric_id, vals) VALUES(?, ?, ?)");
  for (const auto& [key, values] : result.samples) {
    const std::int64_t metric = id_of("INSERT OR IGNORE INTO metrics(variant, name) VALUES(?, ?)",
                                      "SELECT id FROM metrics WHERE variant = ? AND name = ?", {key.variant, key.metric}, 2);
    add_samples.bind(0, outcome.result_id).bind(1, metric).bind_blob(2, values).run();
  }
  auto add_tag = db.prepare("INSERT INTO tags(result_id, key, value) VALUES(?, ?, ?)");
  for (const auto& [key, value] : result.tags) add_tag.bind(0, outcome.result_id).bind(1, key).bind(2, value).run();
  outcome.stored = !db.failed();
  return outcome;
}

Expected<Snapshot> SqliteStore::load() {
  Database& db = *db_;
  std::map<std::int64_t, Fingerprint> fingerprints;
  auto f = db.prepare("SELECT id, fields FROM fingerprints");
  while (f.step()) {
    auto fields = fingerprint_from_fields(f.text(1));
    if (!fields) {
      db.fail_with(db.file().string() + ": fingerprint " + std::to_string(f.integer(0)) + " is not a JSON object "
                   "(a corrupt database); fix: move it aside or restore it from your CI's copy");
      break;
    }
    fingerprints[f.integer(0)] = std::move(*fields);
  }
  std::map<std::int64_t, std::pair<std::string, std::string>> metrics;
  auto m = db.prepare("SELECT id, variant, name FROM metrics");
  while (m.step()) metrics[m.integer(0)] = {m.text(1), m.text(2)};
  Snapshot snapshot;
  std::map<std::int64_t, std::size_t> index;
  auto r = db.prepare(
      "SELECT r.id, c.hash, c.parents, c.commit_time, r.branch, r.dirty, r.recorded_at, r.fingerprint_id, r.source, "
      "r.spec_sha256 FROM results r JOIN commits c ON c.id = r.commit_id ORDER BY r.id");
  while (r.step()) {
    Result result;
    result.id = r.integer(0);
    result.commit = {r.text(1), split_words(r.text(2)), r.text(4), r.integer(3), r.integer(5) != 0};
    result.recorded_at = r.integer(6);
    result.fingerprint = fingerprints[r.integer(7)];
    result.source = r.text(8);
    result.spec_sha256 = r.text(9);
    index[result.id] = snapshot.results.size();
    snapshot.results.push_back(std::move(result));
  }
  auto s = db.prepare("SELECT result_id, metric_id, vals FROM samples");
  while (s.step()) {
    auto at = index.find(s.integer(0));
    auto metric = metrics.find(s.integer(1));
    if (at == index.end() || metric == metrics.end()) continue;
    snapshot.results[at->second].samples[{metric->second.first, metric->second.second}] = s.blob_doubles(2);
  }
  auto t = db.prepare("SELECT result_id, key, value FROM tags");
  while (t.step()) {
    auto at = index.find(t.integer(0));
    if (at != index.end()) snapshot.results[at->second].tags[t.text(1)] = t.text(2);
  }
  if (db.failed()) return db.error();
  return snapshot;
}

Expected<PruneOutcome> SqliteStore::prune(std::size_t keep, const std::string& branch) {
  Database& db = *db_;
  std::vector<PruneRow> rows;
  auto r = db.prepare(
      "SELECT r.fingerprint_id, r.branch, c.commit_time, c.id, r.id FROM results r JOIN commits c ON c.id = r.commit_id");
  while (r.step()) rows.push_back({r.integer(0), r.text(1), r.integer(2), r.integer(3), r.integer(4)});
  const std::vector<std::int64_t> doomed = results_to_prune(rows, keep, branch);
  PruneOutcome outcome;
  db.begin_write();
  auto remove = db.prepare("DELETE FROM results WHERE id = ?");
  for (auto id : doomed) remove.bind(0, id).run();
  outcome.results = doomed.size();
  db.exec("DELETE FROM commits WHERE id NOT IN (SELECT commit_id FROM results)");
  outcome.commits = static_cast<std::size_t>(db.changes());
  db.exec("DELETE FROM fingerprints WHERE id NOT IN (SELECT fingerprint_id FROM results)");
  db.commit();
  if (db.failed()) {
    db.rollback();
    return db.error();
  }
  db.exec("VACUUM");
  if (db.failed()) return db.error();
  return outcome;
}

}  // namespace flowbench::history
