#include "analyzers/dependencies/datasources/registry_settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>  // environ

#include "analyzers/dependencies/managers/toml_spans.h"

namespace ddd::analyzers::deps {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string withoutTrailingSlash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// An http(s) URL with a host ("https://" alone, or "https:///x", is none).
bool isHttpUrl(std::string_view u) {
  for (std::string_view scheme : {std::string_view("https://"), std::string_view("http://")}) {
    if (u.rfind(scheme, 0) == 0)
      return u.size() > scheme.size() && u[scheme.size()] != '/' && u[scheme.size()] != '?' &&
             u[scheme.size()] != '#';
  }
  return false;
}

std::vector<std::string> split(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find_first_of(seps, start);
    if (end == std::string_view::npos) end = s.size();
    std::string part = trim(s.substr(start, end - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

std::string base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += k[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Splits "scheme://user:pass@host/path" into the URL without userinfo and the userinfo.
std::pair<std::string, std::string> takeUserinfo(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {std::string(url), ""};
  const size_t hostStart = scheme + 3;
  const size_t pathStart = url.find('/', hostStart);
  const std::string_view authority =
      url.substr(hostStart, pathStart == std::string_view::npos ? url.npos : pathStart - hostStart);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {std::string(url), ""};
  std::string clean = std::string(url.substr(0, hostStart)) +
                      std::string(authority.substr(at + 1)) +
                      std::string(pathStart == std::string_view::npos ? "" : url.substr(pathStart));
  return {clean, std::string(authority.substr(0, at))};
}

// "https://host:443/a/b" -> "https://host:443"
std::string originOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t pathStart = url.find('/', scheme + 3);
  return std::string(url.substr(0, pathStart));
}

// Glob with '*' only (GOPRIVATE patterns match path prefixes element-wise).
bool globMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t] && text[t] != '/') {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '/' && text[t] == '/') {
      ++p;
      ++t;
    } else if (star != std::string_view::npos && text[t] != '/') {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "10.1.2.3" -> its 32 bits; nullopt when not a dotted-quad IPv4 address.
std::optional<uint32_t> ipv4(std::string_view s) {
  uint32_t out = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    uint32_t n = 0;
    size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 4) {
      n = n * 10 + static_cast<uint32_t>(s[i++] - '0');
      ++digits;
    }
    if (n > 255) return std::nullopt;
    out = out << 8 | n;
    if (++parts < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

// "a.b.c.d/n" contains `host` (an IPv4 literal, port already removed).
bool cidrContains(std::string_view cidr, std::string_view host) {
  const size_t slash = cidr.find('/');
  const auto net = ipv4(cidr.substr(0, slash));
  const auto ip = ipv4(host);
  if (!net || !ip || slash == std::string_view::npos) return false;
  const std::string_view bits = cidr.substr(slash + 1);
  if (bits.empty() || bits.size() > 2 ||
      !std::all_of(bits.begin(), bits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  const int n = std::stoi(std::string(bits));
  if (n > 32) return false;
  const uint32_t mask = n == 0 ? 0 : ~uint32_t{0} << (32 - n);
  return (*net & mask) == (*ip & mask);
}

}  // namespace

GetEnv processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::string redactUrl(std::string_view url) {
  auto [clean, userinfo] = takeUserinfo(url);
  std::string out = clean;
  if (!userinfo.empty()) {
    const size_t scheme = out.find("://");
    out.insert(scheme + 3, "***@");
  }
  const size_t q = out.find('?');
  if (q != std::string::npos) {
    std::string query = out.substr(q + 1);
    std::string redacted;
    for (const auto& pair : split(query, "&")) {
      const size_t eq = pair.find('=');
      std::string key = pair.substr(0, eq);
      std::string lower = key;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      const bool secret =
          lower.find("token") != std::string::npos || lower.find("key") != std::string::npos ||
          lower.find("secret") != std::string::npos ||
          lower.find("password") != std::string::npos || lower.find("sig") != std::string::npos;
      if (!redacted.empty()) redacted += '&';
      redacted += key;
      if (eq != std::string::npos) {
        redacted += '=';
        redacted += secret ? std::string_view("***") : std::string_view(pair).substr(eq + 1);
      }
    }
    out = out.substr(0, q + 1) + redacted;
  }
  return out;
}

RegistrySettings RegistrySettings::fromEnvironment(const GetEnv& env) {
  RegistrySettings s;
  s.env_ = env;
  auto first = [&](std::initializer_list<const char*> names) -> std::optional<std::string> {
    for (const char* n : names) {
      if (auto v = env(n); v && !trim(*v).empty()) return trim(*v);
    }
    return std::nullopt;
  };
  auto bearer = [&](const std::vector<std::string>& urls,
                    std::initializer_list<const char*> names) {
    if (auto token = first(names)) {
      for (const auto& u : urls) s.addCredential(originOf(u), "Authorization", "Bearer " + *token);
    }
  };

  if (auto v = first({"DDD_REGISTRY_NPM", "npm_config_registry", "NPM_CONFIG_REGISTRY"})) {
    s.setDefault("npm", {*v});
    bearer(s.defaults_["npm"], {"DDD_REGISTRY_NPM_TOKEN", "NPM_TOKEN"});
  }
  if (auto v = first({"DDD_REGISTRY_PYPI"})) {
    s.setDefault("pypi", {*v});
  } else {
    std::vector<std::string> urls;
    for (const char* name : {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"}) {
      if (auto value = env(name)) {
        for (const auto& u : split(*value, " \t")) urls.push_back(u);
      }
    }
    std::vector<std::string> bases;
    for (const auto& raw : urls) {
      auto [url, userinfo] = takeUserinfo(raw);
      url = withoutTrailingSlash(url);
      if (url.size() >= 7 && url.compare(url.size() - 7, 7, "/simple") == 0)
        url.resize(url.size() - 7);
      if (!userinfo.empty())
        s.addCredential(originOf(url), "Authorization", "Basic " + base64(userinfo));
      bases.push_back(url);
    }
    if (!bases.empty()) s.setDefault("pypi", bases);
  }
  if (auto v = first({"DDD_REGISTRY_GO", "GOPROXY"})) {
    std::vector<std::string> proxies;
    for (const auto& p : split(*v, ",|")) {
      if (p == "direct" || p == "off") continue;
      proxies.push_back(p);
    }
    if (!proxies.empty()) s.setDefault("go", proxies);
  }
  for (const char* name : {"GOPRIVATE", "GONOPROXY"}) {
    if (auto v = env(name)) {
      for (const auto& g : split(*v, ",")) s.goPrivate_.push_back(g);
    }
  }
  if (auto v = first({"DDD_REGISTRY_CRATES"})) {
    std::string url = *v;
    if (url.rfind("sparse+", 0) == 0) url = url.substr(7);
    s.setDefault("crate", {url});
  }
  // Docker's own daemon settings, as dockerd reads them: `registry-mirrors` stand in for
  // the default registry, `insecure-registries` are reached over plain HTTP.
  const std::string daemonConfig =
      env("DDD_DOCKER_DAEMON_CONFIG").value_or("/etc/docker/daemon.json");
  std::vector<std::string> mirrors;
  if (!daemonConfig.empty()) {
    std::ifstream in(daemonConfig, std::ios::binary);
    if (in) {
      std::string text(1 << 20, '\0');
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<size_t>(in.gcount()));
      const auto j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_object()) {
        s.warnings_.push_back(daemonConfig +
                              ": not a JSON object; its registry-mirrors and "
                              "insecure-registries are not used");
      } else {
        auto strings = [&](const char* key) {
          std::vector<std::string> out;
          auto it = j.find(key);
          if (it == j.end()) return out;
          if (!it->is_array()) {
            s.warnings_.push_back(daemonConfig + ": " + key + " is not a list; not used");
            return out;
          }
          for (const auto& e : *it) {
            if (e.is_string() && !trim(e.get<std::string>()).empty())
              out.push_back(trim(e.get<std::string>()));
          }
          return out;
        };
        mirrors = strings("registry-mirrors");
        for (auto& entry : strings("insecure-registries")) s.addInsecureDockerRegistry(entry);
      }
    }
  }
  if (auto v = first({"DDD_REGISTRY_DOCKER_INSECURE"})) {
    for (auto& entry : split(*v, ", \t")) s.addInsecureDockerRegistry(entry);
  }
  if (auto v = first({"DDD_REGISTRY_DOCKER"})) {
    s.setDefault("docker", {*v});
    bearer(s.defaults_["docker"], {"DDD_REGISTRY_DOCKER_TOKEN"});
  } else if (!mirrors.empty()) {
    s.setDefault("docker", mirrors);
    bearer(s.defaults_["docker"], {"DDD_REGISTRY_DOCKER_TOKEN"});
  }
  if (auto v = first({"DDD_REGISTRY_GITHUB", "DDD_GITHUB_API_URL"})) {
    s.setDefault("github-tags", {*v});
    bearer(s.defaults_["github-tags"], {"DDD_REGISTRY_GITHUB_TOKEN", "GITHUB_TOKEN"});
  }
  return s;
}

void RegistrySettings::setDefault(const std::string& datasource, std::vector<std::string> urls) {
  std::vector<std::string> clean;
  for (auto& u : urls) {
    if (isHttpUrl(u)) clean.push_back(withoutTrailingSlash(u));
  }
  defaults_[datasource] = std::move(clean);
}

void RegistrySettings::addCredential(const std::string& urlPrefix, std::string header,
                                     std::string value) {
  credentials_.push_back({withoutTrailingSlash(urlPrefix), std::move(header), std::move(value)});
}

void RegistrySettings::addInsecureDockerRegistry(std::string entry) {
  entry = lower(trim(entry));
  // dockerd also takes "http://host:port" here; the scheme is implied.
  for (const char* scheme : {"http://", "https://"}) {
    if (entry.rfind(scheme, 0) == 0) entry = entry.substr(std::string_view(scheme).size());
  }
  entry = withoutTrailingSlash(entry);
  if (entry.empty() || entry == "/") return;
  if (entry.find('/') != std::string::npos && !ipv4(entry.substr(0, entry.find('/')))) {
    warnings_.push_back("insecure registry \"" + entry +
                        "\": only host[:port] and IPv4 CIDRs are read; not used");
    return;
  }
  if (std::find(insecureDocker_.begin(), insecureDocker_.end(), entry) == insecureDocker_.end())
    insecureDocker_.push_back(std::move(entry));
}

std::string RegistrySettings::dockerBase(std::string_view hostPort) const {
  const std::string hp = lower(hostPort);
  std::string host = hp;
  if (const size_t colon = host.rfind(':');
      colon != std::string::npos && host.find(']') == std::string::npos)
    host.resize(colon);
  for (const auto& e : insecureDocker_) {
    const bool cidr = e.find('/') != std::string::npos;
    if (cidr ? cidrContains(e, host) : e == hp) return "http://" + hp;
  }
  return "https://" + hp;
}

void RegistrySettings::applyNpmrc(std::string_view text, const std::string& path,
                                  std::vector<std::string>& warnings) {
  size_t lineNo = 0;
  for (const auto& rawLine : split(text, "\n")) {
    ++lineNo;
    std::string line = trim(rawLine);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    const std::string where = path + ":" + std::to_string(lineNo);
    if (key.rfind("//", 0) == 0 || key == "_authToken" || key == "_auth" || key == "_password") {
      warnings.push_back(where +
                         ": credentials in a repository's .npmrc are ignored; give the "
                         "bot a token through its environment (NPM_TOKEN or "
                         "DDD_REGISTRY_NPM_TOKEN)");
      continue;
    }
    if (value.find("${") != std::string::npos) {
      warnings.push_back(where + ": " + key +
                         " uses an environment variable; ddd does not "
                         "expand a repository's variables; line skipped");
      continue;
    }
    if (key == "registry") {
      if (!isHttpUrl(value)) {
        warnings.push_back(where + ": registry=" + redactUrl(value) +
                           " is not an http(s) URL; skipped");
        continue;
      }
      defaults_["npm"] = {withoutTrailingSlash(value)};
    } else if (key.size() > 10 && key[0] == '@' &&
               key.compare(key.size() - 9, 9, ":registry") == 0) {
      if (!isHttpUrl(value)) {
        warnings.push_back(where + ": " + key + " is not an http(s) URL; skipped");
        continue;
      }
      npmScopes_[key.substr(0, key.size() - 9)] = withoutTrailingSlash(value);
    }
  }
}

std::vector<std::string> RegistrySettings::urlsFor(std::string_view datasource,
                                                   std::string_view packageName) const {
  if (datasource == "npm" && !packageName.empty() && packageName[0] == '@') {
    const size_t slash = packageName.find('/');
    auto it = npmScopes_.find(std::string(packageName.substr(0, slash)));
    if (it != npmScopes_.end()) return {it->second};
  }
  if (datasource == "docker") {
    // An image that names its registry ("ghcr.io/o/x", "registry.example:5000/x",
    // "localhost/x") is looked up there, over HTTPS; Docker Hub's own names and images
    // without a host go to the default registry (DDD_REGISTRY_DOCKER, or a mirror).
    const size_t slash = packageName.find('/');
    const std::string_view first =
        slash == std::string_view::npos ? std::string_view() : packageName.substr(0, slash);
    const bool hasHost = !first.empty() && (first.find('.') != std::string_view::npos ||
                                            first.find(':') != std::string_view::npos ||
                                            first == "localhost");
    if (hasHost && first != "docker.io" && first != "index.docker.io" &&
        first != "registry-1.docker.io") {
      return {dockerBase(first)};
    }
  }
  auto it = defaults_.find(std::string(datasource));
  return it == defaults_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::pair<std::string, std::string>> RegistrySettings::authFor(
    std::string_view url) const {
  std::vector<std::pair<std::string, std::string>> out;
  const Credential* best = nullptr;
  for (const auto& c : credentials_) {
    // The prefix must end at a URL boundary: "https://a.example" must not match
    // "https://a.example.evil".
    if (url.rfind(c.prefix, 0) != 0) continue;
    const char next = url.size() > c.prefix.size() ? url[c.prefix.size()] : '/';
    if (next != '/' && next != '?' && next != ':') continue;
    if (!best || c.prefix.size() > best->prefix.size()) best = &c;
  }
  if (best) out.emplace_back(best->header, best->value);
  return out;
}

bool RegistrySettings::isPrivateGoModule(std::string_view module) const {
  for (const auto& g : goPrivate_) {
    // A pattern matches the module path or any of its prefixes (element-wise).
    std::string_view m = module;
    while (true) {
      if (globMatch(g, m)) return true;
      const size_t slash = m.rfind('/');
      if (slash == std::string_view::npos) break;
      m = m.substr(0, slash);
    }
  }
  return false;
}

CargoConfig parseCargoConfig(std::string_view text, const std::string& path,
                             std::vector<std::string>& warnings) {
  CargoConfig out;
  out.path = path;
  TomlNode root;
  try {
    root = parseTomlWithSpans(text, path);
  } catch (const std::exception& e) {
    warnings.push_back(std::string(e.what()) + "; its registries are not used");
    return out;
  }
  auto where = [&path](const TomlNode& n) { return path + ":" + std::to_string(n.line); };
  if (const TomlNode* regs = root.get("registries")) {
    if (regs->kind != TomlNode::Table) {
      warnings.push_back(where(*regs) + ": registries is not a table; not used");
    } else {
      for (size_t i = 0; i < regs->keys.size(); ++i) {
        const TomlNode& r = regs->values[i];
        if (r.kind != TomlNode::Table) {
          warnings.push_back(where(r) + ": registries." + regs->keys[i] +
                             " is not a table; not used");
          continue;
        }
        if (r.get("token") || r.get("credential-provider")) {
          warnings.push_back(where(r) + ": credentials in a repository's Cargo configuration "
                             "are ignored; give the bot CARGO_REGISTRIES_" +
                             [&] {
                               std::string n = regs->keys[i];
                               for (char& c : n)
                                 c = c == '-' ? '_'
                                              : static_cast<char>(
                                                    std::toupper(static_cast<unsigned char>(c)));
                               return n;
                             }() +
                             "_TOKEN in its environment");
        }
        if (const TomlNode* index = r.get("index")) {
          if (index->kind == TomlNode::String) {
            out.registries[regs->keys[i]] = trim(index->text);
          } else {
            warnings.push_back(where(*index) + ": registries." + regs->keys[i] +
                               ".index is not a string; not used");
          }
        }
      }
    }
  }
  if (const TomlNode* registry = root.get("registry");
      registry && registry->kind == TomlNode::Table &&
      (registry->get("token") || registry->get("credential-provider"))) {
    warnings.push_back(where(*registry) +
                       ": credentials in a repository's Cargo configuration are ignored");
  }
  if (const TomlNode* sources = root.get("source")) {
    if (sources->kind != TomlNode::Table) {
      warnings.push_back(where(*sources) + ": source is not a table; not used");
    } else {
      for (size_t i = 0; i < sources->keys.size(); ++i) {
        const TomlNode& n = sources->values[i];
        if (n.kind != TomlNode::Table) {
          warnings.push_back(where(n) + ": source." + sources->keys[i] +
                             " is not a table; not used");
          continue;
        }
        CargoConfig::Source src;
        auto str = [&](const char* key) -> std::string {
          const TomlNode* v = n.get(key);
          if (!v) return "";
          if (v->kind != TomlNode::String) {
            warnings.push_back(where(*v) + ": source." + sources->keys[i] + "." + key +
                               " is not a string; not used");
            return "";
          }
          return trim(v->text);
        };
        src.registry = str("registry");
        src.replaceWith = str("replace-with");
        for (const char* kind : {"local-registry", "directory", "git"}) {
          if (n.get(kind)) src.other = kind;
        }
        out.sources[sources->keys[i]] = std::move(src);
      }
    }
  }
  return out;
}

namespace {

// Cargo's environment spelling of a registry name: upper case, '-' as '_'.
std::string cargoEnvName(std::string_view name) {
  std::string out;
  for (char c : name) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// A registry index as Cargo spells it -> the sparse base URL, or the problem.
CargoIndex sparseIndex(const std::string& raw, const std::string& what, const std::string& from) {
  CargoIndex out;
  if (raw.rfind("sparse+", 0) == 0 && isHttpUrl(std::string_view(raw).substr(7))) {
    out.url = withoutTrailingSlash(raw.substr(7));
  } else if (raw.rfind("sparse+", 0) == 0) {
    out.problem = what + " in " + from + " is " + redactUrl(raw) +
                  ", not a sparse+http(s):// URL; its crates are not looked up";
  } else {
    out.problem = what + " in " + from + " is a git index (" + redactUrl(raw) +
                  "); ddd reads only sparse indexes (sparse+https://...), so its crates are "
                  "not looked up";
  }
  return out;
}

}  // namespace

CargoIndex RegistrySettings::cargoIndex(const std::vector<const CargoConfig*>& configs,
                                        std::string_view registry) {
  // A registry by name: the environment, else the nearest file that defines it.
  auto named = [&](const std::string& name) -> std::optional<CargoIndex> {
    const std::string var = "CARGO_REGISTRIES_" + cargoEnvName(name);
    if (env_) {
      if (auto v = env_(var + "_INDEX"); v && !trim(*v).empty()) {
        CargoIndex out =
            sparseIndex(trim(*v), "the index of registry \"" + name + "\"", var + "_INDEX");
        if (!out.url.empty()) {
          if (std::find(cargoEnvIndexes_.begin(), cargoEnvIndexes_.end(), out.url) ==
              cargoEnvIndexes_.end())
            cargoEnvIndexes_.push_back(out.url);
          // The operator named this index: its token may go there (and only there).
          if (auto token = env_(var + "_TOKEN"); token && !trim(*token).empty()) {
            const bool known =
                std::any_of(credentials_.begin(), credentials_.end(),
                            [&out](const Credential& c) { return c.prefix == out.url; });
            if (!known) addCredential(out.url, "Authorization", trim(*token));
          }
        }
        return out;
      }
    }
    for (const CargoConfig* c : configs) {
      auto it = c->registries.find(name);
      if (it == c->registries.end()) continue;
      return sparseIndex(it->second, "the index of registry \"" + name + "\"", c->path);
    }
    return std::nullopt;
  };
  std::string name(registry);
  if (!name.empty() && name != "crates-io") {
    if (auto idx = named(name)) return *idx;
    return {"", "registry \"" + name + "\" is not defined: set CARGO_REGISTRIES_" +
                    cargoEnvName(name) + "_INDEX or add [registries." + name +
                    "] index = \"sparse+https://...\" to .cargo/config.toml"};
  }
  // crates.io: the operator's override, else Cargo's source replacement.
  if (auto it = defaults_.find("crate"); it != defaults_.end() && !it->second.empty())
    return {it->second.front(), ""};
  std::string source = "crates-io";
  std::vector<std::string> seen;
  for (int hop = 0; hop < 16; ++hop) {
    if (std::find(seen.begin(), seen.end(), source) != seen.end()) break;
    seen.push_back(source);
    const CargoConfig::Source* src = nullptr;
    const CargoConfig* file = nullptr;
    for (const CargoConfig* c : configs) {
      if (auto it = c->sources.find(source); it != c->sources.end()) {
        src = &it->second;
        file = c;
        break;
      }
    }
    if (hop > 0 && !src) {
      if (auto idx = named(source)) return *idx;
      return {"", "source replacement of crates-io names \"" + source +
                      "\", which no [source." + source + "] or [registries." + source +
                      "] defines; crates are not looked up"};
    }
    if (!src) return {};  // crates.io itself, not replaced: no registry configured
    if (!src->replaceWith.empty()) {
      source = src->replaceWith;
      continue;
    }
    if (hop == 0) return {};  // [source.crates-io] without replace-with
    if (!src->registry.empty())
      return sparseIndex(src->registry, "source \"" + source + "\"", file->path);
    if (!src->other.empty())
      return {"", "source \"" + source + "\" in " + file->path + " is a " + src->other +
                      " source; ddd reads only sparse indexes, so crates are not looked up"};
    return {"", "source \"" + source + "\" in " + file->path +
                    " names no registry; crates are not looked up"};
  }
  return {"", "source replacement of crates-io loops (" + source + "); crates are not looked up"};
}

void RegistrySettings::addCargoRegistriesOfProcessEnvironment() {
  if (!env_) env_ = processEnvironment();
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view prefix = "CARGO_REGISTRIES_", suffix = "_INDEX=";
    const size_t eq = entry.find('=');
    if (entry.rfind(prefix, 0) != 0 || eq == std::string_view::npos ||
        eq + 1 < prefix.size() + suffix.size() ||
        entry.substr(eq + 1 - suffix.size(), suffix.size()) != suffix)
      continue;
    const std::string name(entry.substr(prefix.size(), eq + 1 - suffix.size() - prefix.size()));
    if (!name.empty()) (void)cargoIndex({}, name);
  }
}

std::string RegistrySettings::howToConfigure(std::string_view datasource) {
  if (datasource == "npm")
    return "set npm_config_registry (or DDD_REGISTRY_NPM) or add registry= to .npmrc";
  if (datasource == "pypi") return "set PIP_INDEX_URL (or DDD_REGISTRY_PYPI)";
  if (datasource == "go") return "set GOPROXY (or DDD_REGISTRY_GO)";
  if (datasource == "crate")
    return "set DDD_REGISTRY_CRATES to the sparse index URL, or replace crates-io with a "
           "sparse registry in .cargo/config.toml ([source.crates-io] replace-with)";
  if (datasource == "docker")
    return "set DDD_REGISTRY_DOCKER to the default registry (or a mirror)";
  if (datasource == "github-tags") return "set DDD_GITHUB_API_URL (or DDD_REGISTRY_GITHUB)";
  if (datasource == "helm") return "give the chart repository URL in Chart.yaml";
  return "configure the " + std::string(datasource) + " registry";
}

std::vector<std::string> RegistrySettings::hosts() const {
  std::vector<std::string> out;
  auto add = [&out](const std::string& url) {
    size_t at = url.find("://");
    at = at == std::string::npos ? 0 : at + 3;
    size_t end = url.find_first_of("/?#", at);
    std::string authority = url.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (const size_t user = authority.rfind('@'); user != std::string::npos)
      authority = authority.substr(user + 1);
    std::string host = authority;
    if (!host.empty() && host[0] == '[') {
      host = host.substr(1, host.find(']') - 1);
    } else if (const size_t colon = host.find(':'); colon != std::string::npos) {
      host = host.substr(0, colon);
    }
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!host.empty() && std::find(out.begin(), out.end(), host) == out.end()) out.push_back(host);
  };
  for (const auto& entry : defaults_) {
    for (const auto& url : entry.second) add(url);
  }
  for (const auto& entry : npmScopes_) add(entry.second);
  for (const auto& url : cargoEnvIndexes_) add(url);
  for (const auto& entry : insecureDocker_) {
    if (entry.find('/') == std::string::npos) add("http://" + entry);
  }
  return out;
}

}  // namespace ddd::analyzers::deps
