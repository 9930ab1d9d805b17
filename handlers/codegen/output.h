// The write stage: the generated tree, checks.xml and manifest.json, each file atomically.
#pragma once

#include <filesystem>

#include "manifest.h"
#include "render.h"

namespace flowbench::codegen {

struct WriteStats {
  int written = 0;    // new or changed files
  int unchanged = 0;  // same bytes already there: not rewritten
  int removed = 0;    // generated last time, not any more
};

// Writes every changed file (temporary name, then rename), removes files the previous
// manifest lists that were not generated now, then checks.xml, then manifest.json last,
// so a run stopped at any point leaves the previous manifest describing what is there.
Expected<WriteStats> write_tree(const std::filesystem::path& out, const std::vector<GeneratedFile>& files,
                                const Manifest* previous, const Manifest& manifest, const std::string& junit);

}  // namespace flowbench::codegen
