// What reading Cargo's own registry settings costs the dependency analyzer, against its
// baseline in the same run:
//   BM_CargoScanWithConfigs   a workspace of 20 member crates with 20 dependencies each
//                             (every fifth one `registry = "corp"`), a root
//                             .cargo/config.toml replacing crates-io with a sparse mirror
//                             and defining corp, and a nearer .cargo/config.toml in every
//                             member: the analyzer finds, parses and merges them and
//                             resolves each dependency's index; answers from memory
//   BM_CargoScanOperatorIndex the same manifests with no config file and the index given
//                             by the operator (DDD_REGISTRY_CRATES, registry = dropped):
//                             the baseline
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "analyzers/dependencies/analyzer.h"
#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"
#include "analyzers/source_tree.h"

namespace {

using namespace ddd::analyzers;
using namespace ddd::analyzers::deps;

constexpr int kMembers = 20;
constexpr int kDeps = 20;

std::string indexPath(const std::string& name) {
  return name.substr(0, 2) + "/" + name.substr(2, 2) + "/" + name;
}

class MemoryRegistry : public RegistryHttp {
 public:
  std::map<std::string, std::string> bodies;
  HttpResponse get(const HttpRequest& r) override {
    auto it = bodies.find(r.url);
    if (it == bodies.end()) return {404, {}, "{}", ""};
    return {200, {}, it->second, ""};
  }
};

std::string lines(const std::string& name) {
  std::string out;
  for (int v = 0; v < 30; ++v) {
    out += nlohmann::json{{"name", name}, {"vers", "1." + std::to_string(v) + ".0"},
                          {"cksum", "00"}, {"yanked", false}}
               .dump() +
           "\n";
  }
  return out;
}

struct Setup {
  std::map<std::string, std::string> files;
  MemoryRegistry registry;
  RegistrySettings settings;
};

Setup make(bool configs) {
  Setup s;
  std::string members;
  for (int m = 0; m < kMembers; ++m) {
    const std::string dir = "crates/member" + std::to_string(m) + "/";
    std::string manifest = "[package]\nname = \"member" + std::to_string(m) +
                           "\"\nversion = \"0.1.0\"\n\n[dependencies]\n";
    for (int d = 0; d < kDeps; ++d) {
      const std::string name = "crate" + std::to_string(m * kDeps + d);
      const bool corp = configs && d % 5 == 0;
      manifest += name + " = { version = \"1.0\"" +
                  (corp ? std::string(", registry = \"corp\"") : std::string()) + " }\n";
      const std::string base = corp ? "https://corp.bench/index/" : "https://mirror.bench/index/";
      s.registry.bodies[base + indexPath(name)] = lines(name);
    }
    s.files[dir + "Cargo.toml"] = manifest;
    if (configs)
      s.files[dir + ".cargo/config.toml"] =
          "[build]\njobs = 2\n[registries.near]\nindex = \"sparse+https://near.bench/\"\n";
  }
  s.files["Cargo.toml"] = "[workspace]\nmembers = [\"crates/*\"]\n";
  if (configs) {
    s.files[".cargo/config.toml"] =
        "[source.crates-io]\nreplace-with = \"mirror\"\n"
        "[source.mirror]\nregistry = \"sparse+https://mirror.bench/index/\"\n"
        "[registries.corp]\nindex = \"sparse+https://corp.bench/index\"\n";
  } else {
    s.settings.setDefault("crate", {"https://mirror.bench/index"});
  }
  return s;
}

void run(benchmark::State& state, bool configs) {
  Setup s = make(configs);
  MemorySourceTree tree(s.files);
  size_t looked = 0;
  for (auto _ : state) {
    AnalyzerContext ctx;
    ctx.now = 1764000000;
    ctx.registry = &s.registry;
    ctx.registrySettings = &s.settings;
    ctx.config = nlohmann::json{{"minimumReleaseAgeDays", 0}};
    auto r = DependencyAnalyzer().run(tree, ctx);
    looked = r.details["summary"]["outdated"].get<size_t>();
    benchmark::DoNotOptimize(r);
  }
  if (looked != kMembers * kDeps) state.SkipWithError("not every dependency was looked up");
  state.counters["outdated"] = static_cast<double>(looked);
}

void BM_CargoScanWithConfigs(benchmark::State& state) { run(state, true); }
void BM_CargoScanOperatorIndex(benchmark::State& state) { run(state, false); }
BENCHMARK(BM_CargoScanWithConfigs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CargoScanOperatorIndex)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
