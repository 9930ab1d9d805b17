// The action cache through `flowbench run` and `flowbench cache`: real runs, real files.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::read_text;
using testing::write_text;

// a: in/a.txt -> out/a.txt; b: in/b.txt -> out/b.txt; c (after a): out/a.txt -> out/c.txt;
// d: not cacheable. tool.sh upper-cases its input and says that it ran.
constexpr const char* kSpec = R"({"schema": "flowbench.workflow/1", "tasks": [
  {"id": "a", "command": ["./tool.sh", "in/a.txt", "out/a.txt"],
   "cache": {"inputs": ["in/a.txt"], "outputs": ["out/a.txt"]}},
  {"id": "b", "command": ["./tool.sh", "in/b.txt", "out/b.txt"], "env": {"MODE": "upper"},
   "cache": {"inputs": ["in/b.txt"], "outputs": ["out/b.txt"], "env": ["TOOL_FLAVOUR"]}},
  {"id": "c", "command": ["./tool.sh", "out/a.txt", "out/c.txt"], "after": ["a"],
   "cache": {"inputs": ["out/a.txt"], "outputs": ["out/c.txt"]}},
  {"id": "d", "command": ["./tool.sh", "in/a.txt", "out/d.txt"]}]})";

constexpr const char* kTool =
    "#!/bin/sh\nmkdir -p out\ntr a-z A-Z < \"$1\" > \"$2\"\necho \"tool ran on $1\"\n";

class CliCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_text(work() / "spec.json", kSpec);
    write_text(work() / "tool.sh", kTool);
    fs::permissions(work() / "tool.sh", fs::perms::owner_all);
    write_text(work() / "in/a.txt", "alpha\n");
    write_text(work() / "in/b.txt", "beta\n");
  }
  fs::path work() const { return dir_.path() / "ws"; }
  fs::path cache() const { return dir_.path() / "cache"; }

  // Runs the spec; returns each task's cache field ("hit", "miss", "off").
  std::map<std::string, std::string> run(const std::string& id, std::vector<std::string> extra = {},
                                         const fs::path& workspace = {}) {
    const fs::path ws = workspace.empty() ? work() : workspace;
    std::vector<std::string> args = {testing::bin_path("flowbench").string(), "run", "spec.json", "--out",
                                     (dir_.path() / "runs").string(), "--run-id", id, "--cache",
                                     cache().string(), "-q", "-j", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = testing::run_command(args, ws);
    std::map<std::string, std::string> outcome;
    for (const auto& entry : fs::directory_iterator(dir_.path() / "runs" / id / "profiles")) {
      json p = json::parse(read_text(entry.path()));
      outcome[p["task_id"].get<std::string>()] = p["cache"].get<std::string>();
      profiles_[p["task_id"].get<std::string>()] = p;
    }
    return outcome;
  }

  testing::TempDir dir_;
  testing::CommandResult last_;
  std::map<std::string, json> profiles_;
};

using Outcome = std::map<std::string, std::string>;

TEST_F(CliCacheTest, SecondIdenticalRunIsAllHitsWithByteIdenticalOutputs) {
  EXPECT_EQ(run("cold"), (Outcome{{"a", "miss"}, {"b", "miss"}, {"c", "miss"}, {"d", "off"}}));
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  const std::string a = read_text(work() / "out/a.txt"), c = read_text(work() / "out/c.txt");
  EXPECT_EQ(a, "ALPHA\n");
  fs::remove_all(work() / "out");
  EXPECT_EQ(run("warm"), (Outcome{{"a", "hit"}, {"b", "hit"}, {"c", "hit"}, {"d", "off"}}));
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(read_text(work() / "out/a.txt"), a);
  EXPECT_EQ(read_text(work() / "out/c.txt"), c);
  EXPECT_EQ(read_text(work() / "out/b.txt"), "BETA\n");
  // A hit records the restore time and what the task cost when it ran, and restores its log.
  EXPECT_EQ(profiles_["a"]["status"], "cached");
  EXPECT_TRUE(profiles_["a"]["original_duration_ms"].is_number());
  EXPECT_EQ(profiles_["a"]["cache_key"].get<std::string>().size(), 64u);
  EXPECT_EQ(read_text(dir_.path() / "runs/warm/logs/task-a.log"), "tool ran on in/a.txt\n");
}

TEST_F(CliCacheTest, RunEndsWithWhatRanAndWhatWasRestored) {
  run("cold");
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_NE(last_.out.find("tasks: 4 ran, 0 restored from the cache, 0 failed, 0 skipped\n"), std::string::npos)
      << last_.out;
  EXPECT_EQ(last_.out.find("--no-cache"), std::string::npos) << last_.out;
  run("warm");
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_NE(last_.out.find("tasks: 1 ran, 3 restored from the cache, 0 failed, 0 skipped\n"
                           "3 tasks were restored from the action cache, not run: their times are restore times; "
                           "--no-cache for a cold run\n"),
            std::string::npos)
      << last_.out;
}

