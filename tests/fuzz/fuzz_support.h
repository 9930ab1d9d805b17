// What every fuzz target shares: files a reader needs on disk, and the rule for its answer.
// A reader may accept an input or refuse it; a refusal must name the input and say what to
// do, and must not be a library's bare message. Anything else (a crash, an exception, a bad
// answer) aborts, which libFuzzer records as a finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.h"
#include "util/json_reader.h"

namespace flowbench::fuzz {

// This process's own folder, removed when the process ends normally: inside
// $FLOWBENCH_FUZZ_SCRATCH when set (run_fuzzer.sh gives one in /dev/shm: the files are
// rewritten for every input, and it removes the folder even after a crash), else in /tmp.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    const char* given = std::getenv("FLOWBENCH_FUZZ_SCRATCH");
    const std::filesystem::path base = given && *given ? std::filesystem::path(given)
                                                       : std::filesystem::temp_directory_path();
    auto made = base / ("flowbench-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(made);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return made;
  }();
  return dir;
}

inline std::filesystem::path write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
  return path;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void bad_answer(const std::string& why, const std::string& message) {
  std::fprintf(stderr, "flowbench fuzz: %s:\n%s\n", why.c_str(), message.c_str());
  std::abort();
}

// A refusal fit for a user: it names `source`, gives a fix, and holds no library message (the
// library's "[json.exception" prefix, unless the input itself holds those words: a message
// may quote what it read). An exception that escapes a reader aborts on its own.
inline void check_refusal(const Error& error, std::string_view source, std::string_view input) {
  const std::string& m = error.message;
  if (m.find(source) == std::string::npos) bad_answer("the error does not name " + std::string(source), m);
  if (m.find("fix") == std::string::npos) bad_answer("the error gives no fix", m);
  if (m.find("[json.exception") != std::string::npos && input.find("[json.exception") == std::string_view::npos) {
    bad_answer("the error holds a bare library message", m);
  }
}

template <typename T>
void check(const Expected<T>& answer, std::string_view source, std::string_view input) {
  if (!answer) check_refusal(answer.error(), source, input);
}

// The input as JSON, read as every reader reads it; when it is not JSON, the refusal is
// checked and the result is empty.
inline std::optional<nlohmann::json> parse(std::string_view input, const std::string& source) {
  JsonReader reader(source, "give the file as written");
  auto parsed = reader.parse(input);
  if (!parsed) check_refusal(reader.error(), source, input);
  return parsed;
}

// The input written to the scratch folder as `name`, read by `read(path)`, the answer checked.
template <typename Read>
void check_file(std::string_view input, const std::string& name, Read read) {
  const auto file = write_file(scratch() / name, input);
  check(read(file), file.string(), input);
}

// The input parsed as JSON and read by `read(json, source)`, the answer checked.
template <typename Read>
void check_json(std::string_view input, const std::string& source, Read read) {
  if (const auto parsed = parse(input, source)) check(read(*parsed, source), source, input);
}

// Two ways of reading one input give one answer: both accept it with the same result (as
// `text` shows it), or both refuse it with the same message.
template <typename T, typename Text>
void same_answer(const Expected<T>& one, const Expected<T>& other, Text text) {
  if (one.ok() != other.ok()) {
    bad_answer("one way accepts the input, the other refuses it",
               one.ok() ? other.error().message : one.error().message);
  }
  if (one.ok() && text(one.value()) != text(other.value())) {
    bad_answer("the two ways read different values", text(one.value()) + "\n" + text(other.value()));
  }
  if (!one.ok() && one.error().message != other.error().message) {
    bad_answer("the two ways refuse with different messages", one.error().message + "\n" + other.error().message);
  }
}

}  // namespace flowbench::fuzz
