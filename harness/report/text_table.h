// Plain-text tables for the terminal: columns padded to their widest cell, two spaces apart.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace flowbench {

struct TextTable {
  std::vector<std::string> titles;
  std::vector<std::vector<std::string>> rows;
  bool rule = false;           // a line of dashes under the titles
  std::size_t min_width = 0;   // no column narrower than this

  // Titles, the rule if asked for, then every row; the last column is not padded.
  void print(std::ostream& out) const;
};

}  // namespace flowbench