TEST_F(CliCacheTest, ChangedInputMissesThatTaskAndWhatReadsItsOutput) {
  run("cold");
  write_text(work() / "in/a.txt", "alphb\n");  // one byte
  EXPECT_EQ(run("edited"), (Outcome{{"a", "miss"}, {"b", "hit"}, {"c", "miss"}, {"d", "off"}}));
  EXPECT_EQ(read_text(work() / "out/c.txt"), "ALPHB\n") << "the dependent saw the new output";
}

TEST_F(CliCacheTest, ChangedArgumentMissesThatTaskOnly) {
  run("cold");
  std::string spec = kSpec;
  const std::string argument = R"("in/b.txt", "out/b.txt")";
  spec.replace(spec.find(argument), argument.size(), R"("./in/b.txt", "out/b.txt")");
  write_text(work() / "spec.json", spec);
  EXPECT_EQ(run("arg"), (Outcome{{"a", "hit"}, {"b", "miss"}, {"c", "hit"}, {"d", "off"}}));
}

TEST_F(CliCacheTest, ChangedRelevantEnvironmentMissesThatTaskOnly) {
  run("cold");
  std::string spec = kSpec;
  spec.replace(spec.find("\"upper\""), 7, "\"lower\"");
  write_text(work() / "spec.json", spec);
  EXPECT_EQ(run("env"), (Outcome{{"a", "hit"}, {"b", "miss"}, {"c", "hit"}, {"d", "off"}}));
  // A variable named in cache.env counts from flowbench's own environment too.
  setenv("TOOL_FLAVOUR", "spicy", 1);
  EXPECT_EQ(run("flavour"), (Outcome{{"a", "hit"}, {"b", "miss"}, {"c", "hit"}, {"d", "off"}}));
  unsetenv("TOOL_FLAVOUR");
}

TEST_F(CliCacheTest, RebuiltHandlerMissesEveryTaskItRuns) {
  run("cold");
  write_text(work() / "tool.sh", std::string(kTool) + "# rebuilt\n");
  EXPECT_EQ(run("handler"), (Outcome{{"a", "miss"}, {"b", "miss"}, {"c", "miss"}, {"d", "off"}}));
}

fs::path only_entry_of(const fs::path& cache, const std::string& task_id) {
  for (const auto& entry : fs::recursive_directory_iterator(cache / "entries")) {
    if (entry.path().filename() == "entry.json" &&
        json::parse(read_text(entry.path()))["task_id"] == task_id) {
      return entry.path().parent_path();
    }
  }
  return {};
}

TEST_F(CliCacheTest, CorruptBlobIsDetectedDeletedAndRebuilt) {
  run("cold");
  const fs::path entry = only_entry_of(cache(), "b");
  ASSERT_FALSE(entry.empty());
  const json manifest = json::parse(read_text(entry / "entry.json"));
  write_text(entry / "blobs" / manifest["outputs"][0]["digest"].get<std::string>(), "BETX\n");
  write_text(work() / "out/b.txt", "stale\n");
  EXPECT_EQ(run("corrupt")["b"], "miss");
  EXPECT_NE(last_.err.find("corrupt blob"), std::string::npos) << last_.err;
  EXPECT_EQ(read_text(work() / "out/b.txt"), "BETA\n") << "the corrupt blob was never served";
  EXPECT_EQ(run("again")["b"], "hit") << "the entry was rebuilt";
}

TEST_F(CliCacheTest, TruncatedEntryIsDetectedAndRebuilt) {
  run("cold");
  const fs::path entry = only_entry_of(cache(), "a");
  const std::string text = read_text(entry / "entry.json");
  write_text(entry / "entry.json", text.substr(0, text.size() / 2));
  EXPECT_EQ(run("truncated")["a"], "miss");
  EXPECT_NE(last_.err.find("truncated or malformed entry.json"), std::string::npos) << last_.err;
  EXPECT_EQ(run("again")["a"], "hit");
}

TEST_F(CliCacheTest, EntryNamingAPathOutsideTheWorkspaceIsRefused) {
  run("cold");
  const fs::path entry = only_entry_of(cache(), "a");
  json manifest = json::parse(read_text(entry / "entry.json"));
  manifest["outputs"][0]["path"] = "../escaped.txt";
  write_text(entry / "entry.json", manifest.dump());
  EXPECT_EQ(run("escape")["a"], "miss");
  EXPECT_NE(last_.err.find("outside the workspace"), std::string::npos) << last_.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "escaped.txt"));
  manifest["outputs"][0]["path"] = "/tmp/absolute.txt";
  run("again");  // stores a good entry again
  const fs::path entry2 = only_entry_of(cache(), "a");
  write_text(entry2 / "entry.json", manifest.dump());
  EXPECT_EQ(run("absolute")["a"], "miss");
  EXPECT_NE(last_.err.find("outside the workspace"), std::string::npos) << last_.err;
}

