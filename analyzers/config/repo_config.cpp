#include "analyzers/config/repo_config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include "analyzers/deprecations/glob.h"

namespace ddd::analyzers {

using json = nlohmann::json;

namespace {

constexpr const char* kDocsHint =
    "see the repository config reference, analyzers/config/README.md in ddd";
constexpr size_t kMaxNesting = 64;
constexpr const char* kConfigFiles[] = {".github/ddd.json", ".ddd.json"};

std::string displayName(const std::string& sourcePath) {
  return sourcePath.empty() ? "repository config" : sourcePath;
}

std::string displayPointer(const std::string& pointer) {
  return pointer.empty() ? "(top level)" : pointer;
}

[[noreturn]] void failAt(const std::string& file, const std::string& where,
                         const std::string& problem) {
  throw ConfigError(displayName(file) + ": " + where + ": " + problem + "; " + kDocsHint, file);
}

std::string escapeToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Tracks where the parser is, to name duplicate keys and stop runaway nesting. The
// parser reports structure through callback events; frames mirror its open containers.
class StructureGuard {
 public:
  struct Duplicate {
    std::string pointer;
  };
  struct TooDeep {
    std::string pointer;
  };

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        frames_.push_back(Frame{event == json::parse_event_t::array_start, 0, {}, {}});
        if (frames_.size() > kMaxNesting) throw TooDeep{pointer(frames_.size() - 1)};
        break;
      case json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) throw Duplicate{pointer(frames_.size())};
        break;
      }
      case json::parse_event_t::value:
        if (!frames_.empty() && frames_.back().isArray) ++frames_.back().index;
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        if (!frames_.empty() && frames_.back().isArray) ++frames_.back().index;
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool isArray;
    size_t index;     // arrays: the element being parsed
    std::string key;  // objects: the member being parsed
    std::set<std::string> keys;
  };

  // Pointer to the element currently parsed in each of the first `count` frames.
  std::string pointer(size_t count) const {
    std::string p;
    for (size_t i = 0; i < count; ++i) {
      p += '/';
      p += frames_[i].isArray ? std::to_string(frames_[i].index) : escapeToken(frames_[i].key);
    }
    return p;
  }

  std::vector<Frame> frames_;
};

// "line L, column C" of byte offset `byte` (1-based, as nlohmann reports it).
std::string lineAndColumn(const std::string& text, size_t byte) {
  const size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  size_t line = 1, lineStart = 0;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(end - lineStart + 1);
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
// error while parsing object - unexpected '}'; last read: '...'; expected string
// literal" without the prefix, the position and the echo of the input.
std::string syntaxProblem(const std::string& what) {
  std::string message = what;
  if (auto bracket = message.find("] ");
      bracket != std::string::npos && message.rfind("[json.exception", 0) == 0) {
    message = message.substr(bracket + 2);
  }
  if (auto colon = message.find(": ");
      colon != std::string::npos && message.rfind("parse error", 0) == 0) {
    message = message.substr(colon + 2);
  }
  std::string out;
  std::string_view rest(message);
  while (!rest.empty()) {
    auto semicolon = rest.find("; ");
    auto piece = rest.substr(0, semicolon);
    if (piece.rfind("last read:", 0) != 0) {
      if (!out.empty()) out += "; ";
      out += piece;
    }
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 2);
  }
  return out;
}

std::string dataDirOrDefault(const std::string& dataDir) {
  if (!dataDir.empty()) return dataDir;
  if (const char* env = std::getenv("DDD_DATA_DIR"); env && *env) return env;
#ifdef DDD_DATA_DIR
  return DDD_DATA_DIR;
#else
  return ".";
#endif
}

std::vector<std::string> strings(const json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

// The schema checks that globs are non-empty strings; this checks their syntax.
void checkGlobs(const json& config, const std::string& file) {
  auto check = [&](const json* list, const std::string& pointer) {
    if (!list || !list->is_array()) return;
    for (size_t i = 0; i < list->size(); ++i) {
      try {
        deprecations::globToRegex((*list)[i].get<std::string>());
      } catch (const deprecations::GlobError& e) {
        failAt(file, pointer + "/" + std::to_string(i), e.what());
      }
    }
  };
  auto find = [](const json& object, const char* key) -> const json* {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  };
  check(find(config, "ignorePaths"), "/ignorePaths");
  if (const json* deprecations = find(config, "deprecations");
      deprecations && deprecations->is_object()) {
    check(find(*deprecations, "ignorePaths"), "/deprecations/ignorePaths");
  }
}

}  // namespace

json RepoConfig::section(const std::string& analyzer) const {
  if (raw.is_object()) {
    if (auto it = raw.find(analyzer); it != raw.end()) return *it;
  }
  return json::object();
}

