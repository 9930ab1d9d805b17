#include "util/json_lines.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

namespace flowbench {

namespace {
constexpr std::size_t kChunk = std::size_t(1) << 20;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Error cannot_read(const std::filesystem::path& file) {
  return Error{file.string() + ": cannot read: " + std::strerror(errno)};
}

Expected<File> open_at(const std::filesystem::path& file, std::uint64_t offset) {
  File in(std::fopen(file.c_str(), "rb"));
  if (!in) return cannot_read(file);
  if (offset > 0 && fseeko(in.get(), off_t(offset), SEEK_SET) != 0) return cannot_read(file);
  return in;
}

// Reads at most `room` bytes of the `left` still to read; fewer at the end or on an error (ferror).
std::size_t read_some(std::FILE* in, char* into, std::size_t room, std::uint64_t& left) {
  const std::size_t want = std::size_t(std::min<std::uint64_t>(room, left));
  const std::size_t got = std::fread(into, 1, want, in);
  left -= got;
  return got;
}
}  // namespace

Status for_each_json_line(const std::filesystem::path& file, const JsonLineHandler& on_line) {
  return for_each_json_line(file, 0, std::numeric_limits<std::uint64_t>::max(), on_line);
}

Status for_each_json_line(const std::filesystem::path& file, std::uint64_t begin, std::uint64_t end,
                          const JsonLineHandler& on_line) {
  auto in = open_at(file, begin);
  if (!in) return in.error();
  std::uint64_t left = end - begin;
  // buffer[first, last) holds the bytes not yet handed over; the padding after `last` is
  // never part of a line.
  std::vector<char> buffer(kChunk + kJsonLinePadding);
  std::size_t first = 0, last = 0, number = 0;
  bool at_end = false;
  while (true) {
    const char* newline = static_cast<const char*>(std::memchr(buffer.data() + first, '\n', last - first));
    if (!newline && !at_end) {
      // Move the partial line to the front, make room (a line longer than a chunk grows the
      // buffer), and read on.
      std::memmove(buffer.data(), buffer.data() + first, last - first);
      last -= first;
      first = 0;
      if (buffer.size() - last < kChunk / 2 + kJsonLinePadding) buffer.resize(buffer.size() * 2);
      const std::size_t room = buffer.size() - kJsonLinePadding - last;
      const std::size_t got = read_some(in->get(), buffer.data() + last, room, left);
      if (got < room) {
        if (std::ferror(in->get())) return cannot_read(file);
        at_end = true;
      }
      last += got;
      continue;
    }
    const std::size_t line_end = newline ? std::size_t(newline - buffer.data()) : last;
    if (line_end == first && !newline) break;  // the end of the part
    ++number;
    if (line_end > first) {
      auto status = on_line(number, std::string_view(buffer.data() + first, line_end - first));
      if (!status) return status;
    }
    if (!newline) break;
    first = line_end + 1;
  }
  return ok_status();
}

Expected<std::uint64_t> next_line_start(const std::filesystem::path& file, std::uint64_t offset) {
  if (offset == 0) return std::uint64_t{0};
  auto in = open_at(file, offset - 1);  // a line starts at `offset` when the byte before is a newline
  if (!in) return in.error();
  std::uint64_t at = offset - 1;
  std::vector<char> buffer(1 << 16);
  while (true) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), in->get());
    if (got == 0) {
      if (std::ferror(in->get())) return cannot_read(file);
      return at;  // no newline: no line starts later
    }
    if (const void* newline = std::memchr(buffer.data(), '\n', got)) {
      return at + std::uint64_t(static_cast<const char*>(newline) - buffer.data()) + 1;
    }
    at += got;
  }
}

Expected<std::size_t> lines_before(const std::filesystem::path& file, std::uint64_t offset) {
  auto in = open_at(file, 0);
  if (!in) return in.error();
  std::vector<char> buffer(1 << 16);
  std::size_t lines = 0;
  while (offset > 0) {
    const std::size_t got = std::fread(buffer.data(), 1, std::size_t(std::min<std::uint64_t>(buffer.size(), offset)), in->get());
    if (got == 0) break;
    lines += std::size_t(std::count(buffer.data(), buffer.data() + got, '\n'));
    offset -= got;
  }
  if (std::ferror(in->get())) return cannot_read(file);
  return lines;
}

}  // namespace flowbench
