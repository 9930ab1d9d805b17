#include "history/capture.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "build_info.h"
#include "model/spec_loader.h"
#include "platform/atomic_file.h"
#include "platform/posix.h"
#include "util/digest.h"
#include "util/text.h"

namespace flowbench::history {
namespace fs = std::filesystem;

Expected<std::string> run_git(const fs::path& repository, const std::vector<std::string>& args) {
  const fs::path program = find_program("git", fs::current_path(), {});
  if (program.empty()) return Error{"git is not on PATH"};
  static int calls = 0;
  const fs::path log = fs::temp_directory_path() /
                       ("flowbench-git-" + std::to_string(platform::process_id()) + "-" + std::to_string(++calls));
  std::vector<std::string> argv = {"git", "-C", repository.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto status = platform::run_and_wait(program, argv, log);
  auto output = read_file(log);
  std::error_code ec;
  fs::remove(log, ec);
  if (!status) return status.error();
  std::string text = output ? *output : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (*status != 0) return Error{"git " + join(args, " ") + " says: " + text};
  return text;
}

namespace {

Expected<std::string> git(const fs::path& repository, const std::vector<std::string>& args) {
  return run_git(repository, args);
}

std::string branch_from_ci() {
  const auto env = platform::environment_map();
  for (const char* name : {"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BRANCH_NAME"}) {
    auto found = env.find(name);
    if (found != env.end() && !found->second.empty()) return found->second;
  }
  return "";
}

}  // namespace

Expected<CommitInfo> commit_info(const fs::path& repository, const CommitOverrides& overrides) {
  CommitInfo info;
  info.hash = overrides.hash;
  const bool need_git = info.hash.empty() || !overrides.parents || overrides.branch.empty() || !overrides.time ||
                        !overrides.dirty;
  const std::string fix = "; fix: run inside the repository of the workflow, or give --commit HASH --branch NAME "
                          "(and --parents, --commit-time) as a CI job knows them";
  if (need_git) {
    const std::string rev = info.hash.empty() ? "HEAD" : info.hash;
    auto shown = git(repository, {"log", "-1", "--format=%H %ct %P", rev});
    if (!shown && info.hash.empty()) {
      return Error{"no commit to record for " + repository.string() + " (" + shown.error().message + ")" + fix};
    }
    if (shown) {
      auto parts = split_words(*shown);
      if (parts.size() < 2) return Error{"git log gave no commit for " + rev + " in " + repository.string() + fix};
      info.hash = parts[0];
      info.time = std::stoll(parts[1]);
      info.parents.assign(parts.begin() + 2, parts.end());
    }
  }
  if (overrides.parents) info.parents = *overrides.parents;
  if (overrides.time) info.time = *overrides.time;
  if (info.time == 0) {
    info.time = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count();
  }
  info.branch = overrides.branch;
  if (info.branch.empty()) {
    auto branch = git(repository, {"rev-parse", "--abbrev-ref", "HEAD"});
    if (branch && *branch != "HEAD") info.branch = *branch;
    if (info.branch.empty()) info.branch = branch_from_ci();
    if (info.branch.empty()) return Error{"no branch for commit " + info.hash + " (a detached HEAD)" + fix};
  }
  if (overrides.dirty) {
    info.dirty = *overrides.dirty;
  } else {
    auto status = git(repository, {"status", "--porcelain", "--untracked-files=no"});
    info.dirty = status && !status->empty();
  }
  return info;
}

fs::path repository_of(const Measurements& data, const fs::path& fallback) {
  if (data.spec.empty()) return fallback;
  const fs::path folder = data.spec.parent_path();
  return folder.empty() ? fallback : folder;
}

Fingerprint fingerprint_of(const Measurements& data) {
  const platform::HostInfo host = platform::host_info();
  std::map<std::string, std::string> own = {
      {"cpu_model", host.cpu_model},       {"cpus", std::to_string(host.cpus)},
      {"memory_mib", std::to_string(host.memory_mib)}, {"kernel", host.kernel},
      {"compiler", kCompiler},         {"build_type", kBuildType},
      {"flowbench_version", kVersion}, {"executor", "local"},
  };
  Fingerprint f;
  for (const auto& [name, value] : own) {
    auto fact = data.facts.find(name);
    f.fields[name] = fact != data.facts.end() ? fact->second : value;
  }
  // Memory in whole GiB: two machines of one class differ by a few MiB the firmware keeps.
  const long mib = std::atol(f.fields["memory_mib"].c_str());
  f.fields.erase("memory_mib");
  f.fields["memory_gib"] = std::to_string((mib + 512) / 1024);
  char scale[32];
  std::snprintf(scale, sizeof scale, "%g", data.time_scale);
  f.fields["time_scale"] = scale;
  auto workflow = data.facts.find("workflow");
  f.fields["workflow"] = workflow != data.facts.end() ? workflow->second : "";
  // A cluster's runs: the kinds of node the tasks ran on (absent for a local run).
  if (auto kinds = data.facts.find("node_kinds"); kinds != data.facts.end()) f.fields["node_kinds"] = kinds->second;
  return f;
}

Result result_of(const Measurements& data, const CommitInfo& commit, const std::map<std::string, std::string>& tags) {
  Result r;
  r.commit = commit;
  r.fingerprint = fingerprint_of(data);
  r.source = data.source;
  r.tags = tags;
  r.recorded_at =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!data.spec.empty()) {
    if (auto digest = file_digest(data.spec)) r.spec_sha256 = *digest;
  }
  r.samples = data.samples;
  for (const auto& [name, values] : data.benchmarks) r.samples[{kBenchmarkVariant, name}] = values;
  return r;
}

Expected<std::string> merge_base(const fs::path& repository, const std::string& a, const std::string& b) {
  auto base = git(repository, {"merge-base", a, b});
  if (!base) return Error{"no merge-base of " + a + " and " + b + " in " + repository.string() + ": " + base.error().message};
  return *base;
}

}  // namespace flowbench::history
