#include "record/profile_text.h"

#include <array>

#include "util/fast_json.h"
#include "util/json_lines.h"
#include "util/json_reader.h"

namespace flowbench {

namespace {

namespace fj = fast_json;
using simdjson::dom::element;

constexpr double kMaxDurationMs = 365 * 24 * 3600 * 1000.0;  // as profile_from_json

// The keys a profile reader looks at, in the order to_json() writes them; any other key is
// ignored, as profile_from_json does (kIgnored: keys flowbench writes and reads no further).
enum Key {
  kTaskId, kStart, kEnd, kDuration, kDurationSec, kExitCode, kLogFile, kSchema, kName, kStatus, kReason,
  kResumedFrom, kSignal, kCpuUser, kCpuSys, kMaxRss, kCache, kCacheKey, kOriginal, kOps, kQuality, kSlot,
  kTimeScale, kQueueWait, kExecutor, kKeyCount
};
constexpr std::array<std::string_view, kKeyCount> kKeys{
    "task_id", "start_time", "end_time", "duration_ms", "duration_sec", "exit_code", "log_file", "schema",
    "name", "status", "reason", "resumed_from", "signal", "cpu_user_ms", "cpu_sys_ms", "max_rss_kb", "cache",
    "cache_key", "original_duration_ms", "ops", "quality", "slot", "time_scale", "queue_wait_ms", "executor"};

// The key's place in kKeys, or -1. The search starts after the key found last: in a profile
// flowbench wrote, the first guess is right.
int key_of(std::string_view key, int& last) {
  for (int step = 1; step <= kKeyCount; ++step) {
    const int k = (last + step) % kKeyCount;
    if (kKeys[k] == key) return last = k;
  }
  return -1;
}

// The fields a profile holds, each the last value its key had (a repeated key keeps the last,
// as nlohmann's parser does); null when absent.
struct Fields {
  std::array<std::optional<element>, kKeyCount> at;
  // Absent or null: profile_from_json's "missing" for the *_or fields.
  bool absent(Key key) const { return !at[key] || fj::is_null(*at[key]); }
};

// An optional text field: absent or null gives `fallback`; a string its text; else refused.
bool text_or(const Fields& f, Key key, std::string& out, std::string fallback) {
  if (f.absent(key)) {
    out = std::move(fallback);
    return true;
  }
  auto value = fj::text(*f.at[key]);
  if (!value) return false;
  out = std::move(*value);
  return true;
}

template <typename T>
bool number_or(const Fields& f, Key key, T& out, T fallback, double min, double max) {
  if (f.absent(key)) {
    out = fallback;
    return true;
  }
  auto value = fj::number(*f.at[key], min, max);
  if (value) out = T(*value);
  return bool(value);
}

template <typename T>
bool integer_or(const Fields& f, Key key, T& out, T fallback, std::int64_t min, std::int64_t max) {
  if (f.absent(key)) {
    out = fallback;
    return true;
  }
  auto value = fj::integer(*f.at[key], min, max);
  if (value) out = T(*value);
  return bool(value);
}

bool time_field(const Fields& f, Key key, std::optional<SystemTime>& out) {
  if (f.absent(key)) return true;
  auto value = fj::text(*f.at[key]);
  if (!value) return false;
  out = parse_iso8601(*value);
  return bool(out);
}

bool quality_field(const Fields& f, Profile& p) {
  if (f.absent(kQuality)) return true;
  simdjson::dom::object quality;
  if (f.at[kQuality]->get_object().get(quality)) return false;
  for (auto [key, field] : {std::pair{"passed", &p.quality_passed}, std::pair{"failed", &p.quality_failed}}) {
    std::optional<element> last;
    for (auto member : quality) {
      if (member.key == key) last = member.value;
    }
    if (!last || fj::is_null(*last)) {
      field->reset();
      continue;
    }
    auto value = fj::integer(*last, 0, 1 << 30);
    if (!value) return false;
    *field = int(*value);
  }
  return true;
}

bool ops_field(const Fields& f, Profile& p) {
  if (f.absent(kOps)) return true;
  simdjson::dom::array ops;
  if (f.at[kOps]->get_array().get(ops)) return false;
  for (element op : ops) {
    simdjson::dom::object object;
    if (op.get_object().get(object)) return false;
    std::optional<element> name, duration;
    for (auto member : object) {
      if (member.key == "name") name = member.value;
      else if (member.key == "duration_ms") duration = member.value;
    }
    if (!name || !duration) return false;
    auto text = fj::text(*name);
    auto ms = fj::number(*duration, 0, kMaxDurationMs);
    if (!text || !ms) return false;
    p.ops.push_back({std::move(*text), *ms});
  }
  return true;
}

// The profile in `root`, or nothing when profile_from_json would have anything to say.
std::optional<Profile> fast_profile(element root) {
  simdjson::dom::object object;
  if (root.get_object().get(object)) return std::nullopt;
  Fields f;
  int last = kKeyCount - 1;
  for (auto member : object) {
    const int key = key_of(member.key, last);
    if (key >= 0) f.at[key] = member.value;
  }
  Profile p;
  if (!f.at[kTaskId]) return std::nullopt;
  auto id = fj::id(*f.at[kTaskId]);
  if (!id) return std::nullopt;
  p.id = std::move(*id);
  p.task_id = fj::to_nlohmann(*f.at[kTaskId]);
  if (!f.at[kDuration]) return std::nullopt;
  auto duration = fj::number(*f.at[kDuration], 0, kMaxDurationMs);
  if (!duration) return std::nullopt;
  p.duration_ms = *duration;
  std::string status;
  if (!text_or(f, kName, p.name, p.id) || !text_or(f, kStatus, status, "ok")) return std::nullopt;
  auto parsed = parse_status(status);
  if (!parsed) return std::nullopt;
  p.status = *parsed;
  if (!f.absent(kExitCode)) {
    auto code = fj::integer(*f.at[kExitCode], -255, 255);
    if (!code) return std::nullopt;
    p.exit_code = int(*code);
  }
  const bool numbers = integer_or(f, kSignal, p.signal, 0, 0, 128) &&
                       number_or(f, kCpuUser, p.cpu_user_ms, 0.0, 0, kMaxDurationMs) &&
                       number_or(f, kCpuSys, p.cpu_sys_ms, 0.0, 0, kMaxDurationMs) &&
                       integer_or(f, kMaxRss, p.max_rss_kb, 0L, 0, std::int64_t(1) << 50) &&
                       integer_or(f, kSlot, p.slot, -1, -1, 1 << 20) &&
                       number_or(f, kTimeScale, p.time_scale, 1.0, 1e-9, 1e9);
  if (!numbers || !time_field(f, kStart, p.start_time) || !time_field(f, kEnd, p.end_time)) return std::nullopt;
  std::string cache_key, resumed_from;
  if (!text_or(f, kCache, p.cache, "off") || !text_or(f, kCacheKey, cache_key, "") ||
      !text_or(f, kLogFile, p.log_file, "") || !text_or(f, kReason, p.reason, "") ||
      !text_or(f, kResumedFrom, resumed_from, "")) {
    return std::nullopt;
  }
  if (!cache_key.empty()) p.edit_extra().cache_key = std::move(cache_key);
  if (!resumed_from.empty()) p.edit_extra().resumed_from = std::move(resumed_from);
  if (!f.absent(kOriginal)) {
    p.edit_extra().original_duration_ms = fj::number(*f.at[kOriginal], 0, kMaxDurationMs);
    if (!p.extra().original_duration_ms) return std::nullopt;
  }
  if (f.at[kQueueWait]) {  // present, even null: profile_from_json wants a number then
    p.edit_extra().queue_wait_ms = fj::number(*f.at[kQueueWait], 0, kMaxDurationMs);
    if (!p.extra().queue_wait_ms) return std::nullopt;
  }
  if (f.at[kExecutor] && f.at[kExecutor]->is_object()) p.edit_extra().executor = fj::to_nlohmann(*f.at[kExecutor]);
  if (!quality_field(f, p) || !ops_field(f, p)) return std::nullopt;
  return p;
}

}  // namespace

struct ProfileParser::Impl {
  simdjson::dom::parser parser;
  std::string copy;  // an unpadded text, padded
};

ProfileParser::ProfileParser(bool checked_only) : impl_(std::make_unique<Impl>()), checked_only_(checked_only) {}
ProfileParser::~ProfileParser() = default;

Expected<Profile> ProfileParser::parse(std::string_view text, const std::string& file, std::size_t line,
                                       const std::string& parse_fix, bool padded) {
  static_assert(kJsonLinePadding >= simdjson::SIMDJSON_PADDING);
  if (!padded) {
    impl_->copy.assign(text);
    impl_->copy.append(kJsonLinePadding, ' ');
    text = std::string_view(impl_->copy.data(), text.size());
  }
  element root;
  if (!checked_only_ && !impl_->parser.parse(text.data(), text.size(), false).get(root)) {
    if (auto profile = fast_profile(root)) return std::move(*profile);
  }
  const std::string where = line ? file + ":" + std::to_string(line) : file;
  JsonReader reader(where, parse_fix);
  auto parsed = reader.parse(text);
  if (!parsed) return reader.error();
  return profile_from_json(*parsed, where);
}

}  // namespace flowbench
