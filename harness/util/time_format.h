// Wall-clock time points as the plan's profiles spell them.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace flowbench {

using SystemTime = std::chrono::system_clock::time_point;

// ISO 8601 with milliseconds and the local UTC offset, e.g. 2026-11-24T09:30:00.123+00:00.
std::string iso8601(SystemTime t);

// Parses what iso8601() writes (also "Z" for UTC, and no fraction); nullopt otherwise.
std::optional<SystemTime> parse_iso8601(const std::string& text);

// A compact, sortable stamp for folder names: 20261124-093000.
std::string compact_stamp(SystemTime t);

// "0:41", "12:05", "1:02:03" for a live status line.
std::string clock_duration(std::chrono::nanoseconds d);

// A duration as people read it, the same in analyze, gate and report: "12.50 min" from two
// minutes up, "3.20 s" from a second, "250.00 ms" below.
std::string duration_text(double seconds);

// "600", "600s", "10m", "1.5h": seconds; nullopt when not a duration.
std::optional<double> parse_duration(const std::string& text);

// Milliseconds as seconds with three decimals: 1750.4 -> "1.750" (JUnit, descriptions).
std::string seconds_text(double ms);

}  // namespace flowbench
