// The npm registry protocol: GET <registry>/<name> (scoped names keep '@' and encode
// '/' as %2F) returns the packument: versions (each may be `deprecated`), `time`
// (publication per version), `dist-tags`, `repository`, `homepage`, each version's
// `engines.node` (Release::enginesNode); per version also
// what a package-lock.json entry is made of (dist.tarball, dist.integrity, dependencies,
// bin, engines, ...: Release::lockMetadata).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"
#include "analyzers/dependencies/datasources/npm_packument.h"

namespace ddd::analyzers::deps {
namespace {

std::string repositoryOf(const nlohmann::json& j) {
  if (j.is_string()) return normalizeRepositoryUrl(j.get<std::string>());
  if (j.is_object() && j.contains("url") && j["url"].is_string()) {
    std::string url = normalizeRepositoryUrl(j["url"].get<std::string>());
    if (!url.empty() && j.contains("directory") && j["directory"].is_string()) {
      // Monorepos: the package lives in a sub-directory; the repository URL stays the root.
    }
    return url;
  }
  return "";
}

using detail::isInstallScript;
using detail::isLockField;

// Release::lockMetadata of one version's manifest (empty maps count as absent).
std::string lockMetadataOf(const nlohmann::json& meta) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : meta.items()) {
    if (!isLockField(key) || value.is_null()) continue;
    if ((value.is_object() || value.is_array()) && value.empty()) continue;
    out[key] = value;
  }
  if (meta.contains("deprecated") && meta["deprecated"].is_string() &&
      !meta["deprecated"].get<std::string>().empty())
    out["deprecated"] = meta["deprecated"];
  if (meta.contains("scripts") && meta["scripts"].is_object() && !meta["scripts"].empty())
    out["hasInstallScript"] = true;
  return out.dump();
}

class NpmDatasource : public Datasource {
 public:
  std::string_view name() const override { return "npm"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "npm", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          std::string path = request.packageName;
          const size_t slash = path.find('/');
          if (!path.empty() && path[0] == '@' && slash != std::string::npos)
            path.replace(slash, 1, "%2F");
          const std::string what = "npm package " + request.packageName;
          // Parsed while it arrives: the body is never held whole.
          std::optional<ReleaseInfo> info;
          const std::string from = what + " from " + redactUrl(base);
          auto resp = detail::fetchStreamed(
              http, request, base + "/" + path, what, [&](std::istream& body) {
                info = parseNpmPackument(body, from, request.lockEntries);
              });
          if (!resp) return std::nullopt;
          return info;
        });
  }
};

// The parse callback that keeps only what releasesOf() reads: packuments of popular
// packages run to megabytes (every version's whole manifest, often its readme).
nlohmann::json::parser_callback_t packumentFilter(bool lockEntries) {
  struct State {
    std::string top, field;
  };
  auto state = std::make_shared<State>();
  return [state, lockEntries](int depth, nlohmann::json::parse_event_t event,
                              nlohmann::json& parsed) {
    std::string& top = state->top;
    std::string& field = state->field;
    if (event != nlohmann::json::parse_event_t::key) return true;
    const auto& key = parsed.get_ref<const std::string&>();
    if (depth == 1) {
      top = key;
      return key == "versions" || key == "time" || key == "dist-tags" || key == "repository" ||
             key == "homepage" || key == "name";
    }
    if (top != "versions") return true;
    if (depth == 2) return true;  // a version
    if (depth == 3) {
      field = key;
      return key == "deprecated" || key == "dist" || key == "repository" || key == "engines" ||
             (lockEntries && (key == "scripts" || isLockField(key)));
    }
    if (depth == 4 && field == "dist")
      return key == "integrity" || (lockEntries && key == "tarball");
    if (depth == 4 && field == "scripts") return isInstallScript(key);
    if (depth == 4 && field == "repository") return key == "url" || key == "type";
    if (depth == 4 && field == "engines") return lockEntries || key == "node";
    return true;
  };
}

