#include "platform/atomic_file.h"

#include <gtest/gtest.h>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFileTest, ReplacesContentAndLeavesNoTemporary) {
  testing::TempDir dir;
  const auto file = dir.path() / "run.json";
  ASSERT_TRUE(write_file_atomically(file, "first").ok());
  ASSERT_TRUE(write_file_atomically(file, "second").ok());
  EXPECT_EQ(testing::read_text(file), "second");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFileTest, FailureKeepsThePreviousFileAndNamesThePath) {
  testing::TempDir dir;
  const auto file = dir.path() / "missing-folder" / "run.json";
  auto status = write_file_atomically(file, "x");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("missing-folder"), std::string::npos);
  EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(AtomicFileTest, AppendLineAddsWholeLines) {
  testing::TempDir dir;
  const auto file = dir.path() / "records.jsonl";
  ASSERT_TRUE(append_line(file, "{\"a\":1}").ok());
  ASSERT_TRUE(append_line(file, "{\"a\":2}").ok());
  EXPECT_EQ(testing::read_text(file), "{\"a\":1}\n{\"a\":2}\n");
}

}  // namespace
}  // namespace flowbench
