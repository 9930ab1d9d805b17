// A WfFormat trace, as `flowbench import wfformat` reads it. A trace it accepts must give a
// spec that loads.
#include "fuzz_support.h"
#include "interchange/wfformat.h"
#include "model/spec_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowbench;
  const std::string_view input = fuzz::as_text(data, size);
  const auto parsed = fuzz::parse(input, "trace.json");
  if (!parsed) return 0;
  WfImportOptions options;
  const auto spec = spec_from_wfformat(*parsed, "trace.json", options);
  fuzz::check(spec, "trace.json", input);
  if (spec) {
    LoadOptions load;
    load.check_programs = false;
    const auto loaded = load_workflow_text(spec->dump(), fuzz::scratch() / "imported.json", load);
    if (!loaded) fuzz::bad_answer("an imported trace gave a spec that does not load", loaded.error().message);
  }
  return 0;
}
