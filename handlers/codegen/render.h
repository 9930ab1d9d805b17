// The template stage: render C++ headers and sources from Mustache templates.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "pattern.h"

namespace flowbench::codegen {

// Part of every cache key: a new generator renders everything again.
inline constexpr const char* kGeneratorVersion = "flowbench-codegen/1";

struct GeneratedFile {
  std::string path;      // relative to the output folder: "message/order_created.h"
  std::string content;
  std::size_t pattern;   // index of the pattern it came from
  bool header;
};

struct TemplatePair {
  std::string header, source;  // template texts
};

struct Templates {
  std::map<PatternKind, TemplatePair> by_kind;
};

// Reads <kind>.h.mustache and <kind>.cc.mustache for every kind and checks that each
// parses; errors name the template file.
Expected<Templates> load_templates(const std::filesystem::path& folder);

struct RenderOptions {
  int jobs = 1;
  std::filesystem::path cache_dir;  // empty: no template cache
};

struct RenderStats {
  int rendered = 0;    // rendered now
  int from_cache = 0;  // served by the template cache
  int corrupt = 0;     // cache entries found corrupt, deleted and rendered again
};

// Renders a header and a source per pattern, in pattern order. The output does not depend
// on `jobs` or on the cache. Cache problems are reported on `warnings`.
Expected<std::vector<GeneratedFile>> render_all(const std::vector<Pattern>& patterns, const Templates& templates,
                                                const RenderOptions& options, RenderStats& stats,
                                                std::ostream& warnings);

}  // namespace flowbench::codegen
