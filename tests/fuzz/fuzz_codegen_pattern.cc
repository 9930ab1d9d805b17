// One pattern of codegen's pattern library.
#include "fuzz_support.h"
#include "pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto folder = fuzz::scratch() / "patterns";
  const auto file = fuzz::write_file(folder / "msg_fuzz.json", input);
  fuzz::check(codegen::parse_patterns(folder), file.string(), input);
  return 0;
}
