#include "cache/action_cache.h"

#include <cerrno>
#include <cstring>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "platform/posix.h"
#include "platform/atomic_file.h"
#include "util/digest.h"
#include "util/glob.h"
#include "util/json_reader.h"
#include "util/text.h"
#include "util/time_format.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(platform::process_id()) + "." + std::to_string(counter++) + "." +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

// Copies `from` to `to` (which must not exist) and returns the SHA-256 of what was copied.
Expected<std::string> copy_hashing(const fs::path& from, const fs::path& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return Error{"cannot read " + from.string()};
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  if (!out) return Error{"cannot create " + to.string()};
  Hasher hasher;
  char buffer[1 << 16];
  int write_error = 0;
  while (in && out) {
    in.read(buffer, sizeof buffer);
    const auto got = in.gcount();
    hasher.update(std::string_view(buffer, static_cast<std::size_t>(got)));
    out.write(buffer, got);
    if (!out) write_error = errno;
  }
  out.close();
  if (!out && !write_error) write_error = errno;
  if (in.bad()) return Error{"cannot read " + from.string()};
  if (!out) return Error{"cannot write " + to.string() + ": " + std::strerror(write_error ? write_error : EIO)};
  return hasher.hex_digest();
}

// True when `relative` names a place inside the workspace: relative, no "..", no root.
bool safe_relative(const std::string& relative) {
  if (relative.empty() || glob_problem(relative).size()) return false;
  const fs::path path(relative);
  return !path.has_root_path();
}

// Copies a verified blob into place through a temporary name, so a reader of the output
// never sees half of it.
Status place(const fs::path& blob, const fs::path& target, bool executable) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  const fs::path temp = temporary_sibling(target);
  fs::copy_file(blob, temp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Error{"cannot restore " + target.string() + ": " + ec.message()};
  if (executable) {
    fs::permissions(temp, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);
  }
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    return Error{"cannot restore " + target.string()};
  }
  return ok_status();
}

}  // namespace

std::map<std::string, std::optional<std::string>> relevant_environment(
    const std::map<std::string, std::string>& task_env, const std::vector<std::string>& extra_names,
    const std::vector<std::string>& effective) {
  std::map<std::string, std::string> values;
  for (const auto& entry : effective) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) values[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  std::map<std::string, std::optional<std::string>> relevant;
  auto take = [&](const std::string& name) {
    auto it = values.find(name);
    relevant[name] = it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  for (const auto& [name, value] : task_env) take(name);
  for (const auto& name : extra_names) take(name);
  take("PATH");
  take("LANG");
  for (const auto& [name, value] : values) {
    if (name.rfind("LC_", 0) == 0) take(name);
  }
  return relevant;
}

Expected<std::string> action_key(const ActionDescription& action) {
  Hasher hasher;
  hasher.field("format", kCacheFormat);
  hasher.field("argc", std::to_string(action.argv.size()));
  for (const auto& arg : action.argv) hasher.field("arg", arg);
  hasher.field("shell", action.shell ? "1" : "0");
  hasher.field("folder", action.folder);
  for (const auto& [name, value] : action.env) {
    hasher.field("env", name);
    hasher.field(value ? "set" : "unset", value.value_or(""));
  }
  auto handler = file_digest(action.handler);
  if (!handler) return Error{"cannot hash the handler: " + handler.error().message};
  hasher.field("handler-bytes", *handler);
  hasher.field("time-scale", exact_number(action.time_scale));
  auto inputs = expand_globs(action.workspace, action.inputs);
  if (!inputs) return inputs.error();
  hasher.field("inputs", std::to_string(inputs->size()));
  for (const auto& input : *inputs) {
    auto digest = file_digest(action.workspace / input);
    if (!digest) return Error{"cannot hash input " + input + ": " + digest.error().message};
    hasher.field("input", input);
    hasher.field("input-bytes", *digest);
  }
  return hasher.hex_digest();
}

ActionCache::ActionCache(fs::path dir, bool read_only) : dir_(std::move(dir)), read_only_(read_only) {}

fs::path ActionCache::entry_dir(const std::string& key) const {
  return dir_ / "entries" / key.substr(0, 2) / key;
}

void ActionCache::count(const std::string& event, const std::string& key) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  // Statistics are best effort: a read-only or full cache folder must not fail a run.
  (void)append_line(dir_ / "stats.jsonl",
                    json{{"event", event}, {"key", key}, {"time", iso8601(std::chrono::system_clock::now())}}.dump());
}

