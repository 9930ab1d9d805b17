// A line of a handler's output, as the "<op> ... [<N>ms]" convention is read from logs.
#include <cmath>

#include "fuzz_support.h"
#include "record/ops.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  if (auto op = parse_op_line(input)) {
    if (op->name.empty()) fuzz::bad_answer("an op without a name", std::string(input));
    if (!std::isfinite(op->duration_ms) || op->duration_ms < 0) {
      fuzz::bad_answer("an op whose duration is not a finite, non-negative number", std::string(input));
    }
  }
  return 0;
}
