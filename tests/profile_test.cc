#include "record/profile.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {

Profile sample() {
  Profile p;
  p.task_id = 8;
  p.id = "8";
  p.name = "codegen";
  p.status = TaskStatus::kOk;
  p.start_time = SystemTime(std::chrono::milliseconds(1'700'000'000'123));
  p.end_time = SystemTime(std::chrono::milliseconds(1'700'000'000'623));
  p.duration_ms = 500.25;
  p.exit_code = 0;
  p.cpu_user_ms = 120;
  p.max_rss_kb = 4096;
  p.ops = {{"parse", 100}, {"write", 20}};
  p.log_file = "logs/task-8.log";
  p.slot = 1;
  p.time_scale = 0.001;
  p.quality_passed = 401;
  p.quality_failed = 1;
  return p;
}

TEST(ProfileTest, KeepsThePlansFieldsFirstAndTyped) {
  const auto json = to_json(sample());
  auto it = json.begin();
  for (const char* key : {"task_id", "start_time", "end_time", "duration_ms", "duration_sec", "exit_code", "log_file"}) {
    ASSERT_NE(it, json.end());
    EXPECT_EQ(it.key(), key);
    ++it;
  }
  EXPECT_EQ(json["task_id"], 8);
  EXPECT_EQ(json["duration_ms"], 500.25);
  EXPECT_DOUBLE_EQ(json["duration_sec"].get<double>(), 0.5);
  EXPECT_EQ(json["status"], "ok");
  EXPECT_EQ(json["ops"][0]["name"], "parse");
  const std::string start = json["start_time"];
  // 2023-11-14T22:13:20.123+00:00 in UTC; the offset depends on the zone.
  EXPECT_EQ(start.size(), std::string("2023-11-14T22:13:20.123+00:00").size());
  EXPECT_EQ(start.substr(19, 4), ".123");
}

TEST(ProfileTest, RoundTrips) {
  const auto json = nlohmann::json::parse(to_json(sample()).dump());
  auto back = profile_from_json(json, "p.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->id, "8");
  EXPECT_EQ(back->status, TaskStatus::kOk);
  EXPECT_EQ(back->duration_ms, 500.25);
  EXPECT_EQ(back->ops.size(), 2u);
  EXPECT_EQ(back->time_scale, 0.001);
  EXPECT_EQ(back->start_time, sample().start_time) << "times survive the round trip to the millisecond";
  EXPECT_EQ(back->end_time, sample().end_time);
  EXPECT_EQ(back->quality_passed, 401);
  EXPECT_EQ(back->quality_failed, 1);
}

TEST(ProfileTest, TruncatedProfileIsRejectedNamingFileAndField) {
  auto back = profile_from_json(nlohmann::json{{"task_id", 3}}, "runs/x/profiles/task-3-profile.json");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("runs/x/profiles/task-3-profile.json: /duration_ms"), std::string::npos)
      << back.error().message;
  EXPECT_NE(back.error().message.find("fix:"), std::string::npos);
}

TEST(ProfileTest, ParsesIsoTimesWithOffsets) {
  const auto utc = parse_iso8601("2023-11-14T22:13:20.123+00:00");
  ASSERT_TRUE(utc.has_value());
  EXPECT_EQ(*utc, SystemTime(std::chrono::milliseconds(1'700'000'000'123)));
  EXPECT_EQ(parse_iso8601("2023-11-15T00:13:20.123+02:00"), utc);
  EXPECT_EQ(parse_iso8601("2023-11-14T22:13:20.123Z"), utc);
  EXPECT_FALSE(parse_iso8601("yesterday").has_value());
  EXPECT_FALSE(parse_iso8601("2023-11-14T22:13:20").has_value()) << "no zone: ambiguous";
  EXPECT_FALSE(parse_iso8601("4419-01-01T00:00:00Z").has_value()) << "past what the clock holds";
  EXPECT_FALSE(parse_iso8601("-999-01-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_iso8601("2023-13-14T22:13:20Z").has_value()) << "month 13";
  EXPECT_FALSE(parse_iso8601("2023-11-14T22:13:20+99:00").has_value()) << "an offset of 99 hours";
}

TEST(ProfileTest, UnknownStatusIsRejected) {
  auto json = nlohmann::json::parse(to_json(sample()).dump());
  json["status"] = "weird";
  EXPECT_FALSE(profile_from_json(json, "p.json").ok());
}

TEST(ProfileTest, StatusNamesRoundTrip) {
  for (auto s : {TaskStatus::kOk, TaskStatus::kFailed, TaskStatus::kTimeout, TaskStatus::kSkipped,
                 TaskStatus::kCached, TaskStatus::kInterrupted}) {
    EXPECT_EQ(parse_status(status_name(s)), s);
  }
}

}  // namespace
}  // namespace flowbench
