// The history database on real SQLite files: round trips, stored once, migrations, bad
// files, locks, transactions, prune, parallel writers; the timeline, baselines and changes
// read from it.
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "history/baseline.h"
#include "history/changes.h"
#include "history/postgres.h"
#include "history/store.h"
#include "support/command.h"

namespace flowbench::history {
namespace {
namespace fs = std::filesystem;

Result result_at(int commit, std::vector<double> task2, const std::string& branch = "main") {
  Result r;
  r.commit.hash = "c" + std::to_string(1000 + commit) + std::string(35, '0');
  if (commit > 0) r.commit.parents = {"c" + std::to_string(999 + commit) + std::string(35, '0')};
  r.commit.branch = branch;
  r.commit.time = 1700000000;  // all at once: the order must come from the parents
  r.fingerprint.fields = {{"cpu_model", "test"}, {"cpus", "2"}, {"time_scale", "1"}};
  r.source = "data-" + std::to_string(commit);
  r.recorded_at = 1700000000 + commit;
  r.samples[{"sequential", "task:1"}] = {1.00, 1.01, 0.99, 1.00, 1.02};
  r.samples[{"sequential", "task:2"}] = std::move(task2);
  return r;
}

std::vector<double> around(double level) { return {level, level * 1.01, level * 0.99, level * 1.005, level * 0.995}; }

// Runs SQL on the file with a connection of its own (as another process would).
void sql(const fs::path& file, const std::string& text) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

class HistoryStoreTest : public ::testing::Test {
 protected:
  Store open() {
    auto store = Store::open(file_, Store::Access::kWrite, 200);
    EXPECT_TRUE(store.ok()) << (store ? "" : store.error().message);
    return std::move(store).value();
  }
  std::size_t count() {
    auto snapshot = open().load();
    return snapshot ? snapshot->results.size() : 0;
  }
  testing::TempDir dir_;
  fs::path file_ = dir_.path() / "db" / "history.db";
};

TEST_F(HistoryStoreTest, KeepsEverySampleWithItsCommitFingerprintAndTags) {
  Result r = result_at(1, around(2.0));
  r.commit.dirty = true;
  r.tags = {{"runner", "ci-large"}};
  r.samples[{kBenchmarkVariant, "BM_Task8/compile"}] = {0.125, 0.25};
  auto stored = open().record({r});
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_TRUE((*stored)[0].stored);
  auto snapshot = open().load();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->results.size(), 1u);
  const Result& back = snapshot->results[0];
  EXPECT_EQ(back.commit.hash, r.commit.hash);
  EXPECT_EQ(back.commit.parents, r.commit.parents);
  EXPECT_EQ(back.commit.branch, "main");
  EXPECT_TRUE(back.commit.dirty);
  EXPECT_EQ(back.fingerprint.fields, r.fingerprint.fields);
  EXPECT_EQ(back.tags, r.tags);
  EXPECT_EQ(back.samples, r.samples);  // every sample, bit for bit
  EXPECT_EQ(open().schema_version(), kSchemaVersion);
}

TEST_F(HistoryStoreTest, StoresTheSameDataOnce) {
  const Result r = result_at(1, around(2.0));
  auto first = open().record({r});
  ASSERT_TRUE(first.ok() && (*first)[0].stored);
  auto again = open().record({r});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)[0].stored);
  EXPECT_EQ(count(), 1u);
}

TEST_F(HistoryStoreTest, MigratesAnOlderSchemaAndKeepsItsData) {
  {
    auto v1 = Store::open(file_, Store::Access::kWrite, 200, 1);
    ASSERT_TRUE(v1.ok());
    EXPECT_EQ(v1->schema_version(), 1);
  }
  // A result as version 1 held it (no tags).
  sql(file_, "INSERT INTO fingerprints VALUES(1, 'f', '{\"cpus\": \"2\"}');"
             "INSERT INTO commits VALUES(1, 'abc', '', 1700000000);"
             "INSERT INTO metrics VALUES(1, 'run', 'makespan');"
             "INSERT INTO results VALUES(1, 'd', 1, 'main', 0, 1700000000, 1, 'old', '');"
             "INSERT INTO samples VALUES(1, 1, x'000000000000F03F');");
  Store now = open();
  EXPECT_EQ(now.schema_version(), 2);
  Result tagged = result_at(2, around(2.0));
  tagged.tags = {{"runner", "x"}};
  ASSERT_TRUE(now.record({tagged}).ok());  // version 2's tags table exists
  auto snapshot = open().load();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->results.size(), 2u);
  EXPECT_EQ(snapshot->results[0].commit.hash, "abc");
  EXPECT_EQ(snapshot->results[0].samples.at({"run", "makespan"}), std::vector<double>{1.0});
  EXPECT_EQ(snapshot->results[1].tags.at("runner"), "x");
}

