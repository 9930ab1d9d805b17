// A value kept on the heap, or none: std::optional's interface at the size of a pointer. For a
// large value that many holders fill late or never (a run's task records and their profiles:
// 100,000 records are built from the graph before any profile is read).
#pragma once

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

namespace flowbench {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}
  Boxed(T value) : value_(std::make_unique<T>(std::move(value))) {}
  Boxed(const Boxed& other) : value_(other ? std::make_unique<T>(*other) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) value_ = other ? std::make_unique<T>(*other) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  Boxed& operator=(T value) {
    value_ = std::make_unique<T>(std::move(value));
    return *this;
  }
  Boxed& operator=(std::nullopt_t) {
    value_.reset();
    return *this;
  }

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  void reset() { value_.reset(); }

  // Precondition: has_value() (aborts otherwise, like Expected::value()).
  T& operator*() { return checked(); }
  const T& operator*() const { return checked(); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &checked(); }
  T& value() { return checked(); }
  const T& value() const { return checked(); }

 private:
  T& checked() const {
    if (!value_) {
      std::cerr << "flowbench: internal error: an empty Boxed value was read\n";
      std::abort();
    }
    return *value_;
  }
  std::unique_ptr<T> value_;
};

}  // namespace flowbench
