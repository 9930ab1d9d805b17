// How verdicts read: numbers at a readable unit, changes with their intervals.
#pragma once

#include <string>

#include "gate/regression.h"

namespace flowbench {

// printf-style formatting of one number.
std::string format_number(const char* pattern, double value);

// Seconds at a readable unit ("12.00 min", "3.10 s", "250.00 ms"); rates and counts plain.
std::string shown(double value, bool time);

// Appends a clause to a "; "-separated field.
void add_part(std::string& field, const std::string& part);

// "+12.3% [+10.1%, +14.0%]": the candidate's change against its baseline, with its interval.
std::string change_text(const Comparison& comparison);

}  // namespace flowbench
