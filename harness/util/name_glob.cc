#include "util/name_glob.h"

namespace flowbench {

namespace {

// The end of the class starting at pattern[at] == '[' (the index of its ']'), or npos.
std::size_t class_end(const std::string& pattern, std::size_t at) {
  std::size_t i = at + 1;
  if (i < pattern.size() && pattern[i] == '!') ++i;
  while (i < pattern.size() && pattern[i] != ']') ++i;
  return i < pattern.size() ? i : std::string::npos;
}

bool class_matches(const std::string& pattern, std::size_t open, std::size_t close, char c) {
  std::size_t i = open + 1;
  const bool negate = pattern[i] == '!';
  if (negate) ++i;
  bool found = false;
  for (; i < close; ++i) {
    if (i + 2 < close && pattern[i + 1] == '-') {
      found = found || (pattern[i] <= c && c <= pattern[i + 2]);
      i += 2;
    } else {
      found = found || pattern[i] == c;
    }
  }
  return found != negate;
}

bool match_from(const std::string& pattern, std::size_t p, const std::string& name, std::size_t s,
                std::vector<std::string>* captures) {
  while (p < pattern.size()) {
    const char c = pattern[p];
    if (c == '*') {
      for (std::size_t take = 0; s + take <= name.size(); ++take) {
        const std::size_t mark = captures ? captures->size() : 0;
        if (captures) captures->push_back(name.substr(s, take));
        if (match_from(pattern, p + 1, name, s + take, captures)) return true;
        if (captures) captures->resize(mark);
      }
      return false;
    }
    if (s >= name.size()) return false;
    if (c == '?') {
      if (captures) captures->push_back(name.substr(s, 1));
    } else if (c == '[') {
      const std::size_t close = class_end(pattern, p);
      if (close == std::string::npos || !class_matches(pattern, p, close, name[s])) return false;
      p = close;
    } else if (c != name[s]) {
      return false;
    }
    ++p;
    ++s;
  }
  return s == name.size();
}

}  // namespace

bool is_name_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

std::string name_glob_problem(const std::string& pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '[') continue;
    const std::size_t close = class_end(pattern, i);
    if (close == std::string::npos) return "the class opened at character " + std::to_string(i + 1) + " is not closed";
    const std::size_t first = i + 1 + (i + 1 < pattern.size() && pattern[i + 1] == '!');
    if (close == first) return "the class at character " + std::to_string(i + 1) + " is empty";
    i = close;
  }
  return {};
}

bool name_glob_match(const std::string& pattern, const std::string& name, std::vector<std::string>* captures) {
  if (captures) captures->clear();
  return match_from(pattern, 0, name, 0, captures);
}

}  // namespace flowbench
