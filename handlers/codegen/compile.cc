#include "compile.h"

#include <cstdlib>
#include <map>
#include <set>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/optional.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include "model/spec_loader.h"
#include "parallel.h"
#include "platform/atomic_file.h"
#include "util/digest.h"

namespace flowbench::codegen {
namespace fs = std::filesystem;
namespace bp = boost::process::v2;

namespace {

fs::path find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  return resolve_program(program, fs::current_path(), split_search_path(path ? path : "/usr/bin:/bin"));
}

enum class Capture { kStdout, kStderr };

// Runs a program with one of its output streams in `output` (the other discarded);
// returns its exit code, or -1 if it did not start.
int run(const fs::path& program, const std::vector<std::string>& args, const fs::path& output, Capture capture) {
  boost::asio::io_context context;
  bp::error_code ec;
  auto start = [&](auto stdio) {
    bp::process process(context, program, args, stdio);
    return process.wait(ec);
  };
  try {
    return capture == Capture::kStdout ? start(bp::process_stdio{nullptr, output, nullptr})
                                       : start(bp::process_stdio{nullptr, nullptr, output});
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

Expected<std::string> compiler_identity(const std::string& compiler) {
  const fs::path path = find_program(compiler);
  if (path.empty()) return Error{"compiler \"" + compiler + "\" not found on PATH; fix: install g++ or pass --compiler"};
  // A name of this process's own: concurrent runs must not share it.
  const fs::path version = temporary_sibling(fs::temp_directory_path() / "codegen-compiler-version");
  const int status = run(path, {"--version"}, version, Capture::kStdout);
  auto text = read_file(version);
  std::error_code ec;
  fs::remove(version, ec);
  if (status != 0 || !text) return Error{"cannot run " + path.string() + " --version"};
  return path.string() + "\n" + text->substr(0, text->find('\n'));
}

std::vector<Unit> plan_units(const std::vector<GeneratedFile>& files, const std::vector<Pattern>& patterns,
                             const std::string& identity, const CompileOptions& options) {
  std::map<std::string, const GeneratedFile*> by_path;
  for (const auto& file : files) by_path[file.path] = &file;
  std::vector<Unit> units;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].header) continue;
    const Pattern& pattern = patterns[files[i].pattern];
    std::vector<std::string> reads = {files[i].path,
                                      std::string(kind_folder(pattern.kind)) + "/" + pattern.snake + ".h"};
    if (pattern.kind == PatternKind::kService) {
      for (const auto& method : pattern.spec["methods"]) {
        reads.push_back("message/" + to_snake(method["request"]) + ".h");
        reads.push_back("message/" + to_snake(method["response"]) + ".h");
      }
    }
    Hasher hasher;
    hasher.field("generator", kGeneratorVersion);
    hasher.field("compiler", identity);
    for (const auto& flag : options.flags) hasher.field("flag", flag);
    for (const auto& path : reads) {
      auto it = by_path.find(path);
      hasher.field("reads", path);
      hasher.field(it == by_path.end() ? "missing" : "content", it == by_path.end() ? "" : it->second->content);
    }
    Unit unit;
    unit.file = i;
    unit.reads = std::move(reads);
    unit.key = hasher.hex_digest();
    units.push_back(std::move(unit));
  }
  return units;
}

Status compile_units(std::vector<Unit>& units, const std::vector<GeneratedFile>& files, const fs::path& staging,
                     const CompileOptions& options, const Manifest* previous) {
  const fs::path compiler = find_program(options.compiler);
  if (compiler.empty()) return Error{"compiler \"" + options.compiler + "\" not found"};
  std::vector<std::size_t> to_compile;
  for (std::size_t u = 0; u < units.size(); ++u) {
    const std::string& path = files[units[u].file].path;
    if (previous) {
      auto it = previous->units.find(path);
      if (it != previous->units.end() && it->second.key == units[u].key) {
        units[u].record = it->second;
        units[u].reused = true;
        continue;
      }
    }
    to_compile.push_back(u);
  }
  std::map<std::string, const GeneratedFile*> by_path;
  for (const auto& file : files) by_path[file.path] = &file;
  std::set<std::string> staged;
  std::error_code ec;
  for (std::size_t u : to_compile) {
    for (const auto& path : units[u].reads) {
      auto it = by_path.find(path);
      if (it == by_path.end() || !staged.insert(path).second) continue;
      fs::create_directories((staging / path).parent_path(), ec);
      if (auto written = write_file_atomically(staging / path, it->second->content); !written) return written;
    }
  }
  parallel_for(options.jobs, to_compile.size(), [&](std::size_t k, int) {
    Unit& unit = units[to_compile[k]];
    const fs::path source = staging / files[unit.file].path;
    const fs::path diagnostics = staging / (files[unit.file].path + ".diagnostics");
    std::vector<std::string> args = options.flags;
    args.push_back("-I");
    args.push_back(staging.string());
    args.push_back(source.string());
    const int status = run(compiler, args, diagnostics, Capture::kStderr);
    unit.record.key = unit.key;
    unit.record.compiled = status == 0;
    auto text = read_file(diagnostics);
    unit.record.diagnostics = text ? *text : "";
    if (status < 0) unit.record.diagnostics = "the compiler did not start";
  });
  return ok_status();
}

}  // namespace flowbench::codegen
