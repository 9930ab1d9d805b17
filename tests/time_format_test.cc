#include "util/time_format.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {

// One duration reads the same in analyze, gate and report.
TEST(TimeFormatTest, DurationTextPicksMinutesSecondsOrMilliseconds) {
  EXPECT_EQ(duration_text(750), "12.50 min");
  EXPECT_EQ(duration_text(120), "2.00 min");
  EXPECT_EQ(duration_text(119.994), "119.99 s");
  EXPECT_EQ(duration_text(3.2), "3.20 s");
  EXPECT_EQ(duration_text(0.25), "250.00 ms");
  EXPECT_EQ(duration_text(-180), "-3.00 min");
  EXPECT_EQ(duration_text(0), "0.00 ms");
}

}  // namespace
}  // namespace flowbench
