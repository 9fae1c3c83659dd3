// libFuzzer target for what registries answer and what a repository's .npmrc says
// (analyzers/dependencies/datasources/): the PyPI JSON API, a Go proxy's list and .info,
// the sparse crates index, a Docker tag list, a Bearer challenge, a Helm index.yaml,
// GitHub tags and releases, and `.npmrc` / `.cargo/config.toml` (the same bytes read as
// both). The first byte picks one; any input is a result or a RegistryError, never a
// crash or hang; neither file ever brings a credential in, and every registry either
// sets is an http(s) URL (Cargo's: a sparse index, "sparse+" removed).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 10) {
      case 0:
        (void)parsePypiProject(body, "fuzz");
        break;
      case 1:
        (void)parseGoVersionList(body);
        break;
      case 2:
        (void)parseGoInfo(body, "fuzz");
        break;
      case 3:
        (void)parseCratesIndex(body, "fuzz");
        break;
      case 4:
        (void)parseDockerTags(body, "fuzz");
        break;
      case 5:
        (void)parseAuthChallenge(body);
        break;
      case 6:
        (void)parseHelmIndex(body, "chart", "fuzz");
        break;
      case 7:
        (void)parseGithubTags(body, "fuzz");
        break;
      case 8:
        (void)parseGithubReleases(body, "fuzz");
        break;
      default: {
        RegistrySettings settings;
        std::vector<std::string> warnings;
        settings.applyNpmrc(body, ".npmrc", warnings);
        // A repository's file can point at registries, never bring credentials.
        if (!settings.authFor("https://x.test/p").empty()) __builtin_trap();
        for (const char* name : {"left-pad", "@scope/pkg", "@s/p"}) {
          for (const auto& url : settings.urlsFor("npm", name)) {
            if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) __builtin_trap();
          }
        }
        (void)settings.hosts();
        // The same bytes as a Cargo configuration file, nearest and farther.
        const CargoConfig near = parseCargoConfig(body, ".cargo/config.toml", warnings);
        const CargoConfig far = parseCargoConfig(body, "../.cargo/config", warnings);
        RegistrySettings cargo;
        for (const char* reg : {"", "crates-io", "corp", "my-registry", "mirror"}) {
          const CargoIndex index = cargo.cargoIndex({&near, &far}, reg);
          if (!index.url.empty() && index.url.rfind("https://", 0) != 0 &&
              index.url.rfind("http://", 0) != 0)
            __builtin_trap();
          if (!index.url.empty() && !index.problem.empty()) __builtin_trap();
          if (!cargo.authFor(index.url + "/x").empty()) __builtin_trap();
        }
        for (const auto& [name, raw] : near.registries) {
          (void)raw;
          (void)cargo.cargoIndex({&near}, name);
        }
        break;
      }
    }
  } catch (const RegistryError&) {
    // A clear error naming the registry: what a bad answer must give.
  }
  return 0;
}
