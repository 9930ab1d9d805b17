#include "platform/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "platform/posix.h"

namespace flowbench {
namespace fs = std::filesystem;

fs::path temporary_sibling(const fs::path& path) {
  // Unique per process and per call, hidden, and recognisable as ours.
  static std::atomic<unsigned> counter{0};
  std::string name(".");
  name += path.filename().string();
  name += ".tmp." + std::to_string(platform::process_id()) + "." + std::to_string(counter++);
  return path.parent_path() / name;
}

Status write_file_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  const fs::path temp = temporary_sibling(path);
  {
    std::vector<char> buffer(std::size_t(1) << 16);
    std::ofstream out;
    out.rdbuf()->pubsetbuf(buffer.data(), std::streamsize(buffer.size()));
    out.open(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Error{"cannot create " + temp.string() + ": " + std::strerror(errno) +
                   " (check that the folder exists and is writable)"};
    }
    errno = 0;
    write(out);
    out.close();
    if (!out) {
      const int saved = errno ? errno : ENOSPC;
      std::error_code ignored;
      fs::remove(temp, ignored);
      return Error{"cannot write " + path.string() + ": " + std::strerror(saved) +
                   "; fix: free space on that file system, or write to another one"};
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return Error{"cannot rename " + temp.string() + " to " + path.string() + ": " + ec.message()};
  }
  return ok_status();
}

Status write_file_atomically(const fs::path& path, std::string_view content) {
  return write_file_atomically(
      path, [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

Status append_line(const fs::path& path, std::string_view line) {
  std::string whole(line);
  whole.push_back('\n');
  if (!platform::append_whole(path, whole)) {
    return Error{"cannot append to " + path.string() + ": " + std::strerror(errno) +
                 "; fix: free space on that file system, or write to another one"};
  }
  return ok_status();
}

Expected<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{"cannot open " + path.string() + ": " + std::strerror(errno)};
  }
  // One read of the size the file has (a run.json of 100,000 tasks is 8 MB), then whatever
  // more a growing file holds.
  std::string content;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) {
    content.resize(size);
    in.read(content.data(), std::streamsize(size));
    content.resize(std::size_t(in.gcount()));
  }
  if (in) {
    std::ostringstream rest;
    rest << in.rdbuf();
    content += rest.str();
  }
  if (in.bad()) return Error{"cannot read " + path.string() + ": " + std::strerror(errno)};
  return content;
}

}  // namespace flowbench
