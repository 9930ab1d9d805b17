// Google Benchmark registrations for Task 8 (the codegen handler) on the reference pattern
// library; linked into flowbench_bench (with the workflow benchmarks) and task8_bench.
//   BM_Task8/<stage>       each stage in-process: parse, template, compile, checks, write
//   BM_Task8Variant/<v>    the whole handler: cold, cached (warm template cache),
//                          jobs2, incremental (the change-set over a previous build)
//   BM_Task8Sample/<stage> every stage on a fixed sample of the work, for counting
//                          instructions (flowbench ab with "measure": "instructions"): parse,
//                          template and write whole (they run in process and are cheap),
//                          compile and checks on the first message, service and state machine
//                          unit by name (3 of the library's units). A change confined to
//                          units outside the sample cannot show in those two counts.
// The library is FLOWBENCH_K1N if set, else the folder of FLOWBENCH_SPEC, else fixtures/k1n
// of the source tree. Real (wall)
// time: compiling runs in child processes.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <fstream>
#include <random>
#include <sstream>

#include "checks.h"
#include "codegen.h"
#include "output.h"

namespace {
namespace fs = std::filesystem;
namespace cg = flowbench::codegen;

// A private copy of the reference library, with the change-set applied in a second
// pattern folder.
class Workspace {
 public:
  Workspace() {
    // FLOWBENCH_K1N, else the folder of FLOWBENCH_SPEC (flowbench_bench's spec), else the
    // reference library of the source tree.
    const char* env = std::getenv("FLOWBENCH_K1N");
    const char* spec = std::getenv("FLOWBENCH_SPEC");
    const fs::path spec_dir = spec ? fs::absolute(spec).parent_path() : fs::path();
    const bool spec_has_library = !spec_dir.empty() && fs::is_directory(spec_dir / "patterns") &&
                                  fs::is_directory(spec_dir / "templates");
    const fs::path k1n = env                ? fs::path(env)
                         : spec_has_library ? spec_dir
                                            : fs::path(FLOWBENCH_SOURCE_DIR) / "fixtures/k1n";
    std::string name("flowbench-task8-bench-");
    name += std::to_string(std::random_device{}());
    root_ = fs::temp_directory_path() / name;
    fs::create_directories(root_);
    fs::copy(k1n / "patterns", root_ / "patterns", fs::copy_options::recursive);
    fs::copy(k1n / "templates", root_ / "templates", fs::copy_options::recursive);
    fs::copy(k1n / "patterns", root_ / "changed", fs::copy_options::recursive);
    if (fs::is_directory(k1n / "changes/patterns")) {
      fs::copy(k1n / "changes/patterns", root_ / "changed", fs::copy_options::overwrite_existing);
    }
  }
  ~Workspace() { fs::remove_all(root_); }
  const fs::path& root() const { return root_; }

  cg::Options options(const std::string& out) const {
    cg::Options o;
    o.patterns = root_ / "patterns";
    o.templates = root_ / "templates";
    o.out = root_ / out;
    return o;
  }

