#pragma once
// Where each datasource's registries are and which credentials go to them. Nothing
// here knows a registry's host name: base URLs come from the operator's environment
// (the ecosystems' own variables — npm_config_registry, PIP_INDEX_URL, GOPROXY, ... —
// and ddd's uniform DDD_REGISTRY_<KIND> overrides) and from the repository's own
// settings (.npmrc `registry=` and `@scope:registry=`). Credentials only ever come
// from the operator's environment and go only to the host they were given for: a
// repository file can point at a registry but can never pull a token out of the bot
// (auth lines in a repository's .npmrc are ignored with a warning). A RegistrySettings
// is a plain value: copy it per repository, then apply that repository's files.
//
// Variables read (first match wins per datasource; README "Registries"):
//   npm     DDD_REGISTRY_NPM, npm_config_registry / NPM_CONFIG_REGISTRY,
//           npm_config_@scope:registry; tokens DDD_REGISTRY_NPM_TOKEN, NPM_TOKEN
//   pypi    DDD_REGISTRY_PYPI (a JSON-API base, "<base>/pypi/<name>/json"),
//           PIP_INDEX_URL and PIP_EXTRA_INDEX_URL (".../simple" becomes the base;
//           user:password in the URL becomes Basic auth for that host)
//   go      DDD_REGISTRY_GO, GOPROXY (comma/pipe list; "direct" and "off" skipped);
//           GOPRIVATE / GONOPROXY globs mark modules private (not looked up)
//   crate   DDD_REGISTRY_CRATES (a sparse index URL, "sparse+" prefix allowed), the
//           operator's override for crates.io; else Cargo's own settings (cargoIndex):
//           CARGO_REGISTRIES_<NAME>_INDEX over the repository's .cargo/config.toml
//           [registries.<name>] index and [source.crates-io] replace-with; token
//           CARGO_REGISTRIES_<NAME>_TOKEN (sent raw, as Cargo does, and only to an index
//           the environment named)
//   docker  DDD_REGISTRY_DOCKER (for images that name no registry host), else the
//           `registry-mirrors` of Docker's daemon.json; images with a host use
//           https://<host>, or http://<host> when the operator lists it as insecure
//           (DDD_REGISTRY_DOCKER_INSECURE, daemon.json `insecure-registries`: host[:port]
//           or IPv4 CIDR); daemon.json is DDD_DOCKER_DAEMON_CONFIG, else
//           /etc/docker/daemon.json ("" reads none); token DDD_REGISTRY_DOCKER_TOKEN
//   github-tags  DDD_REGISTRY_GITHUB, else DDD_GITHUB_API_URL; token
//           DDD_REGISTRY_GITHUB_TOKEN, else GITHUB_TOKEN
//   helm    the repository URL in Chart.yaml (http/https; oci:// charts go to the
//           docker datasource on dockerBase(<host>))

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddd::analyzers::deps {

using GetEnv = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment.
GetEnv processEnvironment();

// What one Cargo configuration file (.cargo/config.toml or the legacy .cargo/config)
// says about registries and source replacement.
struct CargoConfig {
  std::string path;                               // as named in messages
  std::map<std::string, std::string> registries;  // [registries.<name>] index
  struct Source {
    std::string registry;     // registry = "sparse+https://..." (or a git URL)
    std::string replaceWith;  // replace-with = "<name>"
    std::string other;        // "local-registry", "directory" or "git" when it is one
  };
  std::map<std::string, Source> sources;  // [source.<name>]
};
// Reads a Cargo configuration file; bad TOML or unexpected types are warnings (naming
// `path`) and whatever could be read is kept. Credentials in it (token, credential-
// provider) are ignored with a warning.
CargoConfig parseCargoConfig(std::string_view text, const std::string& path,
                             std::vector<std::string>& warnings);

// Where Cargo would look up a registry's crates: a sparse index base URL ("sparse+"
// removed), or a problem saying why ddd cannot ("a git index", "not defined"); both empty
// when nothing is configured (crates.io without DDD_REGISTRY_CRATES or a replacement).
struct CargoIndex {
  std::string url;
  std::string problem;
};

class RegistrySettings {
 public:
  // From the operator's environment.
  static RegistrySettings fromEnvironment(const GetEnv& env);

  // Applies a repository's .npmrc (`path` names it in warnings): registry= and
  // @scope:registry= lines; ${VAR} is not expanded; auth lines are ignored.
  void applyNpmrc(std::string_view text, const std::string& path,
                  std::vector<std::string>& warnings);

  // The index for crates of `registry` ("" or "crates-io": crates.io) under the Cargo
  // configuration files `configs` (nearest first, as Cargo merges them: a key in a nearer
  // file wins). CARGO_REGISTRIES_<NAME>_INDEX wins over the files; DDD_REGISTRY_CRATES
  // over everything for crates.io. Only sparse+http(s) indexes can be read. When the
  // environment names the index and has CARGO_REGISTRIES_<NAME>_TOKEN, that token is
  // added as the index's credential (the raw token in Authorization, as Cargo sends it).
  CargoIndex cargoIndex(const std::vector<const CargoConfig*>& configs, std::string_view registry);
  // Resolves every CARGO_REGISTRIES_<NAME>_INDEX of the process environment, so that
  // hosts() lists them with the operator's other registries (ddd serve trusts those).
  void addCargoRegistriesOfProcessEnvironment();

  // Base URLs for a package, in order of preference; empty when none is configured
  // (the caller reports "no registry configured for npm: set npm_config_registry ...").
  std::vector<std::string> urlsFor(std::string_view datasource, std::string_view packageName) const;
  // Headers to send to `url` (Authorization), empty when no credential matches its host.
  std::vector<std::pair<std::string, std::string>> authFor(std::string_view url) const;
  // The base URL of the Docker Registry v2 API on `hostPort` ("localhost:5000"):
  // "https://host[:port]", or "http://host[:port]" when the operator listed the registry
  // as insecure. A repository's files never make a registry insecure.
  std::string dockerBase(std::string_view hostPort) const;
  // What the environment's settings files said that ddd could not use (unreadable
  // daemon.json, entries of a kind ddd does not read): for the scan's warnings.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // True when a Go module is private (GOPRIVATE / GONOPROXY) and must not be looked up.
  bool isPrivateGoModule(std::string_view module) const;
  // How to configure a datasource, for error messages ("set npm_config_registry or
  // DDD_REGISTRY_NPM").
  static std::string howToConfigure(std::string_view datasource);

  // The host names of every registry configured so far (lower case), e.g. the
  // operator's own registries, which a server trusts on its private network.
  std::vector<std::string> hosts() const;

  // Direct set-up (server config, tests).
  void setDefault(const std::string& datasource, std::vector<std::string> urls);
  void addCredential(const std::string& urlPrefix, std::string header, std::string value);
  // Registries reached over plain HTTP: "host[:port]" (exactly as images name them) or
  // an IPv4 CIDR ("127.0.0.0/8") matching registries named by IPv4 address.
  void addInsecureDockerRegistry(std::string entry);

 private:
  std::map<std::string, std::vector<std::string>> defaults_;  // datasource -> base URLs
  std::map<std::string, std::string> npmScopes_;              // "@scope" -> URL
  struct Credential {
    std::string prefix;  // "https://host[:port]/path"
    std::string header;
    std::string value;
  };
  std::vector<Credential> credentials_;
  std::vector<std::string> goPrivate_;
  std::vector<std::string> insecureDocker_;  // lower-case host[:port] or a.b.c.d/n
  std::vector<std::string> warnings_;
  GetEnv env_;  // the operator's environment, for Cargo's per-registry variables
  std::vector<std::string> cargoEnvIndexes_;  // sparse index URLs the environment named
};

// "https://user:secret@host/x?token=y" -> "https://***@host/x?token=***": for messages.
std::string redactUrl(std::string_view url);

}  // namespace ddd::analyzers::deps
