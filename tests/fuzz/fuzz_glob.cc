// The glob matchers: cache output patterns against paths, and target-name globs against
// names. The input is a pattern, a newline, then the path or name.
#include "fuzz_support.h"
#include "util/glob.h"
#include "util/name_glob.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto split = input.find('\n');
  const std::string pattern(input.substr(0, split));
  const std::string subject(split == std::string_view::npos ? std::string_view() : input.substr(split + 1));
  if (glob_problem(pattern).empty()) (void)glob_match(pattern, subject);
  if (is_name_glob(pattern) && name_glob_problem(pattern).empty()) (void)name_glob_match(pattern, subject);
  return 0;
}
