// `flowbench history html`: the benchmark history as a static site a browser opens offline.
// index.html lists every metric of every history (branch @ fingerprint) with its latest
// median, a sparkline of its medians and its changes, open regressions first; a page per
// metric plots each commit's samples and median (uPlot, inline), marks the change points
// with their commits, shades the baseline window a gate against history uses, and links
// the report recorded with a result (`record --tag report=FILE`) where that file exists.
#pragma once

#include <filesystem>
#include <string>

#include "history/changes.h"
#include "util/expected.h"

namespace flowbench {

struct HistorySiteOptions {
  std::string database;                 // shown on the pages
  bool include_dirty = false;
  std::size_t baseline_commits = 5;     // the window a gate against history uses
  history::ChangeOptions changes{};
};

struct HistorySite {
  std::size_t metric_pages = 0;
  std::size_t bytes = 0;                // of every page written
  std::size_t open_regressions = 0;
};

// Writes index.html and a page per metric into `folder` (made when missing; each file
// written whole, then renamed into place).
Expected<HistorySite> write_history_site(const history::Snapshot& snapshot, const std::filesystem::path& folder,
                                         const HistorySiteOptions& options);

}  // namespace flowbench
