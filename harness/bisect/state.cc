#include "bisect/state.h"

#include "platform/atomic_file.h"
#include "util/json_reader.h"

namespace flowbench::bisect {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

ordered_json level_json(const Level& l) { return {{"change", l.change}, {"low", l.low}, {"high", l.high}}; }

namespace {

Level level_from(const JsonAt& at) {
  return {at["change"].number(-1e9, 1e9).value_or(0), at["low"].number(-1e9, 1e9).value_or(0),
          at["high"].number(-1e9, 1e9).value_or(0)};
}

}  // namespace

ordered_json probe_json(const ProbeRecord& p) {
  return {{"index", p.index}, {"commit", p.commit}, {"subject", p.subject}, {"author", p.author},
          {"state", p.state}, {"why", p.why},       {"level", level_json(p.level)}, {"verdict", p.verdict},
          {"rounds", p.rounds}, {"seconds", p.seconds}};
}

Status save_state(const fs::path& file, const State& s) {
  ordered_json out = {{"schema", "flowbench.bisect/1"}, {"id", s.id},           {"commits", s.commits},
                      {"reproduced", s.reproduced},   {"metric", s.metric},   {"bad", level_json(s.bad)},
                      {"min_effect", s.min_effect},   {"seconds", s.seconds}, {"probes", ordered_json::array()}};
  for (const auto& p : s.probes) out["probes"].push_back(probe_json(p));
  return write_file_atomically(file, out.dump(2) + "\n");
}

Expected<State> load_state(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return Error{file.string() + ": no bisect to resume here; fix: start one without --resume"};
  JsonReader reader(file.string(), "start the bisect again without --resume");
  auto doc = reader.parse(*text);
  if (!doc) return reader.error();
  const JsonAt root = reader.root(*doc);
  State s;
  s.id = root["id"].text_or("");
  for (const JsonAt& c : root["commits"].elements(false)) s.commits.push_back(c.text_or(""));
  s.reproduced = root.has("reproduced") && (*doc)["reproduced"].is_boolean() && (*doc)["reproduced"].get<bool>();
  s.metric = root["metric"].text_or("");
  s.bad = level_from(root["bad"]);
  s.min_effect = root["min_effect"].number(0, 10).value_or(0.05);
  s.seconds = root["seconds"].number(0, 1e12).value_or(0);
  for (const JsonAt& p : root["probes"].elements(true)) {
    ProbeRecord r;
    r.index = static_cast<std::size_t>(p["index"].number(0, 1e9).value_or(0));
    r.commit = p["commit"].text_or("");
    r.subject = p["subject"].text_or("");
    r.author = p["author"].text_or("");
    r.state = p["state"].text_or("");
    r.why = p["why"].text_or("");
    r.level = level_from(p["level"]);
    r.verdict = p["verdict"].text_or("");
    r.rounds = static_cast<std::size_t>(p["rounds"].number(0, 1e9).value_or(0));
    r.seconds = p["seconds"].number(0, 1e12).value_or(0);
    s.probes.push_back(std::move(r));
  }
  if (reader.failed()) return reader.error();
  if (s.commits.size() < 2) return Error{file.string() + ": /commits: fewer than two; fix: start the bisect again"};
  return s;
}

}  // namespace flowbench::bisect
