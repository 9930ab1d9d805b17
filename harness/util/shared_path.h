// A path that many holders share (the folder and the program of each of 100,000 tasks): one
// copy, read as a std::filesystem::path. A fs::path holds its text and a list of its parts,
// some 300 bytes for a folder a few levels deep; shared, a task pays a pointer.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

namespace flowbench {

class SharedPath {
 public:
  SharedPath() = default;
  SharedPath(std::filesystem::path path)
      : path_(path.empty() ? nullptr : std::make_shared<const std::filesystem::path>(std::move(path))) {}
  SharedPath(const char* text) : SharedPath(std::filesystem::path(text)) {}

  const std::filesystem::path& get() const {
    static const std::filesystem::path kEmpty;
    return path_ ? *path_ : kEmpty;
  }
  operator const std::filesystem::path&() const { return get(); }
  std::string string() const { return get().string(); }
  bool empty() const { return get().empty(); }

  friend std::filesystem::path operator/(const SharedPath& left, const std::filesystem::path& right) {
    return left.get() / right;
  }
  friend bool operator==(const SharedPath& left, const std::filesystem::path& right) { return left.get() == right; }
  friend std::ostream& operator<<(std::ostream& out, const SharedPath& path) { return out << path.get(); }

 private:
  std::shared_ptr<const std::filesystem::path> path_;
};

}  // namespace flowbench
