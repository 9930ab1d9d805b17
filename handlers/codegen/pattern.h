// The pattern library: components described in JSON, one per file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/expected.h"

namespace flowbench::codegen {

enum class PatternKind { kMessage, kStateMachine, kService };
const char* kind_folder(PatternKind kind);  // "message", "state_machine", "service"

struct Pattern {
  std::filesystem::path file;  // where it was read from
  std::string file_name;       // its name, for generated comments
  PatternKind kind;
  std::string name;            // UpperCamelCase type name
  std::string snake;           // its snake_case form, used for file names
  nlohmann::json spec;         // the whole document
  std::string bytes;           // the file's bytes (hashed by the template cache)
};

// "OrderPlaced" -> "order_placed"; "order_placed" -> "OrderPlaced".
std::string to_snake(const std::string& camel);
std::string to_camel(const std::string& snake);

// Reads and validates every *.json in `folder`, in file-name order. Errors name the file,
// the JSON path and the fix, one line each; all problems are listed.
Expected<std::vector<Pattern>> parse_patterns(const std::filesystem::path& folder);

}  // namespace flowbench::codegen
