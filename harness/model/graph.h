// Pure algorithms over a task graph given as, for each task, the indexes it depends on.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace flowbench {

using Dependencies = std::vector<std::vector<std::size_t>>;  // deps[i]: tasks i waits for

// The tasks depending on each task (the reverse edges), each list in ascending order.
Dependencies reverse_edges(const Dependencies& deps);

// A cycle as task indexes, first repeated at the end (a -> b -> a), if the graph has one.
std::optional<std::vector<std::size_t>> find_cycle(const Dependencies& deps);

// A topological order that, among ready tasks, always takes the lowest index: stable and
// equal to the spec's order whenever the spec's order is already valid.
// Precondition: acyclic.
std::vector<std::size_t> stable_topological_order(const Dependencies& deps);

// Some order in which every task comes after the tasks it waits for (a depth-first walk of
// `deps`: no reverse edges built, so cheap on 100,000 tasks), for computations ties do not
// change (path lengths). Precondition: no cycle.
std::vector<std::size_t> topological_order(const Dependencies& deps);

// For each task, the heaviest path from it to the end of the graph, its own weight
// included ("bottom level"; longest remaining path). Precondition: acyclic.
std::vector<double> remaining_path_lengths(const Dependencies& deps,
                                           const std::vector<double>& weights);

}  // namespace flowbench
