// An action-cache entry's entry.json, as a run restores it: a hit or a miss, never a crash
// or a file written outside the task's folder.
#include "cache/action_cache.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  namespace fs = std::filesystem;
  const fs::path cache = fuzz::scratch() / "cache";
  const std::string key = "ab0123456789";
  fuzz::write_file(cache / "entries" / "ab" / key / "entry.json", input);
  const fs::path workspace = fuzz::scratch() / "work" / "task";
  fs::create_directories(workspace);
  ActionCache action_cache(cache, false);
  auto answer = action_cache.restore(key, workspace, fuzz::scratch() / "work" / "task.log");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fuzz::scratch() / "work", ec)) {
    const auto name = entry.path().filename().string();
    if (name != "task" && name != "task.log") fuzz::bad_answer("a restore wrote outside the workspace", name);
  }
  // A corrupt entry is a miss that names the entry (the task then runs; nothing to fix).
  if (auto* miss = std::get_if<CacheMiss>(&answer); miss && !miss->corruption.empty()) {
    if (miss->corruption.find(key) == std::string::npos) {
      fuzz::bad_answer("a miss that does not name the entry", miss->corruption);
    }
  }
  fs::remove_all(cache, ec);
  fs::remove_all(fuzz::scratch() / "work", ec);
  return 0;
}
