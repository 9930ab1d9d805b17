#include "render.h"

#include <kainjow/mustache.hpp>

#include <mutex>
#include <optional>
#include <set>

#include "parallel.h"
#include "platform/atomic_file.h"
#include "util/digest.h"

namespace flowbench::codegen {
namespace fs = std::filesystem;
using kainjow::mustache::data;
using kainjow::mustache::mustache;

namespace {

const char* cpp_type(const std::string& type) {
  if (type == "u8") return "std::uint8_t";
  if (type == "u16") return "std::uint16_t";
  if (type == "u32") return "std::uint32_t";
  if (type == "u64") return "std::uint64_t";
  if (type == "i32") return "std::int32_t";
  if (type == "i64") return "std::int64_t";
  if (type == "f64") return "double";
  if (type == "bool") return "bool";
  return "const char*";
}

data named_list(const nlohmann::json& names) {
  data list{data::type::list};
  int index = 0;
  for (const auto& name : names) {
    data item;
    item.set("name", name.get<std::string>());
    item.set("camel", to_camel(name.get<std::string>()));
    item.set("index", std::to_string(index++));
    list.push_back(item);
  }
  return list;
}

// What the templates see of a pattern.
data view_of(const Pattern& pattern) {
  const auto& spec = pattern.spec;
  data view;
  view.set("file", pattern.file_name);
  view.set("name", pattern.name);
  view.set("snake", pattern.snake);
  if (pattern.kind == PatternKind::kMessage) {
    data fields{data::type::list};
    int index = 0;
    for (const auto& field : spec["fields"]) {
      data item;
      item.set("name", field["name"].get<std::string>());
      item.set("cpp_type", cpp_type(field["type"]));
      item.set("index", std::to_string(index++));
      item.set("is_text", field["type"] == "text");
      fields.push_back(item);
    }
    view.set("fields", fields);
    view.set("field_count", std::to_string(index));
  } else if (pattern.kind == PatternKind::kStateMachine) {
    nlohmann::json events = nlohmann::json::array();
    std::set<std::string> seen;
    for (const auto& t : spec["transitions"]) {
      if (seen.insert(t["event"].get<std::string>()).second) events.push_back(t["event"]);
    }
    data transitions{data::type::list};
    for (const auto& t : spec["transitions"]) {
      data item;
      item.set("from_camel", to_camel(t["from"]));
      item.set("to_camel", to_camel(t["to"]));
      item.set("event_camel", to_camel(t["event"]));
      transitions.push_back(item);
    }
    view.set("states", named_list(spec["states"]));
    view.set("events", named_list(events));
    view.set("transitions", transitions);
    view.set("state_count", std::to_string(spec["states"].size()));
    view.set("event_count", std::to_string(events.size()));
    view.set("initial_camel", to_camel(spec["initial"]));
  } else {
    data methods{data::type::list};
    std::set<std::string> includes;
    int index = 0;
    for (const auto& m : spec["methods"]) {
      data item;
      item.set("name", m["name"].get<std::string>());
      item.set("request", m["request"].get<std::string>());
      item.set("response", m["response"].get<std::string>());
      item.set("index", std::to_string(index++));
      methods.push_back(item);
      includes.insert(to_snake(m["request"]));
      includes.insert(to_snake(m["response"]));
    }
    data include_list{data::type::list};
    for (const auto& snake : includes) include_list.push_back(data("snake", snake));
    view.set("methods", methods);
    view.set("includes", include_list);
    view.set("method_count", std::to_string(index));
  }
  return view;
}

std::string template_file(PatternKind kind, bool header) {
  return std::string(kind_folder(kind)) + (header ? ".h.mustache" : ".cc.mustache");
}

// The template cache: one file per rendered output, named by the SHA-256 of everything
// that decides its content, holding the digest of its content on its first line so a
// corrupt entry is never served.
class RenderCache {
 public:
  explicit RenderCache(fs::path dir) : dir_(std::move(dir)) {}
  bool enabled() const { return !dir_.empty(); }

  fs::path entry(const std::string& key) const { return dir_ / "render" / key.substr(0, 2) / key; }

