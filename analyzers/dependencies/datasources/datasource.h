#pragma once
// Datasources: one per kind of registry (npm, the Python package index JSON API, the Go
// module proxy, the crates.io-style sparse index, GitHub tags/releases, Docker Registry
// v2, Helm chart repositories). A datasource turns a package name plus the registry
// base URLs that apply (registry_settings.h: configuration and the ecosystem's own
// settings, never a host name written in the code) into the list of published releases
// with their dates and flags. The network is reached only through RegistryHttp, which
// the bot implements with its HTTP(S) client (TLS verified, timeouts, retries,
// ETag caching, request budget); analyzers never open sockets themselves.
// Datasources are stateless and thread-safe; the parse* functions are pure.

#include <ctime>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddd::analyzers::deps {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Accept, Authorization
  bool head = false;                                         // HEAD instead of GET
  // false: the answer carries a credential (a token service's) and must never be kept
  // by a cache that outlives the process.
  bool keep = true;
  // When set, a client that can stream hands a 2xx body to this while it arrives and
  // leaves HttpResponse::body empty (registry documents run to megabytes: they are
  // parsed without ever being held whole). A client that can't, or that keeps bodies
  // (a RegistryClient with a cache between runs), just fills `body`:
  // detail::fetchStreamed then feeds the reader from it.
  std::function<void(std::istream& body)> bodyReader;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string nextPageUrl;  // from a `Link: <...>; rel="next"` header, "" when none
  // The first header of that name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// A registry could not be asked or answered badly: names the registry URL (secrets
// redacted), the package and what to do ("check the URL in DDD_NPM_REGISTRY").
class RegistryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bot's HTTP client as the datasources see it. get() returns any HTTP status
// (404 is an answer); it throws RegistryError for transport failures (connect,
// TLS, timeout, truncated body, too large, request budget exhausted).
class RegistryHttp {
 public:
  virtual ~RegistryHttp() = default;
  virtual HttpResponse get(const HttpRequest& request) = 0;
};

struct Release {
  std::string version;  // as the registry spells it ("1.2.3", "v1.2.3", "3.11-slim")
  std::optional<std::time_t> released;  // publication time, when the registry says
  bool deprecated = false;
  std::string deprecationMessage;
  bool yanked = false;
  std::string yankedReason;
  std::string digest;       // commit sha for a git tag, content digest for an image, npm
                            // dist.integrity; "" if unknown
  std::string artifactUrl;  // npm dist.tarball ("" if unknown)
  // npm: the Node.js versions this version declares it runs on (its `engines.node`, as
  // published, e.g. "^18.18.0 || >=20"); "" when it declares none.
  std::string enginesNode;
  // npm, when LookupRequest::lockEntries asked for it: the fields of this version's
  // manifest that a package-lock.json entry copies (dependencies, optionalDependencies,
  // peerDependencies, peerDependenciesMeta, bin, engines, os, cpu, license, funding,
  // deprecated, hasInstallScript) as compact JSON with sorted keys, so two versions'
  // entries compare as strings; "" otherwise.
  std::string lockMetadata;
};

struct ReleaseInfo {
  std::string datasource;                   // "npm"
  std::string packageName;                  // as looked up
  std::string registryUrl;                  // the base URL that answered
  std::vector<Release> releases;            // in the registry's order
  std::map<std::string, std::string> tags;  // npm dist-tags ("latest" -> "4.17.21")
  std::string sourceUrl;                    // the source repository (https URL), "" when unknown
  std::string homepage;
  std::string changelogUrl;  // when the registry names one
  bool deprecated = false;   // the package as a whole (npm: latest version deprecated)
  std::string deprecationMessage;
};

// What a manager found, as a datasource needs it.
struct LookupRequest {
  std::string packageName;
  std::vector<std::string> registryUrls;  // in order of preference (already resolved)
  std::string currentValue;               // for datasources that need it (docker variants)
  // Extra request headers by URL prefix (auth from the environment), already resolved.
  std::vector<std::pair<std::string, std::string>> authHeaders;  // "Authorization", "Bearer x"
  // npm: keep Release::lockMetadata (a lockfile entry may be updated); off, the parse
  // keeps less of each version (the packument of a popular package is megabytes).
  bool lockEntries = false;
};

