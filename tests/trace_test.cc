#include "record/trace.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {

TEST(TraceTest, TaskIsASliceOnItsSlotTrackWithOpsNestedEndToEnd) {
  const SystemTime run_start(std::chrono::seconds(1000));
  Profile p;
  p.task_id = 8;
  p.id = std::string(1, '8');  // (assigning "8" trips GCC 12's -Wrestrict false positive)
  p.name = "codegen";
  p.status = TaskStatus::kOk;
  p.slot = 2;
  p.start_time = run_start + std::chrono::milliseconds(1500);
  p.duration_ms = 900;
  p.ops = {{"parse", 100}, {"template", 300}, {"overlong", 10000}};
  const auto events = trace_events(p, run_start);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]["name"], "8 codegen");
  EXPECT_EQ(events[0]["ph"], "X");
  EXPECT_EQ(events[0]["tid"], 2);
  EXPECT_EQ(events[0]["ts"], 1.5e6);
  EXPECT_EQ(events[0]["dur"], 9e5);
  EXPECT_EQ(events[1]["name"], "parse");
  EXPECT_EQ(events[1]["ts"], 1.5e6);
  EXPECT_EQ(events[2]["ts"], 1.6e6);
  // An op that claims more than the task's time is cut at the task's end.
  EXPECT_EQ(events[3]["ts"], 1.9e6);
  EXPECT_EQ(events[3]["dur"], 5e5);
}

TEST(TraceTest, TaskThatNeverRanHasNoSlice) {
  Profile p;
  p.status = TaskStatus::kSkipped;
  EXPECT_TRUE(trace_events(p, SystemTime{}).empty());
}

}  // namespace
}  // namespace flowbench
