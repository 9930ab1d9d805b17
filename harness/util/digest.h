// SHA-256 digests (OpenSSL's libcrypto), for content addressing.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "util/expected.h"

namespace flowbench {

// An incremental SHA-256. `field` frames a value with its tag and length, so that two
// different sequences of fields never produce the same byte stream (["-a","b"] is not
// ["-ab"]).
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(std::string_view bytes);
  void field(std::string_view tag, std::string_view value);
  // The digest as 64 lowercase hex characters. The hasher is finished afterwards.
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// SHA-256 of a file's bytes, read in chunks; the error names the file.
Expected<std::string> file_digest(const std::filesystem::path& path);

// SHA-256 of a string.
std::string text_digest(std::string_view text);

}  // namespace flowbench
