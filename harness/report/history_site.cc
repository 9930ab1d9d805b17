#include "report/history_site.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/stats.h"
#include "gate/measurements.h"
#include "gate/verdict_text.h"
#include "history/timeline.h"
#include "platform/atomic_file.h"
#include "report/html_page.h"
#include "util/time_format.h"

namespace flowbench::vendor {
extern const char kUplot_js[];
extern const char kUplot_css[];
}  // namespace flowbench::vendor

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One metric of one history, with what its pages show.
struct MetricPage {
  std::string file, group, label;
  SampleKey key;
  history::MetricTimeline metric;
  std::vector<std::int64_t> times;
  std::vector<double> medians;
  std::vector<history::Change> changes;
  std::map<std::string, std::string> reports;  // commit -> report link
  bool open = false;
  std::size_t regressions = 0, improvements = 0;
  const history::Fingerprint* fingerprint = nullptr;
};

std::string date_of(std::int64_t seconds) {
  return seconds > 0 ? iso8601(SystemTime(std::chrono::seconds(seconds))).substr(0, 16) + "Z" : "–";
}

// The report a result names with its tag "report", as a link from the site's folder.
std::map<std::string, std::string> report_links(const history::Group& group, const fs::path& folder) {
  std::map<std::string, std::string> links;
  for (const history::Result* r : group.results) {
    auto tag = r->tags.find("report");
    std::error_code ec;
    if (tag == r->tags.end() || links.count(r->commit.hash) || !fs::is_regular_file(tag->second, ec)) continue;
    const fs::path report = fs::absolute(tag->second).lexically_normal();
    const fs::path relative = report.lexically_relative(fs::absolute(folder).lexically_normal());
    links[r->commit.hash] = relative.empty() ? "file://" + report.string() : relative.generic_string();
  }
  return links;
}

std::string sparkline(const MetricPage& page) {
  const std::size_t from = page.medians.size() > 100 ? page.medians.size() - 100 : 0;
  if (page.medians.size() - from < 2) return "";
  const auto [lo_it, hi_it] = std::minmax_element(page.medians.begin() + long(from), page.medians.end());
  // At least 10% of the level tall, so that noise on a flat history draws flat.
  const double level = std::abs(page.medians.back()), spread = std::max(*hi_it - *lo_it, 0.1 * level);
  const double span = spread > 0 ? spread : 1, lo_value = (*lo_it + *hi_it) / 2 - span / 2;
  const double* lo = &lo_value;
  std::string points;
  for (std::size_t i = from; i < page.medians.size(); ++i) {
    const double x = 2 + 136.0 * double(i - from) / double(page.medians.size() - from - 1);
    const double y = 22 - 20 * (page.medians[i] - *lo) / span;
    points += svg_number(x) + "," + svg_number(y) + " ";
  }
  return "<svg class=\"spark\" width=\"140\" height=\"24\" viewBox=\"0 0 140 24\"><polyline fill=\"none\" stroke=\"" +
         std::string(page.open ? "#d64545" : "#4a7fd4") + "\" stroke-width=\"1.5\" points=\"" + points + "\"/></svg>";
}

// Rows of a metric page's commit table (beyond them, the chart).
constexpr std::size_t kTableCommits = 200;

constexpr std::string_view kSiteCss = R"(
td.open { color: #b3261e; font-weight: 600; } a { color: #2a5db0; }
#chart { margin: 1em 0; } .uplot { font-family: system-ui, sans-serif; } dl.fields { display: grid;
  grid-template-columns: max-content auto; gap: .1em 1em; font-size: .92em; color: #5f6b7a; } dl.fields dd { margin: 0; }
)";

