// One task profile (profiles/task-N-profile.json, a records.jsonl line, a Slurm job's profile).
// Read the fast way (simdjson) and by the checked reader alone, the answers must be the same:
// the same profile, or the same message.
#include "fuzz_support.h"
#include "record/profile.h"
#include "record/profile_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  fuzz::check_json(input, "task-8-profile.json", profile_from_json);
  ProfileParser fast_parser, checked_parser(true);
  const auto fast = fast_parser.parse(input, "task-8-profile.json", 3, "give the file as written", false);
  fuzz::check(fast, "task-8-profile.json:3", input);
  const auto checked = checked_parser.parse(input, "task-8-profile.json", 3, "give the file as written", false);
  fuzz::same_answer(fast, checked, [](const Profile& profile) { return to_json(profile).dump(); });
  return 0;
}
