#include "gate/expand.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "util/name_glob.h"

namespace flowbench {

namespace {

// Natural order: runs of digits compare as numbers, so task:2 sorts before task:10.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      const std::string da = a.substr(i, ei - i), db = b.substr(j, ej - j);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

// Every metric (or benchmark) name of `data` the target could mean.
void collect_names(const Measurements& data, const Target& target, std::set<std::string>& names) {
  if (!target.benchmark.empty()) {
    for (const auto& [name, values] : benchmark_samples(data, target.measure)) names.insert(name);
    return;
  }
  for (const auto& [key, values] : data.samples) {
    if (key.variant == target.variant) names.insert(key.metric);
  }
}

std::string sanitized(std::string text) {
  for (char& c : text) {
    if (c == '/' || c == ':' || c == ' ') c = '-';
  }
  return text;
}

}  // namespace

std::string expanded_name(const std::string& name, const std::vector<std::string>& captures,
                          const std::string& match) {
  const auto stars = static_cast<std::size_t>(std::count(name.begin(), name.end(), '*'));
  if (stars == 0) return name + "/" + match;
  std::vector<std::string> parts = captures;
  if (stars != captures.size()) {  // one '*' takes every wildcard's match, joined
    std::string joined;
    for (const auto& c : captures) joined += (joined.empty() ? "" : "-") + c;
    parts.assign(stars, joined);
  }
  std::string out;
  std::size_t next = 0;
  for (char c : name) {
    if (c == '*' && next < parts.size()) {
      out += sanitized(parts[next++]);
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<ExpandedTarget> expand_targets(const std::vector<Target>& targets, const Measurements& data,
                                           const Baselines& baselines) {
  std::vector<ExpandedTarget> out;
  for (const auto& target : targets) {
    if (!target.expands()) {
      out.push_back({target, target.name, false});
      continue;
    }
    std::set<std::string> names;
    collect_names(data, target, names);
    if (target.regression) {
      auto base = baselines.find(target.regression->baseline.string());
      if (base != baselines.end()) collect_names(base->second, target, names);
    }
    const std::string& pattern = target.benchmark.empty() ? target.metric : target.benchmark;
    std::vector<std::pair<std::string, std::vector<std::string>>> matches;
    for (const auto& name : names) {
      if (std::any_of(target.exclude.begin(), target.exclude.end(),
                      [&](const std::string& g) { return name_glob_match(g, name); })) {
        continue;
      }
      std::vector<std::string> captures;
      if (name_glob_match(pattern, name, &captures)) matches.emplace_back(name, std::move(captures));
    }
    std::sort(matches.begin(), matches.end(), [](const auto& l, const auto& r) { return natural_less(l.first, r.first); });
    if (matches.empty()) {
      out.push_back({target, target.name, true});
      continue;
    }
    for (const auto& [name, captures] : matches) {
      Target one = target;
      one.name = expanded_name(target.name, captures, name);
      if (target.benchmark.empty()) {
        one.metric = name;
      } else {
        one.benchmark = name;
        one.metric = name;
      }
      out.push_back({std::move(one), target.name, false});
    }
  }
  return out;
}

const std::map<std::string, std::vector<double>>& benchmark_samples(const Measurements& data, Measure measure) {
  switch (measure) {
    case Measure::kCpu: return data.benchmark_cpu;
    case Measure::kInstructions: return data.benchmark_instructions;
    case Measure::kWall: break;
  }
  return data.benchmarks;
}

const std::vector<std::size_t>* find_rounds(const Measurements& data, const Target& target) {
  const auto* samples = find_samples(data, target);
  if (!samples) return nullptr;
  const std::vector<std::size_t>* rounds = nullptr;
  if (target.benchmark.empty()) {
    auto it = data.sample_rounds.find({target.variant, target.metric});
    if (it != data.sample_rounds.end()) rounds = &it->second;
  } else {
    const auto& by_name = target.measure == Measure::kInstructions ? data.instruction_rounds : data.benchmark_rounds;
    auto it = by_name.find(target.benchmark);
    if (it != by_name.end()) rounds = &it->second;
  }
  return rounds && rounds->size() == samples->size() ? rounds : nullptr;
}

const std::vector<std::size_t>* find_commits(const Measurements& data, const Target& target) {
  const auto* samples = find_samples(data, target);
  if (!samples || target.measure != Measure::kWall) return nullptr;
  const std::vector<std::size_t>* commits = nullptr;
  if (target.benchmark.empty()) {
    auto it = data.sample_commits.find({target.variant, target.metric});
    if (it != data.sample_commits.end()) commits = &it->second;
  } else {
    auto it = data.benchmark_commits.find(target.benchmark);
    if (it != data.benchmark_commits.end()) commits = &it->second;
  }
  return commits && commits->size() == samples->size() ? commits : nullptr;
}

const std::vector<double>* find_samples(const Measurements& data, const Target& target) {
  if (!target.benchmark.empty()) {
    const auto& by_name = benchmark_samples(data, target.measure);
    auto it = by_name.find(target.benchmark);
    return it == by_name.end() || it->second.empty() ? nullptr : &it->second;
  }
  auto it = data.samples.find({target.variant, target.metric});
  return it == data.samples.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace flowbench
