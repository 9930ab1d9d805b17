#include "report/text_table.h"

#include <algorithm>

namespace flowbench {

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> width(titles.size());
  for (std::size_t c = 0; c < titles.size(); ++c) width[c] = std::max(titles[c].size(), min_width);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out << cells[c];
      if (c + 1 < cells.size()) out << std::string(width[c] - cells[c].size() + 2, ' ');
    }
    out << "\n";
  };
  line(titles);
  if (rule) {
    std::vector<std::string> dashes;
    for (std::size_t c = 0; c < titles.size(); ++c) {
      dashes.push_back(std::string(c + 1 < titles.size() ? width[c] : titles[c].size(), '-'));
    }
    line(dashes);
  }
  for (const auto& row : rows) line(row);
}

}  // namespace flowbench
