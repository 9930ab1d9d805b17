// A workflow spec's text, as `flowbench validate` reads it (programs not looked up). Read the
// fast way (simdjson, a task at a time) and by the checked reader alone, the answers must be
// the same: the same workflow, or the same message.
#include "../support/workflow_text.h"
#include "fuzz_support.h"
#include "model/spec_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  LoadOptions options;
  options.check_programs = false;
  const auto spec = fuzz::scratch() / "fuzz-spec.json";
  const auto fast = load_workflow_text(std::string(input), spec, options);
  fuzz::check(fast, spec.string(), input);
  options.checked_only = true;
  const auto checked = load_workflow_text(std::string(input), spec, options);
  fuzz::same_answer(fast, checked, testing::workflow_text);
  return 0;
}
