// Profiles read from JSON text, quickly: a run of 100,000 tasks has 100,000 of them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "record/profile.h"
#include "util/expected.h"

namespace flowbench {

// Reads profiles one text at a time, reusing its buffers. A well-formed profile is read by
// simdjson straight into a Profile; anything else (malformed text, a wrong type, a value out
// of range, a duplicate key read the slow way) goes through profile_from_json, so the answer,
// and every message, is the checked reader's.
class ProfileParser {
 public:
  // `checked_only`: every text through profile_from_json (tests compare the two ways).
  explicit ProfileParser(bool checked_only = false);
  ~ProfileParser();
  ProfileParser(const ProfileParser&) = delete;
  ProfileParser& operator=(const ProfileParser&) = delete;

  // `text` must stay readable kJsonLinePadding (64) bytes past its end (for_each_json_line's
  // lines do; `padded = false` copies it first). Errors name `file`, and `line` when not 0;
  // `parse_fix` is the fix for text that is not JSON at all.
  Expected<Profile> parse(std::string_view text, const std::string& file, std::size_t line,
                          const std::string& parse_fix, bool padded = true);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool checked_only_;
};

}  // namespace flowbench