// Plots the page's data (a JSON block) with uPlot: samples as dots, the median as a line,
// each change point as a dashed line with its first bad commit, the baseline window shaded.
constexpr std::string_view kChartScript = R"(
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var n = d.commits.length, xs = [];
  for (var i = 0; i < n; i++) xs.push(i);
  var fmt = function (v) {
    if (v == null) return '--';
    if (!d.time) return String(Number(v.toPrecision(4)));
    return Math.abs(v) < 1 ? (v * 1000).toFixed(2) + ' ms' : v.toFixed(3) + ' s';
  };
  var series = [{ label: 'commit', value: function (u, v) { return v == null ? '--' : d.commits[v].slice(0, 12); } },
                { label: 'median', stroke: '#1d2330', width: 2, value: function (u, v) { return fmt(v); } }];
  var data = [xs, d.medians];
  for (var k = 0; k < d.most_samples; k++) {
    series.push({ label: 'sample ' + (k + 1), stroke: '#4a7fd4', width: 0, paths: function () { return null; },
                  points: { show: true, size: 5, fill: 'rgba(74,127,212,.55)', stroke: 'rgba(74,127,212,.9)' },
                  value: function (u, v) { return fmt(v); } });
    data.push(d.samples.map(function (s) { return k < s.length ? s[k] : null; }));
  }
  var marks = function (u) {
    var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    ctx.save();
    if (d.baseline) {
      var a = u.valToPos(d.baseline[0] - 0.5, 'x', true), b = u.valToPos(d.baseline[1] + 0.5, 'x', true);
      ctx.fillStyle = 'rgba(74,127,212,.10)';
      ctx.fillRect(a, top, b - a, height);
    }
    ctx.font = (11 * devicePixelRatio) + 'px system-ui, sans-serif';
    d.changes.forEach(function (c) {
      var x = u.valToPos(c.index - 0.5, 'x', true);
      ctx.strokeStyle = ctx.fillStyle = c.regression ? '#d64545' : '#1e7b34';
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
      ctx.fillText(c.first_bad.slice(0, 8) + ' ' + c.text, x + 4, top + 14 * devicePixelRatio);
    });
    ctx.restore();
  };
  var chart = document.getElementById('chart');
  window.historyPlot = new uPlot({
    width: Math.max(600, chart.clientWidth), height: 380, scales: { x: { time: false } }, series: series,
    axes: [{ values: function (u, splits) { return splits.map(function (v) {
               return Number.isInteger(v) && v >= 0 && v < n ? d.commits[v].slice(0, 7) : ''; }); } },
           { values: function (u, splits) { return splits.map(fmt); }, size: 70 }],
    hooks: { draw: [marks] }
  }, data, chart);
})();
)";

