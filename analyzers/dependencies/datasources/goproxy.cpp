// The Go module proxy protocol: GET <proxy>/<escaped module>/@v/list (one version per
// line; tagged versions only), <...>/@v/<version>.info and <...>/@latest
// ({"Version", "Time"}). Dates are asked only for the current and the latest version
// (one request each), not for every tag.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

// The time encoded in a pseudo-version (vX.Y.Z-yyyymmddhhmmss-abcdef123456 and the
// pre-release forms), when `v` is one.
std::optional<std::time_t> pseudoVersionTime(const std::string& v) {
  // In every form the 14-digit stamp sits right before the last '-' and after a '-'
  // or '.': v0.0.0-20191109021931-daa7c04131f5, v1.2.4-0.20191109021931-daa7c04131f5,
  // v1.2.3-pre.0.20191109021931-daa7c04131f5.
  const size_t last = v.rfind('-');
  if (last == std::string::npos || last < 16 || v.size() - last - 1 != 12) return std::nullopt;
  const std::string stamp = v.substr(last - 14, 14);
  const char before = v[last - 15];
  if ((before != '-' && before != '.') ||
      stamp.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return parseTimestamp(stamp.substr(0, 4) + "-" + stamp.substr(4, 2) + "-" + stamp.substr(6, 2) +
                        "T" + stamp.substr(8, 2) + ":" + stamp.substr(10, 2) + ":" +
                        stamp.substr(12, 2) + "Z");
}

class GoProxyDatasource : public Datasource {
 public:
  std::string_view name() const override { return "go"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "go", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "Go module " + request.packageName;
          const std::string root = base + "/" + escapeGoModulePath(request.packageName);
          auto list = detail::fetch(http, request, root + "/@v/list", what, "text/plain");
          if (!list) return std::nullopt;
          ReleaseInfo info;
          for (auto& v : parseGoVersionList(list->body)) {
            info.releases.emplace_back();
            info.releases.back().version = std::move(v);
          }
          // The latest (also for modules with no tags: @latest names a pseudo-version).
          if (auto latest = detail::fetch(http, request, root + "/@latest", what)) {
            Release r = parseGoInfo(latest->body, what + " @latest from " + redactUrl(base));
            bool known = false;
            for (auto& existing : info.releases) {
              if (existing.version == r.version) {
                existing.released = r.released;
                known = true;
              }
            }
            if (!known) info.releases.push_back(r);
            info.tags["latest"] = r.version;
          }
          const std::string& current = request.currentValue;
          if (!current.empty()) {
            std::optional<std::time_t> when = pseudoVersionTime(current);
            if (!when) {
              if (auto cur =
                      detail::fetch(http, request, root + "/@v/" + current + ".info", what)) {
                when = parseGoInfo(cur->body, what + " " + current).released;
              }
            }
            for (auto& r : info.releases) {
              if (r.version == current) r.released = when;
            }
            if (when && std::none_of(info.releases.begin(), info.releases.end(),
                                     [&](const Release& r) { return r.version == current; })) {
              info.releases.emplace_back();
              info.releases.back().version = current;
              info.releases.back().released = when;
            }
          }
          const std::string& mod = request.packageName;
          if (mod.rfind("github.com/", 0) == 0) {
            const size_t third = mod.find('/', mod.find('/', 11) + 1);
            info.sourceUrl = "https://" + mod.substr(0, third);
          }
          return info;
        });
  }
};

}  // namespace

std::vector<std::string> parseGoVersionList(std::string_view body) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty() && line[0] == 'v') out.emplace_back(line);
    start = end + 1;
  }
  return out;
}

Release parseGoInfo(std::string_view body, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Version") || !j["Version"].is_string()) {
    throw RegistryError(what + ": the proxy's answer is not a version info document");
  }
  Release r;
  r.version = j["Version"].get<std::string>();
  if (j.contains("Time") && j["Time"].is_string())
    r.released = parseTimestamp(j["Time"].get<std::string>());
  return r;
}

const Datasource& goDatasource() {
  static const GoProxyDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
