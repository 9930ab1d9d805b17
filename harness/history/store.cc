#include "history/store.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "history/postgres_store.h"
#include "history/sqlite_store.h"

namespace flowbench::history {

bool is_server_location(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Expected<Store> Store::open(const std::string& location, Access access, int busy_ms, int up_to_version) {
  if (is_server_location(location)) {
    auto server = PostgresStore::open(location, access, busy_ms, up_to_version);
    if (!server) return server.error();
    return Store(std::move(*server), without_password(location));
  }
  auto file = SqliteStore::open(location, access, busy_ms, up_to_version);
  if (!file) return file.error();
  return Store(std::move(*file), location);
}

std::optional<Fingerprint> fingerprint_from_fields(const std::string& text) {
  const auto fields = nlohmann::json::parse(text, nullptr, false);
  if (!fields.is_object()) return std::nullopt;
  Fingerprint fingerprint;
  for (const auto& [name, value] : fields.items()) {
    if (value.is_string()) fingerprint.fields[name] = value.get<std::string>();
  }
  return fingerprint;
}

std::vector<std::int64_t> results_to_prune(const std::vector<PruneRow>& rows, std::size_t keep, const std::string& branch) {
  // Per (fingerprint, branch): its commits, oldest first (commit time, then the commit's id).
  std::map<std::pair<std::int64_t, std::string>, std::map<std::pair<std::int64_t, std::int64_t>, std::set<std::int64_t>>> groups;
  for (const auto& row : rows) {
    if (!branch.empty() && row.branch != branch) continue;
    groups[{row.fingerprint_id, row.branch}][{row.commit_time, row.commit_id}].insert(row.result_id);
  }
  std::vector<std::int64_t> doomed;
  for (const auto& [group, commits] : groups) {
    std::size_t rank = commits.size();
    for (const auto& [commit, results] : commits) {
      if (rank-- > keep) doomed.insert(doomed.end(), results.begin(), results.end());
    }
  }
  return doomed;
}

}  // namespace flowbench::history
