#include "record/progress.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "model/spec_loader.h"

namespace flowbench {
namespace {

Workflow two_tasks() {
  LoadOptions options;
  options.check_programs = false;
  return load_workflow_text(R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": 3, "name": "architecture", "command": ["x"]},
      {"id": 4, "name": "testing", "command": ["x"]}]})",
                            "p.json", options)
      .value();
}

Profile finished(const Task& task, TaskStatus status, double ms, std::string reason = "") {
  Profile p;
  p.task_id = task.id_json;
  p.id = task.id;
  p.name = task.name;
  p.status = status;
  p.duration_ms = ms;
  p.reason = std::move(reason);
  return p;
}

// Measured numbers vary; whole outputs are compared with them replaced by "N".
std::string numbers_as_n(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(\d+:\d\d)"), "N");
}

TEST(ProgressTest, LinesStylePrintsOneLinePerFinishedTask) {
  Workflow wf = two_tasks();
  std::ostringstream out;
  ProgressPrinter printer(out, ProgressPrinter::Style::kLines);
  printer.on_run_start(wf, {});
  printer.on_task_start(wf.tasks[0], 0, {});
  printer.on_task_start(wf.tasks[1], 1, {});
  printer.on_task_finish(wf.tasks[1], finished(wf.tasks[1], TaskStatus::kOk, 361.25));
  printer.on_task_finish(wf.tasks[0], finished(wf.tasks[0], TaskStatus::kFailed, 12, "exit code 3"));
  printer.on_run_finish({});
  EXPECT_EQ(out.str(),
            "[1/2] ok          4 testing  0.361 s\n"
            "[2/2] failed      3 architecture  0.012 s  (exit code 3)\n");
}

TEST(ProgressTest, StatusLineShowsWhatRunsAndKeepsFailuresOnScreen) {
  Workflow wf = two_tasks();
  std::ostringstream out;
  ProgressPrinter printer(out, ProgressPrinter::Style::kStatusLine);
  printer.on_run_start(wf, {});
  printer.on_task_start(wf.tasks[0], 0, {});
  printer.on_task_start(wf.tasks[1], 1, {});
  printer.on_task_finish(wf.tasks[0], finished(wf.tasks[0], TaskStatus::kFailed, 5, "exit code 1"));
  printer.on_run_finish({});
  EXPECT_EQ(numbers_as_n(out.str()),
            "\r\033[K[0/2] running: 3 architecture N | done 0 | failed 0"
            "\r\033[K[0/2] running: 3 architecture N, 4 testing N | done 0 | failed 0"
            "\r\033[K[1/2] failed      3 architecture  0.005 s  (exit code 1)\n"
            "\r\033[K[1/2] running: 4 testing N | done 1 | failed 1"
            "\r\033[K");
}

TEST(ProgressTest, StatusLineIsCutToTheTerminalWidth) {
  Workflow wf = two_tasks();
  std::ostringstream out;
  ProgressPrinter printer(out, ProgressPrinter::Style::kStatusLine, 30);
  printer.on_run_start(wf, {});
  printer.on_task_start(wf.tasks[0], 0, {});
  EXPECT_EQ(out.str(), "\r\033[K[0/2] running: 3 architect...");
}

TEST(ProgressTest, JsonEventsAreOneObjectPerLine) {
  Workflow wf = two_tasks();
  std::ostringstream out;
  JsonEventWriter events(out);
  events.on_run_start(wf, {});
  events.on_task_start(wf.tasks[0], 0, {});
  events.on_task_finish(wf.tasks[0], finished(wf.tasks[0], TaskStatus::kOk, 1));
  events.on_run_finish({});
  std::istringstream lines(out.str());
  std::vector<std::string> kinds;
  for (std::string line; std::getline(lines, line);) {
    kinds.push_back(nlohmann::json::parse(line)["event"].get<std::string>());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"run_start", "task_start", "task_finish", "run_finish"}));
}

}  // namespace
}  // namespace flowbench
