// codegen's manifest.json, as `codegen --incremental` reads it.
#include "fuzz_support.h"
#include "manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto file = fuzz::write_file(fuzz::scratch() / "manifest.json", input);
  fuzz::check(codegen::read_manifest(file), file.string(), input);
  return 0;
}
