// The output manifest: every generated file's hash, and per translation unit what the
// compiler and the checks said, keyed so that an incremental run can reuse it.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench::codegen {

inline constexpr const char* kManifestSchema = "flowbench.codegen-manifest/1";

struct CheckCase {
  std::string subject;  // the file or pattern checked
  std::string name;     // "compiles_without_warnings", "states_reachable", ...
  bool passed = true;
  std::string message;  // why it failed
};

struct UnitRecord {
  std::string key;          // what decided the result (compiler, flags, the sources it reads)
  bool compiled = false;    // no errors
  std::string diagnostics;  // the compiler's output
  std::vector<CheckCase> checks;
};

struct Manifest {
  std::map<std::string, std::string> files;  // path -> SHA-256 of its content
  std::map<std::string, UnitRecord> units;   // source path -> record
};

std::string manifest_text(const Manifest& manifest);

// Reads a manifest and verifies its self-digest; a truncated, edited or foreign file is an
// error naming the file.
Expected<Manifest> read_manifest(const std::filesystem::path& path);

}  // namespace flowbench::codegen
