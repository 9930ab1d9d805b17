// A run folder as `flowbench analyze` reads it: the input is run.json, then a line "@@", then
// records.jsonl (without the line, records.jsonl is empty).
#include "analyze/run_data.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto split = input.find("\n@@\n");
  const auto run = fuzz::scratch() / "run";
  fuzz::write_file(run / "run.json", input.substr(0, split));
  fuzz::write_file(run / "records.jsonl", split == std::string_view::npos ? "" : input.substr(split + 4));
  fuzz::check(load_run(run), run.string(), input);
  return 0;
}