 private:
  fs::path root_;
};

Workspace& workspace() {
  static Workspace w;
  return w;
}

int quiet_run(const cg::Options& options) {
  std::ostringstream out, err;
  return cg::run_codegen(options, out, err);
}

void BM_Task8_parse(benchmark::State& state) {
  for (auto _ : state) {
    auto patterns = cg::parse_patterns(workspace().root() / "patterns");
    auto templates = cg::load_templates(workspace().root() / "templates");
    benchmark::DoNotOptimize(patterns);
    benchmark::DoNotOptimize(templates);
  }
}

void BM_Task8_template(benchmark::State& state) {
  auto patterns = cg::parse_patterns(workspace().root() / "patterns").value();
  auto templates = cg::load_templates(workspace().root() / "templates").value();
  std::ostringstream warnings;
  for (auto _ : state) {
    cg::RenderStats stats;
    auto files = cg::render_all(patterns, templates, {1, {}}, stats, warnings);
    benchmark::DoNotOptimize(files);
  }
}

struct Rendered {
  std::vector<cg::Pattern> patterns;
  std::vector<cg::GeneratedFile> files;
  std::vector<cg::Unit> units;
  fs::path staging;
};

Rendered render_library();

// The library parsed, rendered and staged: once a process, so that what a benchmark does
// before its loop is not redone each repetition (and not counted again when instructions are
// counted as the difference between one and two repetitions).
const Rendered& rendered() {
  static const Rendered r = render_library();
  return r;
}

// The rendered library with `units` compiled (their records filled), for the stages after compile.
Rendered compiled(std::vector<cg::Unit> units) {
  Rendered r = rendered();
  r.units = std::move(units);
  (void)cg::compile_units(r.units, r.files, r.staging, cg::CompileOptions{}, nullptr);
  return r;
}

Rendered render_library() {
  Rendered r;
  r.patterns = cg::parse_patterns(workspace().root() / "patterns").value();
  auto templates = cg::load_templates(workspace().root() / "templates").value();
  cg::RenderStats stats;
  std::ostringstream warnings;
  r.files = cg::render_all(r.patterns, templates, {1, {}}, stats, warnings).value();
  r.units = cg::plan_units(r.files, r.patterns, cg::compiler_identity("c++").value(), cg::CompileOptions{});
  r.staging = workspace().root() / "staging";
  for (const auto& file : r.files) {
    fs::create_directories((r.staging / file.path).parent_path());
    std::ofstream(r.staging / file.path) << file.content;
  }
  return r;
}

void BM_Task8_compile(benchmark::State& state) {
  Rendered r = rendered();
  for (auto _ : state) {
    auto units = r.units;
    auto status = cg::compile_units(units, r.files, r.staging, cg::CompileOptions{}, nullptr);
    if (!status) state.SkipWithError(status.error().message.c_str());
  }
}

// The sample: the first unit of each kind (message/, service/, state_machine/) by the path
// of its source, compiled once in the set-up where a stage needs compile records.
std::vector<cg::Unit> sample_units(const Rendered& r) {
  std::map<std::string, const cg::Unit*> first;
  for (const auto& unit : r.units) {
    const std::string& path = r.files[unit.file].path;
    const std::string kind = path.substr(0, path.find('/'));
    auto [it, inserted] = first.try_emplace(kind, &unit);
    if (!inserted && path < r.files[it->second->file].path) it->second = &unit;
  }
  std::vector<cg::Unit> out;
  for (const auto& [kind, unit] : first) out.push_back(*unit);
  return out;
}

void BM_Task8Sample_compile(benchmark::State& state) {
  const Rendered& r = rendered();
  const std::vector<cg::Unit> sample = sample_units(r);
  for (auto _ : state) {
    auto units = sample;
    auto status = cg::compile_units(units, r.files, r.staging, cg::CompileOptions{}, nullptr);
    if (!status) state.SkipWithError(status.error().message.c_str());
  }
}

// The checks of the sample's units.
void BM_Task8Sample_checks(benchmark::State& state) {
  static const Rendered r = compiled(sample_units(rendered()));
  for (auto _ : state) {
    std::size_t cases = 0;
    for (const auto& unit : r.units) cases += cg::unit_checks(unit, r.files, r.patterns).size();
    benchmark::DoNotOptimize(cases);
  }
}

// Every unit's checks as the JUnit report Task 8 writes beside its tree.
std::string checks_report(const Rendered& r) {
  std::vector<cg::CheckCase> cases;
  for (const auto& unit : r.units) {
    auto checks = cg::unit_checks(unit, r.files, r.patterns);
    cases.insert(cases.end(), checks.begin(), checks.end());
  }
  return cg::junit_xml(cases);
}

// The whole tree written, with the sample's checks as its report.
void BM_Task8Sample_write(benchmark::State& state) {
  static const Rendered r = compiled(sample_units(rendered()));
  const std::string junit = checks_report(r);
  const fs::path out = workspace().root() / "write-sample-out";
  cg::Manifest manifest;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(out);
    state.ResumeTiming();
    auto written = cg::write_tree(out, r.files, nullptr, manifest, junit);
    if (!written) state.SkipWithError(written.error().message.c_str());
  }
}

