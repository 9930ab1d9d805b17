#include "report/history_report.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "analyze/stats.h"
#include "gate/verdict_text.h"
#include "report/text_table.h"
#include "util/text.h"

namespace flowbench {
using json = nlohmann::ordered_json;
using history::Change;
using history::ChangeOptions;
using history::Group;
using history::Snapshot;
using history::metric_label;
using history::metrics_of;
using history::timeline_of;

namespace {

std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }

std::string date_text(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &tm);
  return buffer;
}

std::string value_text(const std::string& metric, double value) {
  if (metric == "peak_rss_mib") return format_number("%.1f MiB", value);
  return shown(value, is_time_metric(metric));
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void print_history_groups(std::ostream& out, const std::vector<Group>& groups) {
  if (groups.empty()) {
    out << "The history holds no results yet; `flowbench record DATA` adds some.\n";
    return;
  }
  for (const auto& g : groups) {
    const auto timeline = timeline_of(g);
    out << g.name() << ": " << timeline.size() << " commits, " << g.results.size() << " results, "
        << metrics_of(timeline).size() << " metrics; newest " << short_hash(timeline.back().hash) << " ("
        << date_text(timeline.back().time) << ")\n  " << g.fingerprint.text() << "\n";
  }
}

void print_metric_history(std::ostream& out, const MetricHistory& h) {
  const auto& m = h.metric;
  out << metric_label(m.key) << " on " << h.group << ": " << m.commits.size() << " commits";
  if (h.time_scale != "1" && is_time_metric(m.key.metric)) out << " (measured times; time scale " << h.time_scale << ")";
  out << "\n\n";
  TextTable table{{"commit", "date", "n", "median", "min", "max", ""}, {}, true};
  const std::size_t baseline_from = m.commits.size() > h.baseline_commits ? m.commits.size() - h.baseline_commits : 0;
  for (std::size_t i = 0; i < m.commits.size(); ++i) {
    const auto& s = m.samples[i];
    std::string mark;
    for (const auto& c : h.changes) {
      if (c.index == i) mark = (c.regression ? "<- regression " : "<- improvement ") + change_text(c.effect);
    }
    if (mark.empty() && i >= baseline_from) mark = "baseline window";
    table.rows.push_back({short_hash(m.commits[i]), date_text(h.times[i]), std::to_string(s.size()),
                          value_text(m.key.metric, median(s)), value_text(m.key.metric, *std::min_element(s.begin(), s.end())),
                          value_text(m.key.metric, *std::max_element(s.begin(), s.end())), mark});
  }
  table.print(out);
}

json metric_history_json(const MetricHistory& h) {
  json commits = json::array();
  for (std::size_t i = 0; i < h.metric.commits.size(); ++i) {
    commits.push_back({{"commit", h.metric.commits[i]}, {"time", h.times[i]}, {"samples", h.metric.samples[i]},
                       {"median", median(h.metric.samples[i])}});
  }
  json out = {{"schema", "flowbench.history-metric/1"}, {"group", h.group},
              {"variant", h.metric.key.variant}, {"metric", h.metric.key.metric},
              {"label", metric_label(h.metric.key)}, {"unit", is_time_metric(h.metric.key.metric) ? "s" : ""},
              {"baseline_commits", h.baseline_commits}, {"time_scale", h.time_scale}, {"commits", commits}};
  out["changes"] = changes_json(h.changes, {})["changes"];
  return out;
}

void print_changes(std::ostream& out, const std::vector<Change>& changes, const ChangeOptions& options) {
  for (const bool regressions : {true, false}) {
    TextTable table{{"metric", "history", "last good", "first bad", "before", "after", "change [95% CI]", "p", ""}, {}, true};
    for (const auto& c : changes) {
      if (c.regression != regressions) continue;
      table.rows.push_back({metric_label(c.key), c.group, short_hash(c.last_good), short_hash(c.first_bad),
                            value_text(c.key.metric, c.median_before), value_text(c.key.metric, c.median_after),
                            change_text(c.effect), format_number("%.3g", c.p), c.open ? "open" : ""});
    }
    out << (regressions ? "Regressions" : "Improvements") << ": " << table.rows.size() << "\n";
    if (!table.rows.empty()) {
      out << "\n";
      table.print(out);
    }
    out << "\n";
  }
  out << "Rule: E-divisive means over each commit's median (permutation test, " << options.e_divisive.permutations
      << " permutations, seeded, p <= " << format_number("%g", options.e_divisive.alpha)
      << "), reported when the Hodges-Lehmann change between the " << options.window
      << " commits either side is at least " << format_number("%g%%", options.min_change * 100)
      << " and its 95% interval excludes no change. Open: the newest commits still show it.\n";
}

json changes_json(const std::vector<Change>& changes, const ChangeOptions& options) {
  json list = json::array();
  for (const auto& c : changes) {
    list.push_back({{"variant", c.key.variant}, {"metric", c.key.metric}, {"history", c.group},
                    {"kind", c.regression ? "regression" : "improvement"}, {"open", c.open},
                    {"last_good", c.last_good}, {"first_bad", c.first_bad}, {"index", c.index},
                    {"median_before", c.median_before}, {"median_after", c.median_after},
                    {"change", c.effect.estimate.ratio - 1},
                    {"change_interval", {c.effect.estimate.low - 1, c.effect.estimate.high - 1}},
                    {"interval_coverage", c.effect.estimate.coverage}, {"p", c.p},
                    {"commits_before", c.commits_before}, {"commits_after", c.commits_after}});
  }
  return {{"schema", "flowbench.history-changes/1"},
          {"rule", {{"alpha", options.e_divisive.alpha}, {"permutations", options.e_divisive.permutations},
                    {"min_change", options.min_change}, {"window", options.window}}},
          {"changes", list}};
}

void write_history_csv(std::ostream& out, const Snapshot& snapshot) {
  out << "commit,parents,branch,commit_time,dirty,recorded_at,fingerprint,source,tags,variant,metric,sample,value\n";
  for (const auto& r : snapshot.results) {
    std::vector<std::string> tags;
    for (const auto& [k, v] : r.tags) tags.push_back(k + "=" + v);
    const std::string head = r.commit.hash + "," + join(r.commit.parents, " ") + "," + csv_field(r.commit.branch) +
                             "," + std::to_string(r.commit.time) + "," + (r.commit.dirty ? "1" : "0") + "," +
                             std::to_string(r.recorded_at) + "," + r.fingerprint.digest() + "," + csv_field(r.source) +
                             "," + csv_field(join(tags, ";"));
    for (const auto& [key, values] : r.samples) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        out << head << "," << csv_field(key.variant) << "," << csv_field(key.metric) << "," << i << ","
            << exact_number(values[i]) << "\n";
      }
    }
  }
}

json history_json(const Snapshot& snapshot) {
  json results = json::array();
  std::map<std::string, json> fingerprints;
  for (const auto& r : snapshot.results) {
    fingerprints[r.fingerprint.digest()] = r.fingerprint.fields;
    json samples = json::array();
    for (const auto& [key, values] : r.samples) {
      samples.push_back({{"variant", key.variant}, {"metric", key.metric}, {"values", values}});
    }
    results.push_back({{"commit", r.commit.hash}, {"parents", r.commit.parents}, {"branch", r.commit.branch},
                       {"commit_time", r.commit.time}, {"dirty", r.commit.dirty}, {"recorded_at", r.recorded_at},
                       {"fingerprint", r.fingerprint.digest()}, {"source", r.source}, {"spec_sha256", r.spec_sha256},
                       {"tags", r.tags}, {"samples", samples}});
  }
  return {{"schema", "flowbench.history-export/1"}, {"fingerprints", fingerprints}, {"results", results}};
}

}  // namespace flowbench