ReleaseInfo releasesOf(const nlohmann::json& j, const std::string& what, bool lockEntries,
                       const std::string& size) {
  if (j.is_discarded() || !j.is_object()) {
    throw RegistryError(what + ": the registry's answer is not a JSON object" + size +
                        "; is the URL an npm registry?");
  }
  ReleaseInfo info;
  const auto versions = j.find("versions");
  if (versions == j.end() || !versions->is_object()) {
    throw RegistryError(what + ": the packument has no \"versions\" object");
  }
  const nlohmann::json* times = j.contains("time") && j["time"].is_object() ? &j["time"] : nullptr;
  for (const auto& [version, meta] : versions->items()) {
    Release r;
    r.version = version;
    if (meta.is_object() && meta.contains("deprecated")) {
      const auto& d = meta["deprecated"];
      // `deprecated: false` or "" means not deprecated.
      if (d.is_string() && !d.get<std::string>().empty()) {
        r.deprecated = true;
        r.deprecationMessage = d.get<std::string>();
      } else if (d.is_boolean() && d.get<bool>()) {
        r.deprecated = true;
      }
    }
    if (times && times->contains(version) && (*times)[version].is_string()) {
      r.released = parseTimestamp((*times)[version].get<std::string>());
    }
    if (meta.is_object() && meta.contains("dist") && meta["dist"].is_object()) {
      const auto& dist = meta["dist"];
      if (dist.contains("integrity") && dist["integrity"].is_string()) {
        r.digest = dist["integrity"].get<std::string>();
      }
      if (dist.contains("tarball") && dist["tarball"].is_string()) {
        r.artifactUrl = dist["tarball"].get<std::string>();
      }
    }
    if (meta.is_object() && meta.contains("engines") && meta["engines"].is_object()) {
      const auto& engines = meta["engines"];
      if (engines.contains("node") && engines["node"].is_string())
        r.enginesNode = engines["node"].get<std::string>();
    }
    if (lockEntries && meta.is_object()) r.lockMetadata = lockMetadataOf(meta);
    info.releases.push_back(std::move(r));
  }
  if (j.contains("dist-tags") && j["dist-tags"].is_object()) {
    for (const auto& [tag, v] : j["dist-tags"].items()) {
      if (v.is_string()) info.tags[tag] = v.get<std::string>();
    }
  }
  if (j.contains("repository")) info.sourceUrl = repositoryOf(j["repository"]);
  if (info.sourceUrl.empty() && info.tags.count("latest")) {
    const auto latest = versions->find(info.tags["latest"]);  // may name no version
    if (latest != versions->end() && latest->is_object() && latest->contains("repository"))
      info.sourceUrl = repositoryOf((*latest)["repository"]);
  }
  if (j.contains("homepage") && j["homepage"].is_string())
    info.homepage = j["homepage"].get<std::string>();
  if (info.tags.count("latest")) {
    for (const auto& r : info.releases) {
      if (r.version == info.tags["latest"] && r.deprecated) {
        info.deprecated = true;
        info.deprecationMessage = r.deprecationMessage;
      }
    }
  }
  return info;
}

