// What the history database holds: results, each the samples of one recorded data set
// with the commit it measured and the fingerprint of where it was measured.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gate/measurements.h"

namespace flowbench::history {

// The commit a result measured. `time` is the commit time (seconds since the epoch).
struct CommitInfo {
  std::string hash;
  std::vector<std::string> parents;
  std::string branch;
  std::int64_t time = 0;
  bool dirty = false;  // the work tree had uncommitted changes to tracked files
};

// Where and how a result was measured: only results with equal fingerprints are compared.
// Fields: cpu_model, cpus, memory_gib, kernel, compiler, build_type, flowbench_version,
// time_scale, executor, workflow.
struct Fingerprint {
  std::map<std::string, std::string> fields;
  std::string digest() const;  // 12 hex characters, a function of the fields
  std::string text() const;    // "cpu_model=...; cpus=2; ..." in field order
};

// The fields where two fingerprints differ, as "field: a vs b" phrases.
std::vector<std::string> fingerprint_differences(const Fingerprint& ours, const Fingerprint& theirs);

// One result as recorded: samples by (variant, metric); Google Benchmark entries under the
// variant "benchmark" by their names.
struct Result {
  std::int64_t id = 0;  // assigned by the database
  CommitInfo commit;
  Fingerprint fingerprint;
  std::string source;       // the data recorded (a path)
  std::string spec_sha256;  // of the spec the data names ("" when none)
  std::map<std::string, std::string> tags;
  std::int64_t recorded_at = 0;  // seconds since the epoch
  std::map<SampleKey, std::vector<double>> samples;

  // The same data at the same commit and fingerprint has the same digest (recorded once).
  std::string digest() const;
  std::size_t sample_count() const;
};

inline constexpr const char* kBenchmarkVariant = "benchmark";

}  // namespace flowbench::history
