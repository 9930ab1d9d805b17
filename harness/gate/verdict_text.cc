#include "gate/verdict_text.h"

#include <cmath>
#include <cstdio>

#include "util/time_format.h"

namespace flowbench {

std::string format_number(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string shown(double value, bool time) { return time ? duration_text(value) : format_number("%.4g", value); }

void add_part(std::string& field, const std::string& part) {
  if (!field.empty()) field += "; ";
  field += part;
}

std::string change_text(const Comparison& c) {
  const double change = c.estimate.ratio - 1, low = c.estimate.low - 1, high = c.estimate.high - 1;
  std::string out = format_number("%+.1f%%", change * 100) + format_number(" [%+.1f%%, ", low * 100) +
                    format_number("%+.1f%%]", high * 100);
  if (c.estimate.coverage < 0.95) out += format_number(" (%.0f%% interval)", c.estimate.coverage * 100);
  return out;
}

}  // namespace flowbench
