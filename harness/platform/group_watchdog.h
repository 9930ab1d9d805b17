// Task process groups never outlive flowbench: a small watchdog process, forked once, is
// told each group a task runs in and when it ended. When flowbench dies without stopping its
// tasks (SIGKILL, a crash), the watchdog's pipe reaches end of file and it stops every group
// still listed: SIGTERM, then SIGKILL a second later.
//
// Why a watchdog: PR_SET_PDEATHSIG reaches only the task's first process, not what it
// starts; a cgroup needs a delegated hierarchy that a CI container or a user shell rarely
// has; a subreaper only adopts orphans, it does not stop them. A pipe's end of file comes
// whatever way the parent dies.
#pragma once

namespace flowbench::platform {

// Starts the watchdog on first use (one per process). Both are cheap: one write to a pipe.
void watch_group(int pgid);
void forget_group(int pgid);

}  // namespace flowbench::platform
