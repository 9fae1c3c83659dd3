// The Python package index JSON API: GET <base>/pypi/<name>/json returns `info`
// (project URLs) and `releases` (per version: the uploaded files, each with
// `upload_time_iso_8601` and `yanked`/`yanked_reason`).
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

class PypiDatasource : public Datasource {
 public:
  std::string_view name() const override { return "pypi"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "pypi", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "Python package " + request.packageName;
          auto resp = detail::fetch(
              http, request,
              base + "/pypi/" + detail::urlEncodeComponent(request.packageName) + "/json", what);
          if (!resp) return std::nullopt;
          return parsePypiProject(resp->body, what + " from " + redactUrl(base));
        });
  }
};

}  // namespace

ReleaseInfo parsePypiProject(std::string_view body, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("releases") || !j["releases"].is_object()) {
    throw RegistryError(what +
                        ": the answer is not a package-index JSON document (no \"releases\" "
                        "object); is the URL the JSON API base?");
  }
  ReleaseInfo info;
  for (const auto& [version, files] : j["releases"].items()) {
    Release r;
    r.version = version;
    bool anyFile = false, allYanked = true;
    if (files.is_array()) {
      for (const auto& f : files) {
        if (!f.is_object()) continue;
        anyFile = true;
        std::optional<std::time_t> t;
        for (const char* key : {"upload_time_iso_8601", "upload_time"}) {
          if (f.contains(key) && f[key].is_string()) {
            t = parseTimestamp(f[key].get<std::string>());
            if (t) break;
          }
        }
        if (t && (!r.released || *t < *r.released)) r.released = t;
        // Anything but true (a string, a number) is not a yank: no type error escapes.
        const bool yanked =
            f.contains("yanked") && f["yanked"].is_boolean() && f["yanked"].get<bool>();
        allYanked = allYanked && yanked;
        if (yanked && f.contains("yanked_reason") && f["yanked_reason"].is_string()) {
          r.yankedReason = f["yanked_reason"].get<std::string>();
        }
      }
    }
    if (!anyFile) continue;  // a version with no files can't be installed
    r.yanked = allYanked;
    info.releases.push_back(std::move(r));
  }
  if (j.contains("info") && j["info"].is_object()) {
    const auto& i = j["info"];
    if (i.contains("home_page") && i["home_page"].is_string())
      info.homepage = i["home_page"].get<std::string>();
    if (i.contains("project_urls") && i["project_urls"].is_object()) {
      for (const auto& [label, url] : i["project_urls"].items()) {
        if (!url.is_string()) continue;
        std::string l = label;
        for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string u = url.get<std::string>();
        if (info.sourceUrl.empty() &&
            (l.find("source") != std::string::npos || l.find("repository") != std::string::npos ||
             l == "code" || l == "github")) {
          info.sourceUrl = normalizeRepositoryUrl(u);
        }
        if (info.changelogUrl.empty() &&
            (l.find("changelog") != std::string::npos ||
             l.find("change log") != std::string::npos ||
             l.find("release notes") != std::string::npos || l == "changes" || l == "history")) {
          info.changelogUrl = u;
        }
      }
    }
  }
  return info;
}

const Datasource& pypiDatasource() {
  static const PypiDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
