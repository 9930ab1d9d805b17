// The library's layers (harness/LAYERS) only ever include downwards.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;

// Layer name -> position, from harness/LAYERS (comments and blank lines skipped).
std::map<std::string, std::size_t> read_layers() {
  std::ifstream in(testing::source_path("harness/LAYERS"));
  std::map<std::string, std::size_t> layers;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    layers.emplace(line, layers.size());
  }
  return layers;
}

TEST(LayeringTest, EveryFolderOfTheLibraryIsALayer) {
  const auto layers = read_layers();
  ASSERT_GE(layers.size(), 10u);
  for (const auto& entry : fs::directory_iterator(testing::source_path("harness"))) {
    if (!entry.is_directory()) continue;
    EXPECT_TRUE(layers.count(entry.path().filename().string()))
        << entry.path().filename() << " is not in harness/LAYERS: add it where it belongs";
  }
}

TEST(LayeringTest, NoFileIncludesALayerAboveItsOwn) {
  const auto layers = read_layers();
  const std::regex include(R"re(^\s*#\s*include\s*"([a-z_]+)/[^"]+")re");
  std::vector<std::string> upward;
  std::size_t files = 0, includes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("harness"))) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
    const std::string layer = fs::relative(entry.path(), testing::source_path("harness")).begin()->string();
    auto own = layers.find(layer);
    ASSERT_NE(own, layers.end()) << entry.path();
    ++files;
    std::ifstream in(entry.path());
    std::size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      std::smatch match;
      if (!std::regex_search(line, match, include)) continue;
      auto to = layers.find(match[1].str());
      if (to == layers.end()) continue;  // not a layer of the library (e.g. generated/)
      ++includes;
      if (to->second > own->second) {
        upward.push_back(entry.path().string() + ":" + std::to_string(line_number) + ": " + layer + " includes " +
                         to->first);
      }
    }
  }
  EXPECT_GT(files, 50u);
  EXPECT_GT(includes, 100u);
  std::ostringstream list;
  for (const auto& u : upward) list << "\n  " << u;
  EXPECT_TRUE(upward.empty()) << "includes of a layer above the file's own (harness/LAYERS):" << list.str();
}

}  // namespace
}  // namespace flowbench
