// synth: a calibrated synthetic workflow task (see workload.h).
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "workload.h"

int main(int argc, char** argv) {
  namespace synth = flowbench::synth;
  synth::Workload w;
  if (const char* scale = std::getenv("FLOWBENCH_TIME_SCALE")) w.time_scale = std::atof(scale);
  if (const char* dir = std::getenv("FLOWBENCH_RUN_DIR")) w.io_dir = dir;
  std::string ops;

  CLI::App app{"synth: a calibrated synthetic task (CPU, waiting, file IO, memory) that reports "
               "its phases as \"<op> [<N>ms]\" lines"};
  app.add_option("--duration-s", w.duration_s, "Modelled duration in seconds")->capture_default_str();
  app.add_option("--cpu-fraction", w.cpu_fraction, "Share of the duration spent on CPU (0-1)")
      ->capture_default_str();
  app.add_option("--io-mb", w.io_mb, "MiB to write and fsync")->capture_default_str();
  app.add_option("--io-dir", w.io_dir, "Folder for the IO file (default: the run folder, else /tmp)");
  app.add_option("--mem-mb", w.mem_mb, "MiB to touch and hold")->capture_default_str();
  app.add_option("--exit-code", w.exit_code, "Exit code to end with")->capture_default_str();
  app.add_option("--ops", ops, "Named phases as fractions of the duration, e.g. parse=0.2,render=0.5");
  app.add_option("--time-scale", w.time_scale,
                 "Real seconds per modelled second (default: FLOWBENCH_TIME_SCALE, else 1)");
  app.add_option("--slowdown", w.slowdown, "Multiply the duration (an injected regression)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::string error = synth::check(w);
  if (error.empty()) {
    auto phases = synth::parse_phases(ops, error);
    if (phases) w.phases = std::move(*phases);
  }
  if (!error.empty()) {
    std::cerr << "synth: " << error << "\n";
    return 2;
  }
  return synth::run(w, std::cout);
}
