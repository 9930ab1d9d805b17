#include "record/run_logs.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "platform/atomic_file.h"
#include "util/json_lines.h"
#include "util/json_reader.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

Error cannot(const std::string& what, const fs::path& path) {
  return Error{"cannot " + what + " " + path.string() + ": " + std::strerror(errno) +
               "; fix: free space on that file system, or check its permissions"};
}

}  // namespace

Status move_into_combined_log(const fs::path& run, const fs::path& task_log, const std::string& id,
                              std::uint64_t& offset) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  if (fs::exists(task_log, ec)) {
    std::ifstream in(task_log, std::ios::binary);
    std::ofstream out(run / kCombinedLog, std::ios::binary | std::ios::app);
    if (!in) return cannot("read", task_log);
    if (!out) return cannot("append to", run / kCombinedLog);
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      out.write(buffer, in.gcount());
      bytes += std::uint64_t(in.gcount());
    }
    out.close();
    if (!out) return cannot("append to", run / kCombinedLog);
  }
  // The index line last: a crash before it leaves bytes no entry points at, never an entry
  // pointing past the log's end.
  const nlohmann::json entry = {{"id", id}, {"offset", offset}, {"bytes", bytes}};
  if (auto indexed = append_line(run / kCombinedIndex, entry.dump()); !indexed) return indexed;
  offset += bytes;
  fs::remove(task_log, ec);
  return ok_status();
}

namespace {

struct LogEntry {
  std::uint64_t offset = 0, bytes = 0;
};

// The task's last entry in the index.
Expected<std::optional<LogEntry>> find_entry(const fs::path& index, const std::string& id) {
  std::optional<LogEntry> found;
  auto status = for_each_json_line(index, [&](std::size_t number, std::string_view line) -> Status {
    JsonReader reader(index.string() + ":" + std::to_string(number),
                      "rerun the workflow (the index was cut off or edited), or read logs/combined.log directly");
    const auto parsed = reader.parse(line);
    if (!parsed) return reader.error();
    const JsonAt entry = reader.root(*parsed);
    const auto entry_id = entry["id"].text();
    const auto offset = entry["offset"].integer(0, std::numeric_limits<std::int64_t>::max());
    const auto bytes = entry["bytes"].integer(0, std::numeric_limits<std::int64_t>::max());
    if (reader.failed()) return reader.error();
    if (*entry_id == id) found = LogEntry{std::uint64_t(*offset), std::uint64_t(*bytes)};
    return ok_status();
  });
  if (!status) return status.error();
  return found;
}

}  // namespace

Expected<std::string> task_log(const fs::path& run, const std::string& id) {
  if (!fs::exists(run / "run.json")) {
    return Error{run.string() + ": not a run folder (no run.json); fix: give a folder `flowbench run` wrote"};
  }
  const fs::path own = run / "logs" / ("task-" + id + ".log");
  if (fs::exists(run / kCombinedIndex)) {
    auto entry = find_entry(run / kCombinedIndex, id);
    if (!entry) return entry.error();
    if (*entry) {
      const fs::path combined = run / kCombinedLog;
      std::ifstream in(combined, std::ios::binary);
      std::error_code ec;
      const std::uint64_t size = fs::file_size(combined, ec);
      if (!in || ec || size < (*entry)->offset + (*entry)->bytes) {
        return Error{combined.string() + ": holds " + (ec ? std::string("nothing readable") : std::to_string(size) + " bytes") +
                     ", the index puts task " + id + "'s log at bytes " + std::to_string((*entry)->offset) + "-" +
                     std::to_string((*entry)->offset + (*entry)->bytes) + "; fix: the log was cut off: rerun the task"};
      }
      std::string text((*entry)->bytes, '\0');
      in.seekg(std::streamoff((*entry)->offset));
      in.read(text.data(), std::streamsize(text.size()));
      return text;
    }
  }
  if (fs::exists(own)) return read_file(own);  // per-task logs, or a task still running at a crash
  return Error{"no log for task " + id + " in " + run.string() +
               "; fix: give the id of a task that ran (see run.json's graph); skipped tasks have no log"};
}

}  // namespace flowbench
