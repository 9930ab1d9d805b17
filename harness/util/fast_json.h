// Fast reading of JSON (simdjson's DOM parser) for the inputs that grow with a run's tasks
// (records.jsonl, run.json's graph, profiles). The fast readers accept only what the checked
// readers (util/json_reader.h) accept, and hand anything unusual to them, so every message
// about a bad input is the checked reader's: file, JSON path, fix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace flowbench::fast_json {

using simdjson::dom::element;

// The value as nlohmann::json, typed as nlohmann's own parser types it (a whole number >= 0
// unsigned, below 0 signed, any other number a double; an object's repeated key keeps the
// last value).
nlohmann::json to_nlohmann(element value);

// Typed access mirroring JsonAt: empty when the value is not what the checked reader accepts.
std::optional<double> number(element value, double min, double max);
std::optional<std::int64_t> integer(element value, std::int64_t min, std::int64_t max);
std::optional<std::string> text(element value);
// A task id: a non-empty string, or a whole number >= 0 as its decimal digits.
std::optional<std::string> id(element value);
bool is_null(element value);

}  // namespace flowbench::fast_json
