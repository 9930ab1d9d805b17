// Noise files (schema flowbench.noise/1): what `flowbench calibrate` measured of one build
// against itself (A/A, interleaved), per metric, on one machine for one spec. The gate's
// min_effect "auto" and the calibration's power figures are computed from these samples.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/measurements.h"
#include "util/expected.h"

namespace flowbench {

// The machine a noise file belongs to: timings from another CPU, core count or memory
// size say nothing about this one's noise.
struct MachineFingerprint {
  std::string cpu_model;
  int cpus = 0;
  long memory_gib = 0;  // rounded to the nearest GiB
  std::string text() const;  // "Intel Xeon ... x2, 24 GiB"
  bool operator==(const MachineFingerprint&) const = default;
};
MachineFingerprint this_machine();

// How a noise file's rounds were measured: the arms in turn, or as a duet (at once, each
// on its own CPUs).
enum class Design { kTurn, kDuet };
const char* design_name(Design design);  // "turn", "duet"

struct NoiseMetric {
  std::string variant;  // "benchmark" for a Google Benchmark name ("benchmark cpu", "benchmark instructions")
  std::string metric;   // the metric key, or the benchmark's name
  std::vector<double> a, b;  // the two arms' samples (seconds, or the rate/count itself)
  bool paired = false;  // a[i] and b[i] were measured in the same round
  Design design = Design::kTurn;
  double median = 0;    // of both arms together
  double mad_rel = 0;   // median absolute deviation / median, both arms together
  double ratio_sd = 0;  // paired: standard deviation of the per-round log ratios b/a
  std::vector<double> pooled() const;
};

struct NoiseFile {
  std::filesystem::path file;
  std::string recorded;         // ISO 8601
  MachineFingerprint machine;
  std::string spec;             // the spec measured ("" for a benchmark binary without one)
  std::string spec_sha256;      // its digest when it was measured
  double time_scale = 1.0;
  bool time_scale_known = false;
  std::size_t repetitions = 0;  // a side
  std::vector<NoiseMetric> metrics;

  // The metric's entry measured with `design` (else with any), or nullptr.
  const NoiseMetric* find(const std::string& variant, const std::string& metric,
                          std::optional<Design> design = std::nullopt) const;
};

// The noise file's name for a target's data: its variant, or "benchmark", "benchmark cpu",
// "benchmark instructions" for a benchmark measure.
std::string noise_variant(const std::string& variant, const std::string& benchmark, const char* measure);

// A noise file from two arms' measurements of the same build: every metric (and benchmark
// measure) with at least 2 samples on each side, paired by round where both sides have rounds.
NoiseFile noise_from(const Measurements& a, const Measurements& b, std::size_t repetitions, Design design);

// Adds `more`'s metrics (another design's rounds of the same build) to `into`.
void add_noise(NoiseFile& into, const NoiseFile& more);

nlohmann::ordered_json noise_json(const NoiseFile& noise);

// Reads and checks a noise file; errors name the file, the JSON path and the fix.
Expected<NoiseFile> load_noise(const std::filesystem::path& file);

// An error (naming both sides and the fix) when the noise file was recorded on another
// machine, for another spec (its digest differs from the spec the data names, where that
// file exists) or at another time scale than `data`.
Status check_noise_fits(const NoiseFile& noise, const MachineFingerprint& here, const Measurements& data);

}  // namespace flowbench
