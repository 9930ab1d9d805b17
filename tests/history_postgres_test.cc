// The history on a real PostgreSQL server (tools/postgres-local up; CTest label `postgres`),
// beside the same history in a SQLite file: the same answers, concurrent jobs that lose
// nothing, a lost connection that leaves nothing half-written, merges, and bad connection
// strings answered without the password. Each test works in a database of its own.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include "history/changes.h"
#include "history/store.h"
#include "support/command.h"

namespace flowbench::history {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Runs SQL with a connection of its own; the first value of the first row ("" when none).
std::string sql(const std::string& url, const std::string& text) {
  PGconn* c = PQconnectdb(url.c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, text.c_str());
  const auto status = PQresultStatus(r);
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << text << ": " << PQresultErrorMessage(r);
  std::string value = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  PQfinish(c);
  return value;
}

// 40 characters, as a git hash; built by append, which GCC 12's -Wrestrict does not misread.
std::string commit_hash(int number) {
  std::string hash = "c";
  hash.append(std::to_string(number)).append(35, '0');
  return hash;
}

Result result_at(int commit, double level, const std::string& branch = "main") {
  Result r;
  r.commit.hash = commit_hash(1000 + commit);
  if (commit > 0) r.commit.parents = {commit_hash(999 + commit)};
  r.commit.branch = branch;
  r.commit.time = 1700000000 + commit;
  r.fingerprint.fields = {{"cpu_model", "test"}, {"cpus", "2"}, {"time_scale", "1"}};
  r.source = std::string("data-").append(std::to_string(commit));
  r.recorded_at = 1700000000 + commit;
  r.samples[{"sequential", "task:1"}] = {1.00, 1.01, 0.99, 1.00, 1.02};
  r.samples[{"sequential", "task:2"}] = {level, level * 1.01, level * 0.99, level * 1.005, level * 0.995};
  return r;
}

// 30 commits: task 2 steps up 20% at commit 12; a tagged, dirty result and a benchmark.
std::vector<Result> thirty_commits() {
  std::vector<Result> all;
  for (int k = 0; k < 30; ++k) all.push_back(result_at(k, k < 12 ? 2.0 : 2.4));
  all[3].tags = {{"runner", "ci-large"}};
  all[4].commit.dirty = true;
  all[5].samples[{kBenchmarkVariant, "BM_Task8/compile"}] = {0.125, 0.25, 0.5};
  return all;
}

// What a snapshot holds, without the ids the database assigned.
std::vector<std::string> contents(const Snapshot& snapshot) {
  std::vector<std::string> out;
  for (const auto& r : snapshot.results) {
    std::string line = r.digest() + " " + r.commit.hash + " " + r.commit.branch + " " + std::to_string(r.commit.time) +
                       " " + std::to_string(r.commit.dirty) + " " + std::to_string(r.recorded_at) + " " + r.source +
                       " " + r.fingerprint.text();
    for (const auto& p : r.commit.parents) line += " parent=" + p;
    for (const auto& [k, v] : r.tags) line += " tag:" + k + "=" + v;
    out.push_back(line);
  }
  return out;
}

class PostgresHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::run_command({testing::source_path("tools/postgres-local").string(), "url"}, dir_.path());
    ASSERT_EQ(url.exit_code, 0) << "no PostgreSQL server for tests; start one with tools/postgres-local up\n" << url.err;
    base_ = url.out.substr(0, url.out.find('\n'));
    ASSERT_EQ(sql(base_, "SELECT 1"), "1") << "the server does not answer; start it with tools/postgres-local up";
    url_ = fresh_database();
  }
  void TearDown() override {
    for (const auto& name : databases_) sql(base_, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
  // A new empty database on the server; its connection string.
  std::string fresh_database() {
    static std::atomic<int> counter{0};
    const std::string name = "fbtest_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    sql(base_, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    sql(base_, "CREATE DATABASE " + name);
    databases_.push_back(name);
    return base_.substr(0, base_.rfind('/') + 1) + name;
  }
  std::string password() const {
    const auto at = base_.rfind('@');
    const auto colon = base_.find(':', base_.find("://") + 3);
    return base_.substr(colon + 1, at - colon - 1);
  }
  Store open(const std::string& location) {
    auto store = Store::open(location, Store::Access::kWrite, 2000);
    EXPECT_TRUE(store.ok()) << (store ? "" : store.error().message);
    return std::move(store).value();
  }
  // Everything the history at `location` holds.
  std::vector<std::string> held(const std::string& location) {
    auto snapshot = open(location).load();
    EXPECT_TRUE(snapshot.ok()) << (snapshot ? "" : snapshot.error().message);
    return snapshot ? contents(*snapshot) : std::vector<std::string>{};
  }
  testing::CommandResult flowbench(std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  }
  // A Google Benchmark JSON whose one benchmark (`benchmark`) took `ms`.
  fs::path benchmark_json(const std::string& name, double ms, const std::string& benchmark = "BM_Job") {
    const fs::path file = dir_.path() / "data" / (name + ".json");
    testing::write_text(file, R"({"context": {"num_cpus": 2, "library_build_type": "release"}, "benchmarks": [
      {"name": ")" + benchmark + R"(", "run_name": ")" + benchmark + R"(", "run_type": "iteration", "repetitions": 1,
       "repetition_index": 0, "threads": 1, "iterations": 1, "real_time": )" + std::to_string(ms) +
                                R"(, "cpu_time": 1.0, "time_unit": "ms"}]})");
    return file;
  }
  testing::TempDir dir_;
  std::string base_, url_;
  std::vector<std::string> databases_;
};

TEST_F(PostgresHistoryTest, HoldsWhatTheSqliteFileHoldsAndAnswersTheSame) {
  const auto all = thirty_commits();
  const std::string file = (dir_.path() / "history.db").string();
  Store server = open(url_);
  Store local = open(file);
  ASSERT_TRUE(server.record(all).ok());
  ASSERT_TRUE(local.record(all).ok());
  EXPECT_EQ(server.schema_version(), kSchemaVersion);
  auto from_server = open(url_).load();
  auto from_file = open(file).load();
  ASSERT_TRUE(from_server.ok() && from_file.ok());
  EXPECT_EQ(contents(*from_server), contents(*from_file));
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(from_server->results[i].samples, all[i].samples);  // bit for bit

  // The same change points from either.
  ChangeOptions options;
  auto changes = [&](const Snapshot& s) {
    auto found = find_changes(groups_of(s, false), options, "");
    EXPECT_TRUE(found.ok());
    std::vector<std::string> out;
    for (const auto& c : *found) out.push_back(c.key.metric + " at " + c.first_bad);
    return out;
  };
  const auto server_changes = changes(*from_server);
  EXPECT_EQ(server_changes, changes(*from_file));
  ASSERT_EQ(server_changes.size(), 1u);
  EXPECT_EQ(server_changes[0], "task:2 at " + all[12].commit.hash);

  // Stored once; a prune keeps the newest commits, as the file's does.
  auto again = open(url_).record({all[7]});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)[0].stored);
  auto pruned = open(url_).prune(10, "");
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  auto pruned_file = open(file).prune(10, "");
  ASSERT_TRUE(pruned_file.ok());
  EXPECT_EQ(pruned->results, pruned_file->results);
  EXPECT_EQ(pruned->commits, pruned_file->commits);
  EXPECT_EQ(held(url_), held(file));
}