// The change points as a table: kind, last good and first bad commit, medians, change, p.
void write_changes(std::ostream& out, const std::vector<history::Change>& changes, bool time) {
  out << "<h2>Changes</h2>\n";
  if (changes.empty()) out << "<p>No change point: the history is one level.</p>\n";
  else {
    out << "<table id=\"changes\"><thead><tr><th>Kind</th><th>Last good</th><th>First bad</th><th>Before</th>"
           "<th>After</th><th>Change [95% CI]</th><th>p</th></tr></thead><tbody>\n";
    for (const auto& c : changes) {
      out << "<tr class=\"" << (c.regression && c.open ? "fail" : "") << "\"><td>"
          << (c.regression ? (c.open ? "regression (open)" : "regression") : "improvement") << "</td><td><code>"
          << c.last_good.substr(0, 12) << "</code></td><td><code>" << c.first_bad.substr(0, 12) << "</code></td><td>"
          << shown(c.median_before, time) << "</td><td>" << shown(c.median_after, time) << "</td><td>"
          << change_text(c.effect) << "</td><td>" << format_number("%.3g", c.p) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }
}

// What the chart script plots: commits, medians and samples (six significant digits are more
// than a measurement holds, and keep a page of 1,000 commits light), the change points, the
// baseline window.
json chart_data(const MetricPage& p, std::size_t baseline_commits) {
  const bool time = is_time_metric(p.key.metric);
  auto rounded = [](double v) { return std::stod(format_number("%.6g", v)); };
  json medians = json::array(), samples = json::array();
  for (double m : p.medians) medians.push_back(rounded(m));
  for (const auto& commit : p.metric.samples) {
    json values = json::array();
    for (double v : commit) values.push_back(rounded(v));
    samples.push_back(std::move(values));
  }
  json data = {{"commits", p.metric.commits}, {"medians", medians}, {"samples", samples}, {"time", time}};
  std::size_t most = 0;
  for (const auto& s : p.metric.samples) most = std::max(most, s.size());
  data["most_samples"] = most;
  const std::size_t n = p.metric.commits.size();
  data["baseline"] = json::array({n > baseline_commits ? n - baseline_commits : 0, n - 1});
  data["changes"] = json::array();
  for (const auto& c : p.changes) {
    data["changes"].push_back({{"index", c.index}, {"first_bad", c.first_bad}, {"regression", c.regression},
                               {"text", change_text(c.effect).substr(0, change_text(c.effect).find(' '))}});
  }
  return data;
}

void write_metric_page(std::ostream& out, const MetricPage& p, const HistorySiteOptions& options) {
  const bool time = is_time_metric(p.key.metric);
  write_page_head(out, p.label + " — " + p.group, std::string(kSiteCss) + vendor::kUplot_css);
  out << "<p><a href=\"index.html\">← all metrics</a></p>\n<h1>" << html_escape(p.label) << "</h1>\n<p class=\"muted\">"
      << "History <b>" << html_escape(p.group) << "</b> in " << html_escape(options.database) << ": "
      << p.metric.commits.size() << " commits. " << (time ? "Measured seconds (not model units). " : "")
      << "Dots: each sample; line: each commit's median; dashed: a change point at its first bad commit (red: "
         "a regression, green: an improvement); shaded: the newest "
      << options.baseline_commits << " commits, what a gate against history compares with.</p>\n"
      << "<div id=\"chart\"></div>\n<dl class=\"fields\">";
  for (const auto& [field, value] : p.fingerprint->fields) {
    out << "<dt>" << html_escape(field) << "</dt><dd>" << html_escape(value) << "</dd>";
  }
  out << "</dl>\n";
  write_changes(out, p.changes, time);
  std::map<std::size_t, const history::Change*> starts;
  for (const auto& c : p.changes) starts[c.index] = &c;
  // The table holds the newest commits and each change's first bad one; the chart holds all.
  const std::size_t n_commits = p.metric.commits.size(), newest = n_commits > kTableCommits ? n_commits - kTableCommits : 0;
  out << "<h2>Commits</h2>\n";
  if (newest > 0) {
    out << "<p class=\"note\">The newest " << kTableCommits << " of " << n_commits << " commits and the first bad commit "
        << "of each change; the chart shows them all, <code>flowbench history export</code> every sample.</p>\n";
  }
  out << "<table id=\"commits\" class=\"sortable\"><thead><tr><th>#</th><th>Commit</th>"
         "<th>Date</th><th>n</th><th>Median</th><th>Min</th><th>Max</th><th>Change point</th><th>Report</th></tr>"
         "</thead><tbody>\n";
  for (std::size_t i = 0; i < n_commits; ++i) {
    if (i < newest && !starts.count(i)) continue;
    const auto& samples = p.metric.samples[i];
    const auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
    const std::string& hash = p.metric.commits[i];
    auto report = p.reports.find(hash);
    out << "<tr data-commit=\"" << html_escape(hash) << "\"><td class=\"num\" data-value=\"" << i << "\">" << i
        << "</td><td><code>" << html_escape(hash.substr(0, 12)) << "</code></td><td>" << date_of(p.times[i])
        << "</td><td class=\"num\" data-value=\"" << samples.size() << "\">" << samples.size()
        << "</td><td class=\"num\" data-value=\"" << svg_number(p.medians[i] * 1e6) << "\">"
        << shown(p.medians[i], time) << "</td><td class=\"num\">" << shown(*lo, time)
        << "</td><td class=\"num\">" << shown(*hi, time) << "</td><td>"
        << (starts.count(i) ? (starts[i]->regression ? "regression starts" : "improvement starts") : "") << "</td><td>"
        << (report == p.reports.end() ? "" : "<a href=\"" + html_escape(report->second) + "\">report</a>")
        << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
  json data = chart_data(p, options.baseline_commits);
  std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at)) text.replace(at, 2, "<\\/");
  out << "<script type=\"application/json\" id=\"data\">" << text << "</script>\n<script>" << vendor::kUplot_js
      << "</script>\n";
  write_page_end(out, kChartScript);
}