  // The cached content, nullopt on a miss; `corrupt` is set when an entry was bad.
  std::optional<std::string> get(const std::string& key, bool& corrupt) const {
    corrupt = false;
    auto text = read_file(entry(key));
    if (!text) return std::nullopt;
    const auto newline = text->find('\n');
    const std::string body = newline == std::string::npos ? "" : text->substr(newline + 1);
    if (newline == std::string::npos || text->substr(0, newline) != "sha256:" + text_digest(body)) {
      corrupt = true;
      std::error_code ec;
      fs::remove(entry(key), ec);
      return std::nullopt;
    }
    return body;
  }

  void put(const std::string& key, const std::string& content) const {
    std::error_code ec;
    fs::create_directories(entry(key).parent_path(), ec);
    (void)write_file_atomically(entry(key), "sha256:" + text_digest(content) + "\n" + content);
  }

 private:
  fs::path dir_;
};

std::string render_key(const Pattern& pattern, const std::string& template_text, bool header) {
  Hasher hasher;
  hasher.field("generator", kGeneratorVersion);
  hasher.field("output", header ? "header" : "source");
  hasher.field("template", template_text);
  hasher.field("pattern", pattern.bytes);
  return hasher.hex_digest();
}

}  // namespace

Expected<Templates> load_templates(const fs::path& folder) {
  Templates templates;
  for (PatternKind kind : {PatternKind::kMessage, PatternKind::kStateMachine, PatternKind::kService}) {
    TemplatePair pair;
    for (bool header : {true, false}) {
      const fs::path file = folder / template_file(kind, header);
      auto text = read_file(file);
      if (!text) return Error{text.error().message + "; fix: give --templates the folder holding " + file.filename().string()};
      mustache parsed(*text);
      if (!parsed.is_valid()) {
        return Error{file.string() + ": " + parsed.error_message() + "; fix: correct the Mustache syntax"};
      }
      (header ? pair.header : pair.source) = std::move(*text);
    }
    templates.by_kind[kind] = std::move(pair);
  }
  return templates;
}

Expected<std::vector<GeneratedFile>> render_all(const std::vector<Pattern>& patterns, const Templates& templates,
                                                const RenderOptions& options, RenderStats& stats,
                                                std::ostream& warnings) {
  const int jobs = std::max(1, options.jobs);
  // Parsed templates, one set per worker (a mustache object keeps render state).
  std::vector<std::map<std::pair<PatternKind, bool>, mustache>> parsed(jobs);
  for (auto& set : parsed) {
    for (const auto& [kind, pair] : templates.by_kind) {
      set.emplace(std::make_pair(kind, true), mustache(pair.header));
      set.emplace(std::make_pair(kind, false), mustache(pair.source));
    }
  }
  RenderCache cache(options.cache_dir);
  std::vector<GeneratedFile> files(patterns.size() * 2);
  std::vector<std::string> errors(files.size());
  std::mutex stats_mutex;
  parallel_for(jobs, files.size(), [&](std::size_t i, int worker) {
    const Pattern& pattern = patterns[i / 2];
    const bool header = i % 2 == 0;
    GeneratedFile& file = files[i];
    file.pattern = i / 2;
    file.header = header;
    file.path = std::string(kind_folder(pattern.kind)) + "/" + pattern.snake + (header ? ".h" : ".cc");
    const auto& pair = templates.by_kind.at(pattern.kind);
    std::string key;
    if (cache.enabled()) {
      key = render_key(pattern, header ? pair.header : pair.source, header);
      bool corrupt = false;
      auto cached = cache.get(key, corrupt);
      std::lock_guard lock(stats_mutex);
      if (corrupt) {
        ++stats.corrupt;
        warnings << "codegen: template cache entry " << cache.entry(key).string()
                 << " was corrupt; deleted it and rendered " << file.path << " again\n";
      }
      if (cached) {
        ++stats.from_cache;
        file.content = std::move(*cached);
        return;
      }
    }
    mustache& tmpl = parsed[worker].at({pattern.kind, header});
    file.content = tmpl.render(view_of(pattern));
    if (!tmpl.is_valid()) {
      errors[i] = pattern.file.string() + ": rendering " + file.path + " failed: " + tmpl.error_message();
      return;
    }
    if (cache.enabled()) cache.put(key, file.content);
    std::lock_guard lock(stats_mutex);
    ++stats.rendered;
  });
  for (const auto& error : errors) {
    if (!error.empty()) return Error{error};
  }
  return files;
}

}  // namespace flowbench::codegen
