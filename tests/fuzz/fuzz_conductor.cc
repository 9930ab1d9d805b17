// A Conductor workflow execution, as `flowbench import conductor` reads it.
#include "fuzz_support.h"
#include "interchange/conductor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto parsed = fuzz::parse(input, "execution.json");
  if (!parsed) return 0;
  fuzz::check(run_from_conductor(*parsed, "execution.json"), "execution.json", input);
  return 0;
}