void write_index(std::ostream& out, const std::vector<MetricPage>& pages, const HistorySiteOptions& options,
                 std::size_t groups) {
  write_page_head(out, "Benchmark history", kSiteCss);
  const auto open = std::count_if(pages.begin(), pages.end(), [](const MetricPage& p) { return p.open; });
  out << "<h1>Benchmark history</h1>\n<p class=\"muted\">" << html_escape(options.database) << ": " << pages.size()
      << " metrics in " << groups << " histories (branch @ machine-and-build fingerprint); " << open
      << " with an open regression, listed first. Written " << iso8601(std::chrono::system_clock::now())
      << ". Change points: E-divisive means (permutation test, alpha " << options.changes.e_divisive.alpha
      << "), reported when the change is at least " << options.changes.min_change * 100 << "%.</p>\n"
      << "<table id=\"metrics\" class=\"sortable\"><thead><tr><th>Metric</th><th>History</th><th>Commits</th>"
         "<th>Latest median</th><th>Trend</th><th>Regressions</th><th>Improvements</th><th>Open</th></tr></thead>"
         "<tbody>\n";
  for (const auto& p : pages) {
    const bool time = is_time_metric(p.key.metric);
    out << "<tr class=\"" << (p.open ? "fail" : "") << "\" data-metric=\"" << html_escape(p.label) << "\"><td><a href=\""
        << p.file << "\">" << html_escape(p.label) << "</a></td><td>" << html_escape(p.group)
        << "</td><td class=\"num\" data-value=\"" << p.metric.commits.size() << "\">" << p.metric.commits.size()
        << "</td><td class=\"num\" data-value=\"" << svg_number(p.medians.back() * 1e6) << "\">"
        << shown(p.medians.back(), time) << "</td><td>" << sparkline(p) << "</td><td class=\"num\">"
        << p.regressions << "</td><td class=\"num\">" << p.improvements << "</td><td class=\"" << (p.open ? "open" : "")
        << "\">" << (p.open ? "yes" : "") << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
  write_page_end(out);
}

}  // namespace

Expected<HistorySite> write_history_site(const history::Snapshot& snapshot, const fs::path& folder,
                                         const HistorySiteOptions& options) {
  const auto groups = history::groups_of(snapshot, options.include_dirty);
  std::vector<MetricPage> pages;
  for (const auto& group : groups) {
    const auto timeline = history::timeline_of(group);
    const auto reports = report_links(group, folder);
    for (const auto& key : history::metrics_of(timeline)) {
      MetricPage page;
      page.group = group.name();
      page.key = key;
      page.label = history::metric_label(key);
      page.metric = history::metric_timeline(timeline, key);
      if (page.metric.commits.empty()) continue;
      for (const auto& commit : timeline) {
        if (commit.samples.count(key) && !commit.samples.at(key).empty()) page.times.push_back(commit.time);
      }
      for (const auto& s : page.metric.samples) page.medians.push_back(median(s));
      page.changes = history::changes_of(page.metric, page.group, options.changes);
      for (const auto& c : page.changes) {
        (c.regression ? page.regressions : page.improvements) += 1;
        page.open = page.open || (c.regression && c.open);
      }
      page.reports = reports;
      page.fingerprint = &group.fingerprint;
      pages.push_back(std::move(page));
    }
  }
  std::stable_sort(pages.begin(), pages.end(), [](const MetricPage& a, const MetricPage& b) {
    return a.open != b.open ? a.open : a.regressions > b.regressions;
  });
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    return Error{"cannot create " + folder.string() + ": " + ec.message() + "; fix: give -o a folder you can write to"};
  }
  HistorySite site;
  for (std::size_t i = 0; i < pages.size(); ++i) pages[i].file = "metric-" + std::to_string(i + 1) + ".html";
  for (const auto& page : pages) {
    std::ostringstream text;
    write_metric_page(text, page, options);
    if (auto written = write_file_atomically(folder / page.file, text.str()); !written) return written.error();
    site.bytes += text.str().size();
    ++site.metric_pages;
    site.open_regressions += page.open;
  }
  std::ostringstream index;
  write_index(index, pages, options, groups.size());
  if (auto written = write_file_atomically(folder / "index.html", index.str()); !written) return written.error();
  site.bytes += index.str().size();
  return site;
}

}  // namespace flowbench
