#include "report/series_report.h"

#include <cstdio>

namespace flowbench {

namespace {

std::string ms_text(double ms, double scale) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", ms / scale / 1000.0);
  return buffer;
}

}  // namespace

void print_stats(std::ostream& out, const std::vector<TaskStats>& stats, std::size_t runs, double scale) {
  char line[256];
  out << runs << " runs; seconds" << (scale != 1.0 ? " in model units" : "") << "\n";
  std::snprintf(line, sizeof line, "%-8s %-24s %3s %10s %9s %10s %10s %23s\n", "task", "name", "n", "median", "MAD",
                "min", "max", "95% CI of the median");
  out << line;
  for (const auto& t : stats) {
    std::string ci = "(needs 6 runs)";
    if (t.ci95) {
      ci = std::string(1, '[');
      ci += ms_text(t.ci95->low, scale) + ", " + ms_text(t.ci95->high, scale) + "]";
    }
    std::snprintf(line, sizeof line, "%-8s %-24.24s %3zu %10s %9s %10s %10s %23s%s\n", t.id.c_str(), t.name.c_str(),
                  t.samples_ms.size(), ms_text(t.median, scale).c_str(), ms_text(t.mad, scale).c_str(),
                  ms_text(t.min, scale).c_str(), ms_text(t.max, scale).c_str(), ci.c_str(),
                  t.unstable ? "  UNSTABLE" : "");
    out << line;
  }
}

void print_changes(std::ostream& out, const std::vector<Change>& changes, const CompareOptions& options, double scale) {
  char line[256];
  std::snprintf(line, sizeof line, "seconds%s; unchanged below %.0f%%; U test at alpha %.2f\n",
                scale != 1.0 ? " in model units" : "", options.noise * 100, options.alpha);
  out << line;
  std::snprintf(line, sizeof line, "%-8s %-24s %9s %9s %9s %8s %8s  %s\n", "task", "name", "before", "after",
                "change", "rel", "p", "verdict");
  out << line;
  for (const auto& c : changes) {
    char p[16] = "-";
    if (c.p_value) std::snprintf(p, sizeof p, "%.4f", *c.p_value);
    std::snprintf(line, sizeof line, "%-8s %-24.24s %9s %9s %9s %+7.1f%% %8s  %s\n", c.id.c_str(), c.name.c_str(),
                  ms_text(c.before_ms, scale).c_str(), ms_text(c.after_ms, scale).c_str(),
                  ms_text(c.change_ms, scale).c_str(), c.change * 100, p, c.verdict.c_str());
    out << line;
  }
}

}  // namespace flowbench
