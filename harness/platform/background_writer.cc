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
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({false, std::move(path), std::move(content)});
  }
  queued_.notify_one();
}

void BackgroundWriter::append_line(std::filesystem::path path, std::string line) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({true, std::move(path), std::move(line)});
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
    Write write = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status status = write.append ? flowbench::append_line(write.path, write.content)
                                 : write_file_atomically(write.path, write.content);
    lock.lock();
    busy_ = false;
    if (!status && !error_) error_ = status.error();
    if (queue_.empty()) drained_.notify_all();
  }
  drained_.notify_all();
}

}  // namespace flowbench
