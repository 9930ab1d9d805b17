#include "platform/background_writer.h"

#include "platform/atomic_file.h"

namespace flowbench {

BackgroundWriter::BackgroundWriter() : thread_([this] { run(); }) {}

BackgroundWriter::~BackgroundWriter() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  queued_.notify_one();
  thread_.join();
}

void BackgroundWriter::write_atomically(std::filesystem::path path, std::string content) {
  run_later([path = std::move(path), content = std::move(content)] { return write_file_atomically(path, content); });
}

void BackgroundWriter::append_line(std::filesystem::path path, std::string line) {
  run_later([path = std::move(path), line = std::move(line)] { return flowbench::append_line(path, line); });
}

void BackgroundWriter::run_later(std::function<Status()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  queued_.notify_one();
}

std::optional<Error> BackgroundWriter::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
  return error_;
}

std::optional<Error> BackgroundWriter::first_error() {
  std::lock_guard lock(mutex_);
  return error_;
}

void BackgroundWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) break;  // closing, and everything is written
    std::function<Status()> job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status status = job();
    lock.lock();
    busy_ = false;
    if (!status && !error_) error_ = status.error();
    if (queue_.empty()) drained_.notify_all();
  }
  drained_.notify_all();
}

}  // namespace flowbench