TEST_F(PostgresHistoryTest, MigratesAnOlderSchemaAndRefusesANewerOne) {
  {
    auto v1 = Store::open(url_, Store::Access::kWrite, 2000, 1);
    ASSERT_TRUE(v1.ok()) << v1.error().message;
    EXPECT_EQ(v1->schema_version(), 1);
  }
  sql(url_, "INSERT INTO fingerprints VALUES(1, 'f', '{\"cpus\": \"2\"}');"
            "INSERT INTO commits VALUES(1, 'abc', '', 1700000000);"
            "INSERT INTO metrics VALUES(1, 'run', 'makespan');"
            "INSERT INTO results VALUES(1, 'd', 1, 'main', 0, 1700000000, 1, 'old', '');"
            "INSERT INTO samples VALUES(1, 1, '\\x000000000000F03F'::bytea);"
            "SELECT setval('results_id_seq', 1); SELECT setval('commits_id_seq', 1);"
            "SELECT setval('fingerprints_id_seq', 1); SELECT setval('metrics_id_seq', 1);");
  Store now = open(url_);
  EXPECT_EQ(now.schema_version(), 2);
  Result tagged = result_at(2, 2.0);
  tagged.tags = {{"runner", "x"}};
  ASSERT_TRUE(now.record({tagged}).ok());  // version 2's tags table exists
  auto snapshot = open(url_).load();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->results.size(), 2u);
  EXPECT_EQ(snapshot->results[0].samples.at({"run", "makespan"}), std::vector<double>{1.0});
  EXPECT_EQ(snapshot->results[1].tags.at("runner"), "x");

  sql(url_, "UPDATE flowbench_meta SET value = '99' WHERE key = 'schema_version'");
  auto newer = Store::open(url_, Store::Access::kRead);
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.error().message.find("schema version 99, newer than this flowbench knows (2)"), std::string::npos)
      << newer.error().message;
  EXPECT_EQ(newer.error().message.find(password()), std::string::npos) << newer.error().message;
}

