#include "util/glob.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace flowbench {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream stream(path);
  std::string part;
  while (std::getline(stream, part, '/')) {
    if (!part.empty() && part != ".") parts.push_back(part);
  }
  return parts;
}

// Whether path[q..] matches pattern[p..], segment by segment. `failed` remembers the states at
// a "**" known not to match, so several "**" cost O(pattern x path^2), not path^(number of **).
bool match_parts(const std::vector<std::string>& pattern, std::size_t p, const std::vector<std::string>& path,
                 std::size_t q, std::set<std::pair<std::size_t, std::size_t>>& failed) {
  for (; p < pattern.size() && pattern[p] != "**"; ++p, ++q) {
    if (q == path.size() || fnmatch(pattern[p].c_str(), path[q].c_str(), 0) != 0) return false;
  }
  if (p == pattern.size()) return q == path.size();
  if (failed.count({p, q})) return false;
  for (std::size_t skip = q; skip <= path.size(); ++skip) {  // "**": zero or more whole segments
    if (match_parts(pattern, p + 1, path, skip, failed)) return true;
  }
  failed.insert({p, q});
  return false;
}

bool has_wildcard(const std::string& part) { return part.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::string glob_problem(const std::string& pattern) {
  if (pattern.empty()) return "is empty";
  if (pattern.front() == '/') return "is absolute; give it relative to the task's folder";
  for (const auto& part : split(pattern)) {
    if (part == "..") return "contains \"..\"; a pattern must stay inside the task's folder";
  }
  return {};
}

bool glob_match(const std::string& pattern, const std::string& relative_path) {
  std::set<std::pair<std::size_t, std::size_t>> failed;
  return match_parts(split(pattern), 0, split(relative_path), 0, failed);
}

Expected<std::vector<std::string>> expand_globs(const fs::path& base,
                                                const std::vector<std::string>& patterns) {
  std::set<std::string> found;
  for (const auto& pattern : patterns) {
    if (auto problem = glob_problem(pattern); !problem.empty()) {
      return Error{"pattern \"" + pattern + "\" " + problem};
    }
    // Walk only below the longest prefix without wildcards.
    const std::vector<std::string> parts = split(pattern);
    fs::path root = base;
    std::string prefix;
    std::size_t fixed = 0;
    while (fixed < parts.size() && !has_wildcard(parts[fixed]) && parts[fixed] != "**") {
      root /= parts[fixed];
      prefix += parts[fixed] + "/";
      ++fixed;
    }
    std::error_code ec;
    if (fixed == parts.size()) {
      if (fs::is_regular_file(root, ec)) found.insert(prefix.substr(0, prefix.size() - 1));
      continue;
    }
    if (!fs::is_directory(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
      const std::string relative = prefix + fs::relative(it->path(), root).generic_string();
      if (glob_match(pattern, relative)) found.insert(relative);
    }
    if (ec) return Error{"cannot list " + root.string() + ": " + ec.message()};
  }
  return std::vector<std::string>(found.begin(), found.end());
}

}  // namespace flowbench
