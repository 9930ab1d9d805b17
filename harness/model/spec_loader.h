// Loading and validating a workflow spec (flowbench.workflow/1).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/workflow.h"
#include "util/expected.h"

namespace flowbench {

inline constexpr const char* kWorkflowSchema = "flowbench.workflow/1";
// Longer than a week is taken for a typo (minutes or milliseconds given as seconds).
inline constexpr double kMaxTimeoutS = 7 * 24 * 3600.0;

struct LoadOptions {
  // Folders searched first for a bare program name (flowbench's own bin folder), then
  // the task's PATH, then flowbench's PATH.
  std::vector<std::filesystem::path> handler_dirs;
  // Check that every command's program exists and is executable.
  bool check_programs = true;
  // Read the spec through the checked reader alone (nlohmann's document of the whole spec)
  // instead of simdjson's: the same answer, used to test that it is.
  bool checked_only = false;
};

// Loads and validates a spec. On failure the error holds one line per problem, each naming
// the file, the JSON path and the fix.
Expected<Workflow> load_workflow(const std::filesystem::path& spec_path,
                                 const LoadOptions& options);

// The same, from JSON text already read (`spec_path` names it in messages and anchors
// relative paths).
Expected<Workflow> load_workflow_text(const std::string& text,
                                      const std::filesystem::path& spec_path,
                                      const LoadOptions& options);

// Resolves a program name as a task would: a path with a slash is relative to `base`;
// a bare name is searched in `dirs` in order. Empty when not found or not executable.
// `program` found like a shell would: in `dirs` first, then on this process's PATH; empty
// when it is nowhere.
std::filesystem::path find_program(const std::string& program, const std::filesystem::path& base,
                                   const std::vector<std::filesystem::path>& dirs);

std::filesystem::path resolve_program(const std::string& program,
                                      const std::filesystem::path& base,
                                      const std::vector<std::filesystem::path>& dirs);

// The folders of a PATH-style string.
std::vector<std::filesystem::path> split_search_path(const std::string& path_value);

}  // namespace flowbench
