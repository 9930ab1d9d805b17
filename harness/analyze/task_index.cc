#include "analyze/task_index.h"

#include <cstring>
#include <functional>

namespace flowbench {

namespace {
std::uint32_t hash_of(std::string_view id) { return std::uint32_t(std::hash<std::string_view>{}(id)); }
}  // namespace

bool TaskIndex::holds(const Slot& slot, std::uint32_t hash, const std::vector<TaskRecord>& tasks, std::string_view id) {
  if (slot.hash != hash) return false;
  if (id.size() <= kShort) return slot.size == id.size() && std::memcmp(slot.text.data(), id.data(), id.size()) == 0;
  return slot.size == 0 && tasks[slot.index_plus_one - 1].id == id;
}

std::optional<std::size_t> TaskIndex::number_of(std::string_view id) const {
  if (id.empty() || id.size() > 9 || (id[0] == '0' && id.size() > 1)) return std::nullopt;
  std::size_t number = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + std::size_t(c - '0');
  }
  if (number >= numbered_.size()) return std::nullopt;
  return number;
}

std::optional<std::size_t> TaskIndex::find(const std::vector<TaskRecord>& tasks, std::string_view id) const {
  if (const auto number = number_of(id)) {
    if (numbered_[*number] == 0) return std::nullopt;
    return numbered_[*number] - 1;
  }
  if (slots_.empty()) return std::nullopt;
  const std::uint32_t hash = hash_of(id);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.index_plus_one == 0) return std::nullopt;
    if (holds(slot, hash, tasks, id)) return slot.index_plus_one - 1;
  }
}

std::optional<std::size_t> TaskIndex::add(const std::vector<TaskRecord>& tasks, std::size_t index) {
  const std::string_view id = tasks[index].id;
  if (const auto number = number_of(id)) {
    if (numbered_[*number] != 0) return numbered_[*number] - 1;
    numbered_[*number] = std::uint32_t(index + 1);
    ++size_;
    return std::nullopt;
  }
  if (2 * (size_ + 1) > slots_.size()) grow(size_ + 1);
  const std::uint32_t hash = hash_of(id);
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = hash & mask;
  for (; slots_[at].index_plus_one != 0; at = (at + 1) & mask) {
    if (holds(slots_[at], hash, tasks, id)) return slots_[at].index_plus_one - 1;
  }
  Slot& slot = slots_[at];
  slot.index_plus_one = std::uint32_t(index + 1);
  slot.hash = hash;
  if (id.size() <= kShort) {
    slot.size = std::uint8_t(id.size());
    std::memcpy(slot.text.data(), id.data(), id.size());
  }
  ++size_;
  return std::nullopt;
}

void TaskIndex::reserve(std::size_t count) {
  if (size_ != 0) return;
  numbered_.assign(2 * count, 0);
  if (2 * count > slots_.size()) grow(count);
}

void TaskIndex::grow(std::size_t count) {
  std::size_t size = slots_.empty() ? 16 : slots_.size();
  while (size < 2 * count) size *= 2;
  std::vector<Slot> old(size);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.index_plus_one == 0) continue;
    std::size_t at = slot.hash & mask;
    while (slots_[at].index_plus_one != 0) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

}  // namespace flowbench
