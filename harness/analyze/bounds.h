// Lower bounds on the makespan of a task graph on P identical workers, from the tasks'
// durations alone: what no scheduler can beat, against which a run's makespan is judged.
#pragma once

#include <cstddef>
#include <vector>

#include "model/graph.h"

namespace flowbench {

// Each task's head (the longest chain of work before it can start) and tail (the longest
// chain that must follow it), its own duration excluded. Precondition: acyclic.
struct HeadsAndTails {
  std::vector<double> head, tail;
};
HeadsAndTails heads_and_tails(const Dependencies& deps, const std::vector<double>& durations);

// max(critical path, total work / P): the simple bound.
double simple_lower_bound(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers);

// The tight bound, at least the simple one:
//   max( critical path,  max over t, s of  t + s + W(t, s) / P )
// where W(t, s) is the work of the tasks whose head is at least t and whose tail is at least
// s. Why it holds: in any schedule a task cannot start before its head (the chain before it
// must run first) nor end later than C - tail (the chain after it must still run), so every
// task counted in W(t, s) runs inside [t, C - s], and P workers do at most P (C - s - t) work
// there: C >= t + s + W(t, s) / P. t = s = 0 gives the simple bound's W / P; the cuts add the
// work that cannot overlap the graph's start (a long head) or its end (a long tail).
// Computed in O(n log n): t sweeps the heads from the largest down, adding each task's work
// (as W / P) to every tail threshold s at or below its tail in a segment tree of running
// maxima of s + W(t, s) / P.
double tight_lower_bound(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers);

}  // namespace flowbench
