// A Conductor workflow execution, as `flowbench import conductor` reads it.
#include "fuzz_support.h"
#include "interchange/conductor.h"
#include "util/json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  JsonReader reader("execution.json", "give the file as exported");
  const auto parsed = reader.parse(input);
  if (!parsed) {
    fuzz::check_refusal(reader.error(), "execution.json", input);
    return 0;
  }
  fuzz::check(run_from_conductor(*parsed, "execution.json"), "execution.json", input);
  return 0;
}
