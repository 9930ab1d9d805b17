#include "output.h"

#include <set>

#include "platform/atomic_file.h"
#include "util/digest.h"

namespace flowbench::codegen {
namespace fs = std::filesystem;

Expected<WriteStats> write_tree(const fs::path& out, const std::vector<GeneratedFile>& files,
                                const Manifest* previous, const Manifest& manifest, const std::string& junit) {
  WriteStats stats;
  std::error_code ec;
  std::set<std::string> generated;
  for (const auto& file : files) {
    generated.insert(file.path);
    const fs::path target = out / file.path;
    if (auto existing = read_file(target); existing && *existing == file.content) {
      ++stats.unchanged;
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    if (auto written = write_file_atomically(target, file.content); !written) return written.error();
    ++stats.written;
  }
  if (previous) {
    for (const auto& [path, digest] : previous->files) {
      if (!generated.count(path) && fs::remove(out / path, ec)) ++stats.removed;
    }
  }
  if (auto written = write_file_atomically(out / "checks.xml", junit); !written) return written.error();
  if (auto written = write_file_atomically(out / "manifest.json", manifest_text(manifest)); !written) {
    return written.error();
  }
  return stats;
}

}  // namespace flowbench::codegen
