#include "util/json_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <cstdio>

namespace flowbench {
using nlohmann::json;

namespace {

// A JSON pointer's reference token (RFC 6901: "~" as "~0", "/" as "~1").
std::string pointer_token(std::string_view key) {
  std::string token;
  for (char c : key) {
    if (c == '~') token += "~0";
    else if (c == '/') token += "~1";
    else token += c;
  }
  return token;
}

std::string kind_of(const json& value) {
  switch (value.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    default: return "a number";
  }
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string range_text(double min, double max) {
  const bool low = min > std::numeric_limits<double>::lowest();
  const bool high = max < std::numeric_limits<double>::max();
  if (low && high) return "between " + number_text(min) + " and " + number_text(max);
  if (low) return "at least " + number_text(min);
  return "at most " + number_text(max);
}

std::string range_text(std::int64_t min, std::int64_t max) {
  const bool low = min > std::numeric_limits<std::int64_t>::min();
  const bool high = max < std::numeric_limits<std::int64_t>::max();
  if (low && high) return "between " + std::to_string(min) + " and " + std::to_string(max);
  if (low) return "at least " + std::to_string(min);
  if (high) return "at most " + std::to_string(max);
  return "a 64-bit whole number";
}

// Where byte `offset` of `text` is, as "line L, column C" (a single line: "column C").
std::string line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  if (text.find('\n') == std::string_view::npos) return "column " + std::to_string(column);  // a JSON line
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The parser's own words without its prefix ("[json.exception.parse_error.101] parse error at
// line 1, column 5: "), cut to a length fit for one line: what it read and what it expected.
std::string library_detail(std::string detail) {
  if (detail.rfind("[json.exception", 0) == 0) {
    if (auto end = detail.find("] "); end != std::string::npos) detail = detail.substr(end + 2);
    if (auto colon = detail.find(": "); colon != std::string::npos && detail.rfind("parse error", 0) == 0) {
      detail = detail.substr(colon + 2);
    }
  }
  if (detail.size() > 240) {
    std::size_t cut = 237;
    while (cut > 0 && (static_cast<unsigned char>(detail[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    detail = detail.substr(0, cut) + "...";
  }
  return detail;
}

}  // namespace

std::string json_excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// --- JsonAt -----------------------------------------------------------------------------------

JsonAt JsonAt::operator[](std::string_view key) const {
  const std::string child = path_ + "/" + pointer_token(key);
  if (!value_ || value_->is_null()) return JsonAt(*reader_, nullptr, child);  // null: as if missing
  if (!value_->is_object()) {
    problem("must be an object, got " + kind_of(*value_) + " " + json_excerpt(*value_));
    return JsonAt(*reader_, nullptr, child);
  }
  auto it = value_->find(key);
  return JsonAt(*reader_, it == value_->end() ? nullptr : &*it, child);
}

void JsonAt::problem(std::string what, std::string_view fix) const { reader_->problem(path_, std::move(what), fix); }

bool JsonAt::expect(bool ok, std::string_view kind, std::string_view fix) const {
  if (!value_) {
    problem("missing (" + std::string(kind) + " is needed here)", fix);
    return false;
  }
  if (!ok) problem("must be " + std::string(kind) + ", got " + json_excerpt(*value_), fix);
  return ok;
}

std::optional<std::string> JsonAt::text(std::string_view fix) const {
  if (!expect(value_ && value_->is_string(), "a string", fix)) return std::nullopt;
  return value_->get<std::string>();
}

std::optional<double> JsonAt::number(double min, double max, std::string_view fix) const {
  if (!expect(value_ && value_->is_number(), "a number", fix)) return std::nullopt;
  const double value = value_->get<double>();
  if (!std::isfinite(value) || value < min || value > max) {
    problem("is " + json_excerpt(*value_) + ", must be " + range_text(min, max), fix);
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> JsonAt::integer(std::int64_t min, std::int64_t max, std::string_view fix) const {
  if (!expect(value_ && value_->is_number_integer(), "a whole number", fix)) return std::nullopt;
  const bool too_big = value_->is_number_unsigned() &&
                       value_->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max());
  const std::int64_t value = too_big ? 0 : value_->get<std::int64_t>();
  if (too_big || value < min || value > max) {
    problem("is " + json_excerpt(*value_) + ", must be " + range_text(min, max), fix);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> JsonAt::boolean(std::string_view fix) const {
  if (!expect(value_ && value_->is_boolean(), "true or false", fix)) return std::nullopt;
  return value_->get<bool>();
}

std::optional<std::string> JsonAt::id(std::string_view fix) const {
  if (value_ && value_->is_string() && !value_->get_ref<const std::string&>().empty()) return value_->get<std::string>();
  const bool whole = value_ && (value_->is_number_unsigned() ||
                                (value_->is_number_integer() && value_->get<std::int64_t>() >= 0));
  if (whole) return value_->dump();
  expect(false, "a task id (a name or a whole number)", fix);
  return std::nullopt;
}

std::string JsonAt::text_or(std::string fallback, std::string_view fix) const {
  if (!value_ || value_->is_null()) return fallback;
  auto value = text(fix);
  return value ? std::move(*value) : fallback;
}

double JsonAt::number_or(double fallback, double min, double max, std::string_view fix) const {
  if (!value_ || value_->is_null()) return fallback;
  return number(min, max, fix).value_or(fallback);
}

std::int64_t JsonAt::integer_or(std::int64_t fallback, std::int64_t min, std::int64_t max,
                                std::string_view fix) const {
  if (!value_ || value_->is_null()) return fallback;
  return integer(min, max, fix).value_or(fallback);
}

bool JsonAt::boolean_or(bool fallback, std::string_view fix) const {
  if (!value_ || value_->is_null()) return fallback;
  return boolean(fix).value_or(fallback);
}

std::vector<JsonAt> JsonAt::elements(bool required, std::string_view fix) const {
  std::vector<JsonAt> out;
  if ((!value_ || value_->is_null()) && !required) return out;
  if (!expect(value_ && value_->is_array(), "an array", fix)) return out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.emplace_back(*reader_, &(*value_)[i], path_ + "/" + std::to_string(i));
  }
  return out;
}

std::vector<std::pair<std::string, JsonAt>> JsonAt::members(bool required, std::string_view fix) const {
  std::vector<std::pair<std::string, JsonAt>> out;
  if ((!value_ || value_->is_null()) && !required) return out;
  if (!expect(value_ && value_->is_object(), "an object", fix)) return out;
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    out.emplace_back(it.key(), JsonAt(*reader_, &it.value(), path_ + "/" + pointer_token(it.key())));
  }
  return out;
}

// --- JsonReader -------------------------------------------------------------------------------

std::optional<json> JsonReader::parse(std::string_view text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; })) {
    problem("", "the file is empty", "");
    return std::nullopt;
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    const bool truncated = e.byte >= text.size();
    problem("", "malformed JSON at " + line_and_column(text, e.byte == 0 ? 0 : e.byte - 1) + ": " +
                    library_detail(e.what()) + (truncated ? " (the text ends early: a cut-off file?)" : ""),
            "");
  } catch (const json::exception& e) {  // a number too large for a double (out_of_range.406)
    problem("", "a number is out of range: " + library_detail(e.what()), "");
  }
  return std::nullopt;
}

void JsonReader::problem(std::string_view path, std::string what, std::string_view fix) {
  std::string line = source_ + ": " + (path.empty() ? std::string("/") : std::string(path)) + ": " + what +
                     "; fix: " + std::string(fix.empty() ? std::string_view(fix_) : fix);
  if (std::find(problems_.begin(), problems_.end(), line) != problems_.end()) return;
  ++total_;
  if (problems_.size() < kMaxShown) problems_.push_back(std::move(line));
}

Error JsonReader::error() const {
  std::string message;
  for (const auto& line : problems_) message += (message.empty() ? "" : "\n") + line;
  if (total_ > problems_.size()) {
    message += "\n(" + std::to_string(total_ - problems_.size()) + " more problems in " + source_ + " not shown)";
  }
  return Error{message};
}

std::string null_non_finite_numbers(std::string_view text) {
  static constexpr std::string_view kWords[] = {"NaN", "nan", "-nan", "-NaN", "Infinity", "-Infinity",
                                                "inf", "-inf", "INF", "-INF"};
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const bool may_start = c == '-' || c == 'N' || c == 'n' || c == 'I' || c == 'i';
    const auto word = !may_start ? kWords + std::size(kWords)
                                 : std::find_if(std::begin(kWords), std::end(kWords), [&](std::string_view w) {
                                     if (text.compare(i, w.size(), w) != 0) return false;
                                     const std::size_t end = i + w.size();
                                     return end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end]));
                                   });
    if (word == std::end(kWords)) {
      out += c;
      continue;
    }
    out += "null";
    i += word->size() - 1;
  }
  return out;
}

}  // namespace flowbench
