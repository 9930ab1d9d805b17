#include "slurm/sbatch.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace flowbench::slurm {

std::string time_limit(double timeout_s, double grace_s) {
  const long minutes = std::max(1L, static_cast<long>(std::ceil((timeout_s + grace_s) / 60.0)));
  char text[48];
  std::snprintf(text, sizeof text, "%ld-%02ld:%02ld:00", minutes / 1440, minutes / 60 % 24, minutes % 60);
  return text;
}

std::vector<std::string> sbatch_arguments(const ClusterOptions& cluster, const JobRequest& job) {
  // --no-requeue: a job whose node fails ends as NODE_FAIL (recorded as failed, its dependents
  // cancelled) instead of going back to the queue, where it would wait for the node to return
  // and then run its task a second time.
  std::vector<std::string> args{"--parsable", "--job-name=" + job.name, "--output=" + job.output,
                                "--chdir=" + job.workdir, "--export=ALL", "--no-requeue"};
  auto add = [&](const char* flag, const std::string& value) {
    std::string arg = flag;
    arg += value;
    args.push_back(std::move(arg));
  };
  if (!cluster.partition.empty()) add("--partition=", cluster.partition);
  if (!cluster.account.empty()) add("--account=", cluster.account);
  if (!cluster.qos.empty()) add("--qos=", cluster.qos);
  if (job.cpus) add("--cpus-per-task=", std::to_string(*job.cpus));
  if (job.mem_mb) add("--mem=", std::to_string(*job.mem_mb));
  if (job.timeout_s) add("--time=", time_limit(*job.timeout_s, 60));
  if (!job.after_jobs.empty()) {
    std::string ids;
    for (const auto& id : job.after_jobs) ids += ":" + id;
    add("--dependency=afterok", ids);
    args.push_back("--kill-on-invalid-dep=yes");
  }
  args.insert(args.end(), cluster.sbatch_args.begin(), cluster.sbatch_args.end());
  args.push_back(job.script);
  return args;
}

Expected<std::string> parse_job_id(const std::string& output) {
  std::istringstream lines(output);
  std::string line, id;
  while (std::getline(lines, line)) {
    const std::string first = line.substr(0, line.find(';'));
    if (!first.empty() && first.find_first_not_of("0123456789") == std::string::npos) id = first;
  }
  if (id.empty()) return Error{"sbatch printed no job id: " + output};
  return id;
}

std::map<std::string, JobState> parse_squeue(const std::string& output) {
  std::map<std::string, JobState> jobs;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream parts(line);
    std::string field;
    while (std::getline(parts, field, '|')) fields.push_back(field);
    if (!line.empty() && line.back() == '|') fields.emplace_back();  // an empty last field (no node yet)
    if (fields.size() < 7 || fields[0].empty()) continue;
    jobs[fields[0]] = {fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]};
  }
  return jobs;
}

bool is_final_state(const std::string& state) {
  static const std::set<std::string> kFinal = {
      "BOOT_FAIL", "CANCELLED", "COMPLETED", "DEADLINE", "FAILED",   "NODE_FAIL",
      "OUT_OF_MEMORY", "PREEMPTED", "REVOKED", "SPECIAL_EXIT", "TIMEOUT"};
  return kFinal.count(state) > 0;
}

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace flowbench::slurm