TEST_F(PostgresHistoryTest, EightJobsRecordingAtOnceKeepAll400Results) {
  // Each job records 50 results, one `flowbench record` at a time, as a CI job's steps would;
  // the 8 jobs run at once, into the server and into one SQLite file.
  std::string script = "fail=0\n";
  for (int job = 0; job < 8; ++job) {
    for (int i = 0; i < 50; ++i) benchmark_json(std::string("j").append(std::to_string(job)).append("-").append(std::to_string(i)),
                     10.0 + job + i / 100.0);
  }
  for (const std::string& db : {url_, (dir_.path() / "shared.db").string()}) {
    for (int job = 0; job < 8; ++job) {
      script += "(for i in $(seq 0 49); do '" + testing::bin_path("flowbench").string() + "' record data/j" +
                std::to_string(job) + "-$i.json --db '" + db + "' --commit job" + std::to_string(job) +
                "$i --branch job" + std::to_string(job) + " --parents '' --commit-time 1700000000 --clean >/dev/null "
                "|| echo failed >> failures; done) &\n";
    }
    script += "wait\n";
  }
  script += "[ ! -s failures ] || { cat failures; exit 1; }\n";
  testing::write_text(dir_.path() / "jobs.sh", script);
  const auto start = std::chrono::steady_clock::now();
  auto jobs = testing::run_command({"/bin/bash", "jobs.sh"}, dir_.path());
  ASSERT_EQ(jobs.exit_code, 0) << jobs.out << jobs.err;
  std::cout << "8 jobs x 50 records into PostgreSQL, then into SQLite: "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
  auto server = open(url_).load();
  auto file = open((dir_.path() / "shared.db").string()).load();
  ASSERT_TRUE(server.ok() && file.ok());
  EXPECT_EQ(server->results.size(), 400u);
  EXPECT_EQ(file->results.size(), 400u);
  auto sorted = [](std::vector<std::string> v) {
    for (auto& line : v) line = line.substr(0, line.find(' ', 65));  // digest and commit
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(contents(*server)), sorted(contents(*file)));
}

TEST_F(PostgresHistoryTest, AConnectionLostMidRecordLeavesNothingAndSaysSo) {
  // One record of two results in one transaction. Another session adds the second result's
  // benchmark to the metrics and keeps its transaction open, so the record stops there, after
  // writing its first result; then the server ends the record's connection.
  ASSERT_TRUE(open(url_).schema_version() == kSchemaVersion);
  benchmark_json("first", 10.0);
  benchmark_json("second", 20.0, "BM_Other");
  PGconn* blocker = PQconnectdb(url_.c_str());
  ASSERT_EQ(PQstatus(blocker), CONNECTION_OK);
  PQclear(PQexec(blocker, "BEGIN"));
  PQclear(PQexec(blocker, "INSERT INTO metrics(variant, name) VALUES('benchmark', 'BM_Other')"));
  testing::write_text(dir_.path() / "both.sh",
                      std::string("'") + testing::bin_path("flowbench").string() + "' record data/first.json data/second.json --db '" +
                          url_ + "' --commit abc --branch main --parents '' --commit-time 1 --clean\n");
  std::string terminated;
  auto record = testing::run_command({"/bin/bash", "both.sh"}, dir_.path(), [&](const testing::SignalSender&) {
    for (int i = 0; i < 600 && terminated.empty(); ++i) {
      terminated = sql(url_, "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE application_name = "
                             "'flowbench' AND wait_event_type = 'Lock' AND datname = current_database()");
      if (terminated.empty()) std::this_thread::sleep_for(50ms);
    }
  });
  PQclear(PQexec(blocker, "ROLLBACK"));
  PQfinish(blocker);
  ASSERT_EQ(terminated, "true") << "the record never waited on the other session's row";
  EXPECT_EQ(record.exit_code, 2) << record.out << record.err;
  EXPECT_NE(record.err.find("connection to the history server was lost"), std::string::npos) << record.err;
  EXPECT_NE(record.err.find("run the same command again"), std::string::npos) << record.err;
  EXPECT_EQ(record.err.find(password()), std::string::npos) << record.err;
  EXPECT_EQ(sql(url_, "SELECT count(*) FROM results"), "0");
  EXPECT_EQ(sql(url_, "SELECT count(*) FROM commits"), "0");
  EXPECT_EQ(sql(url_, "SELECT count(*) FROM samples"), "0");
}

