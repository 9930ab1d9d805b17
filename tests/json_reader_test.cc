#include "util/json_reader.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {
using nlohmann::json;

TEST(JsonReaderTest, AWrongTypeNamesFilePathWhatAndFix) {
  JsonReader reader("budgets.json", "compare it with fixtures/k1n/budgets.json");
  const json document = json::parse(R"({"targets": [{"name": 7}]})");
  const JsonAt target = reader.root(document)["targets"].elements(true).at(0);
  EXPECT_FALSE(target["name"].text().has_value());
  ASSERT_TRUE(reader.failed());
  EXPECT_EQ(reader.error().message,
            "budgets.json: /targets/0/name: must be a string, got 7; fix: compare it with fixtures/k1n/budgets.json");
}

TEST(JsonReaderTest, MissingRequiredAndOptionalFields) {
  JsonReader reader("p.json", "rerun");
  const json document = json::parse(R"({"a": null})");
  const JsonAt root = reader.root(document);
  EXPECT_EQ(root["b"].text_or("fallback"), "fallback");
  EXPECT_EQ(root["a"].number_or(2.5), 2.5) << "null is the same as missing for an optional field";
  EXPECT_FALSE(reader.failed());
  EXPECT_FALSE(root["b"].number().has_value());
  EXPECT_NE(reader.error().message.find("p.json: /b: missing (a number is needed here); fix: rerun"), std::string::npos)
      << reader.error().message;
}

TEST(JsonReaderTest, NumbersOutOfRangeAndWholeNumbersPastInt64AreRefused) {
  JsonReader reader("x.json", "fix it");
  const json document = json::parse(R"({"d": 1e308, "big": 9223372036854775808, "neg": -4, "half": 2.5, "ok": 12})");
  const JsonAt root = reader.root(document);
  EXPECT_FALSE(root["d"].number(0, 1e9).has_value());
  EXPECT_FALSE(root["big"].integer().has_value());
  EXPECT_FALSE(root["neg"].integer(0).has_value());
  EXPECT_FALSE(root["half"].integer().has_value());
  EXPECT_EQ(root["ok"].integer(0, 100), 12);
  const std::string message = reader.error().message;
  EXPECT_NE(message.find("x.json: /d: is 1e+308, must be between 0 and 1e+09"), std::string::npos) << message;
  EXPECT_NE(message.find("x.json: /big: is 9223372036854775808, must be"), std::string::npos) << message;
  EXPECT_NE(message.find("x.json: /neg: is -4, must be at least 0"), std::string::npos) << message;
  EXPECT_NE(message.find("x.json: /half: must be a whole number, got 2.5"), std::string::npos) << message;
}

TEST(JsonReaderTest, MembersUnderAValueThatIsNoObjectAreAProblemOnce) {
  JsonReader reader("run.json", "rerun");
  const json document = json::parse(R"({"context": [1, 2]})");
  const JsonAt root = reader.root(document);
  EXPECT_EQ(root["context"]["host"].text_or("here"), "here");
  EXPECT_EQ(root["context"]["mode"].text_or("x"), "x");
  EXPECT_EQ(reader.error().message, "run.json: /context: must be an object, got an array [1,2]; fix: rerun");
}

TEST(JsonReaderTest, PathsEscapeSlashAndTildeAsJsonPointers) {
  JsonReader reader("f.json", "fix");
  const json document = json::parse(R"({"a/b": {"c~d": true}})");
  EXPECT_FALSE(reader.root(document)["a/b"]["c~d"].text().has_value());
  EXPECT_NE(reader.error().message.find("f.json: /a~1b/c~0d: must be a string, got true"), std::string::npos);
}

TEST(JsonReaderTest, MalformedTextGivesLineAndColumnWithoutTheLibrarysPrefix) {
  JsonReader reader("spec.json", "correct the syntax");
  EXPECT_FALSE(reader.parse("{\n  \"a\": 1,\n  \"b\" 2\n}").has_value());
  const std::string message = reader.error().message;
  EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
  EXPECT_NE(message.find("spec.json: /: malformed JSON at line 3, column"), std::string::npos) << message;
  EXPECT_NE(message.find("; fix: correct the syntax"), std::string::npos) << message;
}

TEST(JsonReaderTest, CutOffAndEmptyTextSayWhatTheyAre) {
  JsonReader cut("records.jsonl:4", "delete that line");
  EXPECT_FALSE(cut.parse(R"({"task_id": 1, "dura)").has_value());
  EXPECT_NE(cut.error().message.find("records.jsonl:4: /: malformed JSON"), std::string::npos);
  EXPECT_NE(cut.error().message.find("the text ends early"), std::string::npos) << cut.error().message;
  JsonReader empty("e.json", "write it again");
  EXPECT_FALSE(empty.parse(" \n").has_value());
  EXPECT_EQ(empty.error().message, "e.json: /: the file is empty; fix: write it again");
}

TEST(JsonReaderTest, ListsAtMostTwentyProblemsAndCountsTheRest) {
  JsonReader reader("many.json", "fix");
  const json document = json::parse(R"([1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25])");
  for (const JsonAt& element : reader.root(document).elements(true)) (void)element.text();
  const std::string message = reader.error().message;
  EXPECT_NE(message.find("many.json: /19: must be a string"), std::string::npos);
  EXPECT_EQ(message.find("many.json: /20:"), std::string::npos);
  EXPECT_NE(message.find("(5 more problems in many.json not shown)"), std::string::npos) << message;
}

TEST(JsonReaderTest, TaskIdsAreNamesOrWholeNumbers) {
  JsonReader reader("g.json", "fix");
  const json document = json::parse(R"([8, "codegen", -1, "", 2.5])");
  const auto ids = reader.root(document).elements(true);
  EXPECT_EQ(ids[0].id(), "8");
  EXPECT_EQ(ids[1].id(), "codegen");
  EXPECT_FALSE(ids[2].id().has_value());
  EXPECT_FALSE(ids[3].id().has_value());
  EXPECT_FALSE(ids[4].id().has_value());
  EXPECT_NE(reader.error().message.find("g.json: /2: must be a task id"), std::string::npos);
}

}  // namespace
}  // namespace flowbench
