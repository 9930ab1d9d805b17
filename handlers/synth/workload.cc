#include "workload.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>

namespace flowbench::synth {
using Clock = std::chrono::steady_clock;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Spins until this thread has used `seconds` of CPU time.
void burn_cpu(double seconds) {
  const double until = thread_cpu_seconds() + seconds;
  volatile std::uint64_t sink = 0x9E3779B97F4A7C15ull;
  while (thread_cpu_seconds() < until) {
    std::uint64_t x = sink;
    for (int i = 0; i < 4096; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
    }
    sink = x;
  }
}

// Touches every page so the memory really counts in the peak RSS.
std::vector<char> hold_memory(double mb) {
  std::vector<char> block(static_cast<std::size_t>(mb * 1024 * 1024));
  for (std::size_t i = 0; i < block.size(); i += 4096) block[i] = static_cast<char>(i);
  return block;
}

bool write_and_sync(const std::filesystem::path& dir, double mb, std::string& error) {
  const auto file = dir / ("synth-io-" + std::to_string(::getpid()) + ".tmp");
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot create " + file.string() + ": " + std::strerror(errno) + " (set --io-dir)";
    return false;
  }
  std::vector<char> chunk(1 << 20, 'x');
  auto remaining = static_cast<std::size_t>(mb * (1 << 20));
  bool ok = true;
  while (remaining > 0 && ok) {
    const std::size_t n = std::min(remaining, chunk.size());
    ok = ::write(fd, chunk.data(), n) == static_cast<ssize_t>(n);
    remaining -= n;
  }
  ok = ok && ::fsync(fd) == 0;
  if (!ok) error = "cannot write " + file.string() + ": " + std::strerror(errno);
  ::close(fd);
  ::unlink(file.c_str());
  return ok;
}

}  // namespace

std::optional<std::vector<Phase>> parse_phases(const std::string& text, std::string& error) {
  std::vector<Phase> phases;
  double total = 0;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    char* end = nullptr;
    const double fraction = eq == std::string::npos ? 0 : std::strtod(item.c_str() + eq + 1, &end);
    if (eq == 0 || eq == std::string::npos || !end || *end != '\0' || !(fraction > 0)) {
      error = "--ops: \"" + item + "\" is not NAME=FRACTION with a positive fraction (e.g. parse=0.2)";
      return std::nullopt;
    }
    const std::string name = item.substr(0, eq);
    if (name.find_first_of(" \t[]") != std::string::npos) {
      error = "--ops: the name \"" + name + "\" must not contain spaces or brackets";
      return std::nullopt;
    }
    phases.push_back({name, fraction});
    total += fraction;
  }
  if (total > 1.0 + 1e-9) {
    error = "--ops: the fractions add up to " + std::to_string(total) + "; they must add up to at most 1";
    return std::nullopt;
  }
  if (total < 1.0 - 1e-9) phases.push_back({"", 1.0 - total});
  return phases;
}

std::string check(const Workload& w) {
  if (!(w.duration_s >= 0)) return "--duration-s must be zero or more";
  if (!(w.cpu_fraction >= 0 && w.cpu_fraction <= 1)) return "--cpu-fraction must be between 0 and 1";
  if (!(w.io_mb >= 0) || !(w.mem_mb >= 0)) return "--io-mb and --mem-mb must be zero or more";
  if (!(w.time_scale > 0)) return "--time-scale (or FLOWBENCH_TIME_SCALE) must be positive";
  if (!(w.slowdown > 0)) return "--slowdown must be positive";
  if (w.exit_code < 0 || w.exit_code > 255) return "--exit-code must be between 0 and 255";
  return {};
}

int run(const Workload& w, std::ostream& out) {
  const Clock::time_point start = Clock::now();
  const double total_s = w.duration_s * w.time_scale * w.slowdown;
  std::vector<char> memory = hold_memory(w.mem_mb);
  if (w.io_mb > 0) {
    std::string error;
    if (!write_and_sync(w.io_dir, w.io_mb, error)) {
      out << "synth: " << error << std::endl;
      return 74;  // EX_IOERR
    }
  }
  double elapsed_fraction = 0;
  for (const Phase& phase : w.phases) {
    const Clock::time_point phase_start = Clock::now();
    elapsed_fraction += phase.fraction;
    burn_cpu(total_s * phase.fraction * w.cpu_fraction);
    // Wait out the rest of the phase (the model of a task waiting on a service).
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(total_s * elapsed_fraction)));
    if (!phase.name.empty()) {
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - phase_start).count();
      char line[256];
      std::snprintf(line, sizeof line, "%s [%.0fms]", phase.name.c_str(), std::round(ms));
      out << line << std::endl;
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  out << "synth: done in " << std::lround(ms) << " ms (modelled " << w.duration_s << " s, exit "
      << w.exit_code << ")" << std::endl;
  if (!memory.empty()) memory[0] = 1;  // keep the block alive to the end
  return w.exit_code;
}

}  // namespace flowbench::synth
