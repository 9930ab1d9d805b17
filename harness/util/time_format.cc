#include "util/time_format.h"

#include <cstdlib>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace flowbench {

namespace {
std::tm local_tm(SystemTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return tm;
}
}  // namespace

std::string iso8601(SystemTime t) {
  const std::tm tm = local_tm(t);
  const auto since_epoch = t.time_since_epoch();
  const long millis = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000);
  const long offset_min = tm.tm_gmtoff / 60;
  const char sign = offset_min < 0 ? '-' : '+';
  const long abs_offset = offset_min < 0 ? -offset_min : offset_min;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03ld%c%02ld:%02ld",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                millis < 0 ? millis + 1000 : millis, sign, abs_offset / 60, abs_offset % 60);
  return buffer;
}

namespace {

// `count` digits at `text[at]`, as a number; -1 when they are not all digits.
int digits_at(const std::string& text, std::size_t at, std::size_t count) {
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "YYYY-MM-DDTHH:MM:SS" read into its fields (the form flowbench and the plan's scripts write,
// read quickly: a profile has two); false for any other form.
bool canonical_fields(const std::string& text, int& year, int& month, int& day, int& hour, int& minute,
                      int& second) {
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return false;
  }
  year = digits_at(text, 0, 4), month = digits_at(text, 5, 2), day = digits_at(text, 8, 2);
  hour = digits_at(text, 11, 2), minute = digits_at(text, 14, 2), second = digits_at(text, 17, 2);
  return year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0;
}

}  // namespace

std::optional<SystemTime> parse_iso8601(const std::string& text) {
  int year, month, day, hour, minute, second;
  int consumed = 19;
  if (!canonical_fields(text, year, month, day, hour, minute, second) &&
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6) {
    return std::nullopt;
  }
  // Fields in range, and a year the clock holds (its nanoseconds reach 2262).
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  std::size_t at = static_cast<std::size_t>(consumed);
  long millis = 0;
  if (at < text.size() && text[at] == '.') {
    int digits = 0;
    for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at, ++digits) {
      if (digits < 3) millis = millis * 10 + (text[at] - '0');
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  long offset_s = 0;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh = digits_at(text, at + 1, 2), om = digits_at(text, at + 4, 2);
    const bool canonical = oh >= 0 && om >= 0 && text.size() > at + 3 && text[at + 3] == ':';
    if ((!canonical && std::sscanf(text.c_str() + at + 1, "%2d:%2d", &oh, &om) != 2) || oh < 0 || oh > 23 ||
        om < 0 || om > 59) {
      return std::nullopt;
    }
    offset_s = (text[at] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
  } else if (at >= text.size() || text[at] != 'Z') {
    return std::nullopt;
  }
  // A day past the month's end counts on into the next month, as timegm() does.
  using namespace std::chrono;
  const sys_days date = sys_days{std::chrono::year{year} / std::chrono::month{unsigned(month)} / 1} + days{day - 1};
  return SystemTime{date + hours{hour} + minutes{minute} + seconds{second} - seconds{offset_s} +
                    milliseconds{millis}};
}

std::string compact_stamp(SystemTime t) {
  const std::tm tm = local_tm(t);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02d%02d-%02d%02d%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::string clock_duration(std::chrono::nanoseconds d) {
  const long total = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", total / 60, total % 60);
  }
  return buffer;
}

std::string seconds_text(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", ms / 1000.0);
  return buffer;
}

std::string duration_text(double seconds) {
  char buffer[48];
  const double magnitude = seconds < 0 ? -seconds : seconds;
  if (magnitude >= 120) {
    std::snprintf(buffer, sizeof buffer, "%.2f min", seconds / 60);
  } else if (magnitude >= 1) {
    std::snprintf(buffer, sizeof buffer, "%.2f s", seconds);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2f ms", seconds * 1000);
  }
  return buffer;
}

std::optional<double> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(value >= 0)) return std::nullopt;
  const std::string unit(end);
  if (unit.empty() || unit == "s") return value;
  if (unit == "m" || unit == "min") return value * 60;
  if (unit == "h") return value * 3600;
  return std::nullopt;
}

}  // namespace flowbench
