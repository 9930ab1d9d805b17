// The compile stage: every generated translation unit through the system C++ compiler.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "manifest.h"
#include "pattern.h"
#include "render.h"

namespace flowbench::codegen {

struct CompileOptions {
  int jobs = 1;
  std::string compiler = "c++";
  std::vector<std::string> flags = {"-std=c++20", "-fsyntax-only", "-Wall", "-Wextra"};
};

// "<resolved path>\n<first line of --version>": part of every unit's key.
Expected<std::string> compiler_identity(const std::string& compiler);

struct Unit {
  std::size_t file;         // index of the source file in the generated files
  std::vector<std::string> reads;  // the generated files it reads: its source, its header, ...
  std::string key;          // SHA-256 over compiler, flags and every generated file it reads
  bool reused = false;      // result taken from the previous manifest
  UnitRecord record;
};

// One unit per generated source, with its key: the unit reads its own source and header
// and, for a service, the headers of the messages it uses.
std::vector<Unit> plan_units(const std::vector<GeneratedFile>& files, const std::vector<Pattern>& patterns,
                             const std::string& identity, const CompileOptions& options);

// Compiles every unit whose key is not in `previous` (all of them when it is null); the
// others reuse the previous record. Only the files the compiled units read are written
// under `staging`.
Status compile_units(std::vector<Unit>& units, const std::vector<GeneratedFile>& files,
                     const std::filesystem::path& staging, const CompileOptions& options, const Manifest* previous);

}  // namespace flowbench::codegen
