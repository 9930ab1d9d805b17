#include "report/exports.h"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

namespace flowbench {
namespace {

RunRecord three_tasks() {
  RunRecord run;
  run.run_id = "r1";
  run.workflow = "demo";
  run.status = "failed";
  run.context = {{"mode", "parallel"}, {"host", "h"}, {"cpus", 2}};
  const SystemTime t0(std::chrono::seconds(1'700'000'000));
  auto profile = [&](std::string id, TaskStatus status, double ms, std::string reason, int slot) {
    Profile p;
    p.id = id;
    p.task_id = id;
    p.name = "task-" + id;
    p.status = status;
    p.duration_ms = ms;
    p.reason = std::move(reason);
    p.slot = slot;
    p.cpu_user_ms = ms / 2;
    p.log_file = "logs/task-" + id + ".log";
    if (slot >= 0) p.start_time = t0 + std::chrono::milliseconds(slot * 100);
    if (slot >= 0) p.end_time = *p.start_time + std::chrono::milliseconds(static_cast<long>(ms));
    return TaskRecord{id, p.name, {"synth", "--duration-s", "1"}, std::nullopt, p};
  };
  run.tasks = {profile("a", TaskStatus::kOk, 1500, "", 0), profile("b", TaskStatus::kFailed, 250, "exit code 3", 1),
               profile("c", TaskStatus::kSkipped, 0, "dependency b failed", -1)};
  run.deps = {{}, {0}, {1}};
  return run;
}

TEST(ExportsTest, JunitHasATestcasePerTaskWithFailuresAndSkips) {
  std::ostringstream out;
  write_junit(out, three_tasks());
  EXPECT_EQ(out.str(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"flowbench\" tests=\"3\" failures=\"1\" skipped=\"1\" time=\"1.750\">\n"
            "  <testsuite name=\"demo/r1\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.750\">\n"
            "    <testcase classname=\"demo\" name=\"a task-a\" time=\"1.500\"/>\n"
            "    <testcase classname=\"demo\" name=\"b task-b\" time=\"0.250\">\n"
            "      <failure type=\"failed\" message=\"exit code 3\">failed: exit code 3; log: logs/task-b.log</failure>\n"
            "    </testcase>\n"
            "    <testcase classname=\"demo\" name=\"c task-c\" time=\"0.000\">\n"
            "      <skipped message=\"dependency b failed\"/>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

TEST(ExportsTest, GbenchListsTasksThatRanWithManualTimes) {
  std::ostringstream out;
  write_gbench_json(out, three_tasks());
  const auto doc = nlohmann::json::parse(out.str());
  ASSERT_EQ(doc["benchmarks"].size(), 1u) << "only tasks that succeeded; no workflow entry for a failed run";
  const auto& b = doc["benchmarks"][0];
  EXPECT_EQ(b["name"], "BM_Task/a-task-a");
  EXPECT_EQ(b["real_time"], 1500);
  EXPECT_EQ(b["cpu_time"], 750);
  EXPECT_EQ(b["time_unit"], "ms");
  EXPECT_EQ(b["run_type"], "iteration");
  EXPECT_EQ(doc["context"]["num_cpus"], 2);
}

TEST(ExportsTest, TraceHasOneTrackPerSlot) {
  std::ostringstream out;
  write_chrome_trace(out, three_tasks());
  const auto doc = nlohmann::json::parse(out.str());
  std::map<std::string, int> by_phase;
  std::set<int> tids;
  for (const auto& e : doc["traceEvents"]) {
    ++by_phase[e["ph"].get<std::string>()];
    if (e["ph"] == "X") tids.insert(e["tid"].get<int>());
  }
  EXPECT_EQ(by_phase["X"], 2) << "the skipped task never ran";
  EXPECT_EQ(by_phase["M"], 3) << "the process and two slot names";
  EXPECT_EQ(tids, (std::set<int>{0, 1}));
}

}  // namespace
}  // namespace flowbench
