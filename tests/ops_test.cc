#include "record/ops.h"

#include <gtest/gtest.h>

#include "support/command.h"

namespace flowbench {
namespace {

TEST(OpsTest, ParsesThePlansConvention) {
  auto op = parse_op_line("template [5123ms]");
  ASSERT_TRUE(op.has_value());
  EXPECT_EQ(op->name, "template");
  EXPECT_EQ(op->duration_ms, 5123);
}

TEST(OpsTest, TakesTheFirstWordAndTheLastBracket) {
  auto op = parse_op_line("compile: 42 units [x] done [12.5 ms]\r");
  ASSERT_TRUE(op.has_value());
  EXPECT_EQ(op->name, "compile");
  EXPECT_DOUBLE_EQ(op->duration_ms, 12.5);
}

TEST(OpsTest, IgnoresLinesThatDoNotFollowTheConvention) {
  EXPECT_FALSE(parse_op_line("").has_value());
  EXPECT_FALSE(parse_op_line("[12ms]").has_value());
  EXPECT_FALSE(parse_op_line("parse took 12ms").has_value());
  EXPECT_FALSE(parse_op_line("parse [12ms] and more").has_value());
  EXPECT_FALSE(parse_op_line("parse [-3ms]").has_value());
  EXPECT_FALSE(parse_op_line("parse [abcms]").has_value());
}

TEST(OpsTest, ScansALogInOrderAndPassesOverOverlongLines) {
  testing::TempDir dir;
  const auto log = dir.path() / "task.log";
  std::string text = "parse [10ms]\nnoise\n" + std::string(10000, 'x') + " [5ms]\nwrite [3ms]";
  testing::write_text(log, text);
  auto ops = scan_ops(log);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].name, "parse");
  EXPECT_EQ(ops[1].name, "write");  // last line without a newline counts too
}

TEST(OpsTest, LineSplitAcrossReadChunksIsStillFound) {
  testing::TempDir dir;
  const auto log = dir.path() / "task.log";
  // Put an op line across the 64 KiB chunk boundary.
  std::string text(65536 - 6, '\n');
  text += "checks [77ms]\n";
  testing::write_text(log, text);
  auto ops = scan_ops(log);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].duration_ms, 77);
}

TEST(OpsTest, MissingLogHasNoOps) { EXPECT_TRUE(scan_ops("/nonexistent/log").empty()); }

}  // namespace
}  // namespace flowbench
