#include "codegen.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "checks.h"
#include "output.h"
#include "parallel.h"
#include "platform/posix.h"
#include "platform/atomic_file.h"
#include "util/digest.h"

namespace flowbench::codegen {
namespace fs = std::filesystem;

namespace {

class StageClock {
 public:
  explicit StageClock(std::ostream& out) : out_(out), start_(std::chrono::steady_clock::now()) {}
  void done(const char* stage) {
    const auto now = std::chrono::steady_clock::now();
    char line[64];
    std::snprintf(line, sizeof line, "%s [%.0fms]", stage,
                  std::chrono::duration<double, std::milli>(now - start_).count());
    out_ << line << std::endl;
    start_ = now;
  }

 private:
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_;
};

// A folder beside the output for this run's generated tree while it is compiled; the
// output itself is touched only by the write stage.
fs::path staging_for(const fs::path& out) {
  return out.parent_path() / (out.filename().string() + ".staging." + std::to_string(platform::process_id()));
}

// Removes staging folders left by runs that were killed; a folder whose process still
// runs belongs to a concurrent run and is left alone.
void remove_stale_staging(const fs::path& out) {
  std::error_code ec;
  const std::string prefix = out.filename().string() + ".staging.";
  for (const auto& entry : fs::directory_iterator(out.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const int pid = std::atoi(name.c_str() + prefix.size());
    if (!platform::process_alive(pid)) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

namespace {

// The manifest of this build, the units' checks in `cases`, and the counts in `s`.
Manifest tally(const std::vector<Unit>& units, const std::vector<GeneratedFile>& files, Summary& s,
               std::vector<CheckCase>& cases) {
  Manifest manifest;
  for (const auto& file : files) manifest.files[file.path] = text_digest(file.content);
  for (const auto& unit : units) {
    ++s.units;
    s.reused += unit.reused;
    s.compiled += !unit.reused;
    s.compile_errors += !unit.record.compiled;
    manifest.units[files[unit.file].path] = unit.record;
    cases.insert(cases.end(), unit.record.checks.begin(), unit.record.checks.end());
  }
  for (const auto& c : cases) s.checks_passed += c.passed;
  s.checks = static_cast<int>(cases.size());
  return manifest;
}

void print_summary(std::ostream& out, const Summary& s, std::size_t patterns, std::size_t files) {
  char quality[128];
  std::snprintf(quality, sizeof quality, "quality: %d/%d checks passed (%.1f%%)", s.checks_passed, s.checks,
                s.checks ? 100.0 * s.checks_passed / s.checks : 100.0);
  out << "codegen: " << patterns << " patterns, " << files << " files; units compiled " << s.compiled << ", reused "
      << s.reused << "; templates rendered " << s.render.rendered << ", cached " << s.render.from_cache
      << "; files written " << s.write.written << ", unchanged " << s.write.unchanged << "\n"
      << quality << std::endl;
}

}  // namespace

int run_codegen(const Options& options, std::ostream& out, std::ostream& err, Summary* summary) {
  Summary local;
  Summary& s = summary ? *summary : local;
  StageClock clock(out);
  const fs::path out_dir = fs::absolute(options.out).lexically_normal();

  auto patterns = parse_patterns(options.patterns);
  if (!patterns) {
    err << patterns.error().message << "\n";
    return 2;
  }
  auto templates = load_templates(options.templates);
  if (!templates) {
    err << templates.error().message << "\n";
    return 2;
  }
  clock.done("parse");

  auto files = render_all(*patterns, *templates, {options.jobs, options.template_cache}, s.render, err);
  if (!files) {
    err << files.error().message << "\n";
    return 2;
  }
  clock.done("template");

  std::optional<Manifest> previous;
  if (!options.incremental.empty() && fs::exists(options.incremental)) {
    auto read = read_manifest(options.incremental);
    if (read) {
      previous = std::move(*read);
    } else {
      err << "codegen: " << read.error().message << "; compiling everything\n";
    }
  }
  CompileOptions compile_options;
  compile_options.jobs = options.jobs;
  compile_options.compiler = options.compiler;
  auto identity = compiler_identity(options.compiler);
  if (!identity) {
    err << identity.error().message << "\n";
    return 2;
  }
  std::vector<Unit> units = plan_units(*files, *patterns, *identity, compile_options);
  remove_stale_staging(out_dir);
  const fs::path staging = staging_for(out_dir);
  std::error_code ec;
  fs::create_directories(staging, ec);
  auto compiled = compile_units(units, *files, staging, compile_options, previous ? &*previous : nullptr);
  fs::remove_all(staging, ec);
  if (!compiled) {
    err << compiled.error().message << "\n";
    return 2;
  }
  clock.done("compile");

  parallel_for(options.jobs, units.size(), [&](std::size_t u, int) {
    if (!units[u].reused) units[u].record.checks = unit_checks(units[u], *files, *patterns);
  });
  std::vector<CheckCase> cases;
  const Manifest manifest = tally(units, *files, s, cases);
  clock.done("checks");

  std::optional<Manifest> on_disk;
  if (auto read = read_manifest(out_dir / "manifest.json")) on_disk = std::move(*read);
  auto written = write_tree(out_dir, *files, on_disk ? &*on_disk : nullptr, manifest, junit_xml(cases));
  if (!written) {
    err << written.error().message << "\n";
    return 2;
  }
  s.write = *written;
  clock.done("write");

  print_summary(out, s, patterns->size(), files->size());
  for (const auto& unit : units) {
    if (!unit.record.compiled) err << (*files)[unit.file].path << " did not compile:\n" << unit.record.diagnostics;
  }
  return s.compile_errors ? 1 : 0;
}

}  // namespace flowbench::codegen
