#include "gate/measurements.h"

#include <cmath>
#include <cstdlib>
#include <set>

#include "analyze/replay.h"
#include "analyze/run_data.h"
#include "platform/atomic_file.h"
#include "util/json_reader.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Above this many tasks a run's slack is not computed (a replay of its whole schedule).
constexpr std::size_t kSlackLimit = 20000;

void add_slack(Measurements& m, const std::string& variant, const RunRecord& run) {
  std::vector<double> durations;
  for (const auto& task : run.tasks) durations.push_back(task.profile ? task.profile->duration_ms / 1000 : 0.0);
  const bool sequential = run.context.value("mode", std::string()) == "sequential";
  const std::size_t jobs = run.context.contains("jobs") && run.context["jobs"].is_number_unsigned()
                               ? run.context["jobs"].get<std::size_t>()
                               : 1;
  const auto slack = schedule_slack(run.deps, durations,
                                    replay_schedule(run.deps, durations, sequential ? 1 : std::max<std::size_t>(jobs, 1)));
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    if (run.tasks[i].profile) m.slack[{variant, "task:" + run.tasks[i].id}].push_back(slack[i]);
  }
}

void add_run(Measurements& m, const std::string& variant, const RunRecord& run) {
  auto add = [&](const std::string& metric, double value) { m.samples[{variant, metric}].push_back(value); };
  add("success", run.status == "complete" ? 1.0 : 0.0);
  if (run.status == "complete") add("makespan", run.makespan_ms / 1000);
  double total_ms = 0, cpu_ms = 0;
  long peak_rss_kb = 0;
  int passed = 0, failed = 0;
  bool has_quality = false;
  for (const auto& task : run.tasks) {
    if (!task.profile) continue;
    const Profile& p = *task.profile;
    total_ms += p.duration_ms;
    cpu_ms += p.cpu_user_ms + p.cpu_sys_ms;
    peak_rss_kb = std::max(peak_rss_kb, p.max_rss_kb);
    if (p.quality_passed || p.quality_failed) {
      has_quality = true;
      passed += p.quality_passed.value_or(0);
      failed += p.quality_failed.value_or(0);
    }
    if (p.status != TaskStatus::kOk && p.status != TaskStatus::kCached) continue;
    add("task:" + task.id, p.duration_ms / 1000);
    add("task_cpu:" + task.id, (p.cpu_user_ms + p.cpu_sys_ms) / 1000);
    for (const auto& op : p.ops) add("op:" + task.id + "/" + op.name, op.duration_ms / 1000);
  }
  if (run.status == "complete") {
    add("total", total_ms / 1000);
    add("cpu", cpu_ms / 1000);
    add("peak_rss_mib", static_cast<double>(peak_rss_kb) / 1024);
  }
  if (has_quality && passed + failed > 0) add("quality", static_cast<double>(passed) / (passed + failed));
  if (run.status == "complete" && run.tasks.size() <= kSlackLimit) add_slack(m, variant, run);
}

// The kinds of node a cluster ran the tasks on (each profile's executor.node_kind), over every
// run of the data: "A" or "A + B", sorted. Part of the history's fingerprint, so that results
// measured on different node kinds are never compared as one.
void note_node_kinds(Measurements& m, const RunRecord& run) {
  std::set<std::string> kinds;
  if (auto known = m.facts.find("node_kinds"); known != m.facts.end()) {
    const std::string& text = known->second;
    for (std::size_t from = 0, at; from <= text.size(); from = at + 3) {
      at = text.find(" + ", from);
      if (at == std::string::npos) at = text.size();
      kinds.insert(text.substr(from, at - from));
    }
  }
  for (const auto& task : run.tasks) {
    if (!task.profile) continue;
    const auto& facts = task.profile->extra().executor;
    if (facts.is_object() && facts.contains("node_kind") && facts["node_kind"].is_string()) {
      kinds.insert(facts["node_kind"].get<std::string>());
    }
  }
  if (!kinds.empty()) m.facts["node_kinds"] = join(std::vector<std::string>(kinds.begin(), kinds.end()), " + ");
}

