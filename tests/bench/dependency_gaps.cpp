// What the engines.node filtering and the helm-oci scheme cost, each against its baseline
// in the same run:
//   BM_EvaluateEnginesStrict   the dependency analyzer on a package.json of 100
//                              dependencies (engines.node ">=16"), each package with 300
//                              versions whose engines.node changes with the major, answers
//                              from memory (no network): constraintsFiltering "strict"
//   BM_EvaluateEnginesNone     the same with constraintsFiltering "none" (the baseline)
//   BM_SortHelmOciTags         helm-oci's sort of 2,000 OCI tags, half spelling build
//                              metadata with "_" ("1.2.3_build.4")
//   BM_SortHelmTags            the helm scheme's sort of the same tags in "+" spelling
//                              (the baseline)
#include <benchmark/benchmark.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/analyzer.h"
#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"
#include "analyzers/dependencies/versioning/versioning.h"
#include "analyzers/source_tree.h"

namespace {

using namespace ddd::analyzers;
using namespace ddd::analyzers::deps;

constexpr int kPackages = 100;
constexpr int kVersions = 300;

class MemoryRegistry : public RegistryHttp {
 public:
  std::map<std::string, std::string> bodies;
  HttpResponse get(const HttpRequest& r) override {
    auto it = bodies.find(r.url);
    if (it == bodies.end()) return {404, {}, "{}", ""};
    return {200, {}, it->second, ""};
  }
};

MemoryRegistry& registry() {
  static MemoryRegistry reg = [] {
    MemoryRegistry r;
    for (int p = 0; p < kPackages; ++p) {
      const std::string name = "pkg" + std::to_string(p);
      nlohmann::json j;
      j["name"] = name;
      std::string latest;
      for (int i = 0; i < kVersions; ++i) {
        const int major = i / 60 + 1;
        latest = std::to_string(major) + "." + std::to_string(i % 60) + ".0";
        // Majors 1-3 run on node >=14; 4-5 need ^18.18.0 || >=20.9.0.
        const std::string engines = major <= 3 ? "^14.17.0 || >=16.0.0" : "^18.18.0 || >=20.9.0";
        j["versions"][latest] = {{"version", latest}, {"engines", {{"node", engines}}}};
        j["time"][latest] = "2022-01-01T00:00:00Z";
      }
      j["dist-tags"] = {{"latest", latest}};
      r.bodies["https://npm.test/" + name] = j.dump();
    }
    return r;
  }();
  return reg;
}

std::string manifest() {
  nlohmann::json j;
  j["name"] = "app";
  j["engines"] = {{"node", ">=16"}};
  for (int p = 0; p < kPackages; ++p) j["dependencies"]["pkg" + std::to_string(p)] = "^1.0.0";
  return j.dump(2);
}

void evaluate(benchmark::State& state, const char* filtering) {
  RegistrySettings settings;
  settings.setDefault("npm", {"https://npm.test"});
  const std::string text = manifest();
  size_t held = 0;
  for (auto _ : state) {
    MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", text}});
    AnalyzerContext ctx;
    ctx.now = 1764000000;
    ctx.registry = &registry();
    ctx.registrySettings = &settings;
    ctx.config = {{"minimumReleaseAgeDays", 0}, {"constraintsFiltering", filtering},
                  {"lookupConcurrency", 1}};
    auto r = DependencyAnalyzer().run(tree, ctx);
    held = 0;
    for (const auto& d : r.details["dependencies"]) held += d.contains("heldByEngines");
    benchmark::DoNotOptimize(r);
  }
  state.counters["held"] = static_cast<double>(held);
}

void BM_EvaluateEnginesStrict(benchmark::State& state) { evaluate(state, "strict"); }
void BM_EvaluateEnginesNone(benchmark::State& state) { evaluate(state, "none"); }

std::vector<std::string> tags(bool underscore) {
  std::vector<std::string> out;
  for (int i = 0; i < 2000; ++i) {
    std::string v = std::to_string(i % 7) + "." + std::to_string(i % 53) + "." + std::to_string(i);
    if (i % 2) v += std::string(underscore ? "_" : "+") + "build." + std::to_string(i);
    out.push_back(v);
  }
  return out;
}

void sortTags(benchmark::State& state, const char* scheme, bool underscore) {
  const Versioning& v = *findVersioning(scheme);
  const auto input = tags(underscore);
  for (auto _ : state) {
    auto sorted = v.sorted(input);
    benchmark::DoNotOptimize(sorted);
    if (sorted.size() != input.size()) state.SkipWithError("a tag was not read as a version");
  }
}
void BM_SortHelmOciTags(benchmark::State& state) { sortTags(state, "helm-oci", true); }
void BM_SortHelmTags(benchmark::State& state) { sortTags(state, "helm", false); }

BENCHMARK(BM_EvaluateEnginesStrict)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EvaluateEnginesNone)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortHelmOciTags)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortHelmTags)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
