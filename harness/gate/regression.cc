#include "gate/regression.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "analyze/paired.h"

namespace flowbench {

const char* test_name(TestKind test) {
  switch (test) {
    case TestKind::kPairedT: return "paired t on log ratios";
    case TestKind::kCommitLevelT: return "commit-level t on trimmed log means";
    case TestKind::kMannWhitney: break;
  }
  return "Mann-Whitney U";
}

namespace {

// Fills the worse-direction fields from the ratio's estimate and bounds.
void set_worse(Comparison& c, bool higher_is_better, double low_bound, double high_bound) {
  const RatioEstimate& e = c.estimate;
  if (higher_is_better) {
    c.worse = 1 - e.ratio;
    c.worse_low = 1 - e.high;
    c.worse_high = 1 - e.low;
    c.worse_bound = 1 - low_bound;
    c.worse_floor = 1 - high_bound;
  } else {
    c.worse = e.ratio - 1;
    c.worse_low = e.low - 1;
    c.worse_high = e.high - 1;
    c.worse_bound = high_bound - 1;
    c.worse_floor = low_bound - 1;
  }
}

}  // namespace

std::size_t Comparison::rounds_for(double min_effect) const {
  const double room = min_effect - worse;
  if (room <= 0) return 0;
  const std::size_t n = std::min(n_base, n_now);
  const double half_width = worse_bound - worse;
  if (half_width <= 0) return n;
  if (!std::isfinite(half_width)) return 0;
  // The bound's half-width shrinks as 1/sqrt(n) (the quantile's own shrinking is ignored).
  const double factor = half_width / room;
  return static_cast<std::size_t>(std::ceil(static_cast<double>(n) * factor * factor));
}

std::optional<Comparison> compare_samples(const std::vector<double>& base, const std::vector<double>& now,
                                          bool higher_is_better, double decision_tail) {
  auto estimate = hodges_lehmann_ratio(base, now);
  if (!estimate) return std::nullopt;
  Comparison c;
  c.test = TestKind::kMannWhitney;
  c.n_base = base.size();
  c.n_now = now.size();
  c.estimate = *estimate;
  c.decision_tail = decision_tail;
  c.p_floor = mann_whitney_min_p(c.n_base, c.n_now);
  c.p = higher_is_better ? mann_whitney_greater(base, now) : mann_whitney_greater(now, base);
  double low = estimate->low, high = estimate->high, coverage = estimate->coverage;
  if (decision_tail != 0.025) {
    auto bounds = hodges_lehmann_ratio(base, now, decision_tail);
    low = bounds->low;
    high = bounds->high;
    coverage = bounds->coverage;
  }
  set_worse(c, higher_is_better, low, high);
  // Too few samples for a bound at this confidence (3 a side reach 90% at most): nothing is
  // ruled out.
  if (coverage < 1 - 2 * decision_tail - 1e-9) {
    c.worse_bound = std::numeric_limits<double>::infinity();
    c.worse_floor = -std::numeric_limits<double>::infinity();
  }
  // The interval's half-width at one sample: what rounds_for scales.
  return c;
}

std::optional<Comparison> compare_pairs(const std::vector<double>& base, const std::vector<double>& now,
                                        bool higher_is_better, double decision_tail) {
  auto paired = paired_ratio(base, now);
  if (!paired) return std::nullopt;
  Comparison c;
  c.test = TestKind::kPairedT;
  c.n_base = c.n_now = paired->n;
  c.p_floor = 0;
  c.p = higher_is_better ? paired->p_less : paired->p_greater;
  c.estimate = {paired->ratio, paired->lower_bound(0.025), paired->upper_bound(0.025), 0.95};
  c.decision_tail = decision_tail;
  set_worse(c, higher_is_better, paired->lower_bound(decision_tail), paired->upper_bound(decision_tail));
  return c;
}

namespace {

// Log values grouped by commit.
std::vector<std::vector<double>> log_groups(const std::vector<double>& values, const std::vector<std::size_t>& commits) {
  std::map<std::size_t, std::vector<double>> groups;
  for (std::size_t i = 0; i < values.size(); ++i) groups[commits[i]].push_back(std::log(values[i]));
  std::vector<std::vector<double>> out;
  for (auto& [commit, logs] : groups) out.push_back(std::move(logs));
  return out;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// One commit's runs summarised as Yuen (1974) does: the 20% trimmed mean of their logs, so one
// run slowed by a burst of load does not move the commit, and the winsorized squares about it,
// whose pooled mean over `kept - 1` degrees of freedom, divided by `kept`, is the trimmed
// mean's variance. Below five runs nothing is trimmed and this is the mean and its squares.
struct CommitLocation {
  double location = 0;
  double squares = 0;  // winsorized, about their mean
  double kept = 0;     // runs the trimmed mean keeps
};

CommitLocation trimmed_location(std::vector<double> logs) {
  std::sort(logs.begin(), logs.end());
  const std::size_t n = logs.size();
  const std::size_t g = n / 5;  // floor(0.2 n) trimmed from each end
  CommitLocation c;
  c.kept = static_cast<double>(n - 2 * g);
  c.location = mean_of(std::vector<double>(logs.begin() + static_cast<std::ptrdiff_t>(g),
                                           logs.end() - static_cast<std::ptrdiff_t>(g)));
  for (std::size_t i = 0; i < g; ++i) {
    logs[i] = logs[g];
    logs[n - 1 - i] = logs[n - 1 - g];
  }
  const double winsorized_mean = mean_of(logs);
  for (double x : logs) c.squares += (x - winsorized_mean) * (x - winsorized_mean);
  return c;
}

// One side of a two-level comparison: its commits' locations and what they are made of.
struct Level {
  double mean = 0;           // of the commit locations
  double k = 0;              // commits
  double inverse_sizes = 0;  // mean of 1/kept over its commits
  double between = 0, between_df = 0;  // squares of the commit locations about `mean`, and their df
};

Level level_of(const std::vector<std::vector<double>>& groups, double& within_squares, double& within_df) {
  Level l;
  std::vector<double> locations;
  for (const auto& g : groups) {
    const CommitLocation c = trimmed_location(g);
    locations.push_back(c.location);
    within_squares += c.squares;
    within_df += c.kept - 1;
    l.inverse_sizes += 1 / c.kept;
  }
  l.k = static_cast<double>(groups.size());
  l.inverse_sizes /= l.k;
  l.mean = mean_of(locations);
  for (double m : locations) l.between += (m - l.mean) * (m - l.mean);
  l.between_df = l.k - 1;
  return l;
}

}  // namespace

std::optional<Comparison> compare_commit_levels(const std::vector<double>& base, const std::vector<std::size_t>& base_commits,
                                                const std::vector<double>& now, const std::vector<std::size_t>& now_commits,
                                                bool higher_is_better, double decision_tail) {
  if (base.size() != base_commits.size() || now.size() != now_commits.size() || base.empty() || now.empty()) {
    return std::nullopt;
  }
  auto positive = [](const std::vector<double>& v) { return std::all_of(v.begin(), v.end(), [](double x) { return x > 0; }); };
  if (!positive(base) || !positive(now)) return std::nullopt;
  double within_squares = 0, within_df = 0;
  const Level b = level_of(log_groups(base, base_commits), within_squares, within_df);
  const Level a = level_of(log_groups(now, now_commits), within_squares, within_df);
  const double between_df = b.between_df + a.between_df;
  if (between_df < 1) return std::nullopt;  // one commit a side: no drift to estimate
  const double within = within_df > 0 ? within_squares / within_df : 0;
  // Var(commit location) = drift + within / kept: the drift is what the locations vary by beyond the runs.
  const double mean_inverse_sizes = (b.inverse_sizes * b.k + a.inverse_sizes * a.k) / (b.k + a.k);
  const double drift = std::max(0.0, (b.between + a.between) / between_df - within * mean_inverse_sizes);
  const double drift_term = drift * (1 / b.k + 1 / a.k);
  const double run_term = within * (b.inverse_sizes / b.k + a.inverse_sizes / a.k);
  const double variance = drift_term + run_term;
  const double df_denominator = drift_term * drift_term / between_df + (within_df > 0 ? run_term * run_term / within_df : 0);
  PairedRatio r;  // for its t arithmetic: one difference, its standard error and df
  r.n = now.size();
  r.mean = a.mean - b.mean;
  r.se = std::sqrt(variance);
  r.df = df_denominator > 0 ? variance * variance / df_denominator : std::max(within_df, 1.0);
  r.ratio = std::exp(r.mean);
  r.p_greater = r.se == 0 ? (r.mean > 0 ? 0 : 1) : student_t_sf(r.mean / r.se, r.df);
  r.p_less = r.se == 0 ? (r.mean < 0 ? 0 : 1) : student_t_sf(-r.mean / r.se, r.df);
  Comparison c;
  c.test = TestKind::kCommitLevelT;
  c.n_base = base.size();
  c.n_now = now.size();
  c.p_floor = 0;
  c.p = higher_is_better ? r.p_less : r.p_greater;
  c.estimate = {r.ratio, r.lower_bound(0.025), r.upper_bound(0.025), 0.95};
  c.decision_tail = decision_tail;
  set_worse(c, higher_is_better, r.lower_bound(decision_tail), r.upper_bound(decision_tail));
  return c;
}

std::vector<double> adjust_p_values(const std::vector<double>& p, Correction correction) {
  return correction == Correction::kHolm ? holm_adjust(p) : benjamini_hochberg_adjust(p);
}

std::size_t repetitions_needed(TestKind test, double alpha, std::size_t family_size) {
  if (test == TestKind::kPairedT) return 2;
  const double threshold = alpha / static_cast<double>(family_size == 0 ? 1 : family_size);
  std::size_t k = 2;
  while (k < 200 && mann_whitney_min_p(k, k) >= threshold) ++k;
  return k;
}

std::string regression_rule_text() {
  return "regressed = one-sided p (paired t on the per-round log ratios when both sides were measured in the same "
         "rounds, else Mann-Whitney U), corrected within the target's family (Holm unless stated), < alpha, and the "
         "change worse than the min effect; met = the change's upper confidence bound below the min effect; else "
         "undecided (measure more). change = candidate/baseline - 1 [95% interval]";
}

}  // namespace flowbench
