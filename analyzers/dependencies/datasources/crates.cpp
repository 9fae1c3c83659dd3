// The Cargo sparse index: GET <index>/<prefix path>/<name> returns one JSON object
// per line and version ({"name","vers","yanked",...}); the index's config.json may
// name an `api` base whose /api/v1/crates/<name> gives publication dates.
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

class CratesDatasource : public Datasource {
 public:
  std::string_view name() const override { return "crate"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "crate", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "crate " + request.packageName;
          auto resp = detail::fetch(http, request,
                                    base + "/" + cratesIndexPath(request.packageName), what, "");
          if (!resp) return std::nullopt;
          ReleaseInfo info = parseCratesIndex(resp->body, what + " from " + redactUrl(base));
          // Dates, when the index names an API (best effort: the versions stand without them).
          try {
            auto config = detail::fetch(http, request, base + "/config.json", what);
            nlohmann::json c =
                config ? nlohmann::json::parse(config->body, nullptr, false) : nlohmann::json();
            if (c.is_object() && c.contains("api") && c["api"].is_string()) {
              std::string api = c["api"].get<std::string>();
              while (!api.empty() && api.back() == '/') api.pop_back();
              auto crate =
                  detail::fetch(http, request, api + "/api/v1/crates/" + request.packageName, what);
              nlohmann::json j =
                  crate ? nlohmann::json::parse(crate->body, nullptr, false) : nlohmann::json();
              if (j.is_object() && j.contains("versions") && j["versions"].is_array()) {
                for (const auto& v : j["versions"]) {
                  if (!v.is_object() || !v.contains("num") || !v.contains("created_at")) continue;
                  for (auto& r : info.releases) {
                    if (r.version == v["num"] && v["created_at"].is_string()) {
                      r.released = parseTimestamp(v["created_at"].get<std::string>());
                    }
                  }
                }
                if (j.contains("crate") && j["crate"].is_object() &&
                    j["crate"].contains("repository") && j["crate"]["repository"].is_string()) {
                  info.sourceUrl =
                      normalizeRepositoryUrl(j["crate"]["repository"].get<std::string>());
                }
              }
            }
          } catch (const RegistryError&) {
            // No dates: libyears stay unknown for this crate.
          }
          return info;
        });
  }
};

}  // namespace

ReleaseInfo parseCratesIndex(std::string_view body, const std::string& what) {
  ReleaseInfo info;
  size_t start = 0, lineNo = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    ++lineNo;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("vers") || !j["vers"].is_string()) {
      throw RegistryError(what + ": line " + std::to_string(lineNo) +
                          " of the index entry is not a version record");
    }
    Release r;
    r.version = j["vers"].get<std::string>();
    r.yanked = j.contains("yanked") && j["yanked"].is_boolean() && j["yanked"].get<bool>();
    if (j.contains("cksum") && j["cksum"].is_string()) r.digest = j["cksum"].get<std::string>();
    info.releases.push_back(std::move(r));
  }
  return info;
}

const Datasource& cratesDatasource() {
  static const CratesDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
