// Checked reading of untrusted JSON (every file a user or another tool wrote): a wrong type,
// a missing field, an out-of-range number or malformed text becomes a problem naming the file
// (or FILE:LINE for JSON lines), the JSON path, what was wrong and what to do:
//
//   runs/r1/run.json: /graph/3/after/0: must be a task id (a string or a whole number), got [1]; fix: ...
//
// Reading never throws and never stops at the first problem: each access returns a value or
// nothing and records what was wrong, so a reader walks the whole document and reports every
// problem at once (the first kMaxShown of them).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/expected.h"

namespace flowbench {

class JsonReader;

// A place in a document being read: the value there (or none: missing, or under a value of
// the wrong type) and its JSON path. Cheap to copy; valid while the document and reader live.
class JsonAt {
 public:
  JsonAt(JsonReader& reader, const nlohmann::json* value, std::string path)
      : reader_(&reader), value_(value), path_(std::move(path)) {}

  bool present() const { return value_ != nullptr; }
  const std::string& path() const { return path_; }
  // Precondition: present().
  const nlohmann::json& raw() const { return *value_; }

  bool is_object() const { return value_ && value_->is_object(); }
  bool is_array() const { return value_ && value_->is_array(); }
  bool is_string() const { return value_ && value_->is_string(); }
  bool is_number() const { return value_ && value_->is_number(); }

  // A member: absent when missing (or when this value is missing or null). A present value
  // that is not an object is a problem.
  JsonAt operator[](std::string_view key) const;
  bool has(std::string_view key) const { return is_object() && value_->contains(key); }

  // Required values: missing or of the wrong type is a problem, and the result is empty.
  std::optional<std::string> text(std::string_view fix = {}) const;
  std::optional<double> number(double min = std::numeric_limits<double>::lowest(),
                               double max = std::numeric_limits<double>::max(), std::string_view fix = {}) const;
  std::optional<std::int64_t> integer(std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max(),
                                      std::string_view fix = {}) const;
  std::optional<bool> boolean(std::string_view fix = {}) const;
  // A task id: a string, or a whole number written as its decimal digits.
  std::optional<std::string> id(std::string_view fix = {}) const;

  // Optional values: a missing one (or null) gives the default; a present one of the wrong type
  // is a problem (and gives the default).
  std::string text_or(std::string fallback, std::string_view fix = {}) const;
  double number_or(double fallback, double min = std::numeric_limits<double>::lowest(),
                   double max = std::numeric_limits<double>::max(), std::string_view fix = {}) const;
  std::int64_t integer_or(std::int64_t fallback, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                          std::int64_t max = std::numeric_limits<std::int64_t>::max(),
                          std::string_view fix = {}) const;
  bool boolean_or(bool fallback, std::string_view fix = {}) const;

  // The elements of an array (none when missing or null; a problem when present and not an
  // array, or when missing and `required`).
  std::vector<JsonAt> elements(bool required = false, std::string_view fix = {}) const;
  // The members of an object, in document order (same rules).
  std::vector<std::pair<std::string, JsonAt>> members(bool required = false, std::string_view fix = {}) const;

  // Records a problem at this place.
  void problem(std::string what, std::string_view fix = {}) const;

 private:
  bool expect(bool ok, std::string_view kind, std::string_view fix) const;

  JsonReader* reader_;
  const nlohmann::json* value_;
  std::string path_;
};

// The problems found while reading one input, and the fix given when a problem names none.
class JsonReader {
 public:
  static constexpr std::size_t kMaxShown = 20;

  // `source`: the file (or FILE:LINE); `fix`: what to do about a problem with no fix of its own,
  // e.g. "rerun the benchmark that wrote it".
  JsonReader(std::string source, std::string fix) : source_(std::move(source)), fix_(std::move(fix)) {}

  // Parses `text`. Malformed or empty text is a problem with its line and column; the result is
  // empty then.
  std::optional<nlohmann::json> parse(std::string_view text);
  // A place at the root of `document` (which must outlive every JsonAt taken from it).
  JsonAt root(const nlohmann::json& document) { return JsonAt(*this, &document, ""); }

  void problem(std::string_view path, std::string what, std::string_view fix = {});
  bool failed() const { return !problems_.empty(); }
  // Every problem, one a line: "SOURCE: PATH: what; fix: ...". Precondition: failed().
  Error error() const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::string fix_;
  std::vector<std::string> problems_;
  std::size_t total_ = 0;
};

// `text` with the bare non-finite numbers some writers emit (Google Benchmark writes `NaN` for
// the spread of an all-zero counter; others write `Infinity`, `-inf`...) turned into `null`,
// so that a strict parser reads the rest. Strings are left alone.
std::string null_non_finite_numbers(std::string_view text);

// A JSON value as a short text for a message: strings quoted, long values cut.
std::string json_excerpt(const nlohmann::json& value);

}  // namespace flowbench
