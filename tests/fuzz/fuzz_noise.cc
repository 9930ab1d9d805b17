// A noise file, as `flowbench gate --noise` reads it.
#include "fuzz_support.h"
#include "gate/noise.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto file = fuzz::write_file(fuzz::scratch() / "noise.json", input);
  fuzz::check(load_noise(file), file.string(), input);
  return 0;
}