TEST_F(CliCacheTest, FailedTaskIsNeverStored) {
  write_text(work() / "in/b.txt", "");
  write_text(work() / "tool.sh", std::string(kTool) + "[ -s \"$1\" ] || exit 4\n");
  run("fails");
  EXPECT_EQ(profiles_["b"]["status"], "failed");
  EXPECT_TRUE(only_entry_of(cache(), "b").empty());
}

TEST_F(CliCacheTest, ThreeConcurrentRunsOnOneEmptyCacheAgree) {
  std::vector<fs::path> workspaces;
  for (int i = 0; i < 3; ++i) {
    workspaces.push_back(dir_.path() / ("ws" + std::to_string(i)));
    fs::copy(work(), workspaces.back(), fs::copy_options::recursive);
  }
  std::vector<std::thread> runs;
  std::vector<testing::CommandResult> results(3);
  for (int i = 0; i < 3; ++i) {
    runs.emplace_back([&, i] {
      results[i] = testing::run_command(
          {testing::bin_path("flowbench").string(), "run", "spec.json", "--out", (dir_.path() / "runs").string(),
           "--run-id", "par" + std::to_string(i), "--cache", cache().string(), "-q"},
          workspaces[i]);
    });
  }
  for (auto& t : runs) t.join();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].exit_code, 0) << results[i].err;
    EXPECT_EQ(read_text(workspaces[i] / "out/c.txt"), "ALPHA\n");
    EXPECT_EQ(read_text(workspaces[i] / "out/b.txt"), "BETA\n");
  }
  // Consistent: one entry per action, nothing left in tmp, and every entry verifies.
  int entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache() / "entries")) entries += e.path().filename() == "entry.json";
  EXPECT_EQ(entries, 3);
  EXPECT_TRUE(!fs::exists(cache() / "tmp") || fs::is_empty(cache() / "tmp"));
  EXPECT_EQ(run("after", {}, workspaces[0]), (Outcome{{"a", "hit"}, {"b", "hit"}, {"c", "hit"}, {"d", "off"}}));
}

TEST_F(CliCacheTest, NoCacheAndReadOnly) {
  EXPECT_EQ(run("off", {"--no-cache"}), (Outcome{{"a", "off"}, {"b", "off"}, {"c", "off"}, {"d", "off"}}));
  EXPECT_FALSE(fs::exists(cache() / "entries"));
  run("ro", {"--cache-read-only"});
  EXPECT_FALSE(fs::exists(cache() / "entries")) << "read-only stores nothing";
  run("rw");
  EXPECT_EQ(run("ro2", {"--cache-read-only"})["a"], "hit");
}

TEST_F(CliCacheTest, StatsListGcAndClear) {
  run("cold");
  fs::remove_all(work() / "out");
  run("warm");
  const std::string flowbench = testing::bin_path("flowbench").string();
  auto stats = testing::run_command({flowbench, "cache", "stats", "--cache", cache().string()}, work());
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_NE(stats.out.find("entries  3"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("hits     3"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("misses   3"), std::string::npos) << stats.out;
  auto list = testing::run_command({flowbench, "cache", "list", "--cache", cache().string()}, work());
  EXPECT_NE(list.out.find("task c"), std::string::npos) << list.out;
  // Eviction keeps the cache under the size asked for, least recently used first.
  std::uintmax_t before = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache() / "entries")) {
    if (e.is_regular_file()) before += e.file_size();
  }
  auto gc = testing::run_command({flowbench, "cache", "gc", "--cache", cache().string(), "--max-size",
                                  std::to_string(before * 2 / 3)}, work());
  EXPECT_EQ(gc.exit_code, 0) << gc.err;
  std::uintmax_t after = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache() / "entries")) {
    if (e.is_regular_file()) after += e.file_size();
  }
  EXPECT_LE(after, before * 2 / 3);
  EXPECT_GT(after, 0u);
  auto bad = testing::run_command({flowbench, "cache", "gc", "--cache", cache().string(), "--max-size", "lots"}, work());
  EXPECT_EQ(bad.exit_code, 2);
  auto clear = testing::run_command({flowbench, "cache", "clear", "--cache", cache().string()}, work());
  EXPECT_EQ(clear.exit_code, 0);
  EXPECT_FALSE(fs::exists(cache() / "entries"));
}

}  // namespace
}  // namespace flowbench
