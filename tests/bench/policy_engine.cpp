// Policy engine throughput (issue: 10,000 changes against 50 rules in < 50 ms).
// BM_Decide10kChanges50Rules: full decisions with explanations (the trace of every rule
// considered), as `ddd scan` makes them; BM_DecideBrief10kChanges50Rules: the same
// decisions with only the deciding rule's reasons. Baselines in the same run:
// BM_MatchOnly10kChanges50Rules (the fast matcher alone, no text) and
// BM_Baseline_CopyChanges (copying the 10,000 changes: the floor of touching the data).
#include <benchmark/benchmark.h>

#include <random>

#include "policies/engine.h"

namespace {

using ddd::analyzers::ProposedChange;
using nlohmann::json;

std::vector<ProposedChange> makeChanges(size_t n) {
  std::mt19937 rng(42);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<ProposedChange> out;
  for (size_t i = 0; i < n; ++i) {
    ProposedChange c;
    c.id = "deps/c" + std::to_string(i);
    c.facts.analyzer =
        pick({"dependencies", "dependencies", "deprecations", "deadcode", "runbooks"});
    c.facts.ecosystem = pick({"npm", "pypi", "go", "cargo", "docker", "github-actions"});
    c.facts.updateType = pick({"major", "minor", "patch", "patch", "digest", "pin"});
    c.facts.dependencyType = pick({"prod", "dev", "peer", "optional"});
    c.facts.releaseAgeDays = static_cast<int64_t>(rng() % 30);
    c.facts.confidence = (rng() % 100) / 100.0;
    c.facts.safe = rng() % 2;
    c.facts.packages = {
        pick({"lodash", "@types/node", "react", "requests", "serde", "eslint-plugin-x"}) +
        std::to_string(rng() % 50)};
    c.facts.ruleIds = {pick({"python.imp", "node.buffer", "k8s.ingress-v1beta1"})};
    for (unsigned k = 1 + rng() % 3; k > 0; --k) {
      ddd::analyzers::FileEdit e;
      e.path = pick({"package.json", "packages/a/package.json", "requirements.txt", "go.mod",
                     "src/app.py", ".github/workflows/ci.yml", "docs/runbooks/daily.md"});
      e.newContent = std::string("x");
      e.spans.push_back({0, 1, std::string(1, 'y'), 1, std::string(1, 'x')});
      c.edits.push_back(std::move(e));
    }
    out.push_back(std::move(c));
  }
  return out;
}

// 50 rules shaped like real configurations; few match, so most changes walk far.
json makeRules() {
  json rules = json::array();
  const std::vector<std::string> eco = {"npm", "pypi", "go", "cargo", "docker"};
  for (int i = 0; i < 50; ++i) {
    json m = json::object();
    switch (i % 7) {
      case 0:
        m = {{"ecosystem", eco[i % 5]}, {"packages", {"lodash1*", "/^@types\\/node4/"}}};
        break;
      case 1:
        m = {{"updateType", "major"}, {"dependencyType", "peer"}, {"minReleaseAgeDays", 28}};
        break;
      case 2:
        m = {{"paths", {"services/**", "infra/*.tf"}}, {"maxFiles", 1}};
        break;
      case 3:
        m = {{"analyzer", "deprecations"}, {"ruleIds", "cpp.*"}};
        break;
      case 4:
        m = {{"allPaths", "docs/**"}, {"labels", "docs"}};
        break;
      case 5:
        m = {{"minConfidence", 0.99}, {"analyzer", "deadcode"}, {"maxLines", 1}};
        break;
      case 6:
        m = {{"packages", "react" + std::to_string(i)}, {"lockfileStale", true}};
        break;
    }
    rules.push_back({{"name", "rule-" + std::to_string(i)}, {"match", m}, {"action", "review"}});
  }
  return rules;
}

const std::vector<ProposedChange>& changes() {
  static const auto c = makeChanges(10000);
  return c;
}

const ddd::policies::PolicyEngine& engine() {
  static const auto e = ddd::policies::PolicyEngine::fromConfig(makeRules(), ".ddd.json");
  return e;
}

void BM_Decide10kChanges50Rules(benchmark::State& state) {
  const auto& cs = changes();
  const auto& e = engine();
  for (auto _ : state) {
    size_t automerge = 0;
    for (const auto& c : cs) {
      automerge += e.decide(c).action == ddd::policies::Action::Automerge;
    }
    benchmark::DoNotOptimize(automerge);
  }
  state.counters["rules"] = static_cast<double>(e.rules().size());
}
BENCHMARK(BM_Decide10kChanges50Rules)->Unit(benchmark::kMillisecond);

void BM_DecideBrief10kChanges50Rules(benchmark::State& state) {
  const auto& cs = changes();
  const auto& e = engine();
  for (auto _ : state) {
    size_t automerge = 0;
    for (const auto& c : cs) {
      automerge += e.decide(c, {}, ddd::policies::Explain::Brief).action ==
                   ddd::policies::Action::Automerge;
    }
    benchmark::DoNotOptimize(automerge);
  }
}
BENCHMARK(BM_DecideBrief10kChanges50Rules)->Unit(benchmark::kMillisecond);

void BM_MatchOnly10kChanges50Rules(benchmark::State& state) {
  const auto& cs = changes();
  const auto& e = engine();
  for (auto _ : state) {
    size_t matched = 0;
    for (const auto& c : cs) {
      const ddd::policies::PreparedChange pc(c);
      for (const auto& r : e.rules()) {
        if (ddd::policies::ruleMatches(r, pc)) {
          ++matched;
          break;
        }
      }
    }
    benchmark::DoNotOptimize(matched);
  }
}
BENCHMARK(BM_MatchOnly10kChanges50Rules)->Unit(benchmark::kMillisecond);

void BM_Baseline_CopyChanges(benchmark::State& state) {
  const auto& cs = changes();
  for (auto _ : state) {
    auto copy = cs;
    benchmark::DoNotOptimize(copy.data());
  }
}
BENCHMARK(BM_Baseline_CopyChanges)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
