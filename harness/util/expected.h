// A value or a user-facing error message, for library functions that can fail on input.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <variant>

namespace flowbench {

// A failure fit to show a user: what was wrong, where, and what to do.
struct Error {
  std::string message;
};

// Holds either a T or an Error (a small stand-in for C++23 std::expected).
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}
  Expected(Error error) : state_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // Precondition: ok(). Aborts with the error otherwise (a programming error).
  T& value() & { check(); return std::get<T>(state_); }
  const T& value() const& { check(); return std::get<T>(state_); }
  T&& value() && { check(); return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  // Precondition: !ok().
  const Error& error() const { return std::get<Error>(state_); }

 private:
  void check() const {
    if (!ok()) {
      std::cerr << "flowbench: internal error: value() on a failed result: "
                << std::get<Error>(state_).message << "\n";
      std::abort();
    }
  }
  std::variant<T, Error> state_;
};

// The result of an operation that returns nothing on success.
struct Done {};
using Status = Expected<Done>;

inline Status ok_status() { return Done{}; }

}  // namespace flowbench
