// A task's JUnit XML (its quality counts).
#include "fuzz_support.h"
#include "record/ops.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto file = fuzz::write_file(fuzz::scratch() / "checks.xml", input);
  if (auto counts = read_junit_counts(file); counts && (counts->passed < 0 || counts->failed < 0)) {
    fuzz::bad_answer("negative quality counts", std::string(input));
  }
  return 0;
}
