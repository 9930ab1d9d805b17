// A run folder as `flowbench analyze` reads it: the input is run.json, then a line "@@", then
// records.jsonl (without the line, records.jsonl is empty). Read the fast way (simdjson) and
// by the checked reader alone, the answers must be the same: the same record, or the same
// message.
#include "analyze/run_data.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto split = input.find("\n@@\n");
  const auto run = fuzz::scratch() / "run";
  fuzz::write_file(run / "run.json", input.substr(0, split));
  fuzz::write_file(run / "records.jsonl", split == std::string_view::npos ? "" : input.substr(split + 4));
  const auto fast = load_run(run);
  fuzz::check(fast, run.string(), input);
  const auto checked = load_run(run, true);
  fuzz::same_answer(fast, checked, [](const RunRecord& record) { return record_json(record).dump(); });
  return 0;
}
