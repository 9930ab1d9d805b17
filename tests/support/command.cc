#include "support/command.h"

#include <atomic>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/optional.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

namespace flowbench::testing {
namespace fs = std::filesystem;
namespace bp = boost::process::v2;

CommandResult run_command(const std::vector<std::string>& argv, const fs::path& cwd,
                          const std::function<void(const SignalSender&)>& while_running) {
  TempDir capture;
  const fs::path out = capture.path() / "out";
  const fs::path err = capture.path() / "err";
  boost::asio::io_context io;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  bp::process process(io, argv.front(), args, bp::process_stdio{nullptr, out, err},
                      bp::process_start_dir{cwd});
  if (while_running) {
    // The signal itself, as a terminal (SIGINT), a service manager (SIGTERM) or the OOM killer
    // (SIGKILL) sends it: Boost's interrupt() sends SIGTERM where it has no pidfd.
    while_running([&process](int signal) { ::kill(process.id(), signal); });
  }
  CommandResult result;
  result.exit_code = process.wait();
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

fs::path bin_path(const std::string& program) { return fs::path(FLOWBENCH_BIN_DIR) / program; }

fs::path source_path(const std::string& relative) { return fs::path(FLOWBENCH_SOURCE_DIR) / relative; }

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  path_ = fs::temp_directory_path() /
          ("flowbench-test-" + std::to_string(random()) + "-" + std::to_string(counter++));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

fs::path copy_reference_workflow(const fs::path& into) {
  const fs::path from = source_path("fixtures/k1n");
  fs::create_directories(into);
  for (const char* part : {"workflow.json", "patterns", "templates", "changes"}) {
    fs::copy(from / part, into / part, fs::copy_options::recursive);
  }
  return into / "workflow.json";
}

void write_text(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_text(path)); }

}  // namespace flowbench::testing
