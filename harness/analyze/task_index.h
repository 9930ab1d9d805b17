// Task ids to their place in a run's task list, for reading runs of 100,000 tasks. Whole
// numbers below twice the reserved count (most runs number their tasks) index a plain array
// of 4 bytes an id; other ids go to open addressing over the tasks' own id strings, short ones
// held in the table itself, so a lookup touches one slot and no task (a map of copied strings
// costs 70 bytes a task and a cache miss or three a lookup).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analyze/run_data.h"

namespace flowbench {

class TaskIndex {
 public:
  // The index in `tasks` (the list given to every add()) of the task with this id, if added.
  // Safe from several threads at once while nothing is added.
  std::optional<std::size_t> find(const std::vector<TaskRecord>& tasks, std::string_view id) const;
  // Adds tasks[index] and returns nothing; when a task with its id was added before, adds
  // nothing and returns that task's index.
  std::optional<std::size_t> add(const std::vector<TaskRecord>& tasks, std::size_t index);
  // Room for `count` tasks; only before the first add() (later, nothing changes).
  void reserve(std::size_t count);

 private:
  static constexpr std::size_t kShort = 7;  // ids this long or shorter live in the slot (16 bytes)
  struct Slot {
    std::uint32_t index_plus_one = 0;  // 0: empty
    std::uint32_t hash = 0;            // the id's hash: its place, and most misses end here
    std::uint8_t size = 0;             // the id's length when short, else 0
    std::array<char, kShort> text{};   // the id, when short
  };
  // The id's number when it is the canonical text of a whole number below numbered_'s size.
  std::optional<std::size_t> number_of(std::string_view id) const;
  static bool holds(const Slot& slot, std::uint32_t hash, const std::vector<TaskRecord>& tasks, std::string_view id);
  void grow(std::size_t count);

  std::vector<std::uint32_t> numbered_;  // by the id's number: index + 1, or 0
  std::vector<Slot> slots_;  // a power of two, at most half full
  std::size_t size_ = 0;
};

}  // namespace flowbench
