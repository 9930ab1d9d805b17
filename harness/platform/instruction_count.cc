#include "platform/instruction_count.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "platform/posix.h"

namespace flowbench::platform {
namespace fs = std::filesystem;

const char* counter_name(InstructionCounter counter) {
  return counter == InstructionCounter::kPerfEvent ? "perf_event" : "valgrind";
}

namespace {

perf_event_attr instructions_attr() {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_HARDWARE;
  attr.config = PERF_COUNT_HW_INSTRUCTIONS;
  attr.disabled = 1;
  attr.inherit = 1;         // every process the command starts counts too
  attr.enable_on_exec = 1;  // from the command's exec on, not flowbench's fork
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return attr;
}

int open_counter(perf_event_attr& attr, pid_t pid) {
  return static_cast<int>(::syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// fork, let the parent attach the counter while the child waits on a pipe, then exec.
Expected<Counted> count_with_perf(const CountRequest& request) {
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  const int log_fd = ::open(request.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return Error{"cannot open " + request.log.string() + ": " + std::strerror(errno)};
  std::vector<char*> argv, envp;
  for (const auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : request.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return Error{std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    char go = 0;
    ::close(gate[1]);
    if (::read(gate[0], &go, 1) != 1) ::_exit(127);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (::chdir(request.cwd.c_str()) != 0) ::_exit(127);
    ::execve(request.executable.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(gate[0]);
  ::close(log_fd);
  perf_event_attr attr = instructions_attr();
  const int fd = open_counter(attr, pid);
  const int open_error = errno;
  const char go = fd >= 0 ? 1 : 0;
  (void)!::write(gate[1], &go, fd >= 0 ? 1 : 0);
  ::close(gate[1]);
  const int exit_code = wait_status(pid);
  if (fd < 0) return Error{std::string("perf_event_open: ") + std::strerror(open_error)};
  std::uint64_t value = 0;
  const bool read_ok = ::read(fd, &value, sizeof value) == sizeof value;
  ::close(fd);
  if (!read_ok) return Error{"perf_event_open: the counter could not be read"};
  return Counted{exit_code, static_cast<double>(value)};
}

// The "summary:" line of every cachegrind output file in `folder`, summed.
Expected<double> summed_cachegrind(const fs::path& folder) {
  double total = 0;
  std::size_t files = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().filename().string().rfind("cg.", 0) != 0) continue;
    std::ifstream in(entry.path());
    std::string line;
    bool found = false;
    while (std::getline(in, line)) {
      if (line.rfind("summary:", 0) != 0) continue;
      std::istringstream fields(line.substr(8));
      double ir = 0;
      if (fields >> ir) total += ir, found = true;
    }
    if (!found) return Error{entry.path().string() + ": no summary line; a process under valgrind did not finish"};
    ++files;
  }
  if (files == 0) return Error{folder.string() + ": valgrind wrote no counts"};
  return total;
}

Expected<Counted> count_with_valgrind(const CountRequest& request) {
  const fs::path valgrind = valgrind_path();
  if (valgrind.empty()) return Error{"valgrind is not installed; fix: apt-get install valgrind"};
  std::error_code ec;
  fs::remove_all(request.scratch, ec);
  fs::create_directories(request.scratch, ec);
  if (ec) return Error{request.scratch.string() + ": cannot create (" + ec.message() + ")"};
  std::vector<std::string> argv = {valgrind.string(),
                                   "--tool=cachegrind",
                                   "--cache-sim=no",
                                   "--trace-children=yes",
                                   "--cachegrind-out-file=" + (request.scratch / "cg.%p").string(),
                                   "--log-file=" + (request.scratch / "valgrind.%p.log").string()};
  argv.insert(argv.end(), request.argv.begin(), request.argv.end());
  argv[6] = request.executable.string();  // the command's own argv[0] is its path
  auto pid = spawn_in_own_group({valgrind, argv, request.env, request.cwd, request.log, {}});
  if (!pid) return pid.error();
  const int exit_code = wait_for(*pid);
  Counted counted{exit_code, 0};
  if (exit_code != 0) return counted;
  auto total = summed_cachegrind(request.scratch);
  if (!total) return total.error();
  counted.instructions = *total;
  return counted;
}

}  // namespace

bool perf_instructions_available(std::string& why) {
  perf_event_attr attr = instructions_attr();
  attr.enable_on_exec = 0;
  attr.inherit = 0;
  const int fd = open_counter(attr, 0);
  if (fd < 0) {
    why = errno == ENOENT || errno == EOPNOTSUPP
              ? "this machine has no hardware instruction counter (perf_event_open: " + std::string(std::strerror(errno)) + ")"
              : "perf_event_open of hardware instructions failed: " + std::string(std::strerror(errno)) +
                    " (see /proc/sys/kernel/perf_event_paranoid)";
    return false;
  }
  ::close(fd);
  return true;
}

fs::path valgrind_path() {
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty() && is_executable_file(fs::path(dir) / "valgrind")) return fs::path(dir) / "valgrind";
    }
  }
  return is_executable_file("/usr/bin/valgrind") ? fs::path("/usr/bin/valgrind") : fs::path();
}

Expected<InstructionCounter> choose_counter(const std::string& wanted) {
  std::string why;
  if (wanted == "perf" || wanted == "auto") {
    if (perf_instructions_available(why)) return InstructionCounter::kPerfEvent;
    if (wanted == "perf") return Error{"--counter perf: " + why + "; fix: --counter valgrind (or auto)"};
  }
  if (wanted != "valgrind" && wanted != "auto") {
    return Error{"--counter " + wanted + ": unknown; fix: perf, valgrind or auto"};
  }
  if (!valgrind_path().empty()) return InstructionCounter::kValgrind;
  return Error{"counting instructions needs a hardware counter or valgrind: " +
               (why.empty() ? std::string("valgrind is not installed") : why + ", and valgrind is not installed") +
               "; fix: apt-get install valgrind, or judge wall or CPU time instead"};
}

Expected<Counted> count_instructions(InstructionCounter counter, const CountRequest& request) {
  return counter == InstructionCounter::kPerfEvent ? count_with_perf(request) : count_with_valgrind(request);
}

}  // namespace flowbench::platform
