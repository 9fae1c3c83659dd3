// What updating package-lock.json costs, on generated documents of realistic shape:
//   BM_PackumentParse          parseNpmPackument on a 600-version packument (each version
//                              with dependencies, scripts, engines, bin, dist; 0.7 MB), as
//                              for a dependency without a lockfile
//   BM_PackumentParseLock      the same, keeping the lock-entry fields (lockEntries: a
//                              package-lock.json sits next to the manifest)
//   BM_PackumentParseBaseline  the same body through the filter the parser used before
//                              lock entries were updated, measured in the same run
//   BM_LockPlan                parseJsonWithSpans + planNpmLockUpdate on a 3,000-entry
//                              lockfile v3 (~1.3 MB; every entry's dependencies checked)
//   BM_LockParseBaseline       nlohmann::json::parse of the same lockfile (what reading
//                              its versions already costs the analyzer)
// Counters: bytes of the document, bytes kept per Release (lockMetadata) per version.
#include "analyzers/dependencies/managers/npm_lockfile.h"

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/managers/json_spans.h"

namespace {

using namespace ddd::analyzers::deps;

const std::string& packumentBody() {
  static const std::string body = [] {
    nlohmann::json j;
    j["name"] = "big";
    j["dist-tags"] = {{"latest", "5.99.9"}};
    j["readme"] = std::string(20000, 'r');
    for (int major = 0; major < 6; ++major) {
      for (int minor = 0; minor < 100; ++minor) {
        const std::string v =
            std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(minor % 10);
        nlohmann::json m = {{"name", "big"},
                            {"version", v},
                            {"description", std::string(200, 'd')},
                            {"license", "MIT"},
                            {"main", "index.js"},
                            {"scripts", {{"test", "jest"}, {"build", "tsc -p ."}}},
                            {"engines", {{"node", ">=14"}}},
                            {"bin", {{"big", "cli.js"}}},
                            {"devDependencies", nlohmann::json::object()},
                            {"_npmUser", {{"name", "someone"}, {"email", "x@example.invalid"}}},
                            {"dist",
                             {{"tarball", "https://r.test/big/-/big-" + v + ".tgz"},
                              {"integrity", "sha512-" + std::string(86, 'a')},
                              {"shasum", std::string(40, 'b')},
                              {"signatures", {{{"keyid", "k"}, {"sig", std::string(96, 's')}}}}}}};
        for (int d = 0; d < 8; ++d) {
          std::string range = "^";  // appended, not "^" + ...: GCC 12's false -Wrestrict
          range.append(std::to_string(major + d)).append(".0.0");
          m["dependencies"]["dep-" + std::to_string(d)] = range;
          m["devDependencies"]["dev-" + std::to_string(d)] = "^1.0.0";
        }
        j["versions"][v] = m;
        j["time"][v] = "2020-01-01T00:00:00.000Z";
      }
    }
    return j.dump();
  }();
  return body;
}

void packumentParse(benchmark::State& state, bool lockEntries) {
  const std::string& body = packumentBody();
  size_t kept = 0, versions = 0;
  for (auto _ : state) {
    ReleaseInfo info = parseNpmPackument(body, "bench", lockEntries);
    versions = info.releases.size();
    kept = 0;
    for (const auto& r : info.releases)
      kept += r.version.size() + r.digest.size() + r.lockMetadata.size() + r.artifactUrl.size();
    benchmark::DoNotOptimize(info);
  }
  state.counters["body_bytes"] = static_cast<double>(body.size());
  state.counters["kept_bytes_per_version"] = static_cast<double>(kept) / versions;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
void BM_PackumentParse(benchmark::State& state) { packumentParse(state, false); }
void BM_PackumentParseLock(benchmark::State& state) { packumentParse(state, true); }
BENCHMARK(BM_PackumentParseLock)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackumentParse)->Unit(benchmark::kMillisecond);

void BM_PackumentParseBaseline(benchmark::State& state) {
  const std::string& body = packumentBody();
  for (auto _ : state) {
    std::string top;
    auto keep = [&top](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      if (event != nlohmann::json::parse_event_t::key) return true;
      const auto& key = parsed.get_ref<const std::string&>();
      if (depth == 1) {
        top = key;
        return key == "versions" || key == "time" || key == "dist-tags" || key == "repository" ||
               key == "homepage" || key == "name";
      }
      if (top != "versions" || depth == 2) return true;
      if (depth == 3) return key == "deprecated" || key == "dist" || key == "repository";
      return key == "integrity" || key == "url" || key == "type";
    };
    nlohmann::json j = nlohmann::json::parse(body, keep, false);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_PackumentParseBaseline)->Unit(benchmark::kMillisecond);

const std::string& lockText() {
  static const std::string text = [] {
    std::string s =
        "{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n"
        "  \"packages\": {\n    \"\": {\n      \"dependencies\": {\n        \"target\": "
        "\"^1.0.0\"\n"
        "      }\n    },\n"
        "    \"node_modules/target\": {\n      \"version\": \"1.0.0\",\n"
        "      \"resolved\": \"https://r.test/target/-/target-1.0.0.tgz\",\n"
        "      \"integrity\": \"sha512-old\",\n      \"license\": \"MIT\"\n    }";
    for (int i = 0; i < 3000; ++i) {
      const std::string n = "pkg-" + std::to_string(i);
      // append(), not a chain of operator+: GCC 12 reports a false -Wrestrict on those.
      s.append(",\n    \"node_modules/").append(n).append("\": {\n      \"version\": \"1.");
      s.append(std::to_string(i % 50)).append(".0\",\n      \"resolved\": \"https://r.test/");
      s.append(n).append("/-/").append(n).append("-1.0.0.tgz\",\n      \"integrity\": \"sha512-");
      s.append(86, 'x').append("\",\n      \"license\": \"MIT\",\n      \"dependencies\": {\n");
      s.append("        \"target\": \"^1.0.0\",\n        \"pkg-");
      s.append(std::to_string((i + 1) % 3000)).append("\": \"^1.0.0\"\n      }\n    }");
    }
    s += "\n  }\n}\n";
    return s;
  }();
  return text;
}

void BM_LockPlan(benchmark::State& state) {
  const std::string& text = lockText();
  Release oldRelease, newRelease;
  oldRelease.version = "1.0.0";
  oldRelease.digest = "sha512-old";
  oldRelease.artifactUrl = "https://r.test/target/-/target-1.0.0.tgz";
  oldRelease.lockMetadata = "{}";
  newRelease = oldRelease;
  newRelease.version = "1.1.0";
  newRelease.digest = "sha512-new";
  newRelease.artifactUrl = "https://r.test/target/-/target-1.1.0.tgz";
  NpmLockTarget t{"target", "dependencies", "^1.0.0",    "^1.1.0",
                  "1.0.0",  "1.1.0",        &oldRelease, &newRelease};
  size_t edits = 0;
  for (auto _ : state) {
    const JsonNode lock = parseJsonWithSpans(text, "package-lock.json");
    NpmLockPlan plan = planNpmLockUpdate(lock, text, t);
    if (!plan.staleReasons.empty()) state.SkipWithError(plan.staleReasons.front().c_str());
    edits = plan.edits.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["lock_bytes"] = static_cast<double>(text.size());
  state.counters["edits"] = static_cast<double>(edits);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LockPlan)->Unit(benchmark::kMillisecond);

void BM_LockParseBaseline(benchmark::State& state) {
  const std::string& text = lockText();
  for (auto _ : state) {
    nlohmann::json j = nlohmann::json::parse(text);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LockParseBaseline)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
