#include "report/calibration_report.h"

#include <algorithm>

#include "gate/verdict_text.h"
#include "report/text_table.h"

namespace flowbench {

nlohmann::ordered_json calibration_json(const Calibration& c) {
  nlohmann::ordered_json out;
  out["repetitions"] = c.options.repetitions;
  out["power_target"] = c.options.power;
  out["trials"] = c.options.trials;
  if (!c.false_alarms.empty()) {
    out["false_alarms"] = nlohmann::ordered_json::object();
    for (const auto& [how, rate] : c.false_alarms) {
      out["false_alarms"][comparing_name(how)] = {{"fixed", rate.fixed}, {"sequential", rate.sequential}};
    }
    out["sequential"] = {{"first_look", c.options.sequential.first_look},
                         {"look_every", c.options.sequential.look_every},
                         {"max_rounds", c.options.sequential.max_rounds}};
  }
  out["metrics"] = nlohmann::ordered_json::array();
  for (const auto& row : c.rows) {
    nlohmann::ordered_json one = {{"name", row.name},         {"variant", row.variant},
                                  {"metric", row.metric},     {"compared", comparing_name(row.how)},
                                  {"family", row.family},     {"family_size", row.family_size},
                                  {"alpha", row.alpha},       {"median", row.median},
                                  {"noise", row.noise},       {"min_effect", row.min_effect},
                                  {"min_effect_auto", row.min_effect_auto}};
    one["min_detectable"] = nlohmann::ordered_json::object();
    for (const auto& [n, effect] : row.min_detectable) {
      one["min_detectable"][std::to_string(n)] = effect ? nlohmann::ordered_json(*effect) : nlohmann::ordered_json();
    }
    one["power"] = nlohmann::ordered_json::object();
    for (const auto& [effect, power] : row.power) one["power"][format_number("%g", effect)] = power;
    if (c.options.min_effect) {
      one["repetitions_for_min_effect"] = row.repetitions_for_min_effect
                                              ? nlohmann::ordered_json(*row.repetitions_for_min_effect)
                                              : nlohmann::ordered_json();
    }
    out["metrics"].push_back(std::move(one));
  }
  return out;
}

void print_calibration(std::ostream& out, const Calibration& c) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> titles = {"metric", "compared", "median", "noise", "family", "min effect"};
  for (std::size_t n : c.options.detect_at) titles.push_back("95% power @" + std::to_string(n));
  for (double e : c.options.effects) titles.push_back(format_number("power +%g%%", e * 100) + format_number(" @%g", c.options.repetitions));
  if (c.options.min_effect) titles.push_back(format_number("reps to catch +%g%%", *c.options.min_effect * 100));
  for (const auto& row : c.rows) {
    std::vector<std::string> cells = {row.name, comparing_name(row.how), format_number("%.4g", row.median),
                                      format_number("%.2f%%", row.noise * 100), std::to_string(row.family_size),
                                      format_number("%.2f%%", row.min_effect * 100) + (row.min_effect_auto ? " auto" : "")};
    for (std::size_t n : c.options.detect_at) {
      const auto& effect = row.min_detectable.at(n);
      cells.push_back(effect ? format_number("+%.1f%%", *effect * 100) : "> +300%");
    }
    for (double e : c.options.effects) cells.push_back(format_number("%.0f%%", row.power.at(e) * 100));
    if (c.options.min_effect) {
      cells.push_back(row.repetitions_for_min_effect ? std::to_string(*row.repetitions_for_min_effect) : "> 50");
    }
    rows.push_back(std::move(cells));
  }
  TextTable{titles, rows}.print(out);
  out << "\nnoise: unpaired, MAD/median of both arms' samples; paired (rounds in turn) and duet (both arms at once), "
         "the standard deviation of the per-round log ratios b/a\n";
  out << "smallest slowdown detected with " << format_number("%.0f%%", c.options.power * 100)
      << " power: each metric slowed alone, its A/A samples resampled (" << c.options.power_trials
      << " draws a point), judged at the first step of its family's correction\n";
  if (c.options.min_effect) {
    out << "reps to catch " << format_number("+%g%%", *c.options.min_effect * 100)
        << ": the fewest repetitions a side that flag that slowdown 95% of the time with min effect \"auto\" (a "
           "min effect equal to the slowdown flags it only about half the time)\n";
  }
  for (const auto& [how, rate] : c.false_alarms) {
    out << "simulated A/A gates with every regression target, " << comparing_name(how) << ": " << c.options.trials
        << " at " << c.options.repetitions << " rounds, " << format_number("%.1f%%", rate.fixed * 100)
        << " with any false alarm; rounds until decided (looks at " << c.options.sequential.first_look << ", then every "
        << c.options.sequential.look_every << ", up to " << c.options.sequential.max_rounds << "), "
        << format_number("%.1f%%", rate.sequential * 100) << "\n";
  }
}

}  // namespace flowbench
