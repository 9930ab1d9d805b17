#include "history/changes.h"

#include <algorithm>

#include "analyze/stats.h"

namespace flowbench::history {

namespace {

// FNV-1a: each metric draws its own permutations, whatever order metrics are analysed in.
std::uint64_t seed_for(std::uint64_t seed, const std::string& text) {
  std::uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::vector<double> pooled(const MetricTimeline& m, std::size_t begin, std::size_t end) {
  std::vector<double> out;
  for (std::size_t i = begin; i < end; ++i) out.insert(out.end(), m.samples[i].begin(), m.samples[i].end());
  return out;
}

// The change whose first bad commit is `at`, measured on the commits [begin, at) against [at, end).
Change change_at(const MetricTimeline& m, const std::string& group, std::size_t at, std::size_t begin,
                 std::size_t end, const Comparison& effect, double p) {
  Change c;
  c.key = m.key;
  c.group = group;
  c.index = at;
  c.last_good = m.commits[at - 1];
  c.first_bad = m.commits[at];
  c.commits_before = at - begin;
  c.commits_after = end - at;
  c.median_before = median(pooled(m, begin, at));
  c.median_after = median(pooled(m, at, end));
  c.effect = effect;
  c.p = p;
  c.regression = effect.worse > 0;
  return c;
}

// The commit of each sample pooled() returns.
std::vector<std::size_t> commits_of(const MetricTimeline& m, std::size_t begin, std::size_t end) {
  std::vector<std::size_t> out;
  for (std::size_t i = begin; i < end; ++i) out.insert(out.end(), m.samples[i].size(), i);
  return out;
}

// The change from the commits [begin, at) to [at, end): commit against commit (a model with
// two levels), never the runs of a few commits pooled as if independent; the runs alone only
// when each side is a single commit.
std::optional<Comparison> level_change(const MetricTimeline& m, std::size_t begin, std::size_t at, std::size_t end,
                                       bool lower_better) {
  const auto before = pooled(m, begin, at), after = pooled(m, at, end);
  auto levels = compare_commit_levels(before, commits_of(m, begin, at), after, commits_of(m, at, end), !lower_better);
  return levels ? levels : compare_samples(before, after, !lower_better);
}

// The change in the bad direction from `before` to `after` medians (+0.1: 10% worse).
double worse_by(double before, double after, bool lower_better) {
  if (before == 0) return 0;
  const double relative = (after - before) / std::abs(before);
  return lower_better ? relative : -relative;
}

}  // namespace

MetricTimeline metric_timeline(const std::vector<CommitSamples>& timeline, const SampleKey& key) {
  MetricTimeline m;
  m.key = key;
  for (const auto& commit : timeline) {
    auto found = commit.samples.find(key);
    if (found == commit.samples.end() || found->second.empty()) continue;
    m.commits.push_back(commit.hash);
    m.samples.push_back(found->second);
  }
  return m;
}

// Below this many commits a permutation test over the commits' medians cannot reach its
// alpha: consecutive commits are compared by their runs instead.
constexpr std::size_t kFewCommits = 5;

// A short history (two commits recorded, say, a nightly job's ends): each commit against the
// one before it, by their runs, the family of consecutive pairs Bonferroni-corrected.
std::vector<Change> few_commit_changes(const MetricTimeline& metric, const std::string& group,
                                       const ChangeOptions& options) {
  const bool lower_better = lower_is_better(metric.key.metric);
  std::vector<Change> kept;
  const double pairs = static_cast<double>(metric.samples.size() - 1);
  for (std::size_t at = 1; at < metric.samples.size(); ++at) {
    auto effect = compare_samples(metric.samples[at - 1], metric.samples[at], !lower_better);
    if (!effect) continue;
    // Two-sided (a regression or an improvement), Bonferroni over the consecutive pairs.
    const double p = std::min(1.0, 2 * std::min(effect->p, 1 - effect->p) * pairs);
    const bool excludes_none = effect->worse > 0 ? effect->worse_low > 0 : effect->worse_high < 0;
    if (std::abs(effect->worse) < options.min_change || !excludes_none || p > options.e_divisive.alpha) continue;
    Change c = change_at(metric, group, at, at - 1, at + 1, *effect, p);
    c.open = c.regression && at + 1 == metric.samples.size();
    kept.push_back(c);
  }
  return kept;
}

std::vector<Change> changes_of(const MetricTimeline& metric, const std::string& group, const ChangeOptions& options) {
  if (metric.samples.size() < 2) return {};
  if (metric.samples.size() < kFewCommits) return few_commit_changes(metric, group, options);
  std::vector<double> medians;
  for (const auto& s : metric.samples) medians.push_back(median(s));
  EDivisiveOptions e = options.e_divisive;
  e.seed = seed_for(e.seed, group + "\n" + metric.key.variant + "\n" + metric.key.metric);
  auto points = e_divisive(medians, e);
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  const bool lower_better = lower_is_better(metric.key.metric);
  std::vector<Change> kept;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const std::size_t at = points[k].index;
    // Windows stop at the neighbouring change points: each side measures one level.
    const std::size_t previous = k == 0 ? 0 : points[k - 1].index;
    const std::size_t next = k + 1 == points.size() ? medians.size() : points[k + 1].index;
    const std::size_t begin = std::max(previous, at > options.window ? at - options.window : 0);
    const std::size_t end = std::min(next, at + options.window);
    auto effect = level_change(metric, begin, at, end, lower_better);
    if (!effect) continue;
    const double worse = effect->worse;
    const bool excludes_none = worse > 0 ? effect->worse_low > 0 : effect->worse_high < 0;
    if (std::abs(worse) < options.min_change || !excludes_none) continue;
    kept.push_back(change_at(metric, group, at, begin, end, *effect, points[k].p));
  }
  // A regression is open while the commits since the last reported change still show it.
  const std::size_t last_level = kept.empty() ? 0 : kept.back().index;
  const double latest = median(pooled(metric, last_level, medians.size()));
  for (auto& c : kept) {
    if (!c.regression) continue;
    const std::size_t level_begin = c.index > options.window ? c.index - options.window : 0;
    const double before = median(pooled(metric, level_begin, c.index));
    c.open = worse_by(before, latest, lower_better) >= options.min_change;
  }
  return kept;
}

Expected<std::vector<Change>> find_changes(const std::vector<Group>& groups, const ChangeOptions& options,
                                           const std::string& since) {
  std::vector<Change> all;
  bool since_found = since.empty();
  for (const auto& group : groups) {
    const auto timeline = timeline_of(group);
    std::string since_hash;
    if (!since.empty()) {
      auto at = find_commit(timeline, since, "--since");
      if (at) {
        since_found = true;
        since_hash = timeline[*at].hash;
      } else if (at.error().message.find("recorded commits") != std::string::npos) {
        return at.error();  // ambiguous
      } else {
        continue;  // not on this branch
      }
    }
    for (const auto& key : metrics_of(timeline)) {
      const auto metric = metric_timeline(timeline, key);
      for (auto& c : changes_of(metric, group.name(), options)) {
        if (!since_hash.empty()) {
          const auto position = std::find(metric.commits.begin(), metric.commits.end(), since_hash);
          if (position != metric.commits.end() && c.index <= static_cast<std::size_t>(position - metric.commits.begin())) continue;
        }
        all.push_back(std::move(c));
      }
    }
  }
  if (!since_found) {
    return Error{"--since: no recorded commit starts with " + since + "; fix: name a commit `flowbench history list` "
                 "shows"};
  }
  std::stable_sort(all.begin(), all.end(), [](const Change& a, const Change& b) {
    return std::make_tuple(!a.regression, !a.open) < std::make_tuple(!b.regression, !b.open);
  });
  return all;
}

}  // namespace flowbench::history
