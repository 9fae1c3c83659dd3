// The npm registry protocol: GET <registry>/<name> (scoped names keep '@' and encode
// '/' as %2F) returns the packument: versions (each may be `deprecated`), `time`
// (publication per version), `dist-tags`, `repository`, `homepage`; per version also
// what a package-lock.json entry is made of (dist.tarball, dist.integrity, dependencies,
// bin, engines, ...: Release::lockMetadata).
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

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

// The manifest fields a package-lock.json entry copies from a version (npm's
// arborist keeps these in lock entries), apart from version/resolved/integrity.
bool isLockField(const std::string& key) {
  return key == "dependencies" || key == "optionalDependencies" || key == "peerDependencies" ||
         key == "peerDependenciesMeta" || key == "bin" || key == "engines" || key == "os" ||
         key == "cpu" || key == "license" || key == "funding";
}
bool isInstallScript(const std::string& key) {
  return key == "preinstall" || key == "install" || key == "postinstall";
}

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
          auto resp = detail::fetch(http, request, base + "/" + path, what);
          if (!resp) return std::nullopt;
          return parseNpmPackument(resp->body, what + " from " + redactUrl(base),
                                   request.lockEntries);
        });
  }
};

}  // namespace

ReleaseInfo parseNpmPackument(std::string_view body, const std::string& what, bool lockEntries) {
  // Packuments of popular packages run to megabytes (every version's whole manifest);
  // keep only what is read below while parsing, so memory stays near the body's size.
  std::string top, field;
  auto keep = [&top, &field, lockEntries](int depth, nlohmann::json::parse_event_t event,
                                          nlohmann::json& parsed) {
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
      return key == "deprecated" || key == "dist" || key == "repository" ||
             (lockEntries && (key == "scripts" || isLockField(key)));
    }
    if (depth == 4 && field == "dist")
      return key == "integrity" || (lockEntries && key == "tarball");
    if (depth == 4 && field == "scripts") return isInstallScript(key);
    if (depth == 4 && field == "repository") return key == "url" || key == "type";
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(body, keep, false);
  if (j.is_discarded() || !j.is_object()) {
    throw RegistryError(what + ": the registry's answer is not a JSON object (" +
                        std::to_string(body.size()) + " bytes); is the URL an npm registry?");
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
    const auto& latest = (*versions)[info.tags["latest"]];
    if (latest.is_object() && latest.contains("repository"))
      info.sourceUrl = repositoryOf(latest["repository"]);
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

const Datasource& npmDatasource() {
  static const NpmDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
