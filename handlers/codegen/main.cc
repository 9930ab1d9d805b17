// codegen: Task 8 of the reference workflow (see codegen.h).
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "codegen.h"

int main(int argc, char** argv) {
  flowbench::codegen::Options options;
  if (const char* cxx = std::getenv("CXX")) options.compiler = cxx;
  CLI::App app{"codegen: generate C++ from a pattern library with Mustache templates, compile it, check it, "
               "write it. Prints \"<stage> [<N>ms]\" per stage."};
  app.add_option("--patterns", options.patterns, "Pattern library folder (*.json)")->required();
  app.add_option("--templates", options.templates, "Mustache templates folder")->required();
  app.add_option("--out", options.out, "Output folder (the tree, manifest.json, checks.xml)")->required();
  app.add_option("-j,--jobs", options.jobs, "Workers for rendering, compiling and checking")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--template-cache", options.template_cache,
                 "Cache rendered outputs here, keyed by template, pattern and generator");
  app.add_option("--incremental", options.incremental,
                 "Reuse compile and check results of unchanged units from this manifest");
  app.add_option("--compiler", options.compiler, "C++ compiler (default: $CXX, else c++)");
  CLI11_PARSE(app, argc, argv);
  return flowbench::codegen::run_codegen(options, std::cout, std::cerr);
}
