// Task 8 for real: parse a pattern library, render templates, compile, check, write.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "compile.h"
#include "output.h"

namespace flowbench::codegen {

struct Options {
  std::filesystem::path patterns;        // pattern library folder
  std::filesystem::path templates;       // Mustache templates folder
  std::filesystem::path out;             // output tree (manifest.json, checks.xml inside)
  int jobs = 1;                          // workers for render, compile and checks
  std::filesystem::path template_cache;  // empty: off
  std::filesystem::path incremental;     // a previous manifest to reuse results from; empty: off
  std::string compiler = "c++";
};

struct Summary {
  int units = 0, compiled = 0, reused = 0, compile_errors = 0;
  int checks = 0, checks_passed = 0;
  RenderStats render;
  WriteStats write;
};

// Runs the five stages, printing "<stage> [<N>ms]" after each on `out` and problems on
// `err`. Returns the exit status: 0 done (quality failures are in checks.xml), 1 a unit
// did not compile, 2 bad input.
int run_codegen(const Options& options, std::ostream& out, std::ostream& err, Summary* summary = nullptr);

}  // namespace flowbench::codegen
