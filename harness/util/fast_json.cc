#include "util/fast_json.h"

#include <cmath>

namespace flowbench::fast_json {

using simdjson::dom::element_type;

namespace {
// The value of a result whose type was checked first.
template <typename T>
T scalar(simdjson::simdjson_result<T> result) {
  T out{};
  if (std::move(result).get(out)) return T{};
  return out;
}
}  // namespace

nlohmann::json to_nlohmann(element value) {
  switch (value.type()) {
    case element_type::ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      simdjson::dom::array items;
      if (!value.get_array().get(items)) {
        for (element item : items) out.push_back(to_nlohmann(item));
      }
      return out;
    }
    case element_type::OBJECT: {
      nlohmann::json out = nlohmann::json::object();
      simdjson::dom::object members;
      if (!value.get_object().get(members)) {
        for (auto field : members) out[std::string(field.key)] = to_nlohmann(field.value);
      }
      return out;
    }
    case element_type::INT64: {
      const std::int64_t number = scalar(value.get_int64());
      return number >= 0 ? nlohmann::json(std::uint64_t(number)) : nlohmann::json(number);
    }
    case element_type::UINT64: return nlohmann::json(scalar(value.get_uint64()));
    case element_type::DOUBLE: return nlohmann::json(scalar(value.get_double()));
    case element_type::STRING: return nlohmann::json(std::string(scalar(value.get_string())));
    case element_type::BOOL: return nlohmann::json(scalar(value.get_bool()));
    case element_type::NULL_VALUE: break;
  }
  return nullptr;
}

std::optional<double> number(element value, double min, double max) {
  double out;
  switch (value.type()) {
    case element_type::INT64: out = double(scalar(value.get_int64())); break;
    case element_type::UINT64: out = double(scalar(value.get_uint64())); break;
    case element_type::DOUBLE: out = scalar(value.get_double()); break;
    default: return std::nullopt;
  }
  if (!std::isfinite(out) || out < min || out > max) return std::nullopt;
  return out;
}

std::optional<std::int64_t> integer(element value, std::int64_t min, std::int64_t max) {
  if (value.type() != element_type::INT64) return std::nullopt;  // an unsigned one is past int64
  const std::int64_t out = scalar(value.get_int64());
  if (out < min || out > max) return std::nullopt;
  return out;
}

std::optional<std::string> text(element value) {
  if (value.type() != element_type::STRING) return std::nullopt;
  return std::string(scalar(value.get_string()));
}

std::optional<std::string> id(element value) {
  switch (value.type()) {
    case element_type::STRING: {
      std::string_view name = scalar(value.get_string());
      if (name.empty()) return std::nullopt;
      return std::string(name);
    }
    case element_type::INT64: {
      const std::int64_t number = scalar(value.get_int64());
      if (number < 0) return std::nullopt;
      return std::to_string(number);
    }
    case element_type::UINT64: return std::to_string(scalar(value.get_uint64()));
    default: return std::nullopt;
  }
}

bool is_null(element value) { return value.type() == element_type::NULL_VALUE; }

}  // namespace flowbench::fast_json
