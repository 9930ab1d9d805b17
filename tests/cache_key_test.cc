#include <gtest/gtest.h>

#include "cache/action_cache.h"
#include "cache/cache_admin.h"
#include "support/command.h"
#include "util/digest.h"
#include "util/glob.h"

namespace flowbench {
namespace {

TEST(DigestTest, KnownSha256) {
  EXPECT_EQ(text_digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(text_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, FieldsAreFramedSoSplitsDiffer) {
  Hasher one, two;
  one.field("arg", "-a");
  one.field("arg", "b");
  two.field("arg", "-ab");
  EXPECT_NE(one.hex_digest(), two.hex_digest());
}

TEST(GlobTest, MatchesSegmentsAndDoubleStar) {
  EXPECT_TRUE(glob_match("in/*.txt", "in/a.txt"));
  EXPECT_FALSE(glob_match("in/*.txt", "in/sub/a.txt"));
  EXPECT_TRUE(glob_match("in/**", "in/sub/deep/a.txt"));
  EXPECT_TRUE(glob_match("**/*.json", "a.json"));
  EXPECT_TRUE(glob_match("**/*.json", "x/y/a.json"));
  EXPECT_TRUE(glob_match("out/gen.?pp", "out/gen.cpp"));
  EXPECT_FALSE(glob_match("out/**/x", "other/x"));
}

TEST(GlobTest, RejectsPatternsLeavingTheFolder) {
  EXPECT_NE(glob_problem("../secrets"), "");
  EXPECT_NE(glob_problem("/etc/passwd"), "");
  EXPECT_NE(glob_problem("a/../../b"), "");
  EXPECT_EQ(glob_problem("a/**/b.txt"), "");
}

TEST(GlobTest, ExpandsSortedRelativeRegularFiles) {
  testing::TempDir dir;
  testing::write_text(dir.path() / "in/b.txt", "b");
  testing::write_text(dir.path() / "in/a.txt", "a");
  testing::write_text(dir.path() / "in/sub/c.txt", "c");
  testing::write_text(dir.path() / "other.txt", "o");
  auto files = expand_globs(dir.path(), {"in/**", "other.txt", "missing/*"});
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(*files, (std::vector<std::string>{"in/a.txt", "in/b.txt", "in/sub/c.txt", "other.txt"}));
}

class ActionKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_text(dir_.path() / "tool.sh", "#!/bin/sh\necho tool\n");
    testing::write_text(dir_.path() / "in/a.txt", "alpha");
    action_.argv = {"./tool.sh", "-a", "b"};
    action_.folder = ".";
    action_.env = {{"LANG", "C"}, {"PATH", "/bin"}};
    action_.handler = dir_.path() / "tool.sh";
    action_.workspace = dir_.path();
    action_.inputs = {"in/*.txt"};
  }
  std::string key() { return action_key(action_).value(); }

  testing::TempDir dir_;
  ActionDescription action_;
};

TEST_F(ActionKeyTest, SameActionSameKey) { EXPECT_EQ(key(), key()); }

TEST_F(ActionKeyTest, EveryIngredientChangesTheKey) {
  const std::string base = key();
  auto changed = [&](auto edit) {
    ActionDescription saved = action_;
    edit();
    const std::string k = key();
    action_ = saved;
    return k != base;
  };
  EXPECT_TRUE(changed([&] { action_.argv = {"./tool.sh", "-ab"}; }));
  EXPECT_TRUE(changed([&] { action_.argv[2] = "c"; }));
  EXPECT_TRUE(changed([&] { action_.folder = "sub"; }));
  EXPECT_TRUE(changed([&] { action_.env["LANG"] = "de_DE.UTF-8"; }));
  EXPECT_TRUE(changed([&] { action_.env["LC_ALL"] = std::nullopt; }));
  EXPECT_TRUE(changed([&] { action_.time_scale = 0.5; }));
  EXPECT_TRUE(changed([&] { action_.shell = true; }));
  EXPECT_TRUE(changed([&] { testing::write_text(dir_.path() / "in/a.txt", "alphb"); }));
  testing::write_text(dir_.path() / "in/a.txt", "alpha");
  EXPECT_TRUE(changed([&] { testing::write_text(dir_.path() / "in/b.txt", "new input"); }));
  std::filesystem::remove(dir_.path() / "in/b.txt");
  EXPECT_TRUE(changed([&] { testing::write_text(dir_.path() / "tool.sh", "#!/bin/sh\necho tool2\n"); }));
  testing::write_text(dir_.path() / "tool.sh", "#!/bin/sh\necho tool\n");
  EXPECT_EQ(key(), base) << "restoring every ingredient restores the key";
}

TEST_F(ActionKeyTest, RelevantEnvironmentIsTheTasksPlusAFixedList) {
  auto env = relevant_environment({{"MODE", "fast"}}, {"EXTRA"},
                                  {"MODE=fast", "PATH=/bin", "LC_ALL=C", "HOME=/root", "FLOWBENCH_RUN_DIR=/x"});
  EXPECT_EQ(env.size(), 5u);  // MODE, EXTRA (unset), PATH, LANG (unset), LC_ALL
  EXPECT_EQ(env.at("MODE"), "fast");
  EXPECT_EQ(env.at("EXTRA"), std::nullopt);
  EXPECT_EQ(env.at("LANG"), std::nullopt);
  EXPECT_EQ(env.count("HOME"), 0u);
  EXPECT_EQ(env.count("FLOWBENCH_RUN_DIR"), 0u) << "a per-run value would make every run miss";
}

TEST(CacheSizeTest, ParsesSizes) {
  EXPECT_EQ(parse_size("512").value(), 512u);
  EXPECT_EQ(parse_size("64K").value(), 64u * 1024);
  EXPECT_EQ(parse_size("10M").value(), 10u * 1024 * 1024);
  EXPECT_EQ(parse_size("2GiB").value(), 2ull * 1024 * 1024 * 1024);
  EXPECT_FALSE(parse_size("ten").ok());
  EXPECT_FALSE(parse_size("5X").ok());
}

}  // namespace
}  // namespace flowbench

namespace flowbench {
namespace {

TEST(CacheGcTest, EvictsLeastRecentlyUsedFirst) {
  testing::TempDir dir;
  namespace fs = std::filesystem;
  const auto now = fs::file_time_type::clock::now();
  // Three entries of 1000 bytes; "bb" was used last, "aa" first.
  const std::vector<std::pair<std::string, int>> ages = {{"aa11", 300}, {"bb22", 10}, {"cc33", 100}};
  for (const auto& [key, age] : ages) {
    const fs::path entry = dir.path() / "entries" / key.substr(0, 2) / key;
    testing::write_text(entry / "blobs" / "x", std::string(1000, 'x'));
    testing::write_text(entry / "entry.json", "{}");
    fs::last_write_time(entry / "entry.json", now - std::chrono::seconds(age));
  }
  auto listed = list_cache_entries(dir.path());
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed.front().key, "aa11");
  const GcResult result = collect_garbage(dir.path(), 2100);
  EXPECT_EQ(result.removed, 1u);
  EXPECT_FALSE(fs::exists(dir.path() / "entries/aa/aa11"));
  EXPECT_TRUE(fs::exists(dir.path() / "entries/cc/cc33"));
  EXPECT_EQ(collect_garbage(dir.path(), 1100).removed, 1u);
  EXPECT_TRUE(fs::exists(dir.path() / "entries/bb/bb22")) << "the most recently used stays longest";
}

}  // namespace
}  // namespace flowbench
