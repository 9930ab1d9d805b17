// The codegen handler (Task 8): every stage on good and bad input, and its optimizations.
#include "codegen.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <thread>

#include "checks.h"
#include "support/command.h"
#include "platform/atomic_file.h"

namespace flowbench::codegen {
namespace {
namespace fs = std::filesystem;
using flowbench::testing::read_text;
using flowbench::testing::write_text;

class CodegenTest : public ::testing::Test {
 protected:
  void SetUp() override { flowbench::testing::copy_reference_workflow(work()); }
  fs::path work() const { return dir_.path() / "k1n"; }

  Options options(const std::string& out) const {
    Options o;
    o.patterns = work() / "patterns";
    o.templates = work() / "templates";
    o.out = work() / out;
    return o;
  }
  int run(const Options& o, Summary* summary = nullptr) {
    out_.str("");
    err_.str("");
    return run_codegen(o, out_, err_, summary);
  }
  // Every file under `dir` with its content.
  static std::map<std::string, std::string> tree(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = read_text(e.path());
    }
    return files;
  }

  flowbench::testing::TempDir dir_;
  std::ostringstream out_, err_;
};

TEST_F(CodegenTest, ParsesTheReferenceLibrary) {
  auto patterns = parse_patterns(work() / "patterns");
  ASSERT_TRUE(patterns.ok()) << patterns.error().message;
  EXPECT_EQ(patterns->size(), 67u);
  EXPECT_EQ(to_snake("OrderCreated"), "order_created");
  EXPECT_EQ(to_camel("order_created"), "OrderCreated");
}

TEST_F(CodegenTest, BadPatternsNameFileJsonPathAndFix) {
  const fs::path bad = dir_.path() / "bad";
  write_text(bad / "a.json", R"({"kind": "message", "name": "A", "fields": [{"name": "x", "type": "u128"}]})");
  write_text(bad / "b.json", R"({"kind": "state_machine", "name": "B", "initial": "idle", "states": ["idle"],
                                  "transitions": [{"from": "idle", "event": "go", "to": "gone"}]})");
  write_text(bad / "c.json", R"({"kind": "widget", "name": "C"})");
  write_text(bad / "d.json", R"({"kind": "message", "name": "D", "fields": [)");
  auto patterns = parse_patterns(bad);
  ASSERT_FALSE(patterns.ok());
  const std::string& m = patterns.error().message;
  EXPECT_NE(m.find((bad / "a.json").string() + ": /fields/0/type: missing or unknown field type; fix:"), std::string::npos) << m;
  EXPECT_NE(m.find((bad / "b.json").string() + ": /transitions/0/to: unknown state \"gone\""), std::string::npos) << m;
  EXPECT_NE(m.find((bad / "c.json").string() + ": /kind: unknown kind \"widget\""), std::string::npos) << m;
  EXPECT_NE(m.find((bad / "d.json").string() + ": /: malformed JSON at column 45"), std::string::npos) << m;
  Options bad_options = options("out");
  bad_options.patterns = bad;
  EXPECT_EQ(run(bad_options), 2);
}

TEST_F(CodegenTest, BadTemplatesAreNamed) {
  fs::remove(work() / "templates/service.cc.mustache");
  EXPECT_FALSE(load_templates(work() / "templates").ok());
  write_text(work() / "templates/service.cc.mustache", "{{#methods}} unclosed");
  auto templates = load_templates(work() / "templates");
  ASSERT_FALSE(templates.ok());
  EXPECT_NE(templates.error().message.find("service.cc.mustache"), std::string::npos) << templates.error().message;
}

