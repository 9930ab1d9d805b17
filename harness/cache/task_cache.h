// What the scheduler asks of an action cache, so that the loop stays testable without one.
#pragma once

#include <cstddef>
#include <optional>

#include "record/profile.h"

namespace flowbench {

class TaskCache {
 public:
  virtual ~TaskCache() = default;

  // Called when a task is ready to start. A profile (status cached) means its outputs
  // were restored and it must not run.
  virtual std::optional<Profile> try_restore(std::size_t task) = 0;

  // Called when a task that was not restored has ended: fills the profile's cache fields
  // and, when it succeeded, stores it.
  virtual void after_run(std::size_t task, Profile& profile) = 0;
};

}  // namespace flowbench
