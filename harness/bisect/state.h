// A bisect's state file (bisect.json in its folder, schema flowbench.bisect/1): the range,
// the followed target and the bad end's level, every probe measured, written after each probe
// so that --resume measures nothing twice.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bisect/bisect.h"
#include "util/expected.h"

namespace flowbench::bisect {

struct State {
  std::string id;
  std::vector<std::string> commits;  // good first, bad last
  bool reproduced = false;
  std::string metric;                // the followed target
  Level bad;
  double min_effect = 0.05;
  std::vector<ProbeRecord> probes;
  double seconds = 0;
};

nlohmann::ordered_json level_json(const Level& level);
nlohmann::ordered_json probe_json(const ProbeRecord& probe);

// Written atomically.
Status save_state(const std::filesystem::path& file, const State& state);
// Read through the checked reader: errors name the file, the place and the fix.
Expected<State> load_state(const std::filesystem::path& file);

}  // namespace flowbench::bisect
