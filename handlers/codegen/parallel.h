// Runs body(index, worker) for every index in [0, count) on `jobs` threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace flowbench::codegen {

inline void parallel_for(int jobs, std::size_t count,
                         const std::function<void(std::size_t index, int worker)>& body) {
  if (jobs <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) body(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < jobs; ++w) {
    workers.emplace_back([&, w] {
      for (std::size_t i = next++; i < count; i = next++) body(i, w);
    });
  }
  for (auto& worker : workers) worker.join();
}

}  // namespace flowbench::codegen
