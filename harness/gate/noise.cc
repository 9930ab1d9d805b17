#include "gate/noise.h"

#include <cmath>
#include <map>
#include <set>

#include "analyze/paired.h"
#include "analyze/stats.h"
#include "platform/posix.h"
#include "platform/atomic_file.h"
#include "util/digest.h"
#include "util/json_reader.h"
#include "util/time_format.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

std::string MachineFingerprint::text() const {
  return (cpu_model.empty() ? std::string("unknown CPU") : cpu_model) + " x" + std::to_string(cpus) + ", " +
         std::to_string(memory_gib) + " GiB";
}

MachineFingerprint this_machine() {
  const platform::HostInfo host = platform::host_info();
  return {host.cpu_model, host.cpus, (host.memory_mib + 512) / 1024};
}

std::vector<double> NoiseMetric::pooled() const {
  std::vector<double> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

const char* design_name(Design design) { return design == Design::kDuet ? "duet" : "turn"; }

const NoiseMetric* NoiseFile::find(const std::string& variant, const std::string& metric,
                                   std::optional<Design> design) const {
  const NoiseMetric* any = nullptr;
  for (const auto& m : metrics) {
    if (m.variant != variant || m.metric != metric) continue;
    if (!design || m.design == *design) return &m;
    if (!any) any = &m;
  }
  return any;
}

std::string noise_variant(const std::string& variant, const std::string& benchmark, const char* measure) {
  if (benchmark.empty()) return variant;
  const std::string m = measure;
  if (m == "CPU time") return "benchmark cpu";
  if (m == "instructions") return "benchmark instructions";
  return "benchmark";
}

namespace {

NoiseMetric metric_from(std::string variant, std::string metric, std::vector<double> a, std::vector<double> b,
                        bool paired, Design design) {
  NoiseMetric m;
  m.variant = std::move(variant);
  m.metric = std::move(metric);
  m.a = std::move(a);
  m.b = std::move(b);
  m.paired = paired && m.a.size() == m.b.size();
  m.design = design;
  const auto pooled = m.pooled();
  m.median = median(pooled);
  m.mad_rel = m.median != 0 ? mad(pooled) / std::fabs(m.median) : 0;
  if (m.paired) {
    std::vector<double> logs;
    for (std::size_t i = 0; i < m.a.size(); ++i) {
      if (m.a[i] > 0 && m.b[i] > 0) logs.push_back(std::log(m.b[i] / m.a[i]));
    }
    double mean = 0, squares = 0;
    for (double x : logs) mean += x / static_cast<double>(logs.size());
    for (double x : logs) squares += (x - mean) * (x - mean);
    m.ratio_sd = logs.size() > 1 ? std::sqrt(squares / static_cast<double>(logs.size() - 1)) : 0;
  }
  return m;
}

// Both sides of one metric, paired by round where both have rounds.
template <typename Key>
void add_metric(NoiseFile& noise, const std::string& variant, const std::string& name,
                const std::map<Key, std::vector<double>>& a, const std::map<Key, std::vector<std::size_t>>& a_rounds,
                const std::vector<double>& b, const std::map<Key, std::vector<std::size_t>>& b_rounds, const Key& key,
                Design design) {
  auto other = a.find(key);
  if (other == a.end() || other->second.size() < 2 || b.size() < 2) return;
  auto ra = a_rounds.find(key);
  auto rb = b_rounds.find(key);
  if (ra != a_rounds.end() && rb != b_rounds.end() && ra->second.size() == other->second.size() &&
      rb->second.size() == b.size()) {
    Pairs pairs = pair_by_round(other->second, ra->second, b, rb->second);
    if (pairs.base.size() >= 2) {
      noise.metrics.push_back(metric_from(variant, name, std::move(pairs.base), std::move(pairs.now), true, design));
      return;
    }
  }
  noise.metrics.push_back(metric_from(variant, name, other->second, b, false, design));
}

}  // namespace

NoiseFile noise_from(const Measurements& a, const Measurements& b, std::size_t repetitions, Design design) {
  NoiseFile noise;
  noise.machine = this_machine();
  noise.spec = b.spec.string();
  if (!noise.spec.empty()) {
    if (auto digest = file_digest(b.spec)) noise.spec_sha256 = *digest;
  }
  noise.time_scale = b.time_scale;
  noise.time_scale_known = b.time_scale_known;
  noise.repetitions = repetitions;
  noise.recorded = iso8601(std::chrono::system_clock::now());
  for (const auto& [key, values] : b.samples) {
    add_metric(noise, key.variant, key.metric, a.samples, a.sample_rounds, values, b.sample_rounds, key, design);
  }
  for (const auto& [name, values] : b.benchmarks) {
    add_metric(noise, "benchmark", name, a.benchmarks, a.benchmark_rounds, values, b.benchmark_rounds, name, design);
  }
  for (const auto& [name, values] : b.benchmark_cpu) {
    add_metric(noise, "benchmark cpu", name, a.benchmark_cpu, a.benchmark_rounds, values, b.benchmark_rounds, name,
               design);
  }
  for (const auto& [name, values] : b.benchmark_instructions) {
    add_metric(noise, "benchmark instructions", name, a.benchmark_instructions, a.instruction_rounds, values,
               b.instruction_rounds, name, design);
  }
  return noise;
}

void add_noise(NoiseFile& into, const NoiseFile& more) {
  into.metrics.insert(into.metrics.end(), more.metrics.begin(), more.metrics.end());
}

nlohmann::ordered_json noise_json(const NoiseFile& noise) {
  nlohmann::ordered_json out;
  out["schema"] = "flowbench.noise/1";
  out["recorded"] = noise.recorded;
  out["machine"] = {{"cpu_model", noise.machine.cpu_model}, {"cpus", noise.machine.cpus},
                    {"memory_gib", noise.machine.memory_gib}};
  out["spec"] = noise.spec;
  out["spec_sha256"] = noise.spec_sha256;
  if (noise.time_scale_known) out["time_scale"] = noise.time_scale;
  out["repetitions"] = noise.repetitions;
  out["metrics"] = nlohmann::ordered_json::array();
  for (const auto& m : noise.metrics) {
    nlohmann::ordered_json one = {{"variant", m.variant}, {"metric", m.metric}, {"design", design_name(m.design)},
                                  {"paired", m.paired}, {"median", m.median}, {"mad_rel", m.mad_rel}};
    if (m.paired) one["ratio_sd"] = m.ratio_sd;
    one["a"] = m.a;
    one["b"] = m.b;
    out["metrics"].push_back(std::move(one));
  }
  return out;
}

namespace {

// Reads one noise file with every problem named by its JSON path.
class NoiseReader {
 public:
  explicit NoiseReader(fs::path file) : file_(std::move(file)) {}

  Error fail(const std::string& where, const std::string& what, const std::string& fix) const {
    JsonReader reader(file_.string(), fix);
    reader.problem(where, what, fix);
    return reader.error();
  }

  Expected<NoiseFile> read(const json& raw) const {
    const std::string regenerate = "write it again with `flowbench calibrate`";
    if (!raw.is_object()) return fail("/", "must be an object", regenerate);
    if (!raw.contains("schema") || raw["schema"] != "flowbench.noise/1") {
      return fail("/schema", "not a flowbench.noise/1 file", "give the noise file flowbench calibrate wrote");
    }
    NoiseFile noise;
    noise.file = file_;
    if (!raw.contains("machine") || !raw["machine"].is_object()) return fail("/machine", "missing", regenerate);
    const json& machine = raw["machine"];
    if (!machine.contains("cpu_model") || !machine["cpu_model"].is_string() || !machine.contains("cpus") ||
        !machine["cpus"].is_number_integer() || !machine.contains("memory_gib") ||
        !machine["memory_gib"].is_number_integer()) {
      return fail("/machine", "needs cpu_model (text), cpus and memory_gib (whole numbers)", regenerate);
    }
    noise.machine = {machine["cpu_model"].get<std::string>(), machine["cpus"].get<int>(),
                     machine["memory_gib"].get<long>()};
    for (const char* key : {"spec", "spec_sha256", "recorded"}) {
      if (raw.contains(key) && !raw[key].is_string()) return fail(std::string("/") + key, "must be text", regenerate);
    }
    noise.spec = raw.contains("spec") ? raw["spec"].get<std::string>() : "";
    noise.spec_sha256 = raw.contains("spec_sha256") ? raw["spec_sha256"].get<std::string>() : "";
    noise.recorded = raw.contains("recorded") ? raw["recorded"].get<std::string>() : "";
    if (raw.contains("time_scale")) {
      if (!raw["time_scale"].is_number() || !(raw["time_scale"].get<double>() > 0)) {
        return fail("/time_scale", "must be a positive number", regenerate);
      }
      noise.time_scale = raw["time_scale"].get<double>();
      noise.time_scale_known = true;
    }
    if (raw.contains("repetitions") && raw["repetitions"].is_number_unsigned()) {
      noise.repetitions = raw["repetitions"].get<std::size_t>();
    }
    if (!raw.contains("metrics") || !raw["metrics"].is_array()) return fail("/metrics", "missing", regenerate);
    for (std::size_t i = 0; i < raw["metrics"].size(); ++i) {
      auto metric = read_metric(raw["metrics"][i], "/metrics/" + std::to_string(i));
      if (!metric) return metric.error();
      noise.metrics.push_back(std::move(*metric));
    }
    return noise;
  }

 private:
  Expected<NoiseMetric> read_metric(const json& raw, const std::string& where) const {
    if (!raw.is_object() || !raw.contains("variant") || !raw["variant"].is_string() || !raw.contains("metric") ||
        !raw["metric"].is_string()) {
      return fail(where, "needs \"variant\" and \"metric\" (text)", "write it again with `flowbench calibrate`");
    }
    std::vector<double> sides[2];
    const char* names[2] = {"a", "b"};
    for (int s = 0; s < 2; ++s) {
      const char* side = names[s];
      if (!raw.contains(side) || !raw[side].is_array() || raw[side].size() < 2) {
        return fail(where + "/" + side, "must list at least 2 samples", "write it again with `flowbench calibrate`");
      }
      for (std::size_t i = 0; i < raw[side].size(); ++i) {
        const json& v = raw[side][i];
        if (!v.is_number() || !std::isfinite(v.get<double>())) {
          return fail(where + "/" + side + "/" + std::to_string(i), "not a finite number",
                      "write it again with `flowbench calibrate`");
        }
        sides[s].push_back(v.get<double>());
      }
    }
    // Files of round 2 hold neither: unpaired, arms in turn.
    Design design = Design::kTurn;
    if (raw.contains("design")) {
      if (raw["design"] == "duet") design = Design::kDuet;
      else if (raw["design"] != "turn") return fail(where + "/design", "must be \"turn\" or \"duet\"", "write it again with `flowbench calibrate`");
    }
    bool paired = false;
    if (raw.contains("paired")) {
      if (!raw["paired"].is_boolean()) return fail(where + "/paired", "must be true or false", "write it again with `flowbench calibrate`");
      paired = raw["paired"].get<bool>();
      if (paired && sides[0].size() != sides[1].size()) {
        return fail(where + "/b", "a paired metric needs as many samples as /a (one a round)",
                    "write it again with `flowbench calibrate`");
      }
    }
    return metric_from(raw["variant"].get<std::string>(), raw["metric"].get<std::string>(), std::move(sides[0]),
                       std::move(sides[1]), paired, design);
  }

  fs::path file_;
};

}  // namespace

Expected<NoiseFile> load_noise(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  JsonReader reader(file.string(), "write it again with `flowbench calibrate`");
  const auto raw = reader.parse(*text);
  if (!raw) return reader.error();
  return NoiseReader(file).read(*raw);
}

Status check_noise_fits(const NoiseFile& noise, const MachineFingerprint& here, const Measurements& data) {
  const std::string again = "; fix: run `flowbench calibrate` on this machine for this spec, or give min_effect as "
                            "a number";
  if (!(noise.machine == here)) {
    return Error{noise.file.string() + ": /machine: recorded on " + noise.machine.text() + ", this machine is " +
                 here.text() + again};
  }
  if (noise.time_scale_known && data.time_scale_known &&
      std::fabs(noise.time_scale - data.time_scale) > 1e-9 * noise.time_scale) {
    return Error{noise.file.string() + ": /time_scale: recorded at time scale " + std::to_string(noise.time_scale) +
                 ", the data at " + std::to_string(data.time_scale) + again};
  }
  if (!data.spec.empty() && !noise.spec_sha256.empty()) {
    std::error_code ec;
    if (fs::is_regular_file(data.spec, ec)) {
      auto digest = file_digest(data.spec);
      if (digest && *digest != noise.spec_sha256) {
        return Error{noise.file.string() + ": /spec_sha256: recorded for " + noise.spec + " as it was then; " +
                     data.spec.string() + " (the spec of the data) differs" + again};
      }
    }
  }
  return ok_status();
}

}  // namespace flowbench
