// A task's profile: the plan's fields (so its analyze-profiles.py reads them) plus flowbench's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/boxed.h"
#include "util/expected.h"
#include "util/time_format.h"

namespace flowbench {

enum class TaskStatus : std::uint8_t { kOk, kFailed, kTimeout, kSkipped, kCached, kInterrupted };

// "ok", "failed", ...; and back (nullopt for an unknown word).
const char* status_name(TaskStatus status);
std::optional<TaskStatus> parse_status(const std::string& word);

// A sub-operation a handler reported with a line "<op> ... [<N>ms]".
struct Op {
  std::string name;
  double duration_ms = 0;
};

inline constexpr const char* kProfileSchema = "flowbench.profile/1";

// What few profiles have, kept apart so a profile without it is smaller (a run of 100,000
// tasks holds them all).
struct ProfileExtra {
  std::string cache_key;        // the action's key when the task declares a cache block
  std::optional<double> original_duration_ms;  // on a hit: what the task took when it ran
  std::string resumed_from;     // kept from this earlier run by `run --resume` (it did not run again)
  std::optional<double> queue_wait_ms;  // submit -> start, from a queueing executor (Slurm)
  nlohmann::json executor;              // that executor's record of the job; null when local
};

struct Profile {
  nlohmann::json task_id;       // as the spec wrote it
  std::string id;               // canonical text
  std::string name;
  std::string reason;           // why it failed or was skipped; empty when ok
  std::optional<SystemTime> start_time, end_time;
  double duration_ms = 0;       // wall time, microsecond resolution
  double cpu_user_ms = 0;
  double cpu_sys_ms = 0;
  long max_rss_kb = 0;
  double time_scale = 1.0;
  std::optional<int> exit_code; // absent when it never ran or died by a signal
  std::optional<int> quality_passed, quality_failed;
  int signal = 0;
  int slot = -1;                // concurrent slot it ran in, -1 when it did not run
  TaskStatus status = TaskStatus::kSkipped;
  std::string cache = "off";    // hit | miss | off
  std::vector<Op> ops;
  std::string log_file;         // relative to the run folder

  // The rarer fields: empty ones when the profile has none; edit_extra() makes them.
  const ProfileExtra& extra() const;
  ProfileExtra& edit_extra();

 private:
  Boxed<ProfileExtra> extra_;
};

// Keys in the plan's order first (task_id, start_time, ...), then flowbench's.
nlohmann::ordered_json to_json(const Profile& profile);

// Reads a profile back; `where` names the file in errors.
Expected<Profile> profile_from_json(const nlohmann::json& json, const std::string& where);

}  // namespace flowbench