void note_spec(Measurements& m, const RunRecord& run) {
  if (!run.spec.empty()) m.spec = run.spec;
  auto fact = [&](const std::string& name, const json& value) {
    if (m.facts.count(name)) return;
    if (value.is_string() && !value.get<std::string>().empty()) m.facts[name] = value.get<std::string>();
    if (value.is_number_integer()) m.facts[name] = std::to_string(value.get<long long>());
  };
  if (!run.workflow.empty()) fact("workflow", run.workflow);
  if (!run.context.is_object()) return;
  for (const char* name : {"cpu_model", "cpus", "memory_mib", "kernel", "compiler", "build_type", "flowbench_version"}) {
    if (run.context.contains(name)) fact(name, run.context[name]);
  }
  if (run.context.contains("executor") && run.context["executor"].is_object() &&
      run.context["executor"].contains("name")) {
    fact("executor", run.context["executor"]["name"]);
  }
  note_node_kinds(m, run);
}

Status add_instances(Measurements& m, const std::string& variant, const fs::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  JsonReader reader(file.string(), "rerun `flowbench run --instances`");
  const auto doc = reader.parse(*text);
  if (!doc) return reader.error();
  const JsonAt root = reader.root(*doc);
  if (root.has("time_scale")) {
    m.time_scale = root["time_scale"].number(1e-9, 1e9).value_or(1.0);
    m.time_scale_known = true;
  }
  double ok = 0, count = 0;
  for (const JsonAt& instance : root["instances"].elements(true)) {
    ok += instance["status"].text_or("") == "complete";
    ++count;
  }
  // The variant the run recorded (run --instances K --variant NAME), else instances<K>: never
  // the folder's name.
  std::string named = root.has("variant") ? root["variant"].text_or("") : "";
  if (named.empty()) named = "instances" + std::to_string(static_cast<long>(count));
  (void)variant;
  if (reader.failed()) return reader.error();
  m.samples[{named, "instances_ok"}].push_back(ok);
  return ok_status();
}

}  // namespace

std::string run_variant(const RunRecord& run) {
  for (const char* key : {"variant", "mode"}) {
    if (run.context.contains(key) && run.context[key].is_string() && !run.context[key].get<std::string>().empty()) {
      return run.context[key].get<std::string>();
    }
  }
  return "run";
}

Expected<Measurements> measurements_from_folder(const fs::path& folder) {
  auto found = find_series(folder);
  if (!found) return found.error();
  Measurements m;
  m.source = folder.string();
  for (const auto& series : *found) {
    for (const auto& file : series.instances) {
      if (auto added = add_instances(m, series.variant, file); !added) return added.error();
    }
    for (const auto& dir : series.runs) {
      auto run = load_run(dir);
      if (!run) return run.error();
      m.time_scale = run->time_scale;
      m.time_scale_known = true;
      note_spec(m, *run);
      add_run(m, run_variant(*run), *run);
    }
  }
  return m;
}

Expected<Measurements> measurements_from_run(const fs::path& run_dir, const std::string& variant) {
  auto run = load_run(run_dir);
  if (!run) return run.error();
  Measurements m;
  m.source = run_dir.string();
  m.time_scale = run->time_scale;
  m.time_scale_known = true;
  note_spec(m, *run);
  add_run(m, variant, *run);
  return m;
}