// The packument read event by event through nlohmann's SAX parser, straight into
// releases: what look-ups without lock entries used before the one-pass reader
// (npm_packument.cpp), kept as the reference it is tested and benchmarked against
// (parseNpmPackumentReference). Nothing of the document is built: a version costs its Release and, until the end, its date; the
// body streams through (HttpRequest::bodyReader). Gives what releasesOf() gives for the
// same text (tests/analyzers/dependencies/datasources/parsers_test.cpp compares them):
// duplicate keys keep the last value, releases in the order of their version strings.
class PackumentReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  using json = nlohmann::json;

  bool null() override { return value(nullptr, false, false); }
  bool boolean(bool v) override { return value(nullptr, true, v); }
  bool number_integer(json::number_integer_t) override { return value(nullptr, false, false); }
  bool number_unsigned(json::number_unsigned_t) override { return value(nullptr, false, false); }
  bool number_float(json::number_float_t, const std::string&) override {
    return value(nullptr, false, false);
  }
  bool string(std::string& s) override { return value(&s, false, false); }
  bool binary(json::binary_t&) override { return value(nullptr, false, false); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) topIsObject_ = true;
    noteScalarAt();  // an object replaces what the key held before, like any value
    if (atVersions(1)) versionsIsObject_ = true;
    if (depth_ == 1 && objectPath(1) && keys_[1] == "dist-tags") tags_.clear();
    if (depth_ == 1 && objectPath(1) && keys_[1] == "time") times_.clear();
    push(true);
    return true;
  }
  bool end_object() override {
    pop();
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) topIsObject_ = false;
    noteScalarAt();
    push(false);
    return true;
  }
  bool end_array() override {
    pop();
    return true;
  }
  bool key(std::string& k) override {
    if (depth_ > kDepth) return true;
    keys_[depth_].assign(k);
    if (depth_ == 2 && objectPath(2) && keys_[1] == "versions") {
      auto [it, fresh] = index_.try_emplace(k, versions_.size());
      if (fresh) {
        versions_.emplace_back();
        versions_.back().release.version = k;
      } else {
        versions_[it->second] = Version{};  // a repeated key: the last one counts
        versions_[it->second].release.version = k;
      }
      current_ = it->second;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  // The result, or RegistryError naming `what` (`parsed`: the text was JSON).
  ReleaseInfo finish(bool parsed, const std::string& what, const std::string& size) {
    if (!parsed || !topIsObject_) {
      throw RegistryError(what + ": the registry's answer is not a JSON object" + size +
                          "; is the URL an npm registry?");
    }
    if (!versionsIsObject_) throw RegistryError(what + ": the packument has no \"versions\" object");
    return detail::assembleReleases(versions_, times_, tags_, topRepository_, homepage_);
  }

 private:
  using Version = detail::PackumentVersion;
  static constexpr int kDepth = 5;  // keys deeper than this are never needed

  void push(bool object) {
    if (depth_ <= kDepth) isObject_[depth_] = object;
    ++depth_;
    if (depth_ <= kDepth) keys_[depth_].clear();
  }
  void pop() { --depth_; }
  // Containers 0 .. n-1 are all objects (so keys_[1 .. n] name the path).
  bool objectPath(int n) const {
    if (depth_ < n) return false;
    for (int i = 0; i < n; ++i) {
      if (!isObject_[i]) return false;
    }
    return true;
  }
  bool atVersions(int d) const { return depth_ == d && objectPath(1) && keys_[1] == "versions"; }
  // Inside a version's object at depth d+1 (d = 2: a field of the version).
  bool inVersion(int d) const {
    return depth_ >= 3 && depth_ == d + 1 && objectPath(d + 1) && keys_[1] == "versions" &&
           current_ < versions_.size();
  }
  Version& version() { return versions_[current_]; }
  void clearVersions() {
    versions_.clear();
    index_.clear();
  }
  // A non-object value replaces what a key held before (last one counts).
  void noteScalarAt() {
    if (depth_ == 1 && objectPath(1)) {
      if (keys_[1] == "versions") {
        versionsIsObject_ = false;
        clearVersions();
      } else if (keys_[1] == "repository") {
        topRepository_.clear();
      } else if (keys_[1] == "homepage") {
        homepage_.clear();
      } else if (keys_[1] == "time") {
        times_.clear();  // a repeated key: the last value counts, whatever its type
      } else if (keys_[1] == "dist-tags") {
        tags_.clear();
      }
    }
    if (inVersion(2)) {
      if (keys_[3] == "deprecated") {
        version().release.deprecated = false;
        version().release.deprecationMessage.clear();
      } else if (keys_[3] == "repository") {
        version().repository.clear();
      } else if (keys_[3] == "dist") {
        version().release.digest.clear();
      } else if (keys_[3] == "engines") {
        version().release.enginesNode.clear();
      }
    }
    if (inVersion(3)) {
      if (keys_[3] == "dist" && keys_[4] == "integrity") version().release.digest.clear();
      if (keys_[3] == "engines" && keys_[4] == "node") version().release.enginesNode.clear();
      if (keys_[3] == "repository" && keys_[4] == "url") version().repository.clear();
    }
    if (depth_ == 2 && objectPath(2) && keys_[1] == "repository" && keys_[2] == "url")
      topRepository_.clear();
    if (depth_ == 2 && objectPath(2) && keys_[1] == "dist-tags") tags_.erase(keys_[2]);
    if (depth_ == 2 && objectPath(2) && keys_[1] == "time") times_.erase(keys_[2]);
  }
  bool value(std::string* s, bool isBool, bool b) {
    if (depth_ == 0) {
      topIsObject_ = false;
      return true;
    }
    noteScalarAt();
    if (!s && !(isBool && b)) return true;
    if (depth_ == 1 && objectPath(1) && s) {
      if (keys_[1] == "homepage") homepage_ = *s;
      if (keys_[1] == "repository") topRepository_ = *s;
    } else if (depth_ == 2 && objectPath(2) && s) {
      if (keys_[1] == "dist-tags") tags_[keys_[2]] = *s;
      if (keys_[1] == "time") {
        if (auto t = parseTimestamp(*s)) times_[keys_[2]] = *t;
      }
      if (keys_[1] == "repository" && keys_[2] == "url") topRepository_ = *s;
    } else if (inVersion(2)) {
      Release& r = version().release;
      if (keys_[3] == "deprecated") {
        // `deprecated: false` or "" means not deprecated.
        r.deprecated = s ? !s->empty() : true;
        if (s) r.deprecationMessage = *s;
      } else if (keys_[3] == "repository" && s) {
        version().repository = *s;
      }
    } else if (inVersion(3) && s) {
      if (keys_[3] == "dist" && keys_[4] == "integrity") version().release.digest = *s;
      if (keys_[3] == "repository" && keys_[4] == "url") version().repository = *s;
      if (keys_[3] == "engines" && keys_[4] == "node") version().release.enginesNode = *s;
    }
    return true;
  }

  int depth_ = 0;                   // containers open
  bool isObject_[kDepth + 1] = {};  // per open container (the first kDepth + 1)
  std::string keys_[kDepth + 1];    // keys_[d]: the last key read at depth d
  bool topIsObject_ = false;
  bool versionsIsObject_ = false;
  std::vector<Version> versions_;
  std::unordered_map<std::string, size_t> index_;
  size_t current_ = SIZE_MAX;
  std::unordered_map<std::string, std::time_t> times_;
  std::map<std::string, std::string> tags_;
  std::string topRepository_, homepage_;
};

template <typename Input>
ReleaseInfo readPackument(Input&& body, const std::string& what, const std::string& size) {
  PackumentReader reader;
  const bool parsed = nlohmann::json::sax_parse(std::forward<Input>(body), &reader);
  return reader.finish(parsed, what, size);
}

}  // namespace

ReleaseInfo parseNpmPackument(std::string_view body, const std::string& what, bool lockEntries) {
  return detail::scanNpmPackument(body, what, " (" + std::to_string(body.size()) + " bytes)",
                                  lockEntries);
}

ReleaseInfo parseNpmPackument(std::istream& body, const std::string& what, bool lockEntries) {
  return detail::scanNpmPackument(body, what, "", lockEntries);
}

ReleaseInfo parseNpmPackumentReference(std::string_view body, const std::string& what,
                                       bool lockEntries) {
  const std::string size = " (" + std::to_string(body.size()) + " bytes)";
  if (!lockEntries) return readPackument(body, what, size);
  return releasesOf(nlohmann::json::parse(body, packumentFilter(lockEntries), false), what,
                    lockEntries, size);
}

ReleaseInfo parseNpmPackumentReference(std::istream& body, const std::string& what,
                                       bool lockEntries) {
  if (!lockEntries) return readPackument(body, what, "");
  return releasesOf(nlohmann::json::parse(body, packumentFilter(lockEntries), false), what,
                    lockEntries, "");
}

const Datasource& npmDatasource() {
  static const NpmDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