TEST_F(CodegenTest, ColdRunGeneratesCompilesChecksAndWrites) {
  Summary s;
  ASSERT_EQ(run(options("out"), &s), 0) << err_.str();
  EXPECT_EQ(s.units, 67);
  EXPECT_EQ(s.compiled, 67);
  EXPECT_EQ(s.compile_errors, 0);
  EXPECT_EQ(s.checks, 402);
  EXPECT_EQ(s.checks_passed, 401);
  for (const char* stage : {"parse [", "template [", "compile [", "checks [", "write ["}) {
    EXPECT_NE(out_.str().find(stage), std::string::npos) << stage;
  }
  const std::string junit = read_text(work() / "out/checks.xml");
  EXPECT_NE(junit.find("tests=\"402\" failures=\"1\""), std::string::npos);
  EXPECT_NE(junit.find("unreachable from created: archived"), std::string::npos);
  EXPECT_TRUE(read_manifest(work() / "out/manifest.json").ok());
  EXPECT_NE(read_text(work() / "out/message/order_created.h").find("struct OrderCreated {"), std::string::npos);
}

TEST_F(CodegenTest, EveryVariantWritesTheSameTree) {
  ASSERT_EQ(run(options("cold")), 0) << err_.str();
  Options jobs = options("jobs");
  jobs.jobs = 4;
  ASSERT_EQ(run(jobs), 0) << err_.str();
  Options cached = options("cached");
  cached.template_cache = dir_.path() / "tc";
  ASSERT_EQ(run(cached), 0) << err_.str();
  fs::remove_all(work() / "cached");
  Summary warm;
  ASSERT_EQ(run(cached, &warm), 0) << err_.str();
  EXPECT_EQ(warm.render.from_cache, 134);
  Options incremental = options("cold");
  incremental.incremental = work() / "cold/manifest.json";
  Summary again;
  ASSERT_EQ(run(incremental, &again), 0) << err_.str();
  EXPECT_EQ(again.compiled, 0);
  EXPECT_EQ(again.write.written, 0) << "unchanged files are not rewritten";
  const auto reference = tree(work() / "cold");
  EXPECT_EQ(tree(work() / "jobs"), reference);
  EXPECT_EQ(tree(work() / "cached"), reference);
}

TEST_F(CodegenTest, ChangeSetRecompilesExactlyWhatDependsOnIt) {
  ASSERT_EQ(run(options("out")), 0) << err_.str();
  for (const auto& e : fs::directory_iterator(work() / "changes/patterns")) {
    fs::copy_file(e.path(), work() / "patterns" / e.path().filename(), fs::copy_options::overwrite_existing);
  }
  Options incremental = options("out");
  incremental.incremental = work() / "out/manifest.json";
  Summary s;
  ASSERT_EQ(run(incremental, &s), 0) << err_.str();
  // The edited message and state machine, and the one service using the message.
  EXPECT_EQ(s.compiled, 3);
  EXPECT_EQ(s.reused, 64);
  // The message's header and source change; of the state machine only the source (the
  // new transition uses an existing event, so its header is the same).
  EXPECT_EQ(s.write.written, 3);
  ASSERT_EQ(run(options("full")), 0) << err_.str();
  auto incremental_tree = tree(work() / "out");
  EXPECT_EQ(incremental_tree, tree(work() / "full")) << "incremental output equals a cold build";
}

TEST_F(CodegenTest, ChangedTemplateRendersEveryFileUsingItAgain) {
  Options cached = options("out");
  cached.template_cache = dir_.path() / "tc";
  ASSERT_EQ(run(cached), 0) << err_.str();
  const std::string path = (work() / "templates/state_machine.cc.mustache").string();
  write_text(path, read_text(path) + "// one more byte\n");
  Summary s;
  ASSERT_EQ(run(cached, &s), 0) << err_.str();
  EXPECT_EQ(s.render.rendered, 10) << "the ten state machine sources, nothing else";
  EXPECT_EQ(s.render.from_cache, 124);
  EXPECT_NE(read_text(work() / "out/state_machine/order_lifecycle.cc").find("// one more byte"), std::string::npos);
}

