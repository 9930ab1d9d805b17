// Runs a program for a test and captures what it did (Boost.Process, real processes).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flowbench::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Sends a signal to the running command.
using SignalSender = std::function<void(int signal)>;

// Runs argv[0] (a path) with the given arguments in `cwd`, stdout and stderr captured
// (in <cwd>/.. files that are removed). `while_running`, if given, is called once after
// the start with a function that signals the process.
CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::function<void(const SignalSender& send)>& while_running = {});

// Paths to what the build made and to the source tree.
std::filesystem::path bin_path(const std::string& program);
std::filesystem::path source_path(const std::string& relative);

// A fresh empty folder under the system temp folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Copies the reference workflow (fixtures/k1n: spec, patterns, templates, change-set) into
// `into` and returns the spec's path there, so a test's run writes nothing into the
// source tree and concurrent tests never share an output folder.
std::filesystem::path copy_reference_workflow(const std::filesystem::path& into);

// Writes a text file (creating folders), for specs made inside tests.
void write_text(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);
nlohmann::json read_json(const std::filesystem::path& path);

}  // namespace flowbench::testing
