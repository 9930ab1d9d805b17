#include "slurm/sbatch.h"

#include <gtest/gtest.h>

namespace flowbench::slurm {
namespace {

using Args = std::vector<std::string>;

TEST(SbatchTest, ArgumentsCarryResourcesDependenciesAndClusterOptions) {
  ClusterOptions cluster{"batch", "proj42", "high", {"--exclusive", "--constraint=avx2"}};
  JobRequest job;
  job.name = "flowbench-r-8";
  job.script = "/shared/r/jobs/task-8.sh";
  job.output = "/shared/r/jobs/task-8.out";
  job.workdir = "/shared/ws";
  job.cpus = 4;
  job.mem_mb = 8192;
  job.timeout_s = 1800;
  job.after_jobs = {"11", "12"};
  EXPECT_EQ(sbatch_arguments(cluster, job),
            (Args{"--parsable", "--job-name=flowbench-r-8", "--output=/shared/r/jobs/task-8.out",
                  "--chdir=/shared/ws", "--export=ALL", "--no-requeue", "--partition=batch", "--account=proj42", "--qos=high",
                  "--cpus-per-task=4", "--mem=8192", "--time=0-00:31:00", "--dependency=afterok:11:12",
                  "--kill-on-invalid-dep=yes", "--exclusive", "--constraint=avx2", "/shared/r/jobs/task-8.sh"}));
}

TEST(SbatchTest, ArgumentsLeaveOutWhatIsNotGiven) {
  const JobRequest job{"n", "s.sh", "o", "/w", std::nullopt, std::nullopt, std::nullopt, {}};
  EXPECT_EQ(sbatch_arguments({}, job),
            (Args{"--parsable", "--job-name=n", "--output=o", "--chdir=/w", "--export=ALL", "--no-requeue", "s.sh"}));
}

TEST(SbatchTest, TimeLimitRoundsUpToWholeMinutesWithGrace) {
  EXPECT_EQ(time_limit(1, 0), "0-00:01:00");
  EXPECT_EQ(time_limit(60, 0), "0-00:01:00");
  EXPECT_EQ(time_limit(61, 0), "0-00:02:00");
  EXPECT_EQ(time_limit(1800, 60), "0-00:31:00");
  EXPECT_EQ(time_limit(2 * 86400 + 3600, 0), "2-01:00:00");
}

TEST(SbatchTest, JobIdIsReadFromParsableOutput) {
  for (auto [output, id] : {std::pair{"123\n", "123"}, std::pair{"4567;cluster-a", "4567"},
                            std::pair{"sbatch: warning: can't honor --ntasks-per-node\n89", "89"}}) {
    auto parsed = parse_job_id(output);
    ASSERT_TRUE(parsed) << output;
    EXPECT_EQ(*parsed, id);
  }
  auto none = parse_job_id("sbatch: error: Batch job submission failed: Invalid account");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("Invalid account"), std::string::npos);
}

TEST(SbatchTest, SqueueLinesAreReadWithAnEmptyLastField) {
  const auto jobs = parse_squeue(
      "12|RUNNING|None|2026-11-24T08:00:00|2026-11-24T08:00:01|N/A|vm\n"
      "13|PENDING|Dependency|2026-11-24T08:00:00|N/A|N/A|\n"
      "garbage line\n");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs.at("12").state, "RUNNING");
  EXPECT_EQ(jobs.at("12").node, "vm");
  EXPECT_EQ(jobs.at("13").state, "PENDING");
  EXPECT_EQ(jobs.at("13").reason, "Dependency");
  EXPECT_EQ(jobs.at("13").node, "");
}

TEST(SbatchTest, FinalStatesAreTheOnesAJobNeverLeaves) {
  for (const char* state : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY"}) {
    EXPECT_TRUE(is_final_state(state)) << state;
  }
  for (const char* state : {"PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED", ""}) {
    EXPECT_FALSE(is_final_state(state)) << state;
  }
}

TEST(SbatchTest, ShellQuotingSurvivesQuotes) {
  EXPECT_EQ(shell_quote("/a b/c"), "'/a b/c'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace flowbench::slurm
