// Small text helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowbench {

// The words with `separator` between them ("" for none).
std::string join(const std::vector<std::string>& words, std::string_view separator);

// The words of `text` between runs of white space.
std::vector<std::string> split_words(const std::string& text);

// A number that reads back to the same double ("%.17g"): the time scale as handlers and
// cache keys see it.
std::string exact_number(double value);

}  // namespace flowbench
