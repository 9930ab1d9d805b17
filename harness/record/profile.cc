#include "record/profile.h"

#include <array>
#include <cmath>
#include <utility>

#include "util/json_reader.h"

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

// A year in milliseconds: a longer duration or CPU time in a profile is not a measurement.
constexpr double kMaxDurationMs = 365 * 24 * 3600 * 1000.0;

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

const ProfileExtra& Profile::extra() const {
  static const ProfileExtra kNone;
  return extra_ ? *extra_ : kNone;
}

ProfileExtra& Profile::edit_extra() {
  if (!extra_) extra_ = ProfileExtra{};
  return *extra_;
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
  const ProfileExtra& extra = p.extra();
  if (!extra.resumed_from.empty()) out["resumed_from"] = extra.resumed_from;
  out["signal"] = p.signal;
  out["cpu_user_ms"] = round3(p.cpu_user_ms);
  out["cpu_sys_ms"] = round3(p.cpu_sys_ms);
  out["max_rss_kb"] = p.max_rss_kb;
  out["cache"] = p.cache;
  out["cache_key"] = extra.cache_key.empty() ? ojson(nullptr) : ojson(extra.cache_key);
  out["original_duration_ms"] = extra.original_duration_ms ? ojson(round3(*extra.original_duration_ms)) : ojson(nullptr);
  out["ops"] = std::move(ops);
  out["quality"] = std::move(quality);
  out["slot"] = p.slot;
  out["time_scale"] = p.time_scale;
  // Only from a queueing executor (Slurm): submit -> start, and the cluster's own record.
  if (extra.queue_wait_ms) out["queue_wait_ms"] = round3(*extra.queue_wait_ms);
  if (!extra.executor.is_null()) out["executor"] = extra.executor;
  return out;
}

Expected<Profile> profile_from_json(const json& in, const std::string& where) {
  JsonReader reader(where, "regenerate the profile with `flowbench run` (a truncated or hand-edited profile cannot be read)");
  const JsonAt root = reader.root(in);
  Profile p;
  if (!root.is_object()) {
    root.problem("a profile must be a JSON object");
    return reader.error();
  }
  if (auto id = root["task_id"].id()) {
    p.id = *id;
    p.task_id = root["task_id"].raw();
  }
  p.duration_ms = root["duration_ms"].number(0, kMaxDurationMs).value_or(0);
  p.name = root["name"].text_or(p.id);
  const std::string status = root["status"].text_or("ok");
  if (auto parsed = parse_status(status)) {
    p.status = *parsed;
  } else {
    root["status"].problem("unknown status \"" + status + "\"", "use one of ok, failed, timeout, skipped, cached, interrupted");
  }
  if (root.has("exit_code") && !root["exit_code"].raw().is_null()) p.exit_code = int(root["exit_code"].integer(-255, 255).value_or(0));
  p.signal = int(root["signal"].integer_or(0, 0, 128));
  p.cpu_user_ms = root["cpu_user_ms"].number_or(0, 0, kMaxDurationMs);
  p.cpu_sys_ms = root["cpu_sys_ms"].number_or(0, 0, kMaxDurationMs);
  p.max_rss_kb = long(root["max_rss_kb"].integer_or(0, 0, std::int64_t(1) << 50));
  for (auto [key, field] : {std::pair{"start_time", &p.start_time}, std::pair{"end_time", &p.end_time}}) {
    const JsonAt at = root[key];
    if (!at.present() || at.raw().is_null()) continue;
    if (auto text = at.text()) {
      *field = parse_iso8601(*text);
      if (!*field) at.problem("not an ISO 8601 time like 2026-11-24T09:30:00.123+00:00");
    }
  }
  p.cache = root["cache"].text_or("off");
  if (root.has("cache_key") && !root["cache_key"].raw().is_null()) p.edit_extra().cache_key = root["cache_key"].text_or("");
  if (root.has("original_duration_ms") && !root["original_duration_ms"].raw().is_null()) {
    p.edit_extra().original_duration_ms = root["original_duration_ms"].number(0, kMaxDurationMs);
  }
  p.log_file = root["log_file"].text_or("");
  p.slot = int(root["slot"].integer_or(-1, -1, 1 << 20));
  p.time_scale = root["time_scale"].number_or(1.0, 1e-9, 1e9);
  if (root.has("queue_wait_ms")) p.edit_extra().queue_wait_ms = root["queue_wait_ms"].number(0, kMaxDurationMs);
  if (root["executor"].is_object()) p.edit_extra().executor = root["executor"].raw();
  if (root.has("reason") && !root["reason"].raw().is_null()) p.reason = root["reason"].text_or("");
  if (auto resumed = root["resumed_from"].text_or(""); !resumed.empty()) p.edit_extra().resumed_from = resumed;
  const JsonAt quality = root["quality"];
  if (quality.present() && !quality.raw().is_null()) {
    if (!quality.is_object()) quality.problem("must be an object like {\"passed\": 9, \"failed\": 1}");
    for (auto [key, field] : {std::pair{"passed", &p.quality_passed}, std::pair{"failed", &p.quality_failed}}) {
      if (quality.has(key) && !quality[key].raw().is_null()) *field = int(quality[key].integer(0, 1 << 30).value_or(0));
    }
  }
  for (const JsonAt& op : root["ops"].elements()) {
    auto name = op["name"].text();
    auto duration = op["duration_ms"].number(0, kMaxDurationMs);
    if (name && duration) p.ops.push_back({*name, *duration});
  }
  if (reader.failed()) return reader.error();
  return p;
}

}  // namespace flowbench
