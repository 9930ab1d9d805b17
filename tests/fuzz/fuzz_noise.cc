// A noise file, as `flowbench gate --noise` reads it.
#include "fuzz_support.h"
#include "gate/noise.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  fuzz::check_file(fuzz::as_text(data, size), "noise.json", [](const auto& f) { return load_noise(f); });
  return 0;
}