TEST_F(HistoryStoreTest, RefusesANewerSchema) {
  open();
  sql(file_, "PRAGMA user_version = 99");
  auto store = Store::open(file_, Store::Access::kRead);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("schema version 99, newer than this flowbench knows (2)"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find(file_.string()), std::string::npos);
}

TEST_F(HistoryStoreTest, RefusesAFileThatIsNotADatabase) {
  testing::write_text(file_, "this is not a database, just text that is long enough to look like a header.....\n");
  const std::string before = testing::read_text(file_);
  auto store = Store::open(file_, Store::Access::kWrite);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not a flowbench history database"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("fix: move it aside"), std::string::npos);
  EXPECT_EQ(testing::read_text(file_), before);
}

TEST_F(HistoryStoreTest, RefusesAnotherApplicationsDatabase) {
  fs::create_directories(file_.parent_path());
  sql(file_, "CREATE TABLE accounts(id INTEGER)");
  auto store = Store::open(file_, Store::Access::kWrite);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("another SQLite database"), std::string::npos) << store.error().message;
}

TEST_F(HistoryStoreTest, ReadingAMissingDatabaseSaysHowToMakeOne) {
  auto store = Store::open(file_, Store::Access::kRead);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("flowbench record DATA --db"), std::string::npos) << store.error().message;
  EXPECT_FALSE(fs::exists(file_));
}

TEST_F(HistoryStoreTest, ALockedDatabaseIsAnErrorAfterWaitingAndStaysAsItWas) {
  ASSERT_TRUE(open().record({result_at(1, around(2.0))}).ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto store = Store::open(file_, Store::Access::kWrite, 200);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("locked by another process"), std::string::npos) << store.error().message;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(count(), 1u);
}

TEST_F(HistoryStoreTest, AFailedRecordLeavesTheDatabaseAsItWas) {
  ASSERT_TRUE(open().record({result_at(1, around(2.0))}).ok());
  // The third write of the transaction fails, as a full disk would.
  sql(file_, "CREATE TRIGGER fail_tags BEFORE INSERT ON tags BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;");
  Result tagged = result_at(2, around(2.0));
  tagged.tags = {{"runner", "x"}};
  auto failed = open().record({result_at(3, around(2.0)), tagged});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("disk trouble"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find(file_.string()), std::string::npos);
  auto snapshot = open().load();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->results.size(), 1u);  // neither result 3 nor result 2
  EXPECT_EQ(snapshot->results[0].source, "data-1");
}

TEST_F(HistoryStoreTest, ParallelWritersAreAllKept) {
  open();
  auto writer = [this](int first) {
    for (int i = first; i < first + 15; ++i) {
      auto store = Store::open(file_, Store::Access::kWrite);
      ASSERT_TRUE(store.ok()) << store.error().message;
      auto stored = store->record({result_at(i, around(2.0))});
      ASSERT_TRUE(stored.ok()) << stored.error().message;
    }
  };
  std::thread a(writer, 0), b(writer, 100);
  a.join();
  b.join();
  EXPECT_EQ(count(), 30u);
}

TEST_F(HistoryStoreTest, PruneKeepsTheNewestCommitsOfEachHistory) {
  std::vector<Result> all;
  for (int c = 0; c < 8; ++c) {
    all.push_back(result_at(c, around(2.0)));
    all.back().commit.time = 1700000000 + c;
  }
  ASSERT_TRUE(open().record(all).ok());
  auto pruned = open().prune(3, "");
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(pruned->results, 5u);
  EXPECT_EQ(pruned->commits, 5u);
  auto snapshot = open().load();
  ASSERT_EQ(snapshot->results.size(), 3u);
  EXPECT_EQ(snapshot->results[0].source, "data-5");
}

TEST(HistoryServerNameTest, ShowsTheConnectionStringWithoutItsPassword) {
  EXPECT_EQ(without_password("postgresql://ci:s3cr%40t@db.example:5432/bench"), "postgresql://ci:***@db.example:5432/bench");
  EXPECT_EQ(without_password("postgres://ci@db/bench?password=s3cret&sslmode=require"),
            "postgres://ci@db/bench?password=***&sslmode=require");
  EXPECT_EQ(without_password("postgresql://db/bench?sslmode=require&password=s3cret"),
            "postgresql://db/bench?sslmode=require&password=***");
  // An '@' or ':' after the host (in the path or query) is not a user or password.
  EXPECT_EQ(without_password("postgresql://db:5432/bench?application_name=a@b"),
            "postgresql://db:5432/bench?application_name=a@b");
  EXPECT_EQ(without_password("postgresql://ci@db:5432/bench"), "postgresql://ci@db:5432/bench");
  EXPECT_TRUE(is_server_location("postgresql://db/bench"));
  EXPECT_TRUE(is_server_location("postgres://db/bench"));
  EXPECT_FALSE(is_server_location("history/postgresql.db"));
}

