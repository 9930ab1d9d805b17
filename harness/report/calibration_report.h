// Writers of a calibration: the table people read and JSON for tools.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "gate/calibration.h"

namespace flowbench {

nlohmann::ordered_json calibration_json(const Calibration& calibration);

// The table (a row per metric: noise, min effect, smallest slowdown detected with the
// target power at each repetition count, power at each slowdown) and what it means.
void print_calibration(std::ostream& out, const Calibration& calibration);

}  // namespace flowbench
