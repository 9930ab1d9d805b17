// Files written so that a reader never sees half of them.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

#include "util/expected.h"

namespace flowbench {

// A hidden name beside `path` that no other process or call uses:
// ".<name>.tmp.<pid>.<n>". Such names are what a crash can leave behind.
std::filesystem::path temporary_sibling(const std::filesystem::path& path);

// Writes `content` to a temporary name in the same folder and renames it over `path`.
// On failure the previous file (if any) is untouched and no temporary is left behind.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content);
// The same with the content streamed by `write` (a large file is never whole in memory).
Status write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

// Appends one line (a newline is added) with a single write, so concurrent
// appenders and a crash leave whole lines only (except possibly a torn last line on power loss).
Status append_line(const std::filesystem::path& path, std::string_view line);

// Reads a whole file; the error names the file.
Expected<std::string> read_file(const std::filesystem::path& path);

}  // namespace flowbench