TEST_F(PostgresHistoryTest, AMergeOfThreeJobsDatabasesEqualsOneRecordedSerially) {
  const auto all = thirty_commits();
  const std::string serial = (dir_.path() / "serial.db").string();
  ASSERT_TRUE(open(serial).record(all).ok());
  std::vector<std::string> jobs;
  for (int job = 0; job < 3; ++job) {
    jobs.push_back((dir_.path() / ("job" + std::to_string(job) + ".db")).string());
    ASSERT_TRUE(open(jobs.back()).record(std::vector<Result>(all.begin() + job * 10, all.begin() + job * 10 + 10)).ok());
  }
  // Job 1's results reach the merged file twice (a retried upload): kept once.
  for (const std::string& into : {(dir_.path() / "merged.db").string(), url_}) {
    auto merged = flowbench({"history", "merge", jobs[0], jobs[1], jobs[2], jobs[1], "--into", into});
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_NE(merged.out.find("job1.db: added 10 of 10 results"), std::string::npos) << merged.out;
    EXPECT_NE(merged.out.find("job1.db: added 0 of 10 results (0 samples); already there: 10"), std::string::npos)
        << merged.out;
    EXPECT_NE(merged.out.find(": 30 results added from 4 histories"), std::string::npos) << merged.out;
    EXPECT_EQ(merged.out.find(password()), std::string::npos) << merged.out;
    EXPECT_EQ(held(into), held(serial));
  }
  // Merged again: nothing new.
  auto again = flowbench({"history", "merge", jobs[0], "--into", url_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(": 0 results added from 1 histories"), std::string::npos) << again.out;

  // A source of a newer schema is refused before anything is written.
  sql(url_, "UPDATE flowbench_meta SET value = '3' WHERE key = 'schema_version'");
  auto newer = flowbench({"history", "merge", url_, "--into", (dir_.path() / "fresh.db").string()});
  EXPECT_EQ(newer.exit_code, 2);
  EXPECT_NE(newer.err.find("newer than this flowbench knows"), std::string::npos) << newer.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "fresh.db"));
}

TEST_F(PostgresHistoryTest, BadConnectionsAreNamedWithTheirFixAndNeverThePassword) {
  const std::string secret = password();
  const std::string host = "127.0.0.1:" + base_.substr(base_.rfind(':') + 1, base_.rfind('/') - base_.rfind(':') - 1);
  const std::string other = fresh_database();
  sql(other, "CREATE TABLE accounts(id INTEGER)");
  struct Case {
    std::string url, says, fix;
  };
  const std::vector<Case> cases = {
      {"postgresql://flowbench:" + secret + "@" + host + "/x?bogus=1", "not a connection string PostgreSQL reads",
       "fix: write postgresql://USER@HOST:PORT/DATABASE"},
      {"postgresql://flowbench:" + secret + "@127.0.0.1:port/x", "invalid integer value", "fix: correct that part"},
      {"postgresql://flowbench:wrong-" + secret + "@" + host + "/flowbench", "password authentication failed",
       "fix: check the user and password"},
      {"postgresql://flowbench:" + secret + "@" + host + "/no_such_database", "does not exist",
       "fix: create the database"},
      {"postgresql://flowbench:" + secret + "@127.0.0.1:1/flowbench", "Connection refused",
       "tools/postgres-local up"},
      {other, "tables of another application", "fix: give flowbench a database of its own"},
  };
  for (const auto& c : cases) {
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"history", "list", "--db", c.url},
          std::vector<std::string>{"record", benchmark_json("one", 1.0).string(), "--db", c.url, "--commit", "abc",
                                   "--branch", "main", "--parents", "", "--commit-time", "1", "--clean"}}) {
      auto result = flowbench(command);
      EXPECT_EQ(result.exit_code, 2) << c.url;
      EXPECT_NE(result.err.find(c.says), std::string::npos) << result.err;
      EXPECT_NE(result.err.find(c.fix), std::string::npos) << result.err;
      EXPECT_EQ(result.err.find(secret), std::string::npos) << "the password shows: " << result.err;
      EXPECT_EQ(result.out.find(secret), std::string::npos) << "the password shows: " << result.out;
    }
  }
  EXPECT_EQ(sql(other, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"), "1");

  // Reading an empty database says to record first; what is printed never holds the password.
  auto empty = flowbench({"history", "list", "--db", url_});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("holds no flowbench history yet"), std::string::npos) << empty.err;
  auto recorded = flowbench({"record", benchmark_json("one", 1.0).string(), "--db", url_, "--commit", "abc", "--branch",
                             "main", "--parents", "", "--commit-time", "1", "--clean"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  auto listed = flowbench({"history", "list", "--db", url_});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("flowbench:***@"), std::string::npos) << listed.out;
  for (const auto& text : {recorded.out, recorded.err, listed.out, listed.err}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace flowbench::history
