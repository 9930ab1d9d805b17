// A budgets file, as `flowbench gate --budgets` reads it.
#include "fuzz_support.h"
#include "gate/budgets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  fuzz::check_file(fuzz::as_text(data, size), "budgets.json", [](const auto& f) { return load_budgets(f); });
  return 0;
}
