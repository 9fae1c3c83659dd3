// Versioning throughput on a generated list of npm versions and ranges (10,000 versions,
// 1,000 ranges: carets, tildes, x-ranges, hyphens, unions, pre-releases), the same list
// tests/bench/versioning_vs_node.sh gives node-semver in the same run:
//   BM_NpmMatchesStrings      matches(version, range) from text, both parsed every call
//                             (node: semver.satisfies(v, r), which memoizes parsed ranges)
//   BM_NpmMaxSatisfying       maxSatisfying(all versions, range) per range
//   BM_NpmCompareParsed       compareSemVer on parsed versions (sorting's inner loop)
//   BM_Pep440MatchesStrings   the same shape for PEP 440 specifier sets
// `bench_versioning --dump-cases FILE` writes both lists as JSON and exits.
#include "analyzers/dependencies/versioning/versioning.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "analyzers/dependencies/versioning/semver.h"

namespace {

using namespace ddd::analyzers::deps;

struct Cases {
  std::vector<std::string> versions, ranges;
};

const Cases& npmCases() {
  static const Cases cases = [] {
    Cases c;
    std::mt19937 rng(2026);
    auto n = [&](int max) { return std::to_string(rng() % max); };
    static const char* pres[] = {"alpha", "beta.2", "rc.1", "0", "next.11"};
    for (int i = 0; i < 10000; ++i) {
      std::string v = n(20) + "." + n(30) + "." + n(40);
      if (rng() % 6 == 0) v += std::string("-") + pres[rng() % 5];
      c.versions.push_back(v);
    }
    auto partial = [&] {
      switch (rng() % 4) {
        case 0:
          return n(20);
        case 1:
          return n(20) + "." + n(30);
        default:
          return n(20) + "." + n(30) + "." + n(40);
      }
    };
    static const char* ops[] = {"^", "~", ">=", "<", "", "=", ">"};
    for (int i = 0; i < 1000; ++i) {
      std::string r;
      switch (rng() % 6) {
        case 0: {
          const std::string low = partial(), high = partial();
          r.append("").append(low).append(" - ").append(high);
        } break;
        case 1: {
          const std::string low = partial(), high = partial();
          r.append("^").append(low).append(" || ~").append(high);
        } break;
        case 2: {
          const std::string low = partial(), high = partial();
          r.append(">=").append(low).append(" <").append(high);
        } break;
        case 3:
          r = n(20) + ".x";
          break;
        default:
          r = ops[rng() % 7] + partial();
          if (rng() % 8 == 0) r += "-rc.0";
      }
      c.ranges.push_back(r);
    }
    return c;
  }();
  return cases;
}

void BM_NpmMatchesStrings(benchmark::State& state) {
  const auto& c = npmCases();
  const Versioning& npm = *findVersioning("npm");
  size_t i = 0, matched = 0;
  for (auto _ : state) {
    const auto& r = c.ranges[i % c.ranges.size()];
    const auto& v = c.versions[(i * 7919) % c.versions.size()];
    matched += npm.matches(v, r);
    ++i;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NpmMatchesStrings);

void BM_NpmMaxSatisfying(benchmark::State& state) {
  const auto& c = npmCases();
  const Versioning& npm = *findVersioning("npm");
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(npm.maxSatisfying(c.versions, c.ranges[i++ % c.ranges.size()]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.versions.size()));
}
BENCHMARK(BM_NpmMaxSatisfying)->Unit(benchmark::kMillisecond);

void BM_NpmCompareParsed(benchmark::State& state) {
  const auto& c = npmCases();
  std::vector<SemVer> parsed;
  for (const auto& v : c.versions) parsed.push_back(*parseSemVer(v));
  size_t i = 0;
  int sum = 0;
  for (auto _ : state) {
    sum += compareSemVer(parsed[i % parsed.size()], parsed[(i * 31) % parsed.size()]);
    ++i;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NpmCompareParsed);

const Cases& pep440Cases() {
  static const Cases cases = [] {
    Cases c;
    std::mt19937 rng(440);
    auto n = [&](int max) { return std::to_string(rng() % max); };
    for (int i = 0; i < 10000; ++i) {
      std::string v = n(20);
      v += '.';
      v += n(30);
      v += '.';
      v += n(40);
      if (rng() % 6 == 0) v += rng() % 2 ? "rc1" : ".post2";
      c.versions.push_back(v);
    }
    static const char* ops[] = {"~=", ">=", "<", "==", "!="};
    for (int i = 0; i < 1000; ++i) {
      std::string spec = ops[rng() % 5];
      spec += n(20);
      spec += '.';
      spec += n(30);
      spec += ",<";
      spec += n(20);
      c.ranges.push_back(spec);
    }
    return c;
  }();
  return cases;
}

void BM_Pep440MatchesStrings(benchmark::State& state) {
  const auto& c = pep440Cases();
  const Versioning& pep440 = *findVersioning("pep440");
  size_t i = 0, matched = 0;
  for (auto _ : state) {
    matched +=
        pep440.matches(c.versions[(i * 7919) % c.versions.size()], c.ranges[i % c.ranges.size()]);
    ++i;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Pep440MatchesStrings);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--dump-cases") == 0) {
    const auto& c = npmCases();
    const auto& p = pep440Cases();
    std::ofstream(argv[2]) << nlohmann::json{
        {"versions", c.versions},
        {"ranges", c.ranges},
        {"pep440_versions", p.versions},
        {"pep440_specs",
         p.ranges}}.dump();
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
