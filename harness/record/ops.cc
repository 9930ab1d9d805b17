#include "record/ops.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace flowbench {

namespace {
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}
}  // namespace

std::optional<Op> parse_op_line(std::string_view line) {
  line = trim(line);
  if (line.size() < 5 || line.substr(line.size() - 3) != "ms]") return std::nullopt;
  const std::size_t open = line.rfind('[');
  if (open == std::string_view::npos || open == 0) return std::nullopt;
  std::string_view number = trim(line.substr(open + 1, line.size() - 3 - open - 1));
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || value < 0) return std::nullopt;
  std::string_view head = line.substr(0, open);
  std::size_t word_end = 0;
  while (word_end < head.size() && !is_space(head[word_end])) ++word_end;
  std::string_view name = head.substr(0, word_end);
  if (!name.empty() && name.back() == ':') name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  return Op{std::string(name), value};
}

std::optional<QualityCounts> read_junit_counts(const std::filesystem::path& junit) {
  std::ifstream in(junit, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A testcase is "<testcase ... />" or "<testcase ...> ... </testcase>"; it failed when
  // a <failure or <error element comes before its end.
  QualityCounts counts;
  std::size_t at = 0;
  while ((at = xml.find("<testcase", at)) != std::string::npos) {
    const std::size_t tag_end = xml.find('>', at);
    if (tag_end == std::string::npos) break;
    bool failed = false;
    std::size_t next = tag_end + 1;
    if (xml[tag_end - 1] != '/') {
      const std::size_t close = xml.find("</testcase>", tag_end);
      const std::string body = xml.substr(tag_end, close == std::string::npos ? std::string::npos : close - tag_end);
      failed = body.find("<failure") != std::string::npos || body.find("<error") != std::string::npos;
      next = close == std::string::npos ? xml.size() : close;
    }
    (failed ? counts.failed : counts.passed) += 1;
    at = next;
  }
  if (counts.passed + counts.failed == 0) return std::nullopt;
  return counts;
}

std::vector<Op> scan_ops(const std::filesystem::path& log, std::size_t max_line) {
  std::vector<Op> ops;
  std::ifstream in(log, std::ios::binary);
  if (!in) return ops;
  std::string line;
  bool overlong = false;
  char chunk[1 << 16];
  auto finish_line = [&] {
    if (!overlong) {
      if (auto op = parse_op_line(line)) ops.push_back(std::move(*op));
    }
    line.clear();
    overlong = false;
  };
  while (in) {
    in.read(chunk, sizeof chunk);
    const std::streamsize got = in.gcount();
    std::string_view view(chunk, static_cast<std::size_t>(got));
    while (!view.empty()) {
      const std::size_t newline = view.find('\n');
      const std::string_view piece = view.substr(0, newline);
      if (!overlong) {
        if (line.size() + piece.size() > max_line) {
          overlong = true;
          line.clear();
        } else {
          line.append(piece);
        }
      }
      if (newline == std::string_view::npos) break;
      finish_line();
      view.remove_prefix(newline + 1);
    }
  }
  if (!line.empty()) finish_line();
  return ops;
}

void read_task_quality(const Task& task, Profile& profile) {
  if (!task.quality.is_object() || !task.quality.contains("junit") || !task.quality["junit"].is_string()) return;
  if (auto counts = read_junit_counts(task.cwd / task.quality["junit"].get<std::string>())) {
    profile.quality_passed = counts->passed;
    profile.quality_failed = counts->failed;
  }
}

}  // namespace flowbench
