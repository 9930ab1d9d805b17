// A Conductor workflow execution, as `flowbench import conductor` reads it.
#include "fuzz_support.h"
#include "interchange/conductor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  fuzz::check_json(fuzz::as_text(data, size), "execution.json", run_from_conductor);
  return 0;
}
