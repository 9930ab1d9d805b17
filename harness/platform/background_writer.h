// File writes done on a thread of their own, in order, so that slow file creation
// (seconds per thousand files on some disks) overlaps with running tasks.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "util/expected.h"

namespace flowbench {

class BackgroundWriter {
 public:
  BackgroundWriter();
  // Finishes every queued write first.
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  // Queues write_file_atomically(path, content).
  void write_atomically(std::filesystem::path path, std::string content);
  // Queues append_line(path, line).
  void append_line(std::filesystem::path path, std::string line);
  // Queues any other file work; its error counts as a write error.
  void run_later(std::function<Status()> job);

  // Blocks until every write queued so far is on disk (in the page cache), and returns
  // the first write error seen since the writer started, if any.
  std::optional<Error> flush();

  // The first write error seen so far, without waiting for the queue.
  std::optional<Error> first_error();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable queued_, drained_;
  std::deque<std::function<Status()>> queue_;
  bool busy_ = false;
  bool closing_ = false;
  std::optional<Error> error_;
  std::thread thread_;
};

}  // namespace flowbench