const JsonSchema& repoConfigSchema(const std::string& dataDir) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const JsonSchema>> cache;
  const std::string dir = dataDirOrDefault(dataDir);
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(dir); it != cache.end()) return *it->second;
  const std::string path = dir + "/analyzers/config/repo-config.schema.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw SchemaCompileError(
        "ddd's repository config schema " + path +
        " can't be read; reinstall ddd or point DDD_DATA_DIR at its data directory");
  }
  json schema;
  try {
    schema = json::parse(in);
  } catch (const json::parse_error& e) {
    throw SchemaCompileError("ddd's repository config schema " + path +
                             " is not valid JSON: " + e.what() + "; reinstall ddd");
  }
  auto compiled = std::make_unique<const JsonSchema>(JsonSchema::compile(schema, path));
  return *cache.emplace(dir, std::move(compiled)).first->second;
}

RepoConfig parseRepoConfig(const std::string& text, const std::string& sourcePath,
                           const std::string& dataDir) {
  const std::string file = displayName(sourcePath);
  if (text.size() > kMaxRepoConfigBytes) {
    throw ConfigError(file + ": the file is " + std::to_string(text.size()) +
                          " bytes; a config may have at most " +
                          std::to_string(kMaxRepoConfigBytes) + " bytes (1 MiB); " + kDocsHint,
                      sourcePath);
  }
  const JsonSchema& schema =
      repoConfigSchema(dataDir);  // before parsing: an install problem comes first

  json config;
  try {
    StructureGuard guard;
    config = json::parse(
        text,
        [&guard](int depth, json::parse_event_t event, json& parsed) {
          return guard(depth, event, parsed);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    failAt(sourcePath, lineAndColumn(text, e.byte), syntaxProblem(e.what()));
  } catch (const json::exception& e) {
    // out_of_range 406: a number literal beyond double range ("1e999"); no position.
    std::string problem = syntaxProblem(e.what());
    if (problem.size() > 120) problem = problem.substr(0, 120) + "...";
    failAt(sourcePath, "(number)", problem);
  } catch (const StructureGuard::Duplicate& d) {
    failAt(sourcePath, d.pointer,
           "duplicate key (JSON parsers keep only one of them; remove the other)");
  } catch (const StructureGuard::TooDeep& d) {
    failAt(sourcePath, d.pointer,
           "nested more than " + std::to_string(kMaxNesting) + " levels deep");
  }
  if (!config.is_object()) {
    failAt(sourcePath, "(top level)",
           std::string("must be a JSON object ({ ... }), not ") +
               (config.is_array() ? "an array" : config.type_name()));
  }

  if (auto problems = schema.validate(config); !problems.empty()) {
    std::string what = file + ": ";
    for (size_t i = 0; i < problems.size(); ++i) {
      if (i) what += "; ";
      what += displayPointer(problems[i].instancePointer) + ": " + problems[i].message;
    }
    what += std::string("; ") + kDocsHint;
    throw ConfigError(what, sourcePath, std::move(problems));
  }
  checkGlobs(config, sourcePath);

  RepoConfig out;
  out.sourcePath = sourcePath;
  if (auto it = config.find("analyzers"); it != config.end()) out.analyzers = strings(*it);
  if (auto it = config.find("ignorePaths"); it != config.end()) out.ignorePaths = strings(*it);
  if (auto it = config.find("maxFileBytes"); it != config.end()) {
    // The schema allows 1..104857600, possibly written as 1.0e6.
    out.maxFileBytes =
        it->is_number_float() ? static_cast<uint64_t>(it->get<double>()) : it->get<uint64_t>();
  }
  out.raw = std::move(config);
  return out;
}

RepoConfig loadRepoConfig(const SourceTree& tree, const std::string& dataDir,
                          std::vector<std::string>* warnings) {
  const auto& files = tree.files();
  auto find = [&files](const char* path) -> const SourceFile* {
    auto it = std::lower_bound(files.begin(), files.end(), path,
                               [](const SourceFile& f, const char* p) { return f.path < p; });
    return it != files.end() && it->path == path ? &*it : nullptr;
  };
  const SourceFile* chosen = nullptr;
  for (const char* candidate : kConfigFiles) {
    const SourceFile* f = find(candidate);
    if (!f) continue;
    if (!chosen) {
      chosen = f;
    } else if (warnings) {
      warnings->push_back("both " + chosen->path + " and " + f->path + " exist; using " +
                          chosen->path + " and ignoring " + f->path + " (delete one of them)");
    }
  }
  if (!chosen) return RepoConfig{};

  const uint64_t tooLargeBefore = tree.counters().tooLarge.load();
  std::optional<std::string> text = tree.read(*chosen);
  if (!text) {
    const bool tooLarge = tree.counters().tooLarge.load() != tooLargeBefore;
    throw ConfigError(chosen->path + ": can't be read as a config: " +
                          (tooLarge ? "larger than the scan's file size limit (" +
                                          std::to_string(tree.limits().maxFileBytes) + " bytes)"
                                    : std::string("it is a binary file")) +
                          "; " + kDocsHint,
                      chosen->path);
  }
  return parseRepoConfig(*text, chosen->path, dataDir);
}

}  // namespace ddd::analyzers
