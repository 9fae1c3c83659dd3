// Helm chart repositories: GET <repository>/index.yaml lists every chart's versions
// (`entries: {<chart>: [{version, created, deprecated, ...}]}`).
#include <yaml-cpp/yaml.h>

#include "analyzers/runbooks/yaml_guard.h"
#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

class HelmDatasource : public Datasource {
 public:
  std::string_view name() const override { return "helm"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "helm", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "Helm chart " + request.packageName;
          auto resp =
              detail::fetch(http, request, base + "/index.yaml", what, "application/x-yaml");
          if (!resp) return std::nullopt;
          ReleaseInfo info =
              parseHelmIndex(resp->body, request.packageName, what + " from " + redactUrl(base));
          if (info.releases.empty()) return std::nullopt;
          return info;
        });
  }
};

}  // namespace

ReleaseInfo parseHelmIndex(std::string_view body, const std::string& chart,
                           const std::string& what) {
  ReleaseInfo info;
  YAML::Node root;
  try {
    // Guarded: yaml-cpp 0.7 never returns on some inputs (a top-level ','), and this body
    // comes from the network.
    const auto docs = runbooks::loadAllYamlGuarded(body);
    if (!docs.empty()) root = docs.front();
  } catch (const runbooks::YamlGuardError& e) {
    throw RegistryError(what + ": index.yaml cannot be read: " + e.what());
  } catch (const YAML::Exception& e) {
    throw RegistryError(what + ": index.yaml is not valid YAML (line " +
                        std::to_string(e.mark.line + 1) + "): " + e.msg);
  }
  if (!root.IsMap() || !root["entries"] || !root["entries"].IsMap()) {
    throw RegistryError(what + ": index.yaml has no `entries` map; is the URL a chart repository?");
  }
  const YAML::Node versions = root["entries"][chart];
  if (!versions || !versions.IsSequence()) return info;
  for (const auto& v : versions) {
    if (!v.IsMap() || !v["version"] || !v["version"].IsScalar()) continue;
    Release r;
    r.version = v["version"].as<std::string>();
    if (v["created"] && v["created"].IsScalar())
      r.released = parseTimestamp(v["created"].as<std::string>());
    if (v["deprecated"] && v["deprecated"].IsScalar())
      r.deprecated = v["deprecated"].as<std::string>() == "true";
    if (v["digest"] && v["digest"].IsScalar()) r.digest = v["digest"].as<std::string>();
    if (info.sourceUrl.empty() && v["sources"] && v["sources"].IsSequence() &&
        v["sources"].size() > 0 && v["sources"][0].IsScalar()) {
      info.sourceUrl = normalizeRepositoryUrl(v["sources"][0].as<std::string>());
    }
    if (info.homepage.empty() && v["home"] && v["home"].IsScalar())
      info.homepage = v["home"].as<std::string>();
    info.releases.push_back(std::move(r));
  }
  return info;
}

const Datasource& helmDatasource() {
  static const HelmDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