void BM_Task8_checks(benchmark::State& state) {
  static const Rendered r = compiled(rendered().units);
  for (auto _ : state) {
    std::size_t cases = 0;
    for (const auto& unit : r.units) cases += cg::unit_checks(unit, r.files, r.patterns).size();
    benchmark::DoNotOptimize(cases);
  }
}

void BM_Task8_write(benchmark::State& state) {
  static const Rendered r = compiled(rendered().units);
  cg::Manifest manifest;
  const std::string junit = checks_report(r);
  const fs::path out = workspace().root() / "write-out";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(out);
    state.ResumeTiming();
    auto written = cg::write_tree(out, r.files, nullptr, manifest, junit);
    if (!written) state.SkipWithError(written.error().message.c_str());
  }
}

// Times whole handler runs into an output folder that is removed (untimed) before each.
void time_fresh_runs(benchmark::State& state, const cg::Options& options) {
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(options.out);
    state.ResumeTiming();
    if (quiet_run(options) != 0) state.SkipWithError("codegen failed");
  }
}

void BM_Task8Variant_cold(benchmark::State& state) { time_fresh_runs(state, workspace().options("cold")); }

void BM_Task8Variant_cached(benchmark::State& state) {
  cg::Options options = workspace().options("cached");
  options.template_cache = workspace().root() / "template-cache";
  quiet_run(options);  // warm the cache
  time_fresh_runs(state, options);
}

void BM_Task8Variant_jobs2(benchmark::State& state) {
  cg::Options options = workspace().options("jobs2");
  options.jobs = 2;
  time_fresh_runs(state, options);
}

void BM_Task8Variant_incremental(benchmark::State& state) {
  // A build of the library as it was, then the change-set built incrementally over it.
  const fs::path base = workspace().root() / "incremental-base";
  if (!fs::exists(base)) quiet_run(workspace().options("incremental-base"));
  cg::Options options = workspace().options("incremental");
  options.patterns = workspace().root() / "changed";
  options.incremental = workspace().root() / "incremental/manifest.json";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(workspace().root() / "incremental");
    fs::copy(base, workspace().root() / "incremental", fs::copy_options::recursive);
    state.ResumeTiming();
    if (quiet_run(options) != 0) state.SkipWithError("codegen failed");
  }
}

// Every benchmark runs one whole pass per iteration; repeat with --benchmark_repetitions.
void configure(benchmark::internal::Benchmark* b) { b->UseRealTime()->Unit(benchmark::kMillisecond); }

}  // namespace

BENCHMARK(BM_Task8_parse)->Name("BM_Task8/parse")->Apply(configure);
BENCHMARK(BM_Task8_template)->Name("BM_Task8/template")->Apply(configure);
BENCHMARK(BM_Task8_compile)->Name("BM_Task8/compile")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8_checks)->Name("BM_Task8/checks")->Apply(configure);
BENCHMARK(BM_Task8_write)->Name("BM_Task8/write")->Apply(configure)->Iterations(5);
BENCHMARK(BM_Task8_parse)->Name("BM_Task8Sample/parse")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8_template)->Name("BM_Task8Sample/template")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Sample_compile)->Name("BM_Task8Sample/compile")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Sample_checks)->Name("BM_Task8Sample/checks")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Sample_write)->Name("BM_Task8Sample/write")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Variant_cold)->Name("BM_Task8Variant/cold")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Variant_cached)->Name("BM_Task8Variant/cached")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Variant_jobs2)->Name("BM_Task8Variant/jobs2")->Apply(configure)->Iterations(1);
BENCHMARK(BM_Task8Variant_incremental)->Name("BM_Task8Variant/incremental")->Apply(configure)->Iterations(1);

