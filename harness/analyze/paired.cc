#include "analyze/paired.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <boost/math/distributions/students_t.hpp>

#include "analyze/stats.h"

namespace flowbench {

double student_t_sf(double t, double df) {
  if (std::isnan(t)) return 1;
  if (std::isinf(t)) return t > 0 ? 0 : 1;
  return boost::math::cdf(boost::math::complement(boost::math::students_t(df), t));
}

double student_t_quantile(double q, double df) {
  if (q <= 0) return -std::numeric_limits<double>::infinity();
  if (q >= 1) return std::numeric_limits<double>::infinity();
  return boost::math::quantile(boost::math::students_t(df), q);
}

namespace {

double to_ratio(const PairedRatio& r, double value) { return r.log_scale ? std::exp(value) : 1 + value; }

}  // namespace

double PairedRatio::lower_bound(double tail) const {
  if (se == 0) return to_ratio(*this, mean);
  return to_ratio(*this, mean - student_t_quantile(1 - tail, df) * se);
}

double PairedRatio::upper_bound(double tail) const {
  if (se == 0) return to_ratio(*this, mean);
  return to_ratio(*this, mean + student_t_quantile(1 - tail, df) * se);
}

std::optional<PairedRatio> paired_ratio(const std::vector<double>& base, const std::vector<double>& now) {
  const std::size_t n = base.size();
  if (n < 2 || now.size() != n) return std::nullopt;
  PairedRatio r;
  r.n = n;
  r.df = static_cast<double>(n - 1);
  r.log_scale = std::all_of(base.begin(), base.end(), [](double x) { return x > 0; }) &&
                std::all_of(now.begin(), now.end(), [](double x) { return x > 0; });
  const double base_median = median(base);
  if (!r.log_scale && base_median == 0) return std::nullopt;
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = r.log_scale ? std::log(now[i]) - std::log(base[i]) : (now[i] - base[i]) / std::abs(base_median);
  }
  double sum = 0;
  for (double x : d) sum += x;
  r.mean = sum / static_cast<double>(n);
  double squares = 0;
  for (double x : d) squares += (x - r.mean) * (x - r.mean);
  const double sd = std::sqrt(squares / r.df);
  // Differences equal to within rounding (a count measured twice, a stage below the clock's
  // resolution) have no spread: the change is known exactly.
  r.se = sd <= 1e-12 * std::max(1.0, std::abs(r.mean)) ? 0 : sd / std::sqrt(static_cast<double>(n));
  if (r.se == 0) {
    r.p_greater = r.mean > 0 ? 0 : 1;
    r.p_less = r.mean < 0 ? 0 : 1;
  } else {
    const double t = r.mean / r.se;
    r.p_greater = student_t_sf(t, r.df);
    r.p_less = student_t_sf(-t, r.df);
  }
  r.ratio = to_ratio(r, r.mean);
  return r;
}

Pairs pair_by_round(const std::vector<double>& base, const std::vector<std::size_t>& base_rounds,
                    const std::vector<double>& now, const std::vector<std::size_t>& now_rounds) {
  Pairs out;
  std::map<std::size_t, double> by_round;
  for (std::size_t i = 0; i < base.size() && i < base_rounds.size(); ++i) by_round[base_rounds[i]] = base[i];
  std::map<std::size_t, double> now_by_round;
  for (std::size_t i = 0; i < now.size() && i < now_rounds.size(); ++i) now_by_round[now_rounds[i]] = now[i];
  for (const auto& [round, value] : now_by_round) {
    auto found = by_round.find(round);
    if (found == by_round.end()) {
      ++out.unpaired;
      continue;
    }
    out.base.push_back(found->second);
    out.now.push_back(value);
    out.rounds.push_back(round);
  }
  for (const auto& [round, value] : by_round) out.unpaired += now_by_round.count(round) ? 0 : 1;
  return out;
}

}  // namespace flowbench
