#include "record/profile.h"

#include <array>
#include <cmath>
#include <utility>

namespace flowbench {
using nlohmann::json;

namespace {
constexpr std::array<std::pair<TaskStatus, const char*>, 6> kStatusNames{{
    {TaskStatus::kOk, "ok"},
    {TaskStatus::kFailed, "failed"},
    {TaskStatus::kTimeout, "timeout"},
    {TaskStatus::kSkipped, "skipped"},
    {TaskStatus::kCached, "cached"},
    {TaskStatus::kInterrupted, "interrupted"},
}};

double round3(double value) { return std::round(value * 1000.0) / 1000.0; }

nlohmann::ordered_json optional_int(const std::optional<int>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}
}  // namespace

const char* status_name(TaskStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<TaskStatus> parse_status(const std::string& word) {
  for (const auto& [s, name] : kStatusNames) {
    if (word == name) return s;
  }
  return std::nullopt;
}

nlohmann::ordered_json to_json(const Profile& p) {
  using ojson = nlohmann::ordered_json;
  ojson ops = ojson::array();
  for (const auto& op : p.ops) ops.push_back({{"name", op.name}, {"duration_ms", round3(op.duration_ms)}});
  ojson quality = nullptr;
  if (p.quality_passed || p.quality_failed) {
    quality = {{"passed", optional_int(p.quality_passed)}, {"failed", optional_int(p.quality_failed)}};
  }
  // Key order: the plan's fields first, as its profile-task.sh writes them.
  ojson out = ojson::object();
  out["task_id"] = p.task_id;
  out["start_time"] = p.start_time ? ojson(iso8601(*p.start_time)) : ojson(nullptr);
  out["end_time"] = p.end_time ? ojson(iso8601(*p.end_time)) : ojson(nullptr);
  out["duration_ms"] = round3(p.duration_ms);
  out["duration_sec"] = round3(p.duration_ms / 1000.0);
  out["exit_code"] = optional_int(p.exit_code);
  out["log_file"] = p.log_file;
  out["schema"] = kProfileSchema;
  out["name"] = p.name;
  out["status"] = status_name(p.status);
  out["reason"] = p.reason.empty() ? ojson(nullptr) : ojson(p.reason);
  if (!p.resumed_from.empty()) out["resumed_from"] = p.resumed_from;
  out["signal"] = p.signal;
  out["cpu_user_ms"] = round3(p.cpu_user_ms);
  out["cpu_sys_ms"] = round3(p.cpu_sys_ms);
  out["max_rss_kb"] = p.max_rss_kb;
  out["cache"] = p.cache;
  out["cache_key"] = p.cache_key.empty() ? ojson(nullptr) : ojson(p.cache_key);
  out["original_duration_ms"] = p.original_duration_ms ? ojson(round3(*p.original_duration_ms)) : ojson(nullptr);
  out["ops"] = std::move(ops);
  out["quality"] = std::move(quality);
  out["slot"] = p.slot;
  out["time_scale"] = p.time_scale;
  // Only from a queueing executor (Slurm): submit -> start, and the cluster's own record.
  if (p.queue_wait_ms) out["queue_wait_ms"] = round3(*p.queue_wait_ms);
  if (!p.executor.is_null()) out["executor"] = p.executor;
  return out;
}

Expected<Profile> profile_from_json(const json& in, const std::string& where) {
  auto bad = [&](const std::string& key, const std::string& need) {
    return Error{where + ": /" + key + ": " + need +
                 "; fix: regenerate the profile with `flowbench run` (a truncated or hand-edited "
                 "profile cannot be read)"};
  };
  if (!in.is_object()) return bad("", "a profile must be a JSON object");
  Profile p;
  if (!in.contains("task_id") || !(in["task_id"].is_string() || in["task_id"].is_number_integer())) {
    return bad("task_id", "missing or not a task id");
  }
  p.task_id = in["task_id"];
  p.id = p.task_id.is_string() ? p.task_id.get<std::string>() : p.task_id.dump();
  if (!in.contains("duration_ms") || !in["duration_ms"].is_number()) {
    return bad("duration_ms", "missing or not a number");
  }
  p.duration_ms = in["duration_ms"].get<double>();
  p.name = in.value("name", p.id);
  const std::string status = in.value("status", std::string("ok"));
  auto parsed = parse_status(status);
  if (!parsed) return bad("status", "unknown status \"" + status + "\"");
  p.status = *parsed;
  if (in.contains("exit_code") && in["exit_code"].is_number_integer()) p.exit_code = in["exit_code"].get<int>();
  p.signal = in.value("signal", 0);
  p.cpu_user_ms = in.value("cpu_user_ms", 0.0);
  p.cpu_sys_ms = in.value("cpu_sys_ms", 0.0);
  p.max_rss_kb = in.value("max_rss_kb", 0L);
  for (auto [key, field] : {std::pair{"start_time", &p.start_time}, std::pair{"end_time", &p.end_time}}) {
    if (in.contains(key) && in[key].is_string()) {
      *field = parse_iso8601(in[key].get<std::string>());
      if (!*field) return bad(key, "not an ISO 8601 time like 2026-11-24T09:30:00.123+00:00");
    }
  }
  p.cache = in.value("cache", std::string("off"));
  if (in.contains("cache_key") && in["cache_key"].is_string()) p.cache_key = in["cache_key"].get<std::string>();
  if (in.contains("original_duration_ms") && in["original_duration_ms"].is_number()) {
    p.original_duration_ms = in["original_duration_ms"].get<double>();
  }
  p.log_file = in.value("log_file", std::string());
  p.slot = in.value("slot", -1);
  p.time_scale = in.value("time_scale", 1.0);
  if (in.contains("queue_wait_ms") && in["queue_wait_ms"].is_number()) {
    p.queue_wait_ms = in["queue_wait_ms"].get<double>();
  }
  if (in.contains("executor") && in["executor"].is_object()) p.executor = in["executor"];
  if (in.contains("reason") && in["reason"].is_string()) p.reason = in["reason"].get<std::string>();
  if (in.contains("resumed_from") && in["resumed_from"].is_string()) p.resumed_from = in["resumed_from"].get<std::string>();
  if (in.contains("quality") && in["quality"].is_object()) {
    const json& q = in["quality"];
    if (q.contains("passed") && q["passed"].is_number_integer()) p.quality_passed = q["passed"].get<int>();
    if (q.contains("failed") && q["failed"].is_number_integer()) p.quality_failed = q["failed"].get<int>();
  }
  if (in.contains("ops") && in["ops"].is_array()) {
    for (const auto& op : in["ops"]) {
      if (!op.is_object() || !op.contains("name") || !op["name"].is_string() ||
          !op.contains("duration_ms") || !op["duration_ms"].is_number()) {
        return bad("ops", "each op needs a string \"name\" and a number \"duration_ms\"");
      }
      p.ops.push_back({op["name"].get<std::string>(), op["duration_ms"].get<double>()});
    }
  }
  return p;
}

}  // namespace flowbench
