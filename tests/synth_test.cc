#include "workload.h"

#include <gtest/gtest.h>

#include <sstream>

#include "record/ops.h"

namespace flowbench {
namespace {

TEST(SynthTest, PhasesGetTheUnnamedRemainder) {
  std::string error;
  auto phases = synth::parse_phases("parse=0.2,render=0.5", error);
  ASSERT_TRUE(phases.has_value()) << error;
  ASSERT_EQ(phases->size(), 3u);
  EXPECT_EQ((*phases)[2].name, "");
  EXPECT_NEAR((*phases)[2].fraction, 0.3, 1e-12);
}

TEST(SynthTest, RejectsFractionsOverOneAndMalformedItems) {
  std::string error;
  EXPECT_FALSE(synth::parse_phases("a=0.7,b=0.4", error).has_value());
  EXPECT_NE(error.find("at most 1"), std::string::npos);
  EXPECT_FALSE(synth::parse_phases("a", error).has_value());
  EXPECT_FALSE(synth::parse_phases("a=-1", error).has_value());
  EXPECT_FALSE(synth::parse_phases("a b=0.1", error).has_value());
}

TEST(SynthTest, ChecksItsNumbers) {
  synth::Workload w;
  EXPECT_EQ(synth::check(w), "");
  w.cpu_fraction = 1.5;
  EXPECT_NE(synth::check(w), "");
  w.cpu_fraction = 0.5;
  w.time_scale = 0;
  EXPECT_NE(synth::check(w), "");
}

TEST(SynthTest, PrintsOneOpLinePerNamedPhaseAndReturnsItsExitCode) {
  synth::Workload w;
  w.duration_s = 20;
  w.time_scale = 0.001;  // 20 ms in all
  w.cpu_fraction = 0.5;
  w.exit_code = 3;
  std::string error;
  w.phases = *synth::parse_phases("parse=0.5,write=0.25", error);
  std::ostringstream out;
  EXPECT_EQ(synth::run(w, out), 3);
  std::istringstream lines(out.str());
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    if (auto op = parse_op_line(line)) names.push_back(op->name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"parse", "write"}));
}

}  // namespace
}  // namespace flowbench