TEST_F(CodegenTest, CorruptTemplateCacheEntryIsDetectedAndRenderedAgain) {
  Options cached = options("out");
  cached.template_cache = dir_.path() / "tc";
  ASSERT_EQ(run(cached), 0) << err_.str();
  const auto reference = tree(work() / "out");
  // Flip the last byte of one cache entry.
  fs::path victim;
  for (const auto& e : fs::recursive_directory_iterator(dir_.path() / "tc")) {
    if (e.is_regular_file()) victim = e.path();
  }
  std::string bytes = read_text(victim);
  bytes.back() = bytes.back() == 'x' ? 'y' : 'x';
  write_text(victim, bytes);
  fs::remove_all(work() / "out");
  Summary s;
  ASSERT_EQ(run(cached, &s), 0) << err_.str();
  EXPECT_EQ(s.render.corrupt, 1);
  EXPECT_EQ(s.render.rendered, 1);
  EXPECT_NE(err_.str().find("was corrupt"), std::string::npos) << err_.str();
  EXPECT_EQ(tree(work() / "out"), reference) << "the corrupt entry was never served";
}

TEST_F(CodegenTest, CorruptManifestIsReportedAndEverythingCompiled) {
  ASSERT_EQ(run(options("out")), 0) << err_.str();
  const fs::path manifest = work() / "out/manifest.json";
  std::string text = read_text(manifest);
  text.replace(text.find("\"compiled\": true"), 16, "\"compiled\":false");
  write_text(manifest, text);
  Options incremental = options("out");
  incremental.incremental = manifest;
  Summary s;
  ASSERT_EQ(run(incremental, &s), 0) << err_.str();
  EXPECT_NE(err_.str().find("does not match its digest"), std::string::npos) << err_.str();
  EXPECT_EQ(s.compiled, 67);
  EXPECT_TRUE(read_manifest(manifest).ok()) << "rebuilt";
}

TEST_F(CodegenTest, CompilerDiagnosticsFailTheWarningCheck) {
  // A field named like a C++ keyword does not compile.
  write_text(work() / "patterns/msg_order_created.json",
             R"({"kind": "message", "name": "OrderCreated", "fields": [{"name": "class", "type": "u8"}]})");
  Summary s;
  EXPECT_EQ(run(options("out"), &s), 1);
  EXPECT_EQ(s.compile_errors, 2) << "the message and the service that includes it";
  EXPECT_NE(err_.str().find("did not compile"), std::string::npos);
  EXPECT_NE(read_text(work() / "out/checks.xml").find("errors:"), std::string::npos);
}

TEST_F(CodegenTest, SigtermMidCompileLeavesThePreviousTreeAndManifest) {
  const std::string codegen = flowbench::testing::bin_path("codegen").string();
  const std::vector<std::string> args = {codegen, "--patterns", "patterns", "--templates", "templates", "--out", "out"};
  ASSERT_EQ(flowbench::testing::run_command(args, work()).exit_code, 0);
  const auto before = tree(work() / "out");
  for (const auto& e : fs::directory_iterator(work() / "changes/patterns")) {
    fs::copy_file(e.path(), work() / "patterns" / e.path().filename(), fs::copy_options::overwrite_existing);
  }
  auto result = flowbench::testing::run_command(args, work(), [&](const flowbench::testing::SignalSender& send) {
    // Wait until compiling has started (its staging folder exists), then stop it.
    bool compiling = false;
    for (int i = 0; i < 1000 && !compiling; ++i) {
      for (const auto& e : fs::directory_iterator(work())) {
        compiling = compiling || e.path().filename().string().rfind("out.staging.", 0) == 0;
      }
      if (!compiling) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    send(SIGTERM);
  });
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(tree(work() / "out"), before) << "the previous output and manifest are intact";
  // The next run clears the dead run's staging folder and completes.
  ASSERT_EQ(flowbench::testing::run_command(args, work()).exit_code, 0);
  for (const auto& e : fs::directory_iterator(work())) {
    EXPECT_EQ(e.path().filename().string().find("out.staging."), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace flowbench::codegen
