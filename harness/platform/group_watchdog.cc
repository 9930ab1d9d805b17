#include "platform/group_watchdog.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <mutex>

namespace flowbench::platform {

namespace {

struct Message {
  std::int32_t watch;  // 1 watch, 0 forget
  std::int32_t pgid;
};

constexpr int kMaxGroups = 4096;
// The watchdog's list, allocated before the fork: after it, the child only makes system
// calls (the parent may have had threads holding malloc's lock).
int g_groups[kMaxGroups];

[[noreturn]] void watch_until_parent_dies(int fd) {
  // Ctrl-C and a closed terminal reach flowbench's whole process group; flowbench stops
  // its tasks itself then, and the watchdog stays for the case where it cannot.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGQUIT, SIG_IGN);
  const int null = ::open("/dev/null", O_RDWR);
  for (int std_fd = 0; std_fd <= 2; ++std_fd) ::dup2(null, std_fd);
  for (int other = 3; other < 1024; ++other) {
    if (other != fd) ::close(other);
  }
  int count = 0;
  Message m{};
  for (;;) {
    const ssize_t n = ::read(fd, &m, sizeof m);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof m)) break;  // end of file: flowbench is gone
    if (m.watch && count < kMaxGroups) {
      g_groups[count++] = m.pgid;
    } else if (!m.watch) {
      for (int i = 0; i < count; ++i) {
        if (g_groups[i] == m.pgid) g_groups[i--] = g_groups[--count];
      }
    }
  }
  for (int i = 0; i < count; ++i) ::kill(-g_groups[i], SIGTERM);
  if (count > 0) {
    timespec grace{1, 0};
    ::nanosleep(&grace, nullptr);
    for (int i = 0; i < count; ++i) ::kill(-g_groups[i], SIGKILL);
  }
  ::_exit(0);
}

int start_watchdog() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    watch_until_parent_dies(fds[1]);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    return -1;
  }
  return fds[0];
}

void tell(std::int32_t watch, int pgid) {
  static std::once_flag once;
  static int fd = -1;
  std::call_once(once, [] { fd = start_watchdog(); });
  if (fd < 0) return;
  const Message m{watch, pgid};
  // MSG_NOSIGNAL: a watchdog that died must not take flowbench with it (SIGPIPE).
  while (::send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

}  // namespace

void watch_group(int pgid) { tell(1, pgid); }
void forget_group(int pgid) { tell(0, pgid); }

}  // namespace flowbench::platform
