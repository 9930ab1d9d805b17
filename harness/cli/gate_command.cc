// `flowbench gate`: budgets over measured data; exits non-zero when a target fails.
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/cli_common.h"
#include "gate/gate.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct GateCommand {
  fs::path budgets;
  std::vector<fs::path> data;
  fs::path baseline;
  fs::path junit;
  fs::path json;
};

int do_gate(const GateCommand& command) {
  auto budgets = load_budgets(command.budgets);
  if (!budgets) {
    std::cerr << "flowbench gate: " << budgets.error().message << "\n";
    return kExitBadInput;
  }
  auto data = load_all_measurements(command.data);
  if (!data) {
    std::cerr << "flowbench gate: " << data.error().message << "\n";
    return kExitBadInput;
  }
  std::ostringstream warnings;
  const Baselines baselines = load_baselines(*budgets, command.baseline, warnings);
  std::cerr << warnings.str();
  auto verdicts = evaluate_budgets(*budgets, *data, baselines);
  if (!verdicts) {
    std::cerr << "flowbench gate: " << verdicts.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "gate " << budgets->name << " over " << data->source;
  if (budgets->time_scale) std::cout << " (model units: measured / " << *budgets->time_scale << ")";
  std::cout << "\n\n";
  print_verdicts(std::cout, *verdicts);
  if (!command.junit.empty()) {
    std::ostringstream xml;
    write_verdicts_junit(xml, "gate " + budgets->name, *verdicts);
    if (int status = write_output(command.junit, xml.str(), "gate")) return status;
  }
  if (int status = write_json_file(command.json, verdicts_json(*verdicts), "gate")) return status;
  return all_met(*verdicts) ? 0 : kExitTasksFailed;
}

}  // namespace

void add_gate_command(CLI::App& app, int& exit_status) {
  auto command = std::make_shared<GateCommand>();
  auto* gate = app.add_subcommand("gate", "Check budgets and regressions; exit 1 when a target is not met");
  gate->add_option("--budgets", command->budgets, "Budgets file (schema flowbench.budgets/1)")
      ->required()
      ->check(CLI::ExistingFile);
  gate->add_option("data", command->data,
                   "Run folders, series folders (or a folder of them: one per variant) and benchmark JSON files")
      ->required();
  gate->add_option("--baseline", command->baseline,
                   "Stored measurements (benchmark JSON or runs) for every regression check");
  gate->add_option("--junit", command->junit, "Also write the verdicts as JUnit XML (a testcase per target)");
  gate->add_option("--json", command->json, "Also write the verdicts as JSON");
  gate->callback([command, &exit_status] { exit_status = do_gate(*command); });
}

}  // namespace flowbench::cli
