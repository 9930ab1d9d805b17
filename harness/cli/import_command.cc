// `flowbench import wfformat|conductor`: other systems' records into flowbench's.
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "interchange/conductor.h"
#include "interchange/wfformat.h"
#include "platform/atomic_file.h"
#include "util/json_reader.h"
#include "util/time_format.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct ImportCommand {
  std::string format;
  fs::path input;
  fs::path output;
  std::string run_id;
};

Expected<nlohmann::json> read_json(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  JsonReader reader(file.string(), "give the file as exported (it is cut off or not JSON)");
  auto parsed = reader.parse(*text);
  if (!parsed) return reader.error();
  return std::move(*parsed);
}

int import_wfformat(const ImportCommand& command, const nlohmann::json& instance) {
  auto spec = spec_from_wfformat(instance, command.input.string());
  if (!spec) {
    std::cerr << "flowbench import: " << spec.error().message << "\n";
    return kExitBadInput;
  }
  // A new folder for the spec is made (as `run -o` makes its output folder).
  std::error_code ec;
  if (command.output.has_parent_path()) fs::create_directories(command.output.parent_path(), ec);
  if (ec) {
    std::cerr << "flowbench import: cannot create the folder " << command.output.parent_path().string() << ": "
              << ec.message() << "; fix: give -o a path in a folder you can write to\n";
    return kExitBadInput;
  }
  if (int status = write_json_file(command.output, *spec, "import")) return status;
  std::cout << "spec: " << command.output.string() << " (" << (*spec)["tasks"].size()
            << " synth tasks replaying recorded runtimes)\n"
            << "run it scaled, e.g.: flowbench run " << command.output.string() << " --time-scale 0.01 -j 4\n";
  return 0;
}

int import_conductor(const ImportCommand& command, const nlohmann::json& execution) {
  auto run = run_from_conductor(execution, command.input.string());
  if (!run) {
    std::cerr << "flowbench import: " << run.error().message << "\n";
    return kExitBadInput;
  }
  const std::string run_id =
      command.run_id.empty() ? compact_stamp(run->end.started_at) + "-conductor" : command.run_id;
  auto paths = write_imported_run(*run, command.output, run_id);
  if (!paths) {
    std::cerr << "flowbench import: " << paths.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "run: " << paths->root.string() << " (" << run->profiles.size()
            << " tasks; analyze, compare and report read it)\n";
  return 0;
}

int do_import(const ImportCommand& command) {
  auto input = read_json(command.input);
  if (!input) {
    std::cerr << "flowbench import: " << input.error().message << "\n";
    return kExitBadInput;
  }
  return command.format == "wfformat" ? import_wfformat(command, *input) : import_conductor(command, *input);
}

}  // namespace

void add_import_command(CLI::App& app, int& exit_status) {
  auto command = std::make_shared<ImportCommand>();
  auto* import = app.add_subcommand(
      "import", "Turn a WfFormat trace into a runnable spec, or a Conductor execution into a run folder");
  import->add_option("format", command->format,
                     "wfformat: WfCommons 1.5 instance -> spec of synth tasks replaying it; "
                     "conductor: workflow execution JSON (includeTasks=true) -> run folder")
      ->required()
      ->check(CLI::IsMember({"wfformat", "conductor"}));
  import->add_option("file", command->input, "The file to import")->required()->check(CLI::ExistingFile);
  import->add_option("-o,--output", command->output,
                     "wfformat: the spec file to write; conductor: the folder receiving the run folder")
      ->required();
  import->add_option("--run-id", command->run_id, "conductor: name of the run folder (default: <start>-conductor)");
  import->callback([command, &exit_status] { exit_status = do_import(*command); });
}

}  // namespace flowbench::cli