void remove_entry(const fs::path& cache_dir, const fs::path& entry) {
  std::error_code ec;
  fs::create_directories(cache_dir / "tmp", ec);
  const fs::path doomed = cache_dir / "tmp" / ("removing." + entry.filename().string() + "." + unique_suffix());
  fs::rename(entry, doomed, ec);
  if (!ec) fs::remove_all(doomed, ec);
}

std::variant<CacheHit, CacheMiss> ActionCache::restore(const std::string& key, const fs::path& workspace,
                                                       const fs::path& log) {
  const fs::path entry = entry_dir(key);
  std::error_code ec;
  if (!fs::is_directory(entry, ec)) return CacheMiss{};
  auto corrupt = [&](const std::string& why) -> std::variant<CacheHit, CacheMiss> {
    remove_entry(dir_, entry);
    return CacheMiss{"cache entry " + entry.string() + " " + why + "; deleted it, running the task"};
  };
  auto text = read_file(entry / "entry.json");
  if (!text) return corrupt("has no readable entry.json");
  // Read and verify everything before touching the workspace.
  JsonReader reader((entry / "entry.json").string(), "delete the entry (flowbench cache clear)");
  const auto document = reader.parse(*text);
  if (!document) return corrupt("has a truncated or malformed entry.json");
  const JsonAt manifest = reader.root(*document);
  if (manifest["format"].text_or("") != kCacheFormat || !manifest["outputs"].is_array() ||
      !manifest["log"].is_object() || !manifest.has("profile")) {
    return corrupt("has a truncated or malformed entry.json");
  }
  // The profile's duration is what a hit reports as the time it saved.
  if (!manifest["profile"]["duration_ms"].number(0, 1e12)) {
    return corrupt("has a malformed entry.json (" + reader.error().message + ")");
  }
  struct Placement {
    fs::path blob, target;
    bool executable;
  };
  std::vector<Placement> placements;
  auto verify = [&](const JsonAt& record) -> std::optional<std::string> {
    const auto digest = record["digest"].text();
    if (!digest || !safe_relative(*digest) || digest->find('/') != std::string::npos) {
      return "lists a blob without a valid digest";
    }
    auto actual = file_digest(entry / "blobs" / *digest);
    if (!actual) return "is missing blob " + *digest;
    if (*actual != *digest) return "has a corrupt blob " + *digest;
    return std::nullopt;
  };
  const fs::path root = fs::weakly_canonical(workspace, ec);
  for (const JsonAt& output : manifest["outputs"].elements()) {
    if (auto problem = verify(output)) return corrupt(*problem);
    const std::string path = output["path"].text_or("");
    if (!safe_relative(path)) return corrupt("names a path outside the workspace (\"" + path + "\")");
    const fs::path target = fs::weakly_canonical(workspace / path, ec);
    const auto rel = target.lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..") {
      return corrupt("would write outside the workspace through a link (\"" + path + "\")");
    }
    const bool executable = output["executable"].boolean_or(false);
    if (reader.failed()) return corrupt("has a malformed entry.json (" + reader.error().message + ")");
    placements.push_back({entry / "blobs" / *output["digest"].text(), workspace / path, executable});
  }
  if (auto problem = verify(manifest["log"])) return corrupt(*problem);
  for (const auto& p : placements) {
    if (auto placed = place(p.blob, p.target, p.executable); !placed) return CacheMiss{placed.error().message};
  }
  if (!log.empty()) {
    // A hit restores the task's log too; one that cannot is no hit.
    auto placed = place(entry / "blobs" / manifest["log"]["digest"].text_or(""), log, false);
    if (!placed) return CacheMiss{placed.error().message};
  }
  // Least recently used first: a hit refreshes the entry's time.
  fs::last_write_time(entry / "entry.json", fs::file_time_type::clock::now(), ec);
  return CacheHit{manifest["profile"].raw(), placements.size()};
}

