#include "cli/cli_common.h"

#include <iomanip>

#include <iostream>
#include <sstream>

#include "platform/posix.h"
#include "platform/atomic_file.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

std::vector<fs::path> handler_dirs() {
  const fs::path self = platform::self_executable();
  if (self.empty()) return {};
  // A build folder keeps the handlers beside flowbench; an installed flowbench (bin/) keeps
  // them in libexec/flowbench, out of everyone's PATH.
  std::vector<fs::path> dirs = {self.parent_path()};
  std::error_code ec;
  const fs::path installed = (self.parent_path() / ".." / "libexec" / "flowbench").lexically_normal();
  if (fs::is_directory(installed, ec)) dirs.push_back(installed);
  return dirs;
}

fs::path plot_script() {
  const fs::path self = platform::self_executable();
  std::error_code ec;
  for (const char* name : {"plot.py", "flowbench-plot"}) {
    if (fs::exists(self.parent_path() / name, ec)) return self.parent_path() / name;
  }
  return self.parent_path() / "flowbench-plot";
}

int write_json_file(const fs::path& path, const nlohmann::ordered_json& value, const std::string& command) {
  if (path.empty()) return 0;
  // Streamed: the summary of a run of 100,000 tasks is megabytes of text.
  auto written = write_file_atomically(path, [&](std::ostream& out) { out << std::setw(2) << value << '\n'; });
  if (!written) {
    std::cerr << "flowbench " << command << ": " << written.error().message << "\n";
    return kExitBadInput;
  }
  return 0;
}

int write_output(const fs::path& path, const std::string& text, const std::string& command) {
  if (path.empty()) {
    std::cout << text;
    return 0;
  }
  if (auto written = write_file_atomically(path, text); !written) {
    std::cerr << "flowbench " << command << ": " << written.error().message << "\n";
    return kExitBadInput;
  }
  return 0;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

}  // namespace flowbench::cli