TEST(HistoryTimelineTest, OrdersCommitsByTheirParentsWhenTimesTie) {
  Snapshot snapshot;
  for (int c : {3, 0, 2, 1}) snapshot.results.push_back(result_at(c, around(2.0)));
  for (std::size_t i = 0; i < snapshot.results.size(); ++i) snapshot.results[i].id = static_cast<std::int64_t>(i + 1);
  const auto groups = groups_of(snapshot, false);
  ASSERT_EQ(groups.size(), 1u);
  const auto timeline = timeline_of(groups[0]);
  ASSERT_EQ(timeline.size(), 4u);
  for (int c = 0; c < 4; ++c) EXPECT_EQ(timeline[c].hash, result_at(c, {}).commit.hash) << c;
}

Snapshot history_with_step(int commits, int step_at, double factor) {
  Snapshot snapshot;
  for (int c = 0; c < commits; ++c) {
    snapshot.results.push_back(result_at(c, around(c >= step_at ? 2.0 * factor : 2.0)));
    snapshot.results.back().id = c + 1;
  }
  return snapshot;
}

TEST(HistoryBaselineTest, TakesTheCommitsBeforeTheCandidateMeasuredAlike) {
  const Snapshot snapshot = history_with_step(12, 100, 1.0);
  const Fingerprint fp = snapshot.results[0].fingerprint;
  BaselineWindow window{"main", 3, snapshot.results[10].commit.hash, "", 0};
  const Measurements m = history_baseline(snapshot, fp, window, "h.db");
  ASSERT_TRUE(m.not_comparable.empty()) << m.not_comparable;
  EXPECT_EQ(m.samples.at({"sequential", "task:2"}).size(), 15u);  // commits 7, 8, 9
  EXPECT_NE(m.source.find(snapshot.results[9].commit.hash.substr(0, 12)), std::string::npos);
  EXPECT_EQ(m.source.find(snapshot.results[10].commit.hash.substr(0, 12)), std::string::npos);
}

TEST(HistoryBaselineTest, IsNotComparableAcrossFingerprintsAndSaysWhatDiffers) {
  const Snapshot snapshot = history_with_step(6, 100, 1.0);
  Fingerprint other = snapshot.results[0].fingerprint;
  other.fields["cpus"] = "64";
  const Measurements m = history_baseline(snapshot, other, {"main", 5, "", "", 0}, "h.db");
  EXPECT_TRUE(m.samples.empty());
  EXPECT_NE(m.not_comparable.find("differs in cpus \"64\" vs \"2\""), std::string::npos) << m.not_comparable;
  const Measurements none = history_baseline(snapshot, snapshot.results[0].fingerprint, {"release", 5, "", "", 0}, "h.db");
  EXPECT_NE(none.not_comparable.find("holds no result of release"), std::string::npos) << none.not_comparable;
}

TEST(HistoryChangesTest, NamesTheFirstBadCommitOfAStepAndNothingElse) {
  const Snapshot snapshot = history_with_step(24, 10, 1.15);
  auto changes = find_changes(groups_of(snapshot, false), {}, "");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  const Change& c = (*changes)[0];
  EXPECT_EQ(c.key.metric, "task:2");
  EXPECT_TRUE(c.regression);
  EXPECT_TRUE(c.open);
  EXPECT_EQ(c.first_bad, snapshot.results[10].commit.hash);
  EXPECT_EQ(c.last_good, snapshot.results[9].commit.hash);
  EXPECT_NEAR(c.effect.estimate.ratio, 1.15, 0.01);
}

TEST(HistoryChangesTest, AnImprovementIsNotARegressionAndSinceLeavesOlderChangesOut) {
  const Snapshot snapshot = history_with_step(24, 10, 0.8);
  auto changes = find_changes(groups_of(snapshot, false), {}, "");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_FALSE((*changes)[0].regression);
  auto since = find_changes(groups_of(snapshot, false), {}, snapshot.results[12].commit.hash.substr(0, 8));
  ASSERT_TRUE(since.ok());
  EXPECT_TRUE(since->empty());
  auto unknown = find_changes(groups_of(snapshot, false), {}, "ffff");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("--since: no recorded commit starts with ffff"), std::string::npos);
}

TEST(HistoryChangesTest, ARegressionMadeGoodLaterIsNotOpen) {
  Snapshot snapshot = history_with_step(45, 15, 1.2);
  for (int c = 30; c < 45; ++c) snapshot.results[c].samples[{"sequential", "task:2"}] = around(1.6);
  auto changes = find_changes(groups_of(snapshot, false), {}, "");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_TRUE((*changes)[0].regression);
  EXPECT_FALSE((*changes)[0].open);
  EXPECT_FALSE((*changes)[1].regression);
}

}  // namespace
}  // namespace flowbench::history
