#include "util/name_glob.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {

TEST(NameGlobTest, MatchesWholeNamesAndCapturesWildcards) {
  std::vector<std::string> captures;
  EXPECT_TRUE(name_glob_match("task:*", "task:8", &captures));
  EXPECT_EQ(captures, (std::vector<std::string>{"8"}));
  EXPECT_TRUE(name_glob_match("op:*/*", "op:8/compile", &captures));
  EXPECT_EQ(captures, (std::vector<std::string>{"8", "compile"}));
  EXPECT_TRUE(name_glob_match("BM_Task8/*", "BM_Task8/compile", &captures));
  EXPECT_TRUE(name_glob_match("*", "BM_Task/1-security-foundation"));
  EXPECT_TRUE(name_glob_match("task:[0-9]", "task:7"));
  EXPECT_FALSE(name_glob_match("task:[!0-9]", "task:7"));
  EXPECT_TRUE(name_glob_match("task:?", "task:7"));
  EXPECT_FALSE(name_glob_match("task:?", "task:17"));
  EXPECT_FALSE(name_glob_match("op:8/*", "op:18/compile"));
  EXPECT_FALSE(name_glob_match("task:*", "makespan"));
}

TEST(NameGlobTest, ProblemsNameTheBrokenClass) {
  EXPECT_EQ(name_glob_problem("task:*"), "");
  EXPECT_EQ(name_glob_problem("task:[0-9"), "the class opened at character 6 is not closed");
  EXPECT_EQ(name_glob_problem("task:[]"), "the class at character 6 is empty");
  EXPECT_TRUE(is_name_glob("op:8/*"));
  EXPECT_FALSE(is_name_glob("task:8"));
}

}  // namespace
}  // namespace flowbench
