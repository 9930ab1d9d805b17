#include "report/dry_run_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "model/spec_loader.h"

namespace flowbench {
namespace {

// a (10 s) -> b (20 s) -> d (1 s); a -> c (5 s) -> d.
Workflow diamond() {
  LoadOptions options;
  options.check_programs = false;
  auto workflow = load_workflow_text(R"({"schema": "flowbench.workflow/1", "name": "diamond", "tasks": [
    {"id": "a", "command": ["x"], "expected_s": 10},
    {"id": "c", "command": ["x"], "after": ["a"], "expected_s": 5},
    {"id": "b", "command": ["x"], "after": ["a"], "expected_s": 20},
    {"id": "d", "command": ["x"], "after": ["b", "c"], "expected_s": 1}]})",
                                     "/tmp/diamond.json", options);
  EXPECT_TRUE(workflow) << workflow.error().message;
  return *workflow;
}

std::vector<std::string> start_order(const Workflow& w, const DryRun& dry) {
  std::vector<std::string> out;
  for (const auto& s : dry.starts) out.push_back(w.tasks[s.task].id);
  return out;
}

TEST(DryRunTest, SequentialFollowsTheSpecOrderOneAtATime) {
  const Workflow w = diamond();
  const DryRun dry = simulate_run(w, {10, 5, 20, 1}, 1, false);
  EXPECT_EQ(start_order(w, dry), (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_DOUBLE_EQ(dry.makespan_s, 36);
  EXPECT_DOUBLE_EQ(dry.starts[2].start_s, 15);
}

TEST(DryRunTest, ParallelStartsTheCriticalPathFirstAndProjectsItsLength) {
  const Workflow w = diamond();
  const DryRun dry = simulate_run(w, {10, 5, 20, 1}, 2, true);
  EXPECT_EQ(start_order(w, dry), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_DOUBLE_EQ(dry.starts[1].start_s, 10);
  EXPECT_EQ(dry.starts[1].slot, 0u);
  EXPECT_EQ(dry.starts[2].slot, 1u);
  EXPECT_DOUBLE_EQ(dry.starts[3].start_s, 30);
  EXPECT_DOUBLE_EQ(dry.makespan_s, 31);
  EXPECT_DOUBLE_EQ(dry.critical_path_s, 31);
  std::vector<std::string> path;
  for (std::size_t t : dry.critical_path) path.push_back(w.tasks[t].id);
  EXPECT_EQ(path, (std::vector<std::string>{"a", "b", "d"}));
  std::ostringstream out;
  print_dry_run(out, w, dry, 0.5);
  EXPECT_EQ(out.str(),
            "start (s)  end (s)    slot  task\n"
            "    0.000     10.000  0     a a\n"
            "   10.000     30.000  0     b b\n"
            "   10.000     15.000  1     c c\n"
            "   30.000     31.000  0     d d\n"
            "\n"
            "critical path (31.000 s): a -> b -> d\n"
            "projected makespan at -j 2: 31.000 model s (15.500 s at time scale 0.5)\n");
}

}  // namespace
}  // namespace flowbench
