// A run's combined-log index (logs/combined.index.jsonl) as `flowbench log` reads it; the log
// itself is a fixed 64 bytes. The answer is a task's bytes or a refusal naming the index.
#include "fuzz_support.h"
#include "record/run_logs.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto run = fuzz::scratch() / "run";
  fuzz::write_file(run / "run.json", R"({"run_id": "r", "graph": []})");
  fuzz::write_file(run / kCombinedLog, std::string(64, 'x'));
  fuzz::write_file(run / kCombinedIndex, input);
  const auto answer = task_log(run, "3");
  if (answer && answer->size() > 64) fuzz::bad_answer("a log longer than the combined log", std::to_string(answer->size()));
  if (!answer) fuzz::check_refusal(answer.error(), run.string(), input);
  return 0;
}
