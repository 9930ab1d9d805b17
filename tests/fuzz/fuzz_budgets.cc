// A budgets file, as `flowbench gate --budgets` reads it.
#include "fuzz_support.h"
#include "gate/budgets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto file = fuzz::write_file(fuzz::scratch() / "budgets.json", input);
  fuzz::check(load_budgets(file), file.string(), input);
  return 0;
}