class Datasource {
 public:
  virtual ~Datasource() = default;
  virtual std::string_view name() const = 0;
  // Asks the registries in order until one knows the package. Throws RegistryError
  // when none answers usably (the message names each URL tried and its status); a
  // package no registry knows is a RegistryError saying "not found".
  virtual ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const = 0;
  // The digest `version` names now, for dependencies pinned by digest: a git tag's commit
  // sha (github-tags), an image tag's manifest digest ("sha256:...", docker). Asks the
  // registries of `request` in order; nullopt when none knows that version. Throws
  // RegistryError like getReleases (and for a datasource without digests).
  virtual std::optional<std::string> getDigest(const LookupRequest& request,
                                               const std::string& version,
                                               RegistryHttp& http) const;
};

// The table of datasources (one line each in datasources/registry.cpp).
const std::vector<const Datasource*>& datasources();
const Datasource* findDatasource(std::string_view name);

// Pure parsers of the registries' documents (each throws RegistryError naming `what`
// for a document that is not the expected JSON/YAML/text).
ReleaseInfo parseNpmPackument(std::string_view body, const std::string& what,
                              bool lockEntries = false);
// The same from a stream (the body as it arrives; an HttpError-like exception thrown by
// the stream propagates).
ReleaseInfo parseNpmPackument(std::istream& body, const std::string& what,
                              bool lockEntries = false);
ReleaseInfo parsePypiProject(std::string_view body, const std::string& what);
std::vector<std::string> parseGoVersionList(std::string_view body);
// A Go proxy's `.info` / `@latest` document: {"Version": ..., "Time": ...}.
Release parseGoInfo(std::string_view body, const std::string& what);
ReleaseInfo parseCratesIndex(std::string_view body, const std::string& what);
std::vector<std::string> parseDockerTags(std::string_view body, const std::string& what);
// The parameters of a `WWW-Authenticate: Bearer realm="...",service="...",scope="..."`
// challenge (keys as written, quotes removed).
std::map<std::string, std::string> parseAuthChallenge(const std::string& header);
ReleaseInfo parseHelmIndex(std::string_view body, const std::string& chart,
                           const std::string& what);
// GitHub `GET /repos/{o}/{r}/tags` (name + commit sha) and `/releases` (dates, flags).
std::vector<Release> parseGithubTags(std::string_view body, const std::string& what);
std::vector<Release> parseGithubReleases(std::string_view body, const std::string& what);
// GitHub `GET /repos/{o}/{r}/git/ref/tags/{tag}` and `/git/tags/{sha}`: the object a ref
// or an annotated tag points at ({sha, type}: "commit" or "tag").
std::pair<std::string, std::string> parseGithubGitObject(std::string_view body,
                                                         const std::string& what);

// RFC 3339 / ISO 8601 timestamps as registries write them ("2021-02-20T15:42:16.891Z",
// "2021-02-20T15:42:16+01:00", "2021-02-20 15:42:16"); nullopt when unreadable.
std::optional<std::time_t> parseTimestamp(std::string_view s);

// Go module paths as the proxy protocol escapes them: an upper-case letter becomes
// '!' plus its lower-case form ("github.com/Azure/x" -> "github.com/!azure/x").
std::string escapeGoModulePath(std::string_view path);
// The sparse-index path of a crate name: "1/a", "2/ab", "3/a/abc", "se/rd/serde".
std::string cratesIndexPath(std::string_view name);
// A source-repository URL as a browsable https URL ("git+https://x/y.git" ->
// "https://x/y", "github:o/r" -> "" unless a GitHub base URL is given).
std::string normalizeRepositoryUrl(std::string_view url);

}  // namespace ddd::analyzers::deps
