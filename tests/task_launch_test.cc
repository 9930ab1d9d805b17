// The environment a task is launched with: built once a run for tasks without an env of their
// own, and the same as the full way of building it.
#include "schedule/task_launch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace flowbench {
namespace {

std::string value_of(const std::vector<std::string>& entries, const std::string& name) {
  for (const auto& entry : entries) {
    if (entry.compare(0, name.size() + 1, name + "=") == 0) return entry.substr(name.size() + 1);
  }
  return "(unset)";
}

TEST(TaskLaunchTest, ATaskWithoutEnvGetsWhatTheFullWayGives) {
  ::setenv("FLOWBENCH_TASK_ID", "outer", 1);  // as in a run started by a task of another run
  ::setenv("ZZ_FLOWBENCH_TEST", "last", 1);
  const LaunchSettings settings(0.25, {"/opt/handlers"}, "/tmp/run-1");
  ::unsetenv("FLOWBENCH_TASK_ID");
  Task plain;
  plain.id = "8";
  Task same = plain;  // an env the full way overrides: it is built the full way, to the same end
  same.env["FLOWBENCH_TASK_ID"] = "ignored";
  const auto entries = settings.environment(plain);
  EXPECT_EQ(entries, settings.environment(same));
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                          [](const std::string& e) { return e.rfind("FLOWBENCH_TASK_ID=", 0) == 0; }), 1);
  EXPECT_EQ(value_of(entries, "FLOWBENCH_TASK_ID"), "8");
  EXPECT_EQ(value_of(entries, "FLOWBENCH_TIME_SCALE"), "0.25");
  EXPECT_EQ(value_of(entries, "FLOWBENCH_RUN_DIR"), "/tmp/run-1");
  EXPECT_EQ(value_of(entries, "ZZ_FLOWBENCH_TEST"), "last");
  EXPECT_EQ(value_of(entries, "PATH").rfind("/opt/handlers:", 0), 0u) << value_of(entries, "PATH");
  // Each task its own id, nothing else changed.
  Task other = plain;
  other.id = "lint";
  auto other_entries = settings.environment(other);
  EXPECT_EQ(value_of(other_entries, "FLOWBENCH_TASK_ID"), "lint");
  other_entries.erase(std::find(other_entries.begin(), other_entries.end(), "FLOWBENCH_TASK_ID=lint"));
  auto plain_entries = entries;
  plain_entries.erase(std::find(plain_entries.begin(), plain_entries.end(), "FLOWBENCH_TASK_ID=8"));
  EXPECT_EQ(other_entries, plain_entries);
  ::unsetenv("ZZ_FLOWBENCH_TEST");
}

TEST(TaskLaunchTest, ATasksOwnEnvAndPathComeOnTop) {
  const LaunchSettings settings(1.0, {"/opt/handlers"}, "/tmp/run-1");
  Task task;
  task.id = "3";
  task.env = {{"PATH", "/task/bin"}, {"LC_ALL", "C"}, {"FLOWBENCH_TIME_SCALE", "9"}};
  const auto entries = settings.environment(task);
  EXPECT_EQ(value_of(entries, "PATH"), "/opt/handlers:/task/bin");
  EXPECT_EQ(value_of(entries, "LC_ALL"), "C");
  EXPECT_EQ(value_of(entries, "FLOWBENCH_TIME_SCALE"), "1");  // the run's facts win
  EXPECT_TRUE(std::is_sorted(entries.begin(), entries.end(), [](const std::string& a, const std::string& b) {
    return a.substr(0, a.find('=')) < b.substr(0, b.find('='));
  }));
}

}  // namespace
}  // namespace flowbench
