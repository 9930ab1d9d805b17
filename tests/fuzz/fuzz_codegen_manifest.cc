// codegen's manifest.json, as `codegen --incremental` reads it.
#include "fuzz_support.h"
#include "manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  fuzz::check_file(fuzz::as_text(data, size), "manifest.json", [](const auto& f) { return codegen::read_manifest(f); });
  return 0;
}
