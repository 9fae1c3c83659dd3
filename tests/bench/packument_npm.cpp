// The npm packument read for a look-up without a lockfile: the one-pass reader
// (npm_packument.cpp) against the nlohmann SAX reader it replaced, measured in the same
// run, on a generated packument of real shape (tests/support/packument_gen.h: 3,500
// versions, each a whole manifest with description, scripts, dependencies, maintainers,
// dist; time, dist-tags, a 300 KB readme; 3.2 MB):
//   BM_PackumentOnePass            parseNpmPackument on the whole text
//   BM_PackumentOnePassStreamed    the same text as a stream of 64 KiB pieces (as the HTTP
//                                  client hands a body over)
//   BM_PackumentReference          parseNpmPackumentReference (nlohmann::json::sax_parse)
//   BM_PackumentReferenceStreamed  the same as a stream of 64 KiB pieces
//   BM_PackumentOnePassLock        parseNpmPackument with lock entries (a package-lock.json
//                                  next to the manifest: each version's lock fields too)
//   BM_PackumentReferenceLock      the filtered nlohmann document it replaced
// Counters: bytes/s of the document, versions read.
#include <benchmark/benchmark.h>

#include <istream>
#include <streambuf>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/npm_packument.h"
#include "tests/support/packument_gen.h"
#include "tests/support/pieces_streambuf.h"

namespace {

using namespace ddd::analyzers::deps;

const std::string& body() {
  static const std::string text = ddd::testing::PackumentGenerator(42, false).make(3500, 300000);
  return text;
}


template <typename Read>
void run(benchmark::State& state, Read&& read) {
  size_t versions = 0;
  for (auto _ : state) {
    ReleaseInfo info = read();
    versions = info.releases.size();
    benchmark::DoNotOptimize(info);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body().size()));
  state.counters["versions"] = static_cast<double>(versions);
  state.counters["MB"] = static_cast<double>(body().size()) / 1e6;
}

void BM_PackumentOnePass(benchmark::State& state) {
  run(state, [] { return parseNpmPackument(std::string_view(body()), "npm package pkg"); });
}
void BM_PackumentOnePassStreamed(benchmark::State& state) {
  run(state, [] {
    ddd::testing::PiecesStreambuf buf(body(), {65536});
    std::istream in(&buf);
    return parseNpmPackument(in, "npm package pkg");
  });
}
void BM_PackumentReference(benchmark::State& state) {
  run(state, [] { return parseNpmPackumentReference(std::string_view(body()), "npm package pkg"); });
}
void BM_PackumentReferenceStreamed(benchmark::State& state) {
  run(state, [] {
    ddd::testing::PiecesStreambuf buf(body(), {65536});
    std::istream in(&buf);
    return parseNpmPackumentReference(in, "npm package pkg");
  });
}

void BM_PackumentOnePassLock(benchmark::State& state) {
  run(state, [] { return parseNpmPackument(std::string_view(body()), "npm package pkg", true); });
}
void BM_PackumentReferenceLock(benchmark::State& state) {
  run(state, [] {
    return parseNpmPackumentReference(std::string_view(body()), "npm package pkg", true);
  });
}

BENCHMARK(BM_PackumentOnePass)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackumentOnePassStreamed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackumentReference)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackumentReferenceStreamed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackumentOnePassLock)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackumentReferenceLock)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
