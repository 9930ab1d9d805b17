// One task profile (profiles/task-N-profile.json, a records.jsonl line, a Slurm job's profile).
#include "fuzz_support.h"
#include "record/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto parsed = fuzz::parse(input, "task-8-profile.json");
  if (!parsed) return 0;
  fuzz::check(profile_from_json(*parsed, "task-8-profile.json"), "task-8-profile.json", input);
  return 0;
}
