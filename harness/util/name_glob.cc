#include "util/name_glob.h"

#include <cstdint>
#include <unordered_set>

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

// Whether name[s..] matches pattern[p..]: literals, '?' and classes in a loop, a recursion
// only at each '*' (so the depth is at most the number of stars). `failed_` remembers the
// (star, position) states known not to match, so each is tried once: plain backtracking
// is exponential in the number of stars, this is O(pattern x name^2) at worst. Captures are
// only kept along the match found, so remembering failures leaves them as they were.
class Matcher {
 public:
  Matcher(const std::string& pattern, const std::string& name, std::vector<std::string>* captures)
      : pattern_(pattern), name_(name), captures_(captures) {}

  bool from(std::size_t p, std::size_t s) {
    while (p < pattern_.size()) {
      const char c = pattern_[p];
      if (c == '*') return star(p, s);
      if (s >= name_.size()) return false;
      if (c == '?') {
        if (captures_) captures_->push_back(name_.substr(s, 1));
      } else if (c == '[') {
        const std::size_t close = class_end(pattern_, p);
        if (close == std::string::npos || !class_matches(pattern_, p, close, name_[s])) return false;
        p = close;
      } else if (c != name_[s]) {
        return false;
      }
      ++p;
      ++s;
    }
    return s == name_.size();
  }

 private:
  bool star(std::size_t p, std::size_t s) {
    const std::uint64_t state = std::uint64_t(p) * (name_.size() + 1) + s;
    if (failed_.count(state)) return false;
    const std::size_t mark = captures_ ? captures_->size() : 0;
    for (std::size_t take = 0; s + take <= name_.size(); ++take) {
      if (captures_) captures_->push_back(name_.substr(s, take));
      if (from(p + 1, s + take)) return true;
      if (captures_) captures_->resize(mark);
    }
    failed_.insert(state);
    return false;
  }

  const std::string& pattern_;
  const std::string& name_;
  std::vector<std::string>* captures_;
  std::unordered_set<std::uint64_t> failed_;
};

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
  return Matcher(pattern, name, captures).from(0, 0);
}

}  // namespace flowbench
