// A workflow spec's text, as `flowbench validate` reads it (programs not looked up).
#include "fuzz_support.h"
#include "model/spec_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  LoadOptions options;
  options.check_programs = false;
  const auto spec = fuzz::scratch() / "fuzz-spec.json";
  fuzz::check(load_workflow_text(std::string(input), spec, options), spec.string(), input);
  return 0;
}
