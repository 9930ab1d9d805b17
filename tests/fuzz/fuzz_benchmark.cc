// Google Benchmark JSON, as `flowbench gate` and `record` read it.
#include "fuzz_support.h"
#include "gate/measurements.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto file = fuzz::write_file(fuzz::scratch() / "bench.json", input);
  fuzz::check(load_measurements(file), file.string(), input);
  return 0;
}
