// Google Benchmark JSON, as `flowbench gate` and `record` read it.
#include "fuzz_support.h"
#include "gate/measurements.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  fuzz::check_file(fuzz::as_text(data, size), "bench.json", [](const auto& f) { return load_measurements(f); });
  return 0;
}
