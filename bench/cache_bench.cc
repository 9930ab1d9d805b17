// Google Benchmark: what the action cache costs per task.
//   BM_ActionKey/<files>: computing a key for a task with that many 4 KiB input files.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cache/action_cache.h"

namespace {
namespace fs = std::filesystem;

class InputTree {
 public:
  explicit InputTree(int files) {
    std::string name("flowbench-cache-bench-");
    name += std::to_string(std::random_device{}());
    root_ = fs::temp_directory_path() / name;
    std::string content(4096, 'x');
    for (int i = 0; i < files; ++i) {
      const fs::path folder = root_ / "in" / std::to_string(i % 10);
      fs::create_directories(folder);
      content[0] = static_cast<char>('a' + i % 26);
      std::string file("f");
      file += std::to_string(i);
      file += ".txt";
      std::ofstream(folder / file) << content;
    }
    std::ofstream(root_ / "tool.sh") << "#!/bin/sh\necho tool\n";
  }
  ~InputTree() { fs::remove_all(root_); }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

void BM_ActionKey(benchmark::State& state) {
  InputTree tree(static_cast<int>(state.range(0)));
  flowbench::ActionDescription action;
  action.argv = {"./tool.sh", "--all"};
  action.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", std::nullopt}};
  action.handler = tree.root() / "tool.sh";
  action.workspace = tree.root();
  action.inputs = {"in/**"};
  for (auto _ : state) {
    auto key = flowbench::action_key(action);
    if (!key) state.SkipWithError(key.error().message.c_str());
    benchmark::DoNotOptimize(key);
  }
  state.counters["files"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_ActionKey)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
