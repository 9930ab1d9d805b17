#include "platform/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

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

Status write_file_atomically(const fs::path& path, std::string_view content) {
  const fs::path temp = temporary_sibling(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Error{"cannot create " + temp.string() + ": " + std::strerror(errno) +
                   " (check that the folder exists and is writable)"};
    }
    errno = 0;
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
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
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace flowbench
