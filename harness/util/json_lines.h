// JSON-lines files read a chunk at a time, so a file of any size needs little memory, and in
// parts, so several threads can read one file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

#include "util/expected.h"

namespace flowbench {

// Bytes that stay readable past the end of every line handed over (what simdjson reads ahead).
inline constexpr std::size_t kJsonLinePadding = 64;

using JsonLineHandler = std::function<Status(std::size_t number, std::string_view text)>;

// Calls `on_line(number, text)` for each non-empty line of `file` (numbers from 1, a last line
// without a newline included, the newline itself not), in order, and stops at the first error
// it returns. `text` is valid during the call only. A file that cannot be read is an error
// naming it.
Status for_each_json_line(const std::filesystem::path& file, const JsonLineHandler& on_line);

// The same for the lines in bytes [begin, end) of the file (begin and end at the start of a
// line, or end the file's size), numbered from 1 within that part.
Status for_each_json_line(const std::filesystem::path& file, std::uint64_t begin, std::uint64_t end,
                          const JsonLineHandler& on_line);

// The offset of the first line that starts at or after `offset` (the file's size when none).
Expected<std::uint64_t> next_line_start(const std::filesystem::path& file, std::uint64_t offset);

// How many lines end before `offset` (the newlines in bytes [0, offset)).
Expected<std::size_t> lines_before(const std::filesystem::path& file, std::uint64_t offset);

}  // namespace flowbench
