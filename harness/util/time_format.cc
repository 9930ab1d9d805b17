#include "util/time_format.h"

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

}  // namespace flowbench
