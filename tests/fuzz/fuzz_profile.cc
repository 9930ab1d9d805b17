// One task profile (profiles/task-N-profile.json, a records.jsonl line, a Slurm job's profile).
#include "fuzz_support.h"
#include "record/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  fuzz::check_json(fuzz::as_text(data, size), "task-8-profile.json", profile_from_json);
  return 0;
}