namespace {

double to_seconds(double value, const std::string& unit) {
  if (unit == "ns") return value / 1e9;
  if (unit == "us") return value / 1e6;
  if (unit == "ms") return value / 1e3;
  return value;
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

// "BM_Workflow/optimized/manual_time" -> "BM_Workflow/optimized"
std::string benchmark_base_name(std::string name) {
  for (const char* suffix : {"/manual_time", "/real_time"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      name.erase(name.size() - s.size());
    }
  }
  const auto slash = name.find("/iterations:");
  if (slash != std::string::npos) name.erase(slash);
  return name;
}

namespace {

// flowbench_bench's own entries, read as metrics too: BM_Workflow/<variant> (the makespan and
// its counters), BM_Task/<id>-<name> (variant "alone"), BM_Task8/<stage> (variant "inprocess").
void add_flowbench_entry(Measurements& m, const std::string& name, double seconds, const json& b) {
  auto add = [&](const std::string& variant, const std::string& metric, double value) {
    m.samples[{variant, metric}].push_back(value);
  };
  const auto slash = name.find('/');
  const std::string family = name.substr(0, slash);
  const std::string arg = slash == std::string::npos ? "" : name.substr(slash + 1);
  if (family == "BM_Workflow") {
    add(arg, "makespan", seconds);
    for (const auto& [key, value] : b.items()) {
      if (!value.is_number()) continue;
      if (ends_with(key, "_slack_s") && key.rfind("task_", 0) == 0 && key.size() > 13) {
        m.slack[{arg, "task:" + key.substr(5, key.size() - 13)}].push_back(value.get<double>());
      } else if (ends_with(key, "_cpu_s") && key.rfind("task_", 0) == 0 && key.size() > 11) {
        add(arg, "task_cpu:" + key.substr(5, key.size() - 11), value.get<double>());
      } else if (key.rfind("task_", 0) == 0 && key.size() > 7 && ends_with(key, "_s")) {
        add(arg, "task:" + key.substr(5, key.size() - 7), value.get<double>());
      } else if (key == "quality" || key == "instances_ok" || key == "success" || key == "total_s") {
        add(arg, key == "total_s" ? "total" : key, value.get<double>());
      } else if (key.rfind("op:", 0) == 0) {
        add(arg, key, value.get<double>());
      }
    }
  } else if (family == "BM_Task") {
    const std::string id = arg.substr(0, arg.find('-'));
    add("alone", "task:" + id, seconds);
    for (const auto& [key, value] : b.items()) {
      if (value.is_number() && key.rfind("op:", 0) == 0) add("alone", key, value.get<double>());
      if (value.is_number() && key == "cpu_s") add("alone", "task_cpu:" + id, value.get<double>());
    }
  } else if (family == "BM_Task8") {
    add("inprocess", "op:8/" + arg, seconds);
  }
}

}  // namespace

Expected<Measurements> measurements_from_gbench(const json& document, const std::string& source) {
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array()) {
    return Error{source + ": /benchmarks: missing; fix: give Google Benchmark JSON (--benchmark_out_format=json)"};
  }
  Measurements m;
  m.source = source;
  const json context = document.contains("context") && document["context"].is_object() ? document["context"] : json();
  if (context.contains("flowbench_time_scale")) {
    const json& scale = context["flowbench_time_scale"];
    char* end = nullptr;
    const std::string text = scale.is_string() ? scale.get<std::string>() : "";
    const double value = scale.is_number() ? scale.get<double>() : std::strtod(text.c_str(), &end);
    if ((!scale.is_number() && (text.empty() || *end != '\0')) || !(value > 0)) {
      return Error{source + ": /context/flowbench_time_scale: not a positive number; fix: give the file "
                   "flowbench_bench wrote"};
    }
    m.time_scale = value;
    m.time_scale_known = true;
  }
  if (context.contains("flowbench_spec") && context["flowbench_spec"].is_string()) {
    m.spec = context["flowbench_spec"].get<std::string>();
  }
  m.facts["executor"] = "benchmark";
  if (context.contains("num_cpus") && context["num_cpus"].is_number_integer()) {
    m.facts["cpus"] = std::to_string(context["num_cpus"].get<long long>());
  }
  const json& benchmarks = document["benchmarks"];
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const json& b = benchmarks[i];
    if (b.is_object() && b.contains("run_type") && b["run_type"] != "iteration") continue;
    if (b.is_object() && b.contains("error_occurred") && b["error_occurred"] == true) continue;  // not measured
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string() || !b.contains("real_time") ||
        !b["real_time"].is_number()) {
      return Error{source + ": /benchmarks/" + std::to_string(i) + ": no name or real_time; fix: give the file "
                   "Google Benchmark wrote"};
    }
    const json& run_name = b.contains("run_name") && b["run_name"].is_string() ? b["run_name"] : b["name"];
    const std::string name = benchmark_base_name(run_name.get<std::string>());
    const json& unit = b.contains("time_unit") && b["time_unit"].is_string() ? b["time_unit"] : json("ns");
    const double seconds = to_seconds(b["real_time"].get<double>(), unit.get<std::string>());
    m.benchmarks[name].push_back(seconds);
    if (b.contains("cpu_time") && b["cpu_time"].is_number()) {
      m.benchmark_cpu[name].push_back(to_seconds(b["cpu_time"].get<double>(), unit.get<std::string>()));
    }
    add_flowbench_entry(m, name, seconds, b);
  }
  return m;
}

