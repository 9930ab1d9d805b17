// The floor for scheduler overhead: run a program N times with posix_spawn + waitpid,
// nothing else. bench/scheduler_overhead.py compares flowbench and ninja against it.
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: spawn_loop N PROGRAM [ARGS...]\n");
    return 2;
  }
  const long count = std::atol(argv[1]);
  for (long i = 0; i < count; ++i) {
    pid_t pid;
    if (posix_spawn(&pid, argv[2], nullptr, nullptr, argv + 2, environ) != 0) {
      std::perror("posix_spawn");
      return 1;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}
