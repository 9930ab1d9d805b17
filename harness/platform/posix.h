// Everything that talks to the operating system directly: process spawning, reaping with
// rusage, process groups, host facts. Nothing else in flowbench includes <unistd.h>.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench::platform {

int process_id();

// True when the stream (1 = stdout, 2 = stderr) is a terminal.
bool is_terminal(int fd);

// Width of the terminal on `fd`, or 0 when unknown.
int terminal_width(int fd);

// Appends `bytes` with one O_APPEND write. Returns false with errno set on failure.
bool append_whole(const std::filesystem::path& path, const std::string& bytes);

struct HostInfo {
  std::string hostname;
  std::string kernel;  // "Linux 6.1.0-18-amd64"
  std::string machine; // "x86_64"
  int cpus = 1;
  std::string cpu_model;  // /proc/cpuinfo's "model name" ("" when unknown)
  long memory_mib = 0;    // /proc/meminfo's MemTotal (0 when unknown)
};
HostInfo host_info();

// This process's environment as "KEY=value" entries.
std::vector<std::string> environment();

// The same by name, so that callers can set variables over it.
std::map<std::string, std::string> environment_map();

// "KEY=value" entries of a map, in key order.
std::vector<std::string> environment_entries(const std::map<std::string, std::string>& env);

// Full path of the running executable (/proc/self/exe).
std::filesystem::path self_executable();

// True when `path` is a regular file the caller may execute.
bool is_executable_file(const std::filesystem::path& path);

// What the kernel accounted for one reaped child (wait4).
struct Usage {
  double cpu_user_ms = 0;
  double cpu_sys_ms = 0;
  long max_rss_kb = 0;
};

struct Reaped {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // 0 when it exited
  Usage usage;
};

struct SpawnRequest {
  std::filesystem::path executable;  // resolved, absolute
  std::vector<std::string> argv;     // argv[0] included
  std::vector<std::string> env;      // "KEY=value", the whole environment
  std::filesystem::path cwd;
  std::filesystem::path log;         // stdout and stderr are appended here
  std::vector<int> cpus;             // CPUs it (and everything it starts) may run on; empty = ours
};

// Starts the process as the leader of a new process group, stdin from /dev/null and
// stdout+stderr to the log file. Returns its pid (which is also its group id).
Expected<int> spawn_in_own_group(const SpawnRequest& request);

// Waits for a child started by spawn_in_own_group to end: its exit code, or 128+signal.
int wait_for(int pid);

// The CPUs this process may run on (its affinity, which a cgroup cpuset also narrows), in
// ascending order.
std::vector<int> available_cpus();

// Runs a program to its end (stdin /dev/null, stdout+stderr to `log`); its exit code, or
// 128+signal when killed, or an error when it could not start.
Expected<int> run_and_wait(const std::filesystem::path& executable, const std::vector<std::string>& argv,
                           const std::filesystem::path& log);

// Reaps `pid` if it has ended (never blocks).
std::optional<Reaped> try_reap(int pid);

// True while a process with this pid exists (it may belong to another user).
bool process_alive(int pid);

// Sends `sig` to every process of the group; false when the group has no process left.
bool signal_group(int pgid, int sig);

}  // namespace flowbench::platform