Expected<Measurements> load_measurements(const fs::path& path) {
  if (fs::is_directory(path)) return measurements_from_folder(path);
  auto text = read_file(path);
  if (!text) return text.error();
  JsonReader reader(path.string(), "rerun the benchmark that wrote it");
  const auto document = reader.parse(null_non_finite_numbers(*text));
  if (!document) return reader.error();
  return measurements_from_gbench(*document, path.string());
}

namespace {

// Appends `more`'s samples to `into`'s, key by key; a key keeps its rounds only while every
// sample on both sides has one.
template <typename Key>
void append_tagged(std::map<Key, std::vector<double>>& into, std::map<Key, std::vector<std::size_t>>& into_rounds,
                   const std::map<Key, std::vector<double>>& more,
                   const std::map<Key, std::vector<std::size_t>>& more_rounds) {
  for (const auto& [key, values] : more) {
    auto& target = into[key];
    const auto tagged = into_rounds.find(key);
    const bool into_tagged = target.empty() || (tagged != into_rounds.end() && tagged->second.size() == target.size());
    const auto more_tagged = more_rounds.find(key);
    const bool tagged_both = into_tagged && more_tagged != more_rounds.end() && more_tagged->second.size() == values.size();
    target.insert(target.end(), values.begin(), values.end());
    if (tagged_both) {
      auto& rounds = into_rounds[key];
      rounds.insert(rounds.end(), more_tagged->second.begin(), more_tagged->second.end());
    } else {
      into_rounds.erase(key);
    }
  }
}

}  // namespace

void tag_round(Measurements& m, std::size_t round) {
  for (const auto& [key, values] : m.samples) m.sample_rounds[key].assign(values.size(), round);
  for (const auto& [name, values] : m.benchmarks) m.benchmark_rounds[name].assign(values.size(), round);
  for (const auto& [name, values] : m.benchmark_instructions) m.instruction_rounds[name].assign(values.size(), round);
}

Status merge_measurements(Measurements& into, const Measurements& more) {
  if (into.time_scale_known && more.time_scale_known &&
      std::abs(into.time_scale - more.time_scale) > 1e-12 * std::abs(into.time_scale)) {
    return Error{more.source + " was measured at time scale " + std::to_string(more.time_scale) + ", " + into.source +
                 " at " + std::to_string(into.time_scale) + "; fix: gate data of one time scale together"};
  }
  if (!into.time_scale_known && more.time_scale_known) {
    into.time_scale = more.time_scale;
    into.time_scale_known = true;
  }
  append_tagged(into.samples, into.sample_rounds, more.samples, more.sample_rounds);
  append_tagged(into.benchmarks, into.benchmark_rounds, more.benchmarks, more.benchmark_rounds);
  for (const auto& [name, values] : more.benchmark_cpu) {
    auto& target = into.benchmark_cpu[name];
    target.insert(target.end(), values.begin(), values.end());
  }
  append_tagged(into.benchmark_instructions, into.instruction_rounds, more.benchmark_instructions,
                more.instruction_rounds);
  for (const auto& [key, values] : more.slack) {
    auto& target = into.slack[key];
    target.insert(target.end(), values.begin(), values.end());
  }
  if (into.instruction_counter.empty()) into.instruction_counter = more.instruction_counter;
  if (into.spec.empty()) into.spec = more.spec;
  into.facts.insert(more.facts.begin(), more.facts.end());  // the first source's facts win
  into.source = into.source.empty() ? more.source : into.source + ", " + more.source;
  return ok_status();
}

Expected<Measurements> load_all_measurements(const std::vector<fs::path>& paths) {
  Measurements all;
  for (const auto& path : paths) {
    auto more = load_measurements(path);
    if (!more) return more.error();
    if (auto merged = merge_measurements(all, *more); !merged) return merged.error();
  }
  return all;
}

bool lower_is_better(const std::string& metric) {
  return metric != "quality" && metric != "success" && metric != "instances_ok";
}

bool is_time_metric(const std::string& metric) { return lower_is_better(metric) && metric != "peak_rss_mib"; }

}  // namespace flowbench
