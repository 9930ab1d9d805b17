// File globs relative to a folder: "*", "?", "[abc]" within a path segment, "**" for any
// number of folders.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench {

// Empty when the pattern is acceptable; else what is wrong with it (absolute, or a ".."
// segment that would leave the folder).
std::string glob_problem(const std::string& pattern);

// True when the relative path (with '/' separators) matches the pattern.
bool glob_match(const std::string& pattern, const std::string& relative_path);

// Every regular file under `base` matching any pattern, as relative paths, sorted and
// unique. Symbolic links are not followed out of `base`.
Expected<std::vector<std::string>> expand_globs(const std::filesystem::path& base,
                                                const std::vector<std::string>& patterns);

}  // namespace flowbench