Status ActionCache::store(const std::string& key, const std::string& task_id, const std::vector<std::string>& outputs,
                          const fs::path& workspace, const fs::path& log, const json& profile) {
  if (read_only_) return ok_status();
  auto stored = store_entry(key, task_id, outputs, workspace, log, profile);
  if (!stored && stored.error().message.rfind("cannot write", 0) == 0) {
    // Nothing was kept (the entry is staged in tmp/ and removed); the task's own outputs stand.
    const std::string& message = stored.error().message;
    return Error{"not cached: " + message.substr(0, message.find("; fix:")) + "; fix: free space there, trim the "
                 "cache (flowbench cache gc --max-size 500M), or give --cache a folder on another file system"};
  }
  return stored;
}

Status ActionCache::store_entry(const std::string& key, const std::string& task_id,
                                const std::vector<std::string>& outputs, const fs::path& workspace,
                                const fs::path& log, const json& profile) {
  auto files = expand_globs(workspace, outputs);
  if (!files) return files.error();
  for (const auto& pattern : outputs) {
    bool matched = false;
    for (const auto& file : *files) matched = matched || glob_match(pattern, file);
    if (!matched) {
      return Error{"task " + task_id + " declared output \"" + pattern +
                   "\" but produced no file matching it; not cached (fix the pattern or the task)"};
    }
  }
  std::error_code ec;
  const fs::path temp = dir_ / "tmp" / (key + "." + unique_suffix());
  fs::create_directories(temp / "blobs", ec);
  if (ec) return Error{"cannot create " + temp.string() + ": " + ec.message() + " (check --cache)"};
  auto cleanup = [&] { fs::remove_all(temp, ec); };
  json records = json::array();
  for (const auto& file : *files) {
    const fs::path source = workspace / file;
    const fs::path staged = temp / "blobs" / ".staged";
    auto digest = copy_hashing(source, staged);
    if (!digest) {
      cleanup();
      return digest.error();
    }
    fs::rename(staged, temp / "blobs" / *digest, ec);
    const auto perms = fs::status(source, ec).permissions();
    records.push_back({{"path", file},
                       {"digest", *digest},
                       {"size", fs::file_size(temp / "blobs" / *digest, ec)},
                       {"executable", (perms & fs::perms::owner_exec) != fs::perms::none}});
  }
  json log_record = {{"digest", text_digest("")}};
  if (fs::exists(log)) {
    auto digest = copy_hashing(log, temp / "blobs" / ".staged");
    if (!digest) {
      cleanup();
      return digest.error();
    }
    fs::rename(temp / "blobs" / ".staged", temp / "blobs" / *digest, ec);
    log_record = {{"digest", *digest}};
  } else {
    std::ofstream(temp / "blobs" / text_digest(""));
  }
  json manifest = {{"format", kCacheFormat},
                   {"key", key},
                   {"task_id", task_id},
                   {"created", iso8601(std::chrono::system_clock::now())},
                   {"outputs", records},
                   {"log", log_record},
                   {"profile", profile}};
  if (auto written = write_file_atomically(temp / "entry.json", manifest.dump(2) + "\n"); !written) {
    cleanup();
    return written;
  }
  const fs::path final_dir = entry_dir(key);
  fs::create_directories(final_dir.parent_path(), ec);
  // Renaming a whole folder is atomic. If another run stored the same key first, its
  // entry stands and ours is dropped: both hold the same outputs.
  fs::rename(temp, final_dir, ec);
  if (ec) cleanup();
  return ok_status();
}

}  // namespace flowbench
