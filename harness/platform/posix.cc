#include "platform/posix.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

// Boost 1.81's Process v2 in std::filesystem mode uses these without including them.
#include <type_traits>
#include <boost/optional.hpp>
#include <boost/process/v2/posix/vfork_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

namespace flowbench::platform {
namespace bp = boost::process::v2;

int process_id() { return static_cast<int>(::getpid()); }

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

int terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

bool append_whole(const std::filesystem::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  struct stat before {};
  const bool sized = ::fstat(fd, &before) == 0;
  const ssize_t written = ::write(fd, bytes.data(), bytes.size());
  int saved = errno;
  const bool whole = written == static_cast<ssize_t>(bytes.size());
  if (!whole) {
    if (written >= 0) saved = ENOSPC;  // a short write: the file system filled up
    if (sized) (void)::ftruncate(fd, before.st_size);  // never leave half a line behind
  }
  ::close(fd);
  errno = saved;
  return whole;
}

HostInfo host_info() {
  HostInfo info;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0) info.hostname = name;
  utsname uts{};
  if (::uname(&uts) == 0) {
    info.kernel = std::string(uts.sysname) + " " + uts.release;
    info.machine = uts.machine;
  }
  const unsigned cores = std::thread::hardware_concurrency();
  info.cpus = cores == 0 ? 1 : static_cast<int>(cores);
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; info.cpu_model.empty() && std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon != std::string::npos) info.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  std::ifstream meminfo("/proc/meminfo");
  for (std::string word; meminfo >> word;) {
    if (word == "MemTotal:") {
      long kib = 0;
      meminfo >> kib;
      info.memory_mib = kib / 1024;
      break;
    }
  }
  return info;
}

std::vector<std::string> environment() {
  std::vector<std::string> entries;
  for (char** entry = ::environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

std::map<std::string, std::string> environment_map() {
  std::map<std::string, std::string> env;
  for (const std::string& entry : environment()) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

std::vector<std::string> environment_entries(const std::map<std::string, std::string>& env) {
  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [key, value] : env) entries.push_back(key + "=" + value);
  return entries;
}

std::filesystem::path self_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : path;
}

bool is_executable_file(const std::filesystem::path& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return false;
  return S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

namespace {

// Launcher hook: the child leads a new process group (so a timeout or Ctrl-C can signal
// the handler and all its descendants at once) and gets exactly the environment we built.
struct OwnGroupAndEnv {
  const char* const* envp;
  const cpu_set_t* cpus;  // null: inherit flowbench's

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    launcher.env = envp;
    return {};
  }
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
    if (cpus && ::sched_setaffinity(0, sizeof(cpu_set_t), cpus) != 0) {
      return bp::error_code(errno, bp::system_category());
    }
    return {};
  }
  // The child could not exec. Boost would go on to call exit(), which in a vfork child
  // runs atexit handlers and flushes stdio in the parent's memory; leave at once instead.
  // The error code is already stored where the parent reads it. (Variadic because Boost
  // 1.81 probes for this hook with five arguments and calls it with four.)
  template <typename... Args>
  void on_exec_error(Args&&...) {
    ::_exit(127);
  }
};

double to_ms(const timeval& tv) { return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0; }

}  // namespace

Expected<int> spawn_in_own_group(const SpawnRequest& request) {
  const int log_fd =
      ::open(request.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Error{"cannot open log " + request.log.string() + ": " + std::strerror(errno)};
  }
  std::vector<const char*> envp;
  envp.reserve(request.env.size() + 1);
  for (const auto& entry : request.env) envp.push_back(entry.c_str());
  envp.push_back(nullptr);
  // Boost wants the arguments after argv[0]; argv[0] is the executable path it is given.
  std::vector<std::string> args(request.argv.begin() + (request.argv.empty() ? 0 : 1),
                                request.argv.end());

  // vfork (as posix_spawn does) instead of fork: no page tables to copy, no copy-on-write
  // faults in flowbench afterwards, no TLB shootdowns across its threads. The child only
  // makes system calls (dup2, chdir, setpgid, close_range, execve) before exec.
  // Boost notifies the io_context of the fork inside the child, which shares our memory,
  // so each launch gets a context of its own that nothing else uses.
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  for (int cpu : request.cpus) CPU_SET(cpu, &cpus);
  boost::asio::io_context launch_context;
  bp::error_code ec;
  bp::posix::vfork_launcher launcher;
  auto process = launcher(launch_context.get_executor(), ec, request.executable, args,
                          bp::process_stdio{nullptr, log_fd, log_fd},
                          bp::process_start_dir{request.cwd},
                          OwnGroupAndEnv{envp.data(), request.cpus.empty() ? nullptr : &cpus});
  ::close(log_fd);
  if (ec) {
    return Error{"cannot start " + request.executable.string() + ": " + ec.message()};
  }
  // We reap it ourselves with wait4 to get the kernel's rusage for exactly this child.
  const int pid = process.id();
  process.detach();
  // Also set the group from the parent side: whichever of the two runs first wins, so a
  // signal sent to the group right after spawn can never miss the child.
  ::setpgid(pid, pid);
  return pid;
}

std::optional<Reaped> try_reap(int pid) {
  int status = 0;
  rusage usage{};
  pid_t result;
  do {
    result = ::wait4(pid, &status, WNOHANG, &usage);
  } while (result < 0 && errno == EINTR);
  if (result <= 0) return std::nullopt;
  Reaped reaped;
  if (WIFEXITED(status)) {
    reaped.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    reaped.signal = WTERMSIG(status);
  }
  reaped.usage.cpu_user_ms = to_ms(usage.ru_utime);
  reaped.usage.cpu_sys_ms = to_ms(usage.ru_stime);
  reaped.usage.max_rss_kb = usage.ru_maxrss;
  return reaped;
}

Expected<int> run_and_wait(const std::filesystem::path& executable, const std::vector<std::string>& argv,
                           const std::filesystem::path& log) {
  auto pid = spawn_in_own_group({executable, argv, environment(), std::filesystem::current_path(), log, {}});
  if (!pid) return pid.error();
  return wait_for(*pid);
}

int wait_for(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<int> available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) out.push_back(cpu);
  }
  return out;
}

bool signal_group(int pgid, int sig) { return ::kill(-pgid, sig) == 0; }

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace flowbench::platform
